// The whole view of the explorer as one typed, versioned object, and its URL form.
// A link must reopen exactly the same view, and a tampered link must never crash the app:
// every field is parsed on its own, and a bad field falls back to its default with a message.
import { decodeShared, type SharedEmbedding } from './shared-embedding';

export const VIEW_STATE_VERSION = 1;

export type Tab = 'map' | 'table' | 'lineage' | 'compare';
export const TAB_NAMES: Tab[] = ['map', 'table', 'lineage', 'compare'];
export type Embedded = 'all' | 'embedded' | 'not';
export type ProjectionMethod = 'shipped' | 'umap' | 'pca';

export interface Zoom {
  k: number; // scale factor relative to the fitted view
  cx: number; // centre of the viewport, in layout (data) coordinates
  cy: number;
}

export interface Filters {
  family: string[];
  organisation: string[];
  licence: string[];
  params: [number, number] | null; // billions, inclusive
  embedded: Embedded;
}

export interface Projection {
  method: ProjectionMethod;
  nNeighbors: number;
  minDist: number;
  seed: number;
}

/** Table view: the sort column and direction, and a free-text filter over id, family, organisation. */
export interface TableState {
  sort: string; // a column key (see TABLE_COLUMNS in the table view)
  desc: boolean;
  query: string;
}

export interface ViewState {
  v: typeof VIEW_STATE_VERSION;
  selected: string | null;
  compare: string | null;
  zoom: Zoom | null; // null: fit all points
  colourBy: string; // 'family' | 'organisation' | 'architecture' | 'params' | 'similarity' | 'bench:<key>'
  sizeBy: string; // 'none' | 'params' | 'bench:<key>'
  filters: Filters;
  projection: Projection;
  lineage: boolean; // lineage edges drawn on the map
  tab: Tab;
  table: TableState;
  density: boolean; // density contours and cluster labels on the map
  /** a model embedded in someone's tab, carried by the link (shared-embedding.ts) */
  shared: SharedEmbedding | null;
}

export const DEFAULT_PROJECTION: Projection = { method: 'shipped', nNeighbors: 15, minDist: 0.1, seed: 42 };

export function defaultViewState(): ViewState {
  return {
    v: VIEW_STATE_VERSION,
    selected: null,
    compare: null,
    zoom: null,
    colourBy: 'family',
    sizeBy: 'none',
    filters: { family: [], organisation: [], licence: [], params: null, embedded: 'all' },
    projection: { ...DEFAULT_PROJECTION },
    lineage: false,
    tab: 'map',
    table: { sort: 'embedded', desc: true, query: '' },
    density: false,
    shared: null,
  };
}

const COLOUR_BASE = ['family', 'organisation', 'architecture', 'params', 'similarity'];
const SIZE_BASE = ['none', 'params'];
const BENCH_KEY = /^bench:[A-Za-z0-9_.-]{1,40}$/;
const MAX_ID = 200;
const MAX_LIST = 200;

export const isColourBy = (s: string) => COLOUR_BASE.includes(s) || BENCH_KEY.test(s);
export const isSizeBy = (s: string) => SIZE_BASE.includes(s) || BENCH_KEY.test(s);

// Query keys this module owns; other parameters (e.g. ?threads=2) are left alone.
const KEYS = ['v', 'sel', 'cmp', 'z', 'c', 's', 'ff', 'fo', 'fl', 'fp', 'fe', 'p', 'lin', 'tab', 'ts', 'tq', 'dens', 'e'] as const;
const SORT_KEY = /^[A-Za-z0-9_.:-]{1,48}$/;
const MAX_QUERY = 200;

const fmt = (x: number) => String(Number(x.toPrecision(8)));
// List values are joined with '|', which hub ids and family names do not contain.
const joinList = (xs: string[]) => xs.map((x) => x.replaceAll('|', '')).join('|');

/** Writes the non-default fields of `state` into `params` (removing stale ones). */
export function encodeViewState(state: ViewState, params = new URLSearchParams()): URLSearchParams {
  for (const k of KEYS) params.delete(k);
  const d = defaultViewState();
  params.set('v', String(state.v));
  if (state.selected) params.set('sel', state.selected);
  if (state.compare) params.set('cmp', state.compare);
  if (state.zoom) params.set('z', [state.zoom.k, state.zoom.cx, state.zoom.cy].map(fmt).join(','));
  if (state.colourBy !== d.colourBy) params.set('c', state.colourBy);
  if (state.sizeBy !== d.sizeBy) params.set('s', state.sizeBy);
  const f = state.filters;
  if (f.family.length) params.set('ff', joinList(f.family));
  if (f.organisation.length) params.set('fo', joinList(f.organisation));
  if (f.licence.length) params.set('fl', joinList(f.licence));
  if (f.params) params.set('fp', f.params.map(fmt).join(','));
  if (f.embedded !== 'all') params.set('fe', f.embedded);
  const p = state.projection;
  if (p.method !== 'shipped') params.set('p', [p.method, p.nNeighbors, fmt(p.minDist), p.seed].join(','));
  if (state.lineage) params.set('lin', '1');
  if (state.tab !== 'map') params.set('tab', state.tab);
  const t = state.table;
  if (t.sort !== d.table.sort || t.desc !== d.table.desc) params.set('ts', `${t.sort}:${t.desc ? 'desc' : 'asc'}`);
  if (t.query) params.set('tq', t.query);
  if (state.density) params.set('dens', '1');
  if (state.shared) params.set('e', state.shared.code);
  return params;
}

export interface Decoded {
  state: ViewState;
  problems: string[]; // one line per ignored field, for the user
}

const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const finite = (s: string) => (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(s.trim()) ? Number(s) : Number.NaN);

