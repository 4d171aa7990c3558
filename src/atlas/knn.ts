// Cosine nearest neighbours in the full embedding space (METHOD.md section 6: never in the 2-D map).
import { cosine } from '../able/aggregate';
import { type RowMatrix, rowMatrix } from './row-dots';

export { cosine };

/** Full cosine similarity matrix (n x n, row-major) of the given vectors. */
export function cosineMatrix(vectors: ArrayLike<number>[]): Float64Array {
  const n = vectors.length;
  const norms = vectors.map((v) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
    return Math.sqrt(s);
  });
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = norms[i] === 0 ? 0 : 1;
    for (let j = i + 1; j < n; j++) {
      const a = vectors[i];
      const b = vectors[j];
      let dot = 0;
      for (let d = 0; d < a.length; d++) dot += a[d] * b[d];
      const c = norms[i] === 0 || norms[j] === 0 ? 0 : dot / (norms[i] * norms[j]);
      out[i * n + j] = c;
      out[j * n + i] = c;
    }
  }
  return out;
}

/** For each row, its k most similar other rows as [row, cosine], highest first, ties by row index. */
export function knnFromSimilarity(sim: Float64Array, n: number, k: number): [number, number][][] {
  const out: [number, number][][] = [];
  for (let i = 0; i < n; i++) {
    const cand: [number, number][] = [];
    for (let j = 0; j < n; j++) if (j !== i) cand.push([j, sim[i * n + j]]);
    cand.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    out.push(cand.slice(0, k));
  }
  return out;
}

export const cosineKnn = (vectors: ArrayLike<number>[], k: number): [number, number][][] =>
  knnFromSimilarity(cosineMatrix(vectors), vectors.length, k);

/** Neighbours of a query vector among `vectors` (a model placed in the browser, for example). */
export function queryKnn(query: ArrayLike<number>, vectors: ArrayLike<number>[], k: number): [number, number][] {
  return vectors
    .map((v, j): [number, number] => [j, cosine(query, v)])
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, k);
}

/**
 * queryKnn for many queries over a large set (a 10,000-model atlas), with exactly its answer: the
 * rows are normalized once into one padded Float32 matrix, so a query is one pass of float32 dot
 * products (WebAssembly SIMD where available, src/atlas/row-dots.ts) that only *selects*
 * candidates: every row whose approximate cosine is within twice the float32 error bound of the
 * k-th best. The candidates are then re-scored with `cosine` on the original vectors and ordered
 * as queryKnn orders (cosine descending, ties by index), so neighbours and cosines are identical.
 * Why that set holds the true top k: with |approx - exact| <= eps for every row, the k-th best
 * approximate score t is <= c_k + eps (else k rows would beat c_k exactly), and each row of the
 * exact top k (ties at c_k included) has approx >= c_k - eps >= t - 2 eps.
 */
export class KnnIndex {
  readonly n: number;
  readonly dim: number;
  private readonly matrix: RowMatrix;
  private readonly vectors: readonly ArrayLike<number>[];
  /** Bound on |float32 dot of unit rows - exact cosine|: rounding of the unit vectors (2 x 2^-24),
   * of each product (2^-24) and of a sum of at most dim/8 + 3 terms per lane (2^-24 each),
   * times sum |u_i r_i| <= 1; doubled for margin. */
  private readonly eps: number;

  constructor(vectors: readonly ArrayLike<number>[], prefer: 'wasm-simd' | 'js' = 'wasm-simd') {
    this.n = vectors.length;
    this.dim = vectors[0]?.length ?? 0;
    vectors.forEach((v, i) => {
      if (v.length !== this.dim) throw new Error(`KnnIndex: vector ${i} has ${v.length} values, the first has ${this.dim}`);
    });
    this.vectors = vectors;
    this.matrix = rowMatrix(this.n, this.dim, (i, into) => unitInto(vectors[i], into), prefer);
    this.eps = 2 * (this.dim + 16) * 2 ** -24;
  }

  /** Which kernel computes the dot products ('wasm-simd' or 'js'). */
  get kernel(): RowMatrix['kind'] {
    return this.matrix.kind;
  }

  query(q: ArrayLike<number>, k: number): [number, number][] {
    if (q.length !== this.dim) throw new Error(`KnnIndex.query: ${q.length} values, the index has ${this.dim}`);
    const { n } = this;
    if (n === 0 || k <= 0) return [];
    if (k >= n) return queryKnn(q, this.vectors as ArrayLike<number>[], k);
    const approx = this.matrix.dots(unitInto(q, new Float32Array(this.dim)));
    const t = kthLargest(approx, k);
    const floor = t - 2 * this.eps;
    const cand: [number, number][] = [];
    for (let j = 0; j < n; j++) if (approx[j] >= floor) cand.push([j, cosine(q, this.vectors[j])]);
    return cand.sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k);
  }
}

/** The k-th largest value (1-based) of xs, by a k-best insertion pass (k small against n). */
function kthLargest(xs: Float32Array, k: number): number {
  const best = new Float64Array(k).fill(Number.NEGATIVE_INFINITY); // descending
  for (let j = 0; j < xs.length; j++) {
    const s = xs[j];
    if (!(s > best[k - 1])) continue;
    let at = k - 1;
    while (at > 0 && best[at - 1] < s) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = s;
  }
  return best[k - 1];
}

function unitInto(v: ArrayLike<number>, out: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s === 0 ? 0 : 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}
