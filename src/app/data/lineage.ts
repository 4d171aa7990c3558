// Lineage edges of the manifest as index-based lists (parent -> child), for the panel, the map
// overlay and the family trees.
import type { AtlasModel } from './atlas-types';

export interface LineageLink {
  child: number;
  parent: number | null; // null: the parent is not in the atlas
  parentId: string;
  type: string;
}

export function lineageLinks(models: AtlasModel[]): LineageLink[] {
  const byId = new Map(models.map((m, i) => [m.id, i]));
  return models.flatMap((m, child) =>
    (m.lineage ?? []).map((e) => ({ child, parent: byId.get(e.parent) ?? null, parentId: e.parent, type: e.type })),
  );
}

/** Typed edges between two atlas models (what the map overlay can draw). */
export function mapEdges(links: LineageLink[]): { from: number; to: number; type: string }[] {
  return links.flatMap((l) => (l.parent === null || l.type === 'same-family' ? [] : [{ from: l.parent, to: l.child, type: l.type }]));
}
