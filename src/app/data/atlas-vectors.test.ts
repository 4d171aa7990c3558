import { describe, expect, it } from 'vitest';
import { encodeFloat16 } from '../../atlas/float16';
import { type AtlasJson, type AtlasModel, readAtlas } from '../../atlas/format';
import { queryKnn } from '../../atlas/knn';
import { mulberry32 } from '../../atlas/random';
import { AtlasVectors } from './atlas-vectors';
import { ExplorerData } from './explorer-data';

// 40 embedded models (rows in reverse order, to tell rows from model indices) and one without a row
function smallAtlas() {
  const n = 40;
  const dim = 12;
  const rnd = mulberry32(7);
  const values = Float32Array.from({ length: n * dim }, () => rnd() - 0.5);
  const model = (i: number, row: number | null): AtlasModel => ({
    id: `org/m${i}`,
    family: 'F',
    organisation: 'org',
    paramsB: 1,
    architecture: null,
    licence: null,
    lineage: [],
    benchmarks: null,
    benchmarkSource: null,
    row,
    xy: row === null ? null : [i, i],
    knn: [],
    provenance: null,
    origin: 'manifest',
  });
  const json: AtlasJson = {
    format: 'able-atlas/1',
    spec: null,
    specHash: null,
    dim,
    probes: [{ id: 'p', domain: 'd', context: 'abc', target: 'x', words: [[0, 3]], offset: 0 }],
    embeddings: { file: 'embeddings.f16', dtype: 'float16', rows: n },
    layout: { method: 'umap', nNeighbors: 15, minDist: 0.1, seed: 1, metric: 'cosine' },
    knnK: 0,
    models: [...Array.from({ length: n }, (_, i) => model(i, n - 1 - i)), model(n, null)],
  };
  return readAtlas(json, encodeFloat16(values));
}

describe('AtlasVectors', () => {
  it('decodes nothing until asked, then answers as queryKnn over the decoded rows', () => {
    const atlas = smallAtlas();
    let decodes = 0;
    const counted = {
      ...atlas,
      vector: (r: number) => {
        decodes++;
        return atlas.vector(r);
      },
    };
    const v = new AtlasVectors(counted);
    expect(decodes).toBe(0);
    const rows = Array.from({ length: atlas.json.embeddings.rows }, (_, r) => atlas.vector(r));
    const got = v.neighbours(5, 6);
    const row = atlas.json.models[5].row!;
    const want = queryKnn(rows[row], rows, 7)
      .filter(([r]) => r !== row)
      .slice(0, 6)
      .map(([r, c]) => ({ index: atlas.json.models.findIndex((m) => m.row === r), cosine: c }));
    expect(got).toEqual(want);
    v.similarityTo(3);
    v.vector(0);
    expect(decodes).toBe(40); // each row once
  });

  it('warms up a few rows at a time, each decoded once', () => {
    const atlas = smallAtlas();
    let decodes = 0;
    const v = new AtlasVectors({
      ...atlas,
      vector: (r: number) => {
        decodes++;
        return atlas.vector(r);
      },
    });
    v.vector(30); // model 30 is row 9
    expect(v.warm(16)).toBe(false);
    expect(decodes).toBe(16);
    expect(v.warm(16)).toBe(false);
    expect(v.warm(16)).toBe(true);
    expect(decodes).toBe(40);
    expect(v.vector(30)).toEqual(atlas.vector(9));
    v.neighbours(0, 3);
    expect(decodes).toBe(40);
  });

  it('has no vector, neighbours or similarity for a model without a row', () => {
    const atlas = smallAtlas();
    const v = new AtlasVectors(atlas);
    const last = atlas.json.models.length - 1;
    expect(v.vector(last)).toBeNull();
    expect(v.neighbours(last, 3)).toEqual([]);
    expect(v.similarityTo(0)[last]).toBeNaN();
    expect(v.probeSlice(0, 0)).toEqual(atlas.vector(atlas.json.models[0].row!).subarray(0, 1));
  });

  it('ExplorerData needs only the metadata', () => {
    const data = new ExplorerData(smallAtlas().json);
    expect(data.embedded).toHaveLength(40);
    expect(data.byId.get('org/m3')).toBe(3);
    expect(data.isEmbedded(40)).toBe(false);
  });
});
