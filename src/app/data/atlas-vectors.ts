// The atlas's embedding vectors with what the views ask of them: vectors, cosine similarity and
// nearest neighbours in the full embedding space (never in the 2-D map). Cosines come from
// src/atlas/knn.ts, so a Node computation over the same file gives the same numbers and order.
// Nothing is decoded until a view asks or the app warms it up in idle time, a few hundred rows at a
// time (warm): at 10,000 x 2022 the float16 decode is ~130 ms of main thread, which neither the
// first paint of the map nor the first click should wait for.
import type { Atlas } from '../../atlas/format';
import { cosine, KnnIndex } from '../../atlas/knn';
import type { AtlasModel } from './atlas-types';

export interface Neighbour {
  index: number; // model index
  cosine: number;
}

export class AtlasVectors {
  private readonly atlas: Atlas;
  private readonly models: AtlasModel[];
  private readonly decoded: (Float32Array | undefined)[]; // float16 rows as float32, on first use
  private warmed = 0; // rows 0..warmed-1 are decoded
  private modelOfRow: number[] | null = null;
  private index: KnnIndex | null = null; // built on the first neighbour query

  constructor(atlas: Atlas) {
    this.atlas = atlas;
    this.models = atlas.json.models;
    this.decoded = new Array(atlas.json.embeddings.rows);
  }

  /** Decodes up to `count` more rows; true once every row is decoded (for idle-time warm-up). */
  warm(count: number): boolean {
    const end = Math.min(this.decoded.length, this.warmed + count);
    for (; this.warmed < end; this.warmed++) this.row(this.warmed);
    return this.warmed >= this.decoded.length;
  }

  private row(r: number): Float32Array {
    let v = this.decoded[r];
    if (!v) {
      v = this.atlas.vector(r);
      this.decoded[r] = v;
    }
    return v;
  }

  /** every row, decoded (what similarity and the kNN index read) */
  private get rows(): Float32Array[] {
    this.warm(Number.POSITIVE_INFINITY);
    return this.decoded as Float32Array[];
  }

  /** The stored (float16-decoded) vector of a model, or null when it is not embedded. */
  vector(i: number): Float32Array | null {
    const r = this.models[i].row;
    return r === null ? null : this.row(r);
  }

  /** Cosine of model i to every model (NaN where either is not embedded). */
  similarityTo(i: number): Float64Array {
    const out = new Float64Array(this.models.length).fill(Number.NaN);
    const a = this.vector(i);
    if (!a) return out;
    const rows = this.rows;
    this.models.forEach((m, j) => {
      if (m.row !== null) out[j] = cosine(a, rows[m.row]);
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
    if (!this.modelOfRow) {
      const of = new Array<number>(this.rows.length).fill(-1);
      this.models.forEach((m, j) => {
        if (m.row !== null) of[m.row] = j;
      });
      this.modelOfRow = of;
    }
    const modelOfRow = this.modelOfRow;
    return this.index
      .query(a, k + 1)
      .filter(([r]) => r !== self)
      .slice(0, k)
      .map(([r, c]) => ({ index: modelOfRow[r], cosine: c }))
      .filter((n) => n.index >= 0);
  }

  /** Word attributions of model i on probe p (a slice of its vector), or null. */
  probeSlice(i: number, p: number): Float32Array | null {
    const v = this.vector(i);
    if (!v) return null;
    const probe = this.atlas.json.probes[p];
    return v.subarray(probe.offset, probe.offset + probe.words.length);
  }
}
