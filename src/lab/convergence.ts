// `able lab convergence`, the pure part: how many probes the map needs. For growing n, random probe
// subsets (seeded) give each model a vector from those probes only; compared with the full vectors on
// the same coordinates (cosine) and by each model's ranking of the others (Kendall tau-b).
import { mulberry32 } from '../atlas/random';
import { type Aggregation, aggregate } from './variants';

/** Kendall tau-b between two score lists (ties in either list handled as in scipy.stats.kendalltau). */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let conc = 0;
  let disc = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tx++;
      else if (dy === 0) ty++;
      else if (dx === dy) conc++;
      else disc++;
    }
  const d = Math.sqrt((conc + disc + tx) * (conc + disc + ty));
  return d === 0 ? Number.NaN : (conc - disc) / d;
}

function sample(n: number, of: number, rand: () => number): number[] {
  const idx = Array.from({ length: of }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (of - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, n).sort((a, b) => a - b);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export interface ConvergencePoint {
  n: number;
  /** mean over repeats and models of cos(subset vector, full vector on the subset's coordinates) */
  cosine: number;
  /** mean over repeats and models of Kendall tau-b between the neighbour similarities from the subset and from all probes */
  tau: number;
  tauMin: number;
}

export function convergence(
  blocks: Map<string, Float64Array[]>,
  aggregation: Aggregation,
  sizes: number[],
  repeats: number,
  seed = 20261204,
): ConvergencePoint[] {
  const ids = [...blocks.keys()];
  const nProbes = blocks.get(ids[0])!.length;
  const full = ids.map((id) => aggregate(blocks.get(id)!, aggregation));
  const offsets: number[] = [];
  let off = 0;
  for (const b of blocks.get(ids[0])!) {
    offsets.push(off);
    off += b.length;
  }
  const simsOf = (v: ArrayLike<number>[]) => v.map((a, i) => v.map((b, j) => (i === j ? Number.NaN : dot(a, b))));
  const fullSims = simsOf(full);
  const rand = mulberry32(seed);
  return sizes.map((n) => {
    if (n < 1 || n > nProbes) throw new Error(`convergence: subset size ${n} outside 1..${nProbes}`);
    let cos = 0;
    let tau = 0;
    let tauMin = 1;
    let count = 0;
    for (let r = 0; r < repeats; r++) {
      const pick = sample(n, nProbes, rand);
      const sub = ids.map((id) => aggregate(pick.map((p) => blocks.get(id)![p]), aggregation));
      const subSims = simsOf(sub);
      ids.forEach((_, i) => {
        const restricted = pick.flatMap((p) => Array.from(full[i].subarray(offsets[p], offsets[p] + blocks.get(ids[i])![p].length)));
        const nr = Math.sqrt(dot(restricted, restricted));
        cos += nr > 0 ? dot(sub[i], restricted) / nr : 0;
        const others = ids.map((_, j) => j).filter((j) => j !== i);
        const t = kendallTauB(
          others.map((j) => subSims[i][j]),
          others.map((j) => fullSims[i][j]),
        );
        tau += t;
        tauMin = Math.min(tauMin, t);
        count++;
      });
    }
    return { n, cosine: cos / count, tau: tau / count, tauMin };
  });
}
