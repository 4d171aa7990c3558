// The ablation's own batch rows (RowsPort, src/able/embed.ts): integrated gradients from the mean
// token embedding, and SmoothGrad of gxi. Both need the embedding table, which the graph never
// returns whole: its statistics are taken as the weights are read (observeEmbedding).
import { igAlphas, integratedGradients, smoothGrad } from '../able/attribution';
import type { RowsPort } from '../able/embed';
import { seedFromString } from '../atlas/random';
import { familyOf } from '../models/registry';
import type { ArchSpec } from '../models/spec';
import type { StoredTensor, WeightStore } from '../models/store';
import { addGaussian, values } from './perturb';

/** Of the table as the first layer sees it (times the model's embedding scale, e.g. Gemma's sqrt(hidden)). */
export interface EmbeddingStats {
  /** [H]: the mean row over the vocabulary */
  mean: Float64Array;
  /** [V]: each row's mean square */
  rowMeanSquare: Float64Array;
}

export function embeddingStats(t: StoredTensor, scale: number): EmbeddingStats {
  const [V, H] = t.shape;
  const x = values(t);
  const mean = new Float64Array(H);
  const rowMeanSquare = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let ss = 0;
    for (let h = 0; h < H; h++) {
      const e = x[v * H + h];
      mean[h] += e;
      ss += e * e;
    }
    rowMeanSquare[v] = (ss / H) * scale * scale;
  }
  for (let h = 0; h < H; h++) mean[h] = (mean[h] / V) * scale;
  return { mean, rowMeanSquare };
}

/** The store unchanged, calling onStats with the embedding table's statistics when the loader reads it. */
export function observeEmbedding(store: WeightStore, spec: ArchSpec, onStats: (s: EmbeddingStats) => void): WeightStore {
  const family = familyOf(spec);
  const name = family.embedName(spec);
  const names = new Set([name, ...(family.aliases?.(name) ?? [])]);
  return {
    file: store.file,
    names: () => store.names(),
    async get(n) {
      const t = await store.get(n);
      if (names.has(n)) onStats(embeddingStats(t, spec.embedScale));
      return t;
    },
  };
}

/**
 * IG from the baseline c = the mean embedding row, m midpoint steps: X_k = alpha_k E + (1 - alpha_k) c
 * at the real positions. Padding keeps offset 0 (X = alpha_k E, as in the zero-baseline run): it
 * follows the last real token, so the causal model's f never sees it.
 */
export function meanBaselineRows(steps: number, stats: () => EmbeddingStats): RowsPort {
  const alphas = igAlphas(steps);
  return {
    rows: steps,
    offset: true,
    make(_index, ids, T, H) {
      const c = stats().mean;
      const offset = new Float32Array(steps * T * H);
      for (let k = 0; k < steps; k++)
        for (let i = 0; i < ids.length; i++)
          for (let h = 0; h < H; h++) offset[(k * T + i) * H + h] = (1 - alphas[k]) * c[h];
      return { alpha: Float32Array.from(alphas), offset };
    },
    attribute: (grad, emb, _offset, n, H) => integratedGradients(grad, emb, steps, n, H, stats().mean),
  };
}

/** Sample s of probe `index`: its own stream, so a rerun (or another probe order) gives the same noise. */
export const smoothGradSeed = (index: number, sample: number) => seedFromString(`smoothgrad/${index}/${sample}`);

/**
 * SmoothGrad of gxi, n samples: X_s = E + z_s, z_s ~ N(0, (sigma rms(E))^2) per entry at the real
 * positions (rms over them), zero on padding (which f never sees, as above).
 */
export function smoothGradRows(samples: number, sigma: number, stats: () => EmbeddingStats): RowsPort {
  return {
    rows: samples,
    offset: true,
    make(index, ids, T, H) {
      const ms = stats().rowMeanSquare;
      let s = 0;
      for (const id of ids) s += ms[id];
      const scale = sigma * Math.sqrt(s / ids.length);
      const offset = new Float32Array(samples * T * H);
      const zeros = new Float32Array(ids.length * H);
      for (let k = 0; k < samples; k++) offset.set(addGaussian(zeros, scale, smoothGradSeed(index, k)), k * T * H);
      return { alpha: new Float32Array(samples).fill(1), offset };
    },
    attribute: (grad, emb, offset, n, H) => smoothGrad(grad, emb, offset!, samples, n, H),
  };
}
