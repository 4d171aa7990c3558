// Token attributions from gradients w.r.t. the input embeddings (METHOD.md section 4).
// Arrays are row-major: embeddings [T, H]; gradients [T, H] (or [m, T, H] for ig, batch = alpha).
import type { AttributionMethod } from './spec';

type Num = ArrayLike<number>;

/** Midpoint-rule alphas for integrated gradients: (k - 1/2) / m, k = 1..m. */
export function igAlphas(m: number): Float64Array {
  if (!Number.isInteger(m) || m < 1) throw new Error(`ig steps must be a positive integer, got ${m}`);
  const a = new Float64Array(m);
  for (let k = 1; k <= m; k++) a[k - 1] = (k - 0.5) / m;
  return a;
}

/** a_i = <df/de_i, e_i>. */
export function gradTimesInput(grad: Num, emb: Num, T: number, H: number): Float64Array {
  checkLen('grad', grad, T * H);
  checkLen('embeddings', emb, T * H);
  const out = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    let s = 0;
    for (let h = 0; h < H; h++) s += grad[i * H + h] * emb[i * H + h];
    out[i] = s;
  }
  return out;
}

/**
 * a_i = <e_i - c, (1/m) sum_k g_k,i>, g_k the gradient at c + alpha_k (E - c), batch-major [m, T, H];
 * the baseline c is one row [H] for every position, zero when absent (v1's ig).
 */
export function integratedGradients(batchedGrad: Num, emb: Num, m: number, T: number, H: number, baseline?: Num): Float64Array {
  checkLen('batched grad', batchedGrad, m * T * H);
  checkLen('embeddings', emb, T * H);
  const mean = new Float64Array(T * H);
  for (let k = 0; k < m; k++) {
    const off = k * T * H;
    for (let j = 0; j < T * H; j++) mean[j] += batchedGrad[off + j];
  }
  for (let j = 0; j < T * H; j++) mean[j] /= m;
  if (!baseline) return gradTimesInput(mean, emb, T, H);
  checkLen('baseline', baseline, H);
  const diff = new Float64Array(T * H);
  for (let j = 0; j < T * H; j++) diff[j] = emb[j] - baseline[j % H];
  return gradTimesInput(mean, diff, T, H);
}

/** SmoothGrad of gxi: a_i = (1/n) sum_s <e_i + z_s,i, g_s,i>, g_s the gradient at E + z_s; z and g batch-major [n, T, H]. */
export function smoothGrad(batchedGrad: Num, emb: Num, noise: Num, n: number, T: number, H: number): Float64Array {
  checkLen('batched grad', batchedGrad, n * T * H);
  checkLen('embeddings', emb, T * H);
  checkLen('noise', noise, n * T * H);
  const out = new Float64Array(T);
  for (let s = 0; s < n; s++) {
    const off = s * T * H;
    for (let i = 0; i < T; i++) {
      let t = 0;
      for (let h = 0; h < H; h++) t += batchedGrad[off + i * H + h] * (emb[i * H + h] + noise[off + i * H + h]);
      out[i] += t;
    }
  }
  for (let i = 0; i < T; i++) out[i] /= n;
  return out;
}

/** a_i = ||df/de_i||_2. */
export function gradNorm(grad: Num, T: number, H: number): Float64Array {
  checkLen('grad', grad, T * H);
  const out = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    let s = 0;
    for (let h = 0; h < H; h++) s += grad[i * H + h] ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Dispatch on the method; for ig, `grad` holds the m batched gradients. */
export function tokenAttributions(method: AttributionMethod, grad: Num, emb: Num, T: number, H: number): Float64Array {
  switch (method.kind) {
    case 'gxi':
      return gradTimesInput(grad, emb, T, H);
    case 'ig':
      return integratedGradients(grad, emb, method.steps, T, H);
    case 'grad-norm':
      return gradNorm(grad, T, H);
  }
}

function checkLen(name: string, a: Num, n: number): void {
  if (a.length !== n) throw new Error(`${name}: expected ${n} values, got ${a.length}`);
}
