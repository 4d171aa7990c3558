import { describe, expect, it } from 'vitest';
import { cosineKnn } from './knn';
import { DEFAULT_LAYOUT, umapLayout } from './layout';
import { mulberry32 } from './random';

// Three well separated clusters of 10 points in 32-D: the map must keep them apart.
function clusters(seed: number): number[][] {
  const r = mulberry32(seed);
  const centres = [0, 1, 2].map(() => Array.from({ length: 32 }, () => r() * 2 - 1));
  const out: number[][] = [];
  for (let c = 0; c < 3; c++) for (let i = 0; i < 10; i++) out.push(centres[c].map((x) => x + (r() - 0.5) * 0.1));
  return out;
}

describe('umapLayout', () => {
  it('is deterministic for a seed and keeps clusters apart', () => {
    const X = clusters(1);
    const a = umapLayout(X);
    const b = umapLayout(X);
    expect(a).toEqual(b);
    const c = umapLayout(X, { ...DEFAULT_LAYOUT, seed: 7 });
    expect(c).not.toEqual(a);
    // every point's nearest neighbour in the map belongs to its own cluster
    for (let i = 0; i < 30; i++) {
      let best = -1;
      let bd = Number.POSITIVE_INFINITY;
      for (let j = 0; j < 30; j++) {
        if (j === i) continue;
        const d = (a[i][0] - a[j][0]) ** 2 + (a[i][1] - a[j][1]) ** 2;
        if (d < bd) [bd, best] = [d, j];
      }
      expect(Math.floor(best / 10)).toBe(Math.floor(i / 10));
    }
  });
  it('handles tiny inputs', () => {
    expect(umapLayout([])).toEqual([]);
    expect(umapLayout([[1, 0]])).toEqual([[0, 0]]);
    const two = umapLayout([
      [1, 0],
      [0, 1],
    ]);
    expect(two).toEqual([
      [-0.5, 0],
      [0.5, 0],
    ]);
    const three = umapLayout([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(three).toHaveLength(3);
    for (const p of three) expect(p.every(Number.isFinite)).toBe(true);
    const five = umapLayout(clusters(3).slice(0, 5));
    expect(five.flat().every(Number.isFinite)).toBe(true);
  });
});

describe('cosineKnn', () => {
  it('ranks by cosine with hand-computed values and ties by row', () => {
    // rows: e1, e2, (e1+e2)/sqrt2, -e1 ; cos(e1, r2) = 1/sqrt2
    const s = Math.SQRT1_2;
    const knn = cosineKnn(
      [
        [1, 0],
        [0, 1],
        [s, s],
        [-1, 0],
      ],
      2,
    );
    expect(knn[0][0][0]).toBe(2);
    expect(knn[0][0][1]).toBeCloseTo(s, 12);
    expect(knn[0][1]).toEqual([1, 0]); // tie at 0 with nothing else; row 1 beats row 3 (-1)
    expect(knn[2].map((x) => x[0])).toEqual([0, 1]); // tie 1/sqrt2: lower row first
    expect(knn[3][0][0]).toBe(1);
  });
});
