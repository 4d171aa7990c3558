// PCA to 2-D for re-projection on demand. With n models of dimension D >> n, the eigenvectors of
// the n x n Gram matrix of the centred rows give the coordinates directly (u_k * sqrt(lambda_k)).
import { mulberry32 } from '../../atlas/random';

export function pca2(rows: ArrayLike<number>[]): [number, number][] {
  const n = rows.length;
  if (n === 0) return [];
  const dim = rows[0].length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let d = 0; d < dim; d++) mean[d] += r[d] / n;
  const c = rows.map((r) => Float64Array.from({ length: dim }, (_, d) => r[d] - mean[d]));
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += c[i][d] * c[j][d];
      gram[i * n + j] = s;
      gram[j * n + i] = s;
    }
  const rand = mulberry32(1);
  const comps: Float64Array[] = [];
  const out: [number, number][] = rows.map(() => [0, 0]);
  for (let k = 0; k < 2; k++) {
    // power iteration with deflation against the components found so far
    let v = Float64Array.from({ length: n }, () => rand() - 0.5);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      for (const u of comps) {
        const dot = u.reduce((s, x, i) => s + x * v[i], 0);
        for (let i = 0; i < n; i++) v[i] -= dot * u[i];
      }
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += gram[i * n + j] * v[j];
        w[i] = s;
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      for (let i = 0; i < n; i++) w[i] /= norm;
      const delta = w.reduce((s, x, i) => s + Math.abs(x - v[i]), 0);
      v = w;
      lambda = norm;
      if (delta < 1e-12) break;
    }
    // sign convention: the largest-magnitude entry is positive, so the layout is deterministic
    // (near-ties, as in symmetric data, go to the first such entry)
    const m = Math.max(...Array.from(v, Math.abs));
    const big = v.findIndex((x) => Math.abs(x) >= m * (1 - 1e-9));
    if (v[big] < 0) for (let i = 0; i < n; i++) v[i] = -v[i];
    comps.push(v);
    for (let i = 0; i < n; i++) out[i][k] = v[i] * Math.sqrt(lambda);
  }
  return out;
}