function parseList(raw: string, name: string, problems: string[]): string[] {
  const xs = raw.split('|').filter((x) => x.length > 0);
  if (xs.length > MAX_LIST || xs.some((x) => x.length > MAX_ID)) {
    problems.push(`filter ${name} is too long and was ignored`);
    return [];
  }
  return xs;
}

/** Reads a view state from URL parameters; never throws. */
export function decodeViewState(params: URLSearchParams): Decoded {
  const state = defaultViewState();
  const problems: string[] = [];
  if (!KEYS.some((k) => params.has(k))) return { state, problems };
  const v = params.get('v');
  if (v !== String(VIEW_STATE_VERSION)) {
    problems.push(`link version ${JSON.stringify(v)} is not supported (expected ${VIEW_STATE_VERSION}); showing the default view`);
    return { state, problems };
  }
  const id = (key: string, label: string) => {
    const raw = params.get(key);
    if (raw === null) return null;
    // Any printable text is a possible id (lab ids are file names); React renders it as text, so
    // only control characters and over-long values are refused.
    if (raw.length === 0 || raw.length > MAX_ID || hasControl(raw)) {
      problems.push(`${label} ${JSON.stringify(raw.slice(0, 40))} is not a valid model id`);
      return null;
    }
    return raw;
  };
  state.selected = id('sel', 'selected model');
  state.compare = id('cmp', 'compared model');

  const z = params.get('z');
  if (z !== null) {
    const [k, cx, cy, ...rest] = z.split(',').map(finite);
    if (rest.length === 0 && k > 0 && k <= 1e4 && Number.isFinite(cx) && Number.isFinite(cy)) state.zoom = { k, cx, cy };
    else problems.push('zoom is not three numbers k,cx,cy with 0 < k <= 10000; showing all points');
  }
  const c = params.get('c');
  if (c !== null) {
    if (isColourBy(c)) state.colourBy = c;
    else problems.push(`colour-by ${JSON.stringify(c.slice(0, 40))} is unknown; colouring by family`);
  }
  const s = params.get('s');
  if (s !== null) {
    if (isSizeBy(s)) state.sizeBy = s;
    else problems.push(`size-by ${JSON.stringify(s.slice(0, 40))} is unknown; using one size`);
  }
  const ff = params.get('ff');
  if (ff !== null) state.filters.family = parseList(ff, 'family', problems);
  const fo = params.get('fo');
  if (fo !== null) state.filters.organisation = parseList(fo, 'organisation', problems);
  const fl = params.get('fl');
  if (fl !== null) state.filters.licence = parseList(fl, 'licence', problems);
  const fp = params.get('fp');
  if (fp !== null) {
    const [lo, hi, ...rest] = fp.split(',').map(finite);
    if (rest.length === 0 && lo >= 0 && hi >= lo) state.filters.params = [lo, hi];
    else problems.push('parameter range is not two numbers 0 <= min <= max; showing all sizes');
  }
  const fe = params.get('fe');
  if (fe !== null) {
    if (fe === 'embedded' || fe === 'not' || fe === 'all') state.filters.embedded = fe;
    else problems.push(`embedded filter ${JSON.stringify(fe.slice(0, 20))} is unknown`);
  }
  const p = params.get('p');
  if (p !== null) {
    const [method, nn, md, seed, ...rest] = p.split(',');
    const nNeighbors = finite(nn ?? '');
    const minDist = finite(md ?? '');
    const sd = finite(seed ?? '');
    const ok =
      rest.length === 0 &&
      (method === 'umap' || method === 'pca' || method === 'shipped') &&
      Number.isInteger(nNeighbors) &&
      nNeighbors >= 2 &&
      nNeighbors <= 200 &&
      minDist >= 0 &&
      minDist <= 1 &&
      Number.isInteger(sd) &&
      sd >= 0 &&
      sd < 2 ** 31;
    if (ok) state.projection = { method, nNeighbors, minDist, seed: sd };
    else problems.push('projection parameters are invalid; showing the shipped layout');
  }
  const lin = params.get('lin');
  if (lin !== null) {
    if (lin === '1' || lin === '0') state.lineage = lin === '1';
    else problems.push('lineage flag must be 0 or 1');
  }
  const tab = params.get('tab');
  if (tab !== null) {
    if ((TAB_NAMES as string[]).includes(tab)) state.tab = tab as Tab;
    else problems.push(`view ${JSON.stringify(tab.slice(0, 20))} is unknown; showing the map`);
  }
  const ts = params.get('ts');
  if (ts !== null) {
    const cut = ts.lastIndexOf(':');
    const key = ts.slice(0, cut);
    const dir = ts.slice(cut + 1);
    if (cut > 0 && SORT_KEY.test(key) && (dir === 'asc' || dir === 'desc')) state.table = { ...state.table, sort: key, desc: dir === 'desc' };
    else problems.push('table sort is not <column>:asc or <column>:desc; using the default order');
  }
  const tq = params.get('tq');
  if (tq !== null) {
    if (tq.length <= MAX_QUERY) state.table = { ...state.table, query: tq };
    else problems.push('table filter text is too long and was ignored');
  }
  const dens = params.get('dens');
  if (dens !== null) {
    if (dens === '1' || dens === '0') state.density = dens === '1';
    else problems.push('density flag must be 0 or 1');
  }
  const e = params.get('e');
  if (e !== null) {
    try {
      state.shared = decodeShared(e);
    } catch (err) {
      problems.push(`the shared in-tab model was ignored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { state, problems };
}

/** Whether moving from a to b is a new history step (selection changes are; pans are not). */
export function isHistoryStep(a: ViewState, b: ViewState): boolean {
  return a.selected !== b.selected || a.compare !== b.compare || a.tab !== b.tab || a.shared !== b.shared;
}
