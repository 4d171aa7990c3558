// "Why are these two neighbours?" as numbers. With both vectors scaled to unit length, their cosine
// is a sum over probes of sum_w a_w b_w, and their squared distance 2 - 2 cos is a sum over probes
// of sum_w (a_w - b_w)^2. Each probe's (and word's) share of those sums says what makes the two
// models alike and what sets them apart; the shares add up exactly to the totals.
import type { AtlasProbe } from '../data/atlas-types';

export interface ProbeShare {
  probe: number; // index into the atlas probes
  similarity: number; // sum_w a_w b_w over the probe's words (unit vectors)
  difference: number; // sum_w (a_w - b_w)^2
}

export interface WordShare {
  probe: number;
  word: number; // index of the word within the probe
  similarity: number; // a_w b_w
  difference: number; // (a_w - b_w)^2
}

export interface WhySummary {
  cosine: number;
  probes: ProbeShare[]; // in probe-set order
  similar: ProbeShare[]; // top probes by similarity share, largest first (ties: probe order)
  different: ProbeShare[]; // top probes by difference share
  similarWords: WordShare[];
  differentWords: WordShare[];
  /** the largest |a_w| or |b_w| over all probes: one colour scale for every probe shown */
  scale: number;
  a: Float64Array; // the unit vectors
  b: Float64Array;
}

const unit = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s) || 1;
  return Float64Array.from({ length: v.length }, (_, i) => v[i] / n);
};

export function whyNeighbours(probes: AtlasProbe[], va: ArrayLike<number>, vb: ArrayLike<number>, top = 5): WhySummary {
  const a = unit(va);
  const b = unit(vb);
  const words: WordShare[] = [];
  const shares = probes.map((p, i) => {
    let similarity = 0;
    let difference = 0;
    for (let w = 0; w < p.words.length; w++) {
      const x = a[p.offset + w];
      const y = b[p.offset + w];
      words.push({ probe: i, word: w, similarity: x * y, difference: (x - y) ** 2 });
      similarity += x * y;
      difference += (x - y) ** 2;
    }
    return { probe: i, similarity, difference };
  });
  const by = <T extends { probe: number }>(xs: T[], key: (x: T) => number) => [...xs].sort((x, y) => key(y) - key(x) || x.probe - y.probe).slice(0, top);
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  return {
    cosine: shares.reduce((s, p) => s + p.similarity, 0),
    probes: shares,
    similar: by(shares, (p) => p.similarity),
    different: by(shares, (p) => p.difference),
    similarWords: by(words, (w) => w.similarity),
    differentWords: by(words, (w) => w.difference),
    scale,
    a,
    b,
  };
}

/** What a positive and a negative attribution mean under the atlas's method. */
export function signMeaning(method: string | undefined): { positive: string; negative: string; unsigned: boolean } {
  if (method === 'grad-norm')
    return { positive: 'the size of the gradient of the target log-probability at the word', negative: '', unsigned: true };
  const how = method === 'ig' ? 'integrated gradients' : 'gradient × input';
  return {
    positive: `raises the log-probability of the target (${how})`,
    negative: `lowers the log-probability of the target (${how})`,
    unsigned: false,
  };
}
