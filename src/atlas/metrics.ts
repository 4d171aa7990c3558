// Evaluation metrics, written out (no ML library): ranks with ties, ROC-AUC, Spearman, MAE,
// leave-one-out kNN and ridge regression. Checked against scipy/numpy in metrics.test.ts.

/** 1-based ranks, tied values get the average of their ranks (scipy.stats.rankdata 'average'). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(x.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** Area under the ROC curve: P(score of a positive > score of a negative), ties count 1/2. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const r = averageRanks(scores);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < r.length; i++)
    if (positive[i]) {
      nPos++;
      rankSum += r[i];
    }
  const nNeg = r.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rho with ties: Pearson correlation of average ranks (scipy.stats.spearmanr). */
export const spearman = (x: ArrayLike<number>, y: ArrayLike<number>): number => pearson(averageRanks(x), averageRanks(y));

export function mae(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - truth[i]);
  return s / pred.length;
}

/**
 * Leave-one-out kNN regression: each model's value predicted as the mean over its k most similar
 * other models (similarity matrix n x n, row-major; ties by index).
 */
export function looKnnPredict(sim: Float64Array, y: ArrayLike<number>, k: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    others.sort((a, b) => sim[i * n + b] - sim[i * n + a] || a - b);
    const top = others.slice(0, k);
    out[i] = top.reduce((s, j) => s + y[j], 0) / top.length;
  }
  return out;
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite m x m matrix. */
export function choleskyFactor(A: Float64Array, m: number): Float64Array {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        if (s <= 0) throw new Error('cholesky: matrix is not positive definite');
        L[i * m + i] = Math.sqrt(s);
      } else L[i * m + j] = s / L[j * m + j];
    }
  return L;
}

/** Solves L L^T x = b given the Cholesky factor L. */
export function choleskySolveFactored(L: Float64Array, b: ArrayLike<number>, m: number): Float64Array {
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * z[k];
    z[i] = s / L[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * x[k];
    x[i] = s / L[i * m + i];
  }
  return x;
}

/** Solves A x = b for symmetric positive definite A (m x m, row-major). */
export const choleskySolve = (A: Float64Array, b: ArrayLike<number>, m: number): Float64Array =>
  choleskySolveFactored(choleskyFactor(A, m), b, m);

/**
 * Leave-one-out ridge regression in the dual (n models << dim): for each i, with the others as the
 * training set, alpha = (K + lambda I)^-1 (y - mean(y)), prediction = mean(y) + k_i . alpha, where
 * K is the Gram matrix X X^T of the training rows and k_i their dot products with row i. The
 * intercept is the training mean (not penalized). `gram` is the full n x n matrix of dot products.
 */
export const looRidgePredict = (gram: Float64Array, y: ArrayLike<number>, lambda: number): Float64Array =>
  looRidgePredictMany(gram, [y], lambda)[0];

/** looRidgePredict for several targets at once: one factorization per left-out model. */
export function looRidgePredictMany(gram: Float64Array, ys: ArrayLike<number>[], lambda: number): Float64Array[] {
  const n = gram.length === 0 ? 0 : Math.round(Math.sqrt(gram.length));
  const out = ys.map(() => new Float64Array(n));
  const m = n - 1;
  const A = new Float64Array(m * m);
  const tr = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0, p = 0; j < n; j++) if (j !== i) tr[p++] = j;
    for (let p = 0; p < m; p++)
      for (let q = 0; q < m; q++) A[p * m + q] = gram[tr[p] * n + tr[q]] + (p === q ? lambda : 0);
    const L = choleskyFactor(A, m);
    ys.forEach((y, t) => {
      let mean = 0;
      for (let p = 0; p < m; p++) mean += y[tr[p]] / m;
      const b = new Float64Array(m);
      for (let p = 0; p < m; p++) b[p] = y[tr[p]] - mean;
      const alpha = choleskySolveFactored(L, b, m);
      let pred = mean;
      for (let p = 0; p < m; p++) pred += gram[i * n + tr[p]] * alpha[p];
      out[t][i] = pred;
    });
  }
  return out;
}

/**
 * The threshold on a score that maximizes balanced accuracy (mean of the true positive and true
 * negative rates) for "score >= threshold means positive"; candidates are midpoints between
 * consecutive distinct scores and the two ends. Ties between thresholds: the lowest.
 */
export function bestThreshold(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let nPos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) nPos++;
  const nNeg = scores.length - nPos;
  const bal = (tp: number, fp: number) => ((nPos ? tp / nPos : 0) + (nNeg ? (nNeg - fp) / nNeg : 0)) / 2;
  // threshold above everything: nothing predicted positive
  let best = bal(0, 0);
  let bestT = scores.length ? scores[idx[0]] + 1 : 0;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) {
      if (positive[idx[j]]) tp++;
      else fp++;
      j++;
    }
    const lower = j < idx.length ? (scores[idx[i]] + scores[idx[j]]) / 2 : scores[idx[i]] - 1;
    const b = bal(tp, fp);
    if (b >= best) {
      best = b;
      bestT = lower;
    }
    i = j;
  }
  return bestT;
}
