import { describe, expect, it } from 'vitest';
import type { AtlasProbe } from '../data/atlas-types';
import { compareProbes } from './compare';

const probe = (id: string, n: number, offset: number): AtlasProbe => ({
  id,
  domain: 'd',
  context: 'x',
  target: 'y',
  words: Array.from({ length: n }, (_, i): [number, number] => [i, i + 1]),
  offset,
});

describe('compare probes', () => {
  it('slices each probe and sorts by disagreement', () => {
    const probes = [probe('same', 2, 0), probe('opposite', 2, 2), probe('orthogonal', 2, 4)];
    const a = Float32Array.from([1, 2, 1, 0, 1, 0]);
    const b = Float32Array.from([2, 4, -1, 0, 0, 3]);
    const rows = compareProbes(probes, a, b);
    expect(rows.map((r) => probes[r.probe].id)).toEqual(['opposite', 'orthogonal', 'same']);
    expect(rows.map((r) => r.cosine)).toEqual([-1, 0, 1].map((x) => expect.closeTo(x, 12)));
    expect(Array.from(rows[0].a)).toEqual([1, 0]);
    expect(Array.from(rows[0].b)).toEqual([-1, 0]);
  });
});
