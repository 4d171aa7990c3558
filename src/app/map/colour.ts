// Colour-by and size-by scales. Colour-blind-safe: Okabe-Ito for categories (the most frequent
// seven get a colour, the rest share grey), viridis for continuous values (log scale for parameters).
import { interpolateViridis, scaleLinear, scaleLog, scaleSqrt } from 'd3';

export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7'];
export const OTHER = '#9a9a9a';
export const MISSING = '#d0d0d0';

/** What colour-by and size-by need of a model (the atlas model satisfies it). */
export interface Scalable {
  family: string;
  organisation: string;
  architecture: string | null;
  paramsB: number | null;
  benchmarks?: Record<string, number | null | undefined> | null;
}

export type Legend =
  | { kind: 'categorical'; title: string; items: { label: string; colour: string; count: number }[] }
  | { kind: 'continuous'; title: string; domain: [number, number]; log: boolean; stops: string[] };

export interface ColourScale {
  colour: (i: number) => string;
  legend: Legend;
}

/** Numeric value of a continuous field, or null when the model has none. */
export function fieldValue(m: Scalable, field: string): number | null {
  if (field === 'params') return m.paramsB != null && m.paramsB > 0 ? m.paramsB : null;
  if (field.startsWith('bench:')) {
    const v = m.benchmarks?.[field.slice(6)];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return null;
}

export function categoryOf(m: Scalable, field: string): string {
  const v = field === 'family' ? m.family : field === 'organisation' ? m.organisation : m.architecture;
  return v || 'unknown';
}

const TITLES: Record<string, string> = {
  family: 'Family',
  organisation: 'Organisation',
  architecture: 'Architecture',
  params: 'Parameters (B, log)',
  similarity: 'Cosine similarity to selection',
};
export const fieldTitle = (f: string) => TITLES[f] ?? (f.startsWith('bench:') ? `Benchmark: ${f.slice(6)}` : f);

const stops = (interp: (t: number) => string) => Array.from({ length: 9 }, (_, i) => interp(i / 8));

/**
 * A colour for each model index. `similarity` holds the cosine of each model to the selection
 * (null when nothing is selected).
 */
export function colourScale(
  models: Scalable[],
  field: string,
  similarity: Float64Array | null,
  shown: number[] = models.map((_, i) => i), // the models on screen: categories and ranges come from them
): ColourScale {
  if (field === 'family' || field === 'organisation' || field === 'architecture') {
    const counts = new Map<string, number>();
    for (const i of shown) counts.set(categoryOf(models[i], field), (counts.get(categoryOf(models[i], field)) ?? 0) + 1);
    // most frequent first, then by name, so colours are stable for a given atlas
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const colourOf = new Map(ranked.map(([c], i) => [c, i < OKABE_ITO.length ? OKABE_ITO[i] : OTHER]));
    const items = ranked.slice(0, OKABE_ITO.length).map(([label, count], i) => ({ label, colour: OKABE_ITO[i], count }));
    const rest = ranked.slice(OKABE_ITO.length).reduce((s, [, n]) => s + n, 0);
    if (rest > 0) items.push({ label: `other (${ranked.length - OKABE_ITO.length})`, colour: OTHER, count: rest });
    return { colour: (i) => colourOf.get(categoryOf(models[i], field)) ?? OTHER, legend: { kind: 'categorical', title: fieldTitle(field), items } };
  }
  const values = models.map((m, i) => (field === 'similarity' ? (similarity ? similarity[i] : null) : fieldValue(m, field)));
  const present = shown.map((i) => values[i]).filter((v): v is number => v !== null && Number.isFinite(v));
  const log = field === 'params';
  let lo = present.length ? Math.min(...present) : 0;
  let hi = present.length ? Math.max(...present) : 1;
  if (hi === lo) {
    hi = log ? hi * 2 : hi + 1;
    lo = log ? lo / 2 : lo;
  }
  const t = log ? scaleLog().domain([lo, hi]).range([0, 1]).clamp(true) : scaleLinear().domain([lo, hi]).range([0, 1]).clamp(true);
  return {
    colour: (i) => {
      const v = values[i];
      return v === null || !Number.isFinite(v) ? MISSING : interpolateViridis(t(v));
    },
    legend: { kind: 'continuous', title: fieldTitle(field), domain: [lo, hi], log, stops: stops(interpolateViridis) },
  };
}

export const BASE_RADIUS = 4;

/** Point radius per model index: area proportional to the value, within [2.5, 12] px. */
export function sizeScale(models: Scalable[], field: string): (i: number) => number {
  if (field === 'none') return () => BASE_RADIUS;
  const values = models.map((m) => fieldValue(m, field));
  const present = values.filter((v): v is number => v !== null);
  if (!present.length) return () => BASE_RADIUS;
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  // parameters span orders of magnitude: size by log so a 70B model does not cover the map
  const tr = field === 'params' ? Math.log10 : (x: number) => x;
  const r = scaleSqrt()
    .domain([0, Math.max(tr(hi) - tr(lo), 1e-9)])
    .range([2.5, 12])
    .clamp(true);
  return (i) => {
    const v = values[i];
    return v === null ? 2.5 : r(tr(v) - tr(lo));
  };
}
