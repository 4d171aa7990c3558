// What the app derives from one embedding computed in the tab: its nearest atlas models (cosine,
// full space, as src/atlas/knn.ts), an approximate map position from them, and predicted benchmark
// scores. The position is not a re-run of UMAP: it is where the new model's neighbours already are.
import { queryKnn } from '../../atlas/knn';

export interface AtlasPoint {
  index: number; // model index in the atlas
  vector: ArrayLike<number>;
  xy: [number, number] | null;
  benchmarks: Record<string, number> | null;
}

export interface PredictedNeighbour {
  index: number;
  cosine: number;
}

export interface PredictedScore {
  key: string;
  value: number;
  /** the neighbours (model indices) whose scores were averaged */
  from: number[];
}

/** The k most similar atlas points, cosine descending, ties by lower position in `points`. */
export function nearest(query: ArrayLike<number>, points: AtlasPoint[], k: number): PredictedNeighbour[] {
  return queryKnn(
    query,
    points.map((p) => p.vector),
    k,
  ).map(([j, c]) => ({ index: points[j].index, cosine: c }));
}

/**
 * Similarity-weighted mean of values: weights are the cosines clipped at 0 (an anti-correlated
 * model says nothing about where this one sits); when every weight is 0 the plain mean is used.
 */
export function weightedMean(values: number[], cosines: number[]): number {
  const w = cosines.map((c) => Math.max(c, 0));
  const total = w.reduce((s, x) => s + x, 0);
  if (total === 0) return values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v, i) => s + v * w[i], 0) / total;
}

/**
 * Above this cosine a new embedding is the same model as its nearest atlas model for the map (the
 * atlas's own distinct models reach 0.9974; float16 storage of one vector keeps > 0.99999).
 */
export const TWIN_COSINE = 0.9995;

export interface Placement {
  xy: [number, number];
  from: PredictedNeighbour[];
  /** true when placed on a twin (cosine >= TWIN_COSINE) rather than between neighbours */
  anchored: boolean;
}

/**
 * Map position consistent with the shipped layout: on its nearest atlas model when that is a twin
 * (UMAP would put equal vectors together), else the similarity-weighted mean of the xy of the k
 * nearest placed points (an approximation, not a re-run of UMAP).
 */
export function placeOnMap(query: ArrayLike<number>, points: AtlasPoint[], k = 5): Placement | null {
  const placed = points.filter((p) => p.xy !== null);
  if (placed.length === 0) return null;
  const nn = nearest(query, placed, k);
  const xyOf = new Map(placed.map((p) => [p.index, p.xy!]));
  if (nn[0].cosine >= TWIN_COSINE) {
    const [x, y] = xyOf.get(nn[0].index)!;
    return { xy: [x, y], from: nn, anchored: true };
  }
  const cos = nn.map((n) => n.cosine);
  const x = weightedMean(
    nn.map((n) => xyOf.get(n.index)![0]),
    cos,
  );
  const y = weightedMean(
    nn.map((n) => xyOf.get(n.index)![1]),
    cos,
  );
  return { xy: [x, y], from: nn, anchored: false };
}

/** For each benchmark: the similarity-weighted mean over the k nearest points that have that score. */
export function predictScores(query: ArrayLike<number>, points: AtlasPoint[], keys: string[], k = 5): PredictedScore[] {
  return keys.flatMap((key) => {
    const scored = points.filter((p) => typeof p.benchmarks?.[key] === 'number' && Number.isFinite(p.benchmarks[key]));
    if (scored.length === 0) return [];
    const nn = nearest(query, scored, k);
    const val = new Map(scored.map((p) => [p.index, p.benchmarks![key]]));
    return [
      {
        key,
        value: weightedMean(
          nn.map((n) => val.get(n.index)!),
          nn.map((n) => n.cosine),
        ),
        from: nn.map((n) => n.index),
      },
    ];
  });
}
