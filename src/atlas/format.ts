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

/** Bounds a hostile atlas.json cannot exceed (the shipped one: 261 models, dim 2022, 140 probes). */
export const ATLAS_LIMITS = { models: 100_000, dim: 1 << 20, probes: 10_000, knn: 1000, lineage: 1000 };

type Obj = Record<string, unknown>;

/**
 * Checks atlas.json field by field, so the app and the CLI can rely on every field they read;
 * the error names the field (`atlas.json: models[3].knn[0]: ...`). `embeddings.file` must be a
 * plain relative file name: an atlas must not point its reader at another origin or folder.
 */
export function validateAtlasJson(json: unknown, file = 'atlas.json'): AtlasJson {
  const fail = (field: string, detail: string): never => {
    throw new Error(`${file}: ${field}: ${detail}`);
  };
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);
  const obj = (v: unknown, f: string): Obj =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : fail(f, `expected an object, got ${kind(v)}`);
  const arr = (v: unknown, f: string, max: number): unknown[] => {
    if (!Array.isArray(v)) return fail(f, `expected an array, got ${kind(v)}`);
    if (v.length > max) fail(f, `${v.length} entries, more than ${max}`);
    return v;
  };
  const str = (v: unknown, f: string): string => (typeof v === 'string' ? v : fail(f, `expected a string, got ${kind(v)}`));
  const num = (v: unknown, f: string): number =>
    typeof v === 'number' && Number.isFinite(v) ? v : fail(f, `expected a finite number, got ${kind(v)}`);
  const int = (v: unknown, f: string, min: number, max: number): number => {
    const n = num(v, f);
    if (!Number.isInteger(n) || n < min || n > max) fail(f, `expected an integer in ${min}..${max}, got ${n}`);
    return n;
  };
  const strOrNull = (v: unknown, f: string) => (v === null ? null : str(v, f));

  const a = obj(json, 'atlas');
  if (a.format !== ATLAS_FORMAT) fail('format', `expected "${ATLAS_FORMAT}", got ${JSON.stringify(a.format)}`);
  const dim = int(a.dim, 'dim', 0, ATLAS_LIMITS.dim);
  if (a.spec !== null) obj(a.spec, 'spec');
  strOrNull(a.specHash, 'specHash');
  const e = obj(a.embeddings, 'embeddings');
  const ef = str(e.file, 'embeddings.file');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(ef)) fail('embeddings.file', `"${ef.slice(0, 80)}" is not a plain file name next to atlas.json`);
  if (e.dtype !== 'float16') fail('embeddings.dtype', `expected "float16", got ${JSON.stringify(e.dtype)}`);
  const rows = int(e.rows, 'embeddings.rows', 0, ATLAS_LIMITS.models);
  arr(a.probes, 'probes', ATLAS_LIMITS.probes).forEach((p, i) => {
    const o = obj(p, `probes[${i}]`);
    for (const k of ['id', 'domain', 'context', 'target']) str(o[k], `probes[${i}].${k}`);
    int(o.offset, `probes[${i}].offset`, 0, dim);
    arr(o.words, `probes[${i}].words`, dim + 1).forEach((w, j) => {
      const at = `probes[${i}].words[${j}]`;
      const ww = arr(w, at, 2);
      if (ww.length !== 2) fail(at, 'expected [start, end]');
      const ctx = (o.context as string).length;
      const s0 = int(ww[0], `${at}[0]`, 0, ctx);
      int(ww[1], `${at}[1]`, s0, ctx);
    });
  });
  const l = obj(a.layout, 'layout');
  str(l.method, 'layout.method');
  int(a.knnK, 'knnK', 0, ATLAS_LIMITS.knn);
  const ids = new Set<string>();
  const usedRows = new Set<number>();
  arr(a.models, 'models', ATLAS_LIMITS.models).forEach((m, i) => {
    const at = `models[${i}]`;
    const o = obj(m, at);
    const id = str(o.id, `${at}.id`);
    if (ids.has(id)) fail(`${at}.id`, `duplicate id ${JSON.stringify(id.slice(0, 80))}`);
    ids.add(id);
    str(o.family, `${at}.family`);
    str(o.organisation, `${at}.organisation`);
    if (o.paramsB !== null) num(o.paramsB, `${at}.paramsB`);
    strOrNull(o.architecture, `${at}.architecture`);
    strOrNull(o.licence, `${at}.licence`);
    strOrNull(o.benchmarkSource, `${at}.benchmarkSource`);
    arr(o.lineage, `${at}.lineage`, ATLAS_LIMITS.lineage).forEach((x, j) => {
      const lo = obj(x, `${at}.lineage[${j}]`);
      str(lo.parent, `${at}.lineage[${j}].parent`);
      str(lo.type, `${at}.lineage[${j}].type`);
    });
    if (o.benchmarks !== null) for (const [k, v] of Object.entries(obj(o.benchmarks, `${at}.benchmarks`))) num(v, `${at}.benchmarks.${k}`);
    if (o.row === null) {
      if (o.xy !== null) fail(`${at}.xy`, 'a model without a row has no position');
    } else {
      const r = int(o.row, `${at}.row`, 0, Math.max(0, rows - 1));
      if (rows === 0) fail(`${at}.row`, 'the atlas has no embedding rows');
      if (usedRows.has(r)) fail(`${at}.row`, `row ${r} is used by two models`);
      usedRows.add(r);
      if (o.xy !== null) {
        const xy = arr(o.xy, `${at}.xy`, 2);
        if (xy.length !== 2) fail(`${at}.xy`, 'expected [x, y]');
        num(xy[0], `${at}.xy[0]`);
        num(xy[1], `${at}.xy[1]`);
      }
    }
    arr(o.knn, `${at}.knn`, ATLAS_LIMITS.knn).forEach((x, j) => {
      const kk = arr(x, `${at}.knn[${j}]`, 2);
      if (kk.length !== 2) fail(`${at}.knn[${j}]`, 'expected [row, cosine]');
      int(kk[0], `${at}.knn[${j}][0]`, 0, Math.max(0, rows - 1));
      num(kk[1], `${at}.knn[${j}][1]`);
    });
    if (o.provenance !== null) {
      const pv = obj(o.provenance, `${at}.provenance`);
      for (const k of ['where', 'how', 'date']) str(pv[k], `${at}.provenance.${k}`);
    }
    if (o.origin !== 'manifest' && o.origin !== 'lab') fail(`${at}.origin`, `expected "manifest" or "lab", got ${JSON.stringify(o.origin)}`);
  });
  return a as unknown as AtlasJson;
}

/** Validates atlas.json (validateAtlasJson) and wraps the embedding bytes after checking their size. */
export function readAtlas(json: unknown, embeddings: ArrayBuffer | Uint8Array): Atlas {
  return atlasOf(validateAtlasJson(json), embeddings);
}

/** readAtlas for metadata that validateAtlasJson already returned (the app validates atlas.json
 * before the embedding block arrives; a second pass is ~50 ms at 10,000 models). */
export function atlasOf(a: AtlasJson, embeddings: ArrayBuffer | Uint8Array): Atlas {
  const { rows } = a.embeddings;
  const bytes = embeddings instanceof Uint8Array ? embeddings : new Uint8Array(embeddings);
  if (bytes.byteLength !== rows * a.dim * 2)
    throw new Error(`${a.embeddings.file}: ${bytes.byteLength} bytes, expected rows ${rows} x dim ${a.dim} x 2`);
  return {
    json: a,
    vector(row) {
      if (row < 0 || row >= rows) throw new Error(`atlas: row ${row} out of range 0..${rows - 1}`);
      return decodeFloat16(bytes, row * a.dim * 2, a.dim);
    },
    matrix: () => decodeFloat16(bytes, 0, rows * a.dim),
  };
}
