// Aggregation variants of the ABLE vector for the method ablation (docs/method.md): how per-probe word
// attributions become one vector. v1 is { sign: 'signed', transform: 'none', norm: 'l1', weight: 'uniform' }
// (METHOD.md section 6). Pure: per-probe word vectors in, a unit vector out.
import type { ProbeSet } from '../able/probes/index';
import { probeWordCounts } from '../able/aggregate';

export interface Aggregation {
  /** signed word attributions, or their magnitudes */
  sign: 'signed' | 'abs';
  /** within a probe: values as they are, or their centred ranks scaled to [-1, 1] (robust to a few large words) */
  transform: 'none' | 'rank';
  /** per-probe normalization before concatenation */
  norm: 'l1' | 'l2' | 'none';
  /** uniform: every probe block counts the same; words: every word does (block scaled by sqrt of its length) */
  weight: 'uniform' | 'words';
}

export const V1_AGGREGATION: Aggregation = { sign: 'signed', transform: 'none', norm: 'l1', weight: 'uniform' };

export function aggregationName(a: Aggregation): string {
  return `${a.sign}/${a.transform}/${a.norm}/${a.weight}`;
}

/** Word count of each probe's context, in probe-set order: the block layout of every ABLE vector. */
export function probeBlocks(probes: ProbeSet): { id: string; start: number; length: number }[] {
  const lengths = probeWordCounts(probes.probes);
  let start = 0;
  return probes.probes.map((p, i) => {
    const length = lengths[i];
    const b = { id: p.id, start, length };
    start += length;
    return b;
  });
}

/** The per-probe blocks of a stored vector (each block as stored, i.e. up to the vector's scaling). */
export function splitBlocks(vector: ArrayLike<number>, blocks: ReturnType<typeof probeBlocks>): Float64Array[] {
  const dim = blocks.reduce((n, b) => n + b.length, 0);
  if (vector.length !== dim) throw new Error(`vector has ${vector.length} values, the probe set's words are ${dim}`);
  return blocks.map((b) => Float64Array.from({ length: b.length }, (_, i) => vector[b.start + i]));
}

/** Centred average ranks scaled to [-1, 1]; a constant block gives zeros. */
function centredRanks(x: Float64Array): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
    i = j + 1;
  }
  const half = (n - 1) / 2;
  return r.map((v) => (half === 0 ? 0 : (v - half) / half));
}

function normOf(x: Float64Array, kind: 'l1' | 'l2'): number {
  let s = 0;
  for (const v of x) s += kind === 'l1' ? Math.abs(v) : v * v;
  return kind === 'l1' ? s : Math.sqrt(s);
}

/** One unit-L2 vector from per-probe word attributions under an aggregation; an all-zero probe stays zero. */
export function aggregate(blocks: Float64Array[], a: Aggregation): Float64Array {
  const parts = blocks.map((b) => {
    let x: Float64Array = a.sign === 'abs' ? b.map(Math.abs) : Float64Array.from(b);
    if (a.transform === 'rank') x = centredRanks(x);
    if (a.norm !== 'none') {
      const n = normOf(x, a.norm);
      if (n > 0) x = x.map((v) => v / n);
    }
    if (a.weight === 'words') {
      const w = Math.sqrt(x.length);
      x = x.map((v) => v * w);
    }
    return x;
  });
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  const l2 = normOf(out, 'l2');
  if (!(l2 > 0)) throw new Error('aggregate: the vector is zero');
  return out.map((v) => v / l2);
}

/** The aggregation grid of the ablation: every combination, v1 first. */
export function aggregationGrid(): Aggregation[] {
  const out: Aggregation[] = [V1_AGGREGATION];
  for (const sign of ['signed', 'abs'] as const)
    for (const transform of ['none', 'rank'] as const)
      for (const norm of ['l1', 'l2', 'none'] as const)
        for (const weight of ['uniform', 'words'] as const) {
          const a = { sign, transform, norm, weight };
          if (aggregationName(a) !== aggregationName(V1_AGGREGATION)) out.push(a);
        }
  return out;
}

/** v - c, renormalized: centring by a fixed reference vector (part of a spec, never a population mean). */
export function centreBy(v: ArrayLike<number>, c: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v, (x, i) => x - c[i]);
  const l2 = normOf(out, 'l2');
  if (!(l2 > 0)) throw new Error('centreBy: the vector equals the reference');
  return out.map((x) => x / l2);
}
