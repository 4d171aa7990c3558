// The 2-D map: UMAP (umap-js) with cosine distance, made reproducible by a seeded PRNG.
import { UMAP } from 'umap-js';
import type { LayoutParams } from './format';
import { cosine } from './knn';
import { mulberry32 } from './random';

export const DEFAULT_LAYOUT: LayoutParams = { method: 'umap', nNeighbors: 15, minDist: 0.1, seed: 42, metric: 'cosine' };

const cosineDistance = (a: number[], b: number[]) => 1 - cosine(a, b);

/**
 * 2-D coordinates, one per vector, in input order. UMAP needs at least 3 points; with fewer the
 * layout is exact instead: one point at the origin, two points on the x axis at their cosine
 * distance. nNeighbors is capped at n - 1 (umap-js requires fewer neighbours than points).
 */
export function umapLayout(vectors: ArrayLike<number>[], params: LayoutParams = DEFAULT_LAYOUT): [number, number][] {
  const n = vectors.length;
  if (n === 0) return [];
  if (n === 1) return [[0, 0]];
  const rows = vectors.map((v) => Array.from(v));
  if (n === 2) {
    const d = cosineDistance(rows[0], rows[1]);
    return [
      [-d / 2, 0],
      [d / 2, 0],
    ];
  }
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(params.nNeighbors, n - 1),
    minDist: params.minDist,
    distanceFn: cosineDistance,
    random: mulberry32(params.seed),
  });
  return umap.fit(rows).map((p) => [p[0], p[1]] as [number, number]);
}
