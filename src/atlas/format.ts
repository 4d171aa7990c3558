// The atlas the app loads (docs/FORMATS.md "Atlas"): atlas.json (metadata) + embeddings.f16
// (rows x dim little-endian float16, row-major). The embedding block is read as bytes, never as JSON.
import type { AbleSpec } from '../able/spec';
import type { BenchmarkScores } from './leaderboard';
import type { RelationType } from './manifest';
import { decodeFloat16 } from './float16';

export const ATLAS_FORMAT = 'able-atlas/1';
export const EMBEDDINGS_FILE = 'embeddings.f16';

export interface AtlasProbe {
  id: string;
  domain: string;
  context: string;
  target: string;
  words: [number, number][];
  offset: number; // first index of this probe's words in the vector
}

export interface AtlasModel {
  id: string;
  family: string;
  organisation: string;
  paramsB: number | null;
  architecture: string | null;
  licence: string | null;
  lineage: { parent: string; type: RelationType }[];
  benchmarks: BenchmarkScores | null;
  benchmarkSource: string | null;
  row: number | null; // index into embeddings; null when not embedded
  xy: [number, number] | null; // null when not embedded (never invented)
  knn: [number, number][]; // [row, cosine] of the nearest embedded models, full space
  provenance: { where: string; how: string; date: string } | null;
  /** 'manifest' for atlas models, 'lab' for models embedded outside the manifest */
  origin: 'manifest' | 'lab';
}

export interface LayoutParams {
  method: 'umap';
  nNeighbors: number;
  minDist: number;
  seed: number;
  metric: 'cosine';
}

export interface AtlasJson {
  format: typeof ATLAS_FORMAT;
  spec: AbleSpec | null; // null only for an atlas with no embedded model yet
  specHash: string | null;
  dim: number;
  probes: AtlasProbe[];
  embeddings: { file: string; dtype: 'float16'; rows: number };
  layout: LayoutParams;
  knnK: number;
  models: AtlasModel[];
}

/** An atlas ready to use: metadata plus row access to the decoded embeddings. */
export interface Atlas {
  json: AtlasJson;
  /** the embedding of row r as float32 (decoded from float16 on each call) */
  vector(row: number): Float32Array;
  /** all rows decoded into one rows x dim array */
  matrix(): Float32Array;
}

/** Validates the parts the reader relies on and wraps the embedding bytes. */
export function readAtlas(json: unknown, embeddings: ArrayBuffer | Uint8Array): Atlas {
  const a = json as AtlasJson;
  if (!a || a.format !== ATLAS_FORMAT) throw new Error(`atlas.json: format is not "${ATLAS_FORMAT}"`);
  const { rows } = a.embeddings;
  const bytes = embeddings instanceof Uint8Array ? embeddings : new Uint8Array(embeddings);
  if (bytes.byteLength !== rows * a.dim * 2)
    throw new Error(`${a.embeddings.file}: ${bytes.byteLength} bytes, expected rows ${rows} x dim ${a.dim} x 2`);
  for (const m of a.models)
    if (m.row !== null && (m.row < 0 || m.row >= rows)) throw new Error(`atlas.json: model ${m.id} row ${m.row} out of range`);
  return {
    json: a,
    vector(row) {
      if (row < 0 || row >= rows) throw new Error(`atlas: row ${row} out of range 0..${rows - 1}`);
      return decodeFloat16(bytes, row * a.dim * 2, a.dim);
    },
    matrix: () => decodeFloat16(bytes, 0, rows * a.dim),
  };
}
