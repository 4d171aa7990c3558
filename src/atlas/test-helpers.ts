// Test doubles shared by the atlas tests: embedding records and manifest entries with the shapes of
// the real files. Their numbers are made up for exercising code paths, never reported as results.
import type { EmbeddingRecord } from '../able/embedding-file';
import { PROBE_SET_V1, probeSetRef } from '../able/probes';
import { type AbleSpec, makeSpec, specHash } from '../able/spec';
import type { ManifestEntry } from './manifest';
import { atlasProbes } from './merge';
import { mulberry32, seedFromString } from './random';

export const TEST_SPEC: AbleSpec = {
  methodVersion: 1,
  probeSet: { id: 'test', sha256: '0'.repeat(64) },
  attribution: 'gxi',
  alignment: 'char-overlap',
  normalization: 'l1-per-probe+l2',
  dtype: 'float32',
};

export function testRecord(id: string, vector: number[], targetLogProbs: number[] = [], specHash = 'f'.repeat(64)): EmbeddingRecord {
  return {
    format: 'able-embedding/1',
    spec: TEST_SPEC,
    specHash,
    model: id.endsWith('.gguf') ? { file: id, sha256: '1'.repeat(64) } : { hubId: id, revision: 'main' },
    engine: { name: 'able-atlas', version: '0.1.0', provider: 'cpu' },
    computed: { where: 'test double', date: '2026-01-01T00:00:00Z', wallTimeS: 0 },
    probeTimingsMs: [],
    targetLogProbs,
    dim: vector.length,
    vector: Float32Array.from(vector),
  };
}

export function testEntry(id: string, over: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    id,
    leaderboardId: `${id}_x`,
    csvRow: 0,
    family: 'F',
    organisation: id.split('/')[0],
    paramsB: 1,
    architecture: 'LlamaForCausalLM',
    licence: 'mit',
    generation: 0,
    modelType: 'pretrained',
    isMerged: false,
    lineage: [],
    benchmarks: { ifeval: 0, bbh: 0, math: 0, gpqa: 0, musr: 0, mmlu_pro: 0, avg: 0 },
    benchmarkSource: 'open-llm-leaderboard-v2',
    ...over,
  };
}

/**
 * A test double for the engine on the real v1 probe set (file logic only): each model id gets a seeded
 * random unit vector of v1's dimension under the v1 spec, as `atlas build`'s embedOne would return.
 */
export async function v1FakeEngine() {
  const spec = makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1) });
  const hash = await specHash(spec);
  const dim = atlasProbes(PROBE_SET_V1.probes).reduce((s, p) => s + p.words.length, 0);
  const nProbes = PROBE_SET_V1.probes.length;
  const embedOne = async (entry: ManifestEntry): Promise<EmbeddingRecord> => {
    const r = mulberry32(seedFromString(entry.id));
    const v = Float32Array.from({ length: dim }, () => r() - 0.5);
    const norm = Math.hypot(...v);
    return {
      format: 'able-embedding/1',
      spec,
      specHash: hash,
      model: { hubId: entry.id, revision: 'main' },
      engine: { name: 'able-atlas', version: '0.1.0', provider: 'cpu' },
      computed: { where: 'test double', date: '2026-01-01T00:00:00Z', wallTimeS: 0 },
      probeTimingsMs: Array(nProbes).fill(1),
      targetLogProbs: Array.from({ length: nProbes }, () => -5 * r()),
      dim,
      vector: v.map((x) => x / norm),
    };
  };
  return { spec, hash, dim, nProbes, embedOne };
}
