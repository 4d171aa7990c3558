import { describe, expect, it } from 'vitest';
import { type AtlasPoint, nearest, placeOnMap, predictScores, TWIN_COSINE, weightedMean } from './predict';

// Four atlas points in 2-D with known cosines to the query q = (1, 0):
// a (1,0): 1; b (1,1): 1/sqrt2; c (0,1): 0; d (-1,0): -1.
const pts: AtlasPoint[] = [
  { index: 10, vector: [0, 1], xy: [5, 5], benchmarks: { avg: 0.9 } }, // c
  { index: 11, vector: [1, 0], xy: [0, 0], benchmarks: { avg: 0.2 } }, // a
  { index: 12, vector: [-1, 0], xy: [9, 9], benchmarks: null }, // d
  { index: 13, vector: [1, 1], xy: [2, 4], benchmarks: { avg: 0.5, ifeval: 0.3 } }, // b
];
const q = [1, 0];
const r = Math.SQRT1_2;

describe('in-tab predictions', () => {
  it('orders neighbours by cosine and reports atlas indices', () => {
    const nn = nearest(q, pts, 3);
    expect(nn.map((n) => n.index)).toEqual([11, 13, 10]);
    expect(nn[1].cosine).toBeCloseTo(r, 12);
    expect(nn[2].cosine).toBeCloseTo(0, 12);
  });

  it('weights by clipped cosine, and falls back to the plain mean when all weights are 0', () => {
    expect(weightedMean([1, 3], [1, 3])).toBeCloseTo((1 + 9) / 4, 12);
    expect(weightedMean([1, 3], [1, -5])).toBe(1);
    expect(weightedMean([1, 3], [0, -1])).toBe(2);
  });

  it('places at the similarity-weighted mean of the k nearest xy when no atlas model is a twin', () => {
    const q2 = [1, 0.05]; // cosine to a is 0.99875, below TWIN_COSINE
    const n = Math.hypot(1, 0.05);
    const wa = 1 / n;
    const wb = (1 + 0.05) / (n * Math.SQRT2);
    const p = placeOnMap(q2, pts, 2)!;
    // a (xy 0,0) and b (xy 2,4)
    expect(p.anchored).toBe(false);
    expect(p.xy[0]).toBeCloseTo((2 * wb) / (wa + wb), 12);
    expect(p.xy[1]).toBeCloseTo((4 * wb) / (wa + wb), 12);
    expect(p.from.map((x) => x.index)).toEqual([11, 13]);
    expect(placeOnMap(q, pts.map((x) => ({ ...x, xy: null })))).toBeNull();
  });

  it('places a twin of an atlas model (cosine >= TWIN_COSINE) on that model', () => {
    const p = placeOnMap([1, 1e-3], pts, 2)!; // cosine to a: 0.9999995
    expect(p.anchored).toBe(true);
    expect(p.xy).toEqual([0, 0]);
    expect(p.from[0].cosine).toBeGreaterThanOrEqual(TWIN_COSINE);
  });

  it('predicts each benchmark from the k nearest points that have it', () => {
    const s = predictScores(q, pts, ['avg', 'ifeval', 'math'], 2);
    expect(s.map((x) => x.key)).toEqual(['avg', 'ifeval']); // no point has math
    expect(s[0].from).toEqual([11, 13]);
    expect(s[0].value).toBeCloseTo((0.2 + 0.5 * r) / (1 + r), 12);
    expect(s[1].from).toEqual([13]);
    expect(s[1].value).toBeCloseTo(0.3, 12);
  });
});
