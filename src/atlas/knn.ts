// Cosine nearest neighbours in the full embedding space (METHOD.md section 6: never in the 2-D map).
import { cosine } from '../able/aggregate';

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
