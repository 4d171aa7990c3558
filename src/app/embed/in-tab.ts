// The atlas as predict.ts sees it, and the predictions for a model embedded in this tab.
import type { AtlasVectors } from '../data/atlas-vectors';
import type { ExplorerData } from '../data/explorer-data';
import { benchmarkKeys } from '../data/model-format';
import { type AtlasPoint, nearest, type PredictedNeighbour, type PredictedScore, placeOnMap, predictScores } from './predict';

export const RELATIONS_K = 10;
export const PLACEMENT_K = 5;
export const SCORES_K = 5;

export interface InTabPredictions {
  neighbours: PredictedNeighbour[];
  /** null when no atlas model has a map position */
  xy: [number, number] | null;
  placedFrom: PredictedNeighbour[];
  /** placed on a twin atlas model (cosine >= TWIN_COSINE) */
  anchored: boolean;
  scores: PredictedScore[];
}

/** Every embedded atlas model, with the map position currently shown (shipped or re-projected). */
export function atlasPoints(data: ExplorerData, vectors: AtlasVectors, xy: ([number, number] | null)[]): AtlasPoint[] {
  return data.models.flatMap((m, i) => {
    const v = vectors.vector(i);
    return v ? [{ index: i, vector: v, xy: xy[i] ?? null, benchmarks: (m.benchmarks as Record<string, number> | null) ?? null }] : [];
  });
}

export function predictInTab(vector: Float32Array, data: ExplorerData, vectors: AtlasVectors, xy: ([number, number] | null)[]): InTabPredictions {
  const points = atlasPoints(data, vectors, xy);
  const placed = placeOnMap(vector, points, PLACEMENT_K);
  return {
    neighbours: nearest(vector, points, RELATIONS_K),
    xy: placed?.xy ?? null,
    placedFrom: placed?.from ?? [],
    anchored: placed?.anchored ?? false,
    scores: predictScores(vector, points, benchmarkKeys(data.models), SCORES_K),
  };
}
