import { describe, expect, it } from 'vitest';
import { colourScale, MISSING, OKABE_ITO, OTHER, type Scalable, sizeScale } from './colour';
import { anyOverlap, placeLabels } from './labels';
import { buildScene, fitBase, hitTest } from './scene';

const m = (family: string, paramsB: number | null, bbh?: number): Scalable => ({
  family,
  organisation: `${family}-org`,
  architecture: 'LlamaForCausalLM',
  paramsB,
  benchmarks: bbh === undefined ? {} : { bbh },
});

describe('colour scales', () => {
  it('gives Okabe-Ito colours to the most frequent categories and grey to the rest', () => {
    const fams = ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const models = fams.map((f) => m(f, 1));
    const s = colourScale(models, 'family', null);
    expect(s.colour(0)).toBe(OKABE_ITO[0]); // a: 3 models
    expect(s.colour(3)).toBe(OKABE_ITO[1]); // b: 2 models
    expect(s.colour(5)).toBe(OKABE_ITO[2]); // c: first of the singletons by name
    expect(s.colour(11)).toBe(OTHER); // i: 8th singleton-ranked category
    if (s.legend.kind !== 'categorical') throw new Error('expected categorical');
    expect(s.legend.items.map((x) => x.count)).toEqual([3, 2, 1, 1, 1, 1, 1, 2]);
    expect(s.legend.items.at(-1)!.label).toBe('other (2)');
  });

  it('colours parameters on a log scale: the geometric middle gets the middle of viridis', () => {
    const s = colourScale([m('a', 0.1), m('a', 1), m('a', 10), m('a', null)], 'params', null);
    // viridis ramp entries 127/128 of 256 (0.5 on the log scale, up to rounding of Math.log)
    expect(['#21908d', '#21918c']).toContain(s.colour(1));
    expect(s.colour(0)).toBe('#440154');
    expect(s.colour(2)).toBe('#fde725');
    expect(s.colour(3)).toBe(MISSING);
    expect(s.legend).toMatchObject({ kind: 'continuous', log: true, domain: [0.1, 10] });
  });

  it('colours a benchmark linearly and similarity from the given cosines', () => {
    const models = [m('a', 1, 10), m('a', 1, 20), m('a', 1, 30)];
    expect(['#21908d', '#21918c']).toContain(colourScale(models, 'bench:bbh', null).colour(1));
    const sim = colourScale(models, 'similarity', Float64Array.from([1, 0.5, 0]));
    expect(sim.colour(0)).toBe('#fde725');
    expect(colourScale(models, 'similarity', null).colour(0)).toBe(MISSING);
  });

  it('sizes by log parameters between 2.5 and 12 px', () => {
    const r = sizeScale([m('a', 0.1), m('a', 1), m('a', 10)], 'params');
    expect(r(0)).toBeCloseTo(2.5);
    expect(r(2)).toBeCloseTo(12);
    expect(r(1)).toBeCloseTo(2.5 + (12 - 2.5) * Math.sqrt(0.5));
  });
});

describe('label placement', () => {
  const measure = (t: string) => t.length * 7;
  it('never overlaps and prefers higher priority', () => {
    // a dense cluster: 30 points within 20 px
    const cands = Array.from({ length: 30 }, (_, i) => ({
      index: i,
      x: 200 + (i % 5) * 4,
      y: 200 + Math.floor(i / 5) * 4,
      r: 3,
      text: `model-${i}`,
      priority: i,
    }));
    const placed = placeLabels(cands, measure, 800, 600);
    expect(placed.length).toBeGreaterThan(1);
    expect(placed.length).toBeLessThan(30);
    expect(anyOverlap(placed)).toBe(false);
    expect(placed[0].index).toBe(29);
  });

  it('keeps labels inside the viewport and places isolated points', () => {
    const placed = placeLabels(
      [
        { index: 0, x: 795, y: 300, r: 3, text: 'edge-right', priority: 1 },
        { index: 1, x: 100, y: 100, r: 3, text: 'alone', priority: 0 },
      ],
      measure,
      800,
      600,
    );
    expect(placed.map((p) => p.index)).toEqual([0, 1]);
    expect(placed[0].x + placed[0].w).toBeLessThanOrEqual(800);
    expect(placed[1].x).toBeGreaterThan(100); // right of its point
  });
});

describe('map scene', () => {
  // 40 points on a jittered grid in a 400 x 300 view, some closer than a label is long
  const xy: [number, number][] = Array.from({ length: 40 }, (_, i) => [(i % 8) + ((i * 7) % 3) * 0.2, Math.floor(i / 8) + ((i * 5) % 4) * 0.15]);
  const ids = xy.map((_, i) => `org/model-${i}`);
  const base = fitBase(xy, 400, 300);
  const scene = buildScene({
    width: 400,
    height: 300,
    view: { sx: base.sx, sy: base.sy, k: 1, tx: 0, ty: 0 },
    xy,
    visible: ids.map((_, i) => i),
    ids,
    colour: () => '#000',
    radius: (i) => (i % 3 === 0 ? 7 : 4),
    priority: (i) => i,
    selected: 5,
    compare: null,
    highlighted: new Set([6, 7]),
    edges: [{ from: 5, to: 6, type: 'merge' }],
    marker: null,
    cluster: null,
    measure: (t) => t.length * 7,
  });

  it('places labels on no dot and on no other label, the selection first', () => {
    expect(scene.labels.length).toBeGreaterThan(5);
    for (const l of scene.labels) {
      for (const p of scene.points) {
        const hit = l.x < p.x + p.r && p.x - p.r < l.x + l.w && l.y - l.h < p.y + p.r && p.y - p.r < l.y + 3;
        expect(hit, `label ${l.text} on dot ${p.id}`).toBe(false);
      }
    }
    expect(anyOverlap(scene.labels)).toBe(false);
    expect(scene.labels[0].index).toBe(5);
    // roles: the selection is drawn last, its neighbours marked
    expect(scene.points.at(-1)).toMatchObject({ index: 5, role: 'selected' });
    expect(scene.points.filter((p) => p.role === 'neighbour').map((p) => p.index)).toEqual([6, 7]);
    expect(scene.edges).toHaveLength(1);
  });

  it('hit-tests from the same geometry it draws', () => {
    const p = scene.points.find((q) => q.index === 12)!;
    expect(hitTest(scene, p.x + 1, p.y - 1)).toBe(12);
    expect(hitTest(scene, -50, -50)).toBeNull();
  });
});
