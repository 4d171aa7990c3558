// The loaded atlas metadata with the lookups the views ask of it. Everything here comes from
// atlas.json alone, so the map, search, filters and tables work before the embedding block is
// there (that block, ~40 MB at 10,000 models, is src/app/data/atlas-vectors.ts).
import type { AtlasJson } from '../../atlas/format';
import type { AtlasMeta, AtlasModel } from './atlas-types';

export type { Neighbour } from './atlas-vectors';

export class ExplorerData {
  readonly meta: AtlasMeta;
  readonly models: AtlasModel[];
  /** model indices that have an embedding and a layout position: the points of the map */
  readonly embedded: number[];
  readonly byId: Map<string, number>;
  readonly dim: number;

  constructor(meta: AtlasJson) {
    this.meta = meta;
    this.models = meta.models;
    this.dim = meta.dim;
    this.byId = new Map(this.models.map((m, i) => [m.id, i]));
    this.embedded = this.models.flatMap((m, i) => (m.row !== null && m.xy ? [i] : []));
  }

  isEmbedded(i: number): boolean {
    return this.models[i].row !== null;
  }
}
