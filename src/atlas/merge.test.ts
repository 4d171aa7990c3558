import { describe, expect, it } from 'vitest';
import type { Probe } from '../able/probes';
import { readAtlas } from './format';
import { mergeAtlas } from './merge';
import { TEST_SPEC, testEntry, testRecord } from './test-helpers';

// Two probes with 3 and 2 words: dim 5.
const probes: Probe[] = [
  { id: 'p1', domain: 'facts', context: 'The sky is', target: ' blue' },
  { id: 'p2', domain: 'code', context: 'x =', target: ' 1' },
];
const probeSet = TEST_SPEC.probeSet;
const s = Math.SQRT1_2;
const manifest = { models: [testEntry('a/one'), testEntry('a/two'), testEntry('b/three'), testEntry('b/unbuilt')] };
const embeddings = [
  testRecord('b/three', [0, 0, 0, 0, 1]),
  testRecord('a/one', [1, 0, 0, 0, 0]),
  testRecord('a/two', [s, s, 0, 0, 0]),
  testRecord('lab-model.gguf', [0.6, 0, 0, 0.8, 0]),
];

describe('mergeAtlas', () => {
  const { atlasJson, embeddingsF16 } = mergeAtlas({ manifest, embeddings, probes, probeSet, knnK: 2, lab: [{ id: 'lab-model.gguf', family: 'SmolLM2' }] });
  it('lays out probes with word spans and offsets', () => {
    expect(atlasJson.dim).toBe(5);
    expect(atlasJson.probes.map((p) => [p.offset, p.words])).toEqual([
      [0, [[0, 3], [4, 7], [8, 10]]],
      [3, [[0, 1], [2, 3]]],
    ]);
  });
  it('gives every manifest model an entry, rows only to embedded ones, lab models after', () => {
    expect(atlasJson.models.map((m) => [m.id, m.row, m.origin])).toEqual([
      ['a/one', 0, 'manifest'],
      ['a/two', 1, 'manifest'],
      ['b/three', 2, 'manifest'],
      ['b/unbuilt', null, 'manifest'],
      ['lab-model.gguf', 3, 'lab'],
    ]);
    const unbuilt = atlasJson.models[3];
    expect([unbuilt.xy, unbuilt.knn, unbuilt.provenance]).toEqual([null, [], null]);
    expect(atlasJson.models[4].family).toBe('SmolLM2');
    expect(atlasJson.embeddings).toEqual({ file: 'embeddings.f16', dtype: 'float16', rows: 4 });
  });
  it('computes kNN in the full space (hand-computed cosines)', () => {
    // one: two (0.7071), lab (0.6); lab: one (0.6), two (0.4243)
    const knn = (id: string) => atlasJson.models.find((m) => m.id === id)!.knn;
    expect(knn('a/one').map((x) => x[0])).toEqual([1, 3]);
    expect(knn('a/one')[0][1]).toBeCloseTo(s, 6);
    expect(knn('a/one')[1][1]).toBeCloseTo(0.6, 6);
    expect(knn('lab-model.gguf')[1][1]).toBeCloseTo(0.6 * s, 6);
  });
  it('stores float16 rows that the reader decodes', () => {
    expect(embeddingsF16.byteLength).toBe(4 * 5 * 2);
    const atlas = readAtlas(JSON.parse(JSON.stringify(atlasJson)), embeddingsF16);
    const v = atlas.vector(1);
    expect(v[0]).toBeCloseTo(s, 3);
    expect(Math.abs(v[0] - s)).toBeLessThan(2 ** -11); // float16 relative step
    expect([...atlas.vector(3)].map((x) => Math.round(x * 1000) / 1000)).toEqual([0.6, 0, 0, 0.8, 0]);
    expect(() => readAtlas(atlasJson, embeddingsF16.slice(2))).toThrow(/expected rows 4/);
  });
  it('refuses mixed specs, wrong dims and duplicates', () => {
    const other = testRecord('c/x', [1, 0, 0, 0, 0], [], 'e'.repeat(64));
    expect(() => mergeAtlas({ manifest, embeddings: [...embeddings, other], probes, probeSet })).toThrow(/not comparable/);
    expect(() => mergeAtlas({ manifest, embeddings: [testRecord('c/x', [1, 0])], probes, probeSet })).toThrow(/dim 2/);
    expect(() => mergeAtlas({ manifest, embeddings: [embeddings[0], embeddings[0]], probes, probeSet })).toThrow(/two embeddings/);
  });
  it('refuses embeddings computed on another probe set than the one given', () => {
    const v2 = { id: 'v2', sha256: 'c'.repeat(64) };
    expect(() => mergeAtlas({ manifest, embeddings, probes, probeSet: v2 })).toThrow(
      'merge: b/three was computed on probe set test (sha256 000000000000), but the probes given are v2 (sha256 cccccccccccc)',
    );
  });
});
