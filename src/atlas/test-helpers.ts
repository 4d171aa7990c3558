// Test doubles shared by the atlas tests: embedding records and manifest entries with the shapes of
// the real files. Their numbers are made up for exercising code paths, never reported as results.
import type { EmbeddingRecord } from '../able/embedding-file';
import type { AbleSpec } from '../able/spec';
import type { ManifestEntry } from './manifest';

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
