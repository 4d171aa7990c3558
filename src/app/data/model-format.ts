// Small display helpers for model metadata.
import type { AtlasModel } from './atlas-types';

export function formatParams(b: number | null): string {
  if (b === null || !Number.isFinite(b)) return 'unknown';
  return b >= 1 ? `${Number(b.toPrecision(3))}B` : `${Number((b * 1000).toPrecision(3))}M`;
}

/** The model's best benchmark score (the average excluded). */
export function topBenchmark(m: AtlasModel): { key: string; value: number } | null {
  let best: { key: string; value: number } | null = null;
  for (const [key, value] of Object.entries(m.benchmarks ?? {})) {
    if (key === 'avg' || typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (!best || value > best.value) best = { key, value };
  }
  return best;
}

/** Benchmark keys present in the atlas, in first-seen order. */
export function benchmarkKeys(models: AtlasModel[]): string[] {
  const keys = new Set<string>();
  for (const m of models) for (const [k, v] of Object.entries(m.benchmarks ?? {})) if (typeof v === 'number') keys.add(k);
  return [...keys];
}

/** A benchmark score of a model, or null when it has none. */
export function benchmarkValue(m: AtlasModel, key: string): number | null {
  const v = (m.benchmarks as Record<string, number> | null)?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export const hubUrl = (id: string) => `https://huggingface.co/${id.split('/').map(encodeURIComponent).join('/')}`;
