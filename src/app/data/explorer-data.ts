// The loaded atlas with what the views ask of it: lookups, vectors, cosine similarity and nearest
// neighbours in the full embedding space (never in the 2-D map). Cosines come from src/atlas/knn.ts,
// so a Node computation over the same file gives the same numbers and the same order.
import type { Atlas } from '../../atlas/format';
import { cosine, KnnIndex } from '../../atlas/knn';
import type { AtlasMeta, AtlasModel } from './atlas-types';

export interface Neighbour {
  index: number; // model index
  cosine: number;
}

export class ExplorerData {
  readonly meta: AtlasMeta;
  readonly models: AtlasModel[];
  /** model indices that have an embedding and a layout position: the points of the map */
  readonly embedded: number[];
  readonly byId: Map<string, number>;
  readonly dim: number;
  private readonly rows: Float32Array[]; // decoded float16 rows
  private readonly modelOfRow: number[];
  private index: KnnIndex | null = null; // built on the first neighbour query

  constructor(atlas: Atlas) {
    this.meta = atlas.json;
    this.models = atlas.json.models;
    this.dim = atlas.json.dim;
    const all = atlas.matrix();
    this.rows = Array.from({ length: atlas.json.embeddings.rows }, (_, r) => all.subarray(r * this.dim, (r + 1) * this.dim));
    this.byId = new Map(this.models.map((m, i) => [m.id, i]));
    this.modelOfRow = new Array(this.rows.length).fill(-1);
    this.models.forEach((m, i) => {
      if (m.row !== null) this.modelOfRow[m.row] = i;
    });
    this.embedded = this.models.flatMap((m, i) => (m.row !== null && m.xy ? [i] : []));
  }

  isEmbedded(i: number): boolean {
    return this.models[i].row !== null;
  }

  /** The stored (float16-decoded) vector of a model, or null when it is not embedded. */
  vector(i: number): Float32Array | null {
    const r = this.models[i].row;
    return r === null ? null : this.rows[r];
  }

  /** Cosine of model i to every model (NaN where either is not embedded). */
  similarityTo(i: number): Float64Array {
    const out = new Float64Array(this.models.length).fill(Number.NaN);
    const a = this.vector(i);
    if (!a) return out;
    this.models.forEach((m, j) => {
      if (m.row !== null) out[j] = cosine(a, this.rows[m.row]);
    });
    return out;
  }

  /** The k most similar other embedded models, cosine descending, ties by lower row (queryKnn's
   * answer, through KnnIndex: ~10 ms instead of ~400 ms at 10,000 models of dimension 2022). */
  neighbours(i: number, k: number): Neighbour[] {
    const a = this.vector(i);
    if (!a) return [];
    const self = this.models[i].row;
    this.index ??= new KnnIndex(this.rows);
    return this.index
      .query(a, k + 1)
      .filter(([r]) => r !== self)
      .slice(0, k)
      .map(([r, c]) => ({ index: this.modelOfRow[r], cosine: c }))
      .filter((n) => n.index >= 0);
  }

  /** Word attributions of model i on probe p (a slice of its vector), or null. */
  probeSlice(i: number, p: number): Float32Array | null {
    const v = this.vector(i);
    if (!v) return null;
    const probe = this.meta.probes[p];
    return v.subarray(probe.offset, probe.offset + probe.words.length);
  }
}
