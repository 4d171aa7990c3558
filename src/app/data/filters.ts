// Which models pass the view's filters (pure; the map, lists and lineage view share it).
import type { Filters } from '../state/view-state';
import type { AtlasModel } from './atlas-types';

export function passesFilters(m: AtlasModel, f: Filters): boolean {
  if (f.family.length && !f.family.includes(m.family || 'unknown')) return false;
  if (f.organisation.length && !f.organisation.includes(m.organisation || 'unknown')) return false;
  if (f.licence.length && !f.licence.includes(m.licence || 'unknown')) return false;
  if (f.params) {
    if (m.paramsB === null || m.paramsB < f.params[0] || m.paramsB > f.params[1]) return false;
  }
  const embedded = m.row !== null && m.row !== undefined;
  if (f.embedded === 'embedded' && !embedded) return false;
  if (f.embedded === 'not' && embedded) return false;
  return true;
}

/** Distinct values of a field with their counts, most frequent first. */
export function facet(models: AtlasModel[], key: 'family' | 'organisation' | 'licence'): [string, number][] {
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m[key] || 'unknown', (counts.get(m[key] || 'unknown') ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
