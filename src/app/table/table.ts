// The table view as data: columns, the free-text filter and the sort (pure; the view renders it).
import type { AtlasModel } from '../data/atlas-types';
import { benchmarkValue, formatParams } from '../data/model-format';

export interface Column {
  key: string;
  title: string;
  numeric: boolean;
  value: (m: AtlasModel) => string | number | null;
  show?: (m: AtlasModel) => string;
}

const lineageText = (m: AtlasModel) => (m.lineage ?? []).map((l) => `${l.type} of ${l.parent}`).join('; ');

export function tableColumns(benchmarks: string[]): Column[] {
  return [
    { key: 'id', title: 'Model', numeric: false, value: (m) => m.id },
    { key: 'family', title: 'Family', numeric: false, value: (m) => m.family || null },
    { key: 'organisation', title: 'Organisation', numeric: false, value: (m) => m.organisation || null },
    { key: 'params', title: 'Parameters', numeric: true, value: (m) => m.paramsB, show: (m) => formatParams(m.paramsB) },
    { key: 'licence', title: 'Licence', numeric: false, value: (m) => m.licence || null },
    ...benchmarks.map((b) => ({
      key: `bench:${b}`,
      title: b,
      numeric: true,
      value: (m: AtlasModel) => benchmarkValue(m, b),
      show: (m: AtlasModel) => benchmarkValue(m, b)?.toFixed(1) ?? '–',
    })),
    { key: 'embedded', title: 'Embedded', numeric: false, value: (m) => (m.row !== null ? 'yes' : 'no') },
    { key: 'lineage', title: 'Lineage', numeric: false, value: (m) => lineageText(m) || null },
  ];
}

/** Every whitespace-separated token occurs (case-insensitively) in the id, family or organisation. */
export function matchesQuery(m: AtlasModel, query: string): boolean {
  const tokens = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const hay = `${m.id} ${m.family} ${m.organisation}`.toLowerCase();
  return tokens.every((t) => hay.includes(t));
}

/**
 * Sorted model indices: by the column's value (numbers numerically, text by code point), empty
 * values last in either direction, ties in atlas order.
 */
export function sortRows(models: AtlasModel[], indices: number[], col: Column, desc: boolean): number[] {
  const vals = new Map(indices.map((i) => [i, col.value(models[i])]));
  return [...indices].sort((x, y) => {
    const a = vals.get(x) ?? null;
    const b = vals.get(y) ?? null;
    if (a === null || b === null) return a === b ? x - y : a === null ? 1 : -1;
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
    return (desc ? -c : c) || x - y;
  });
}
