// Export formats as pure functions (the browser side only wraps them in a Blob download).
import type { Legend as LegendSpec } from '../map/colour';
import type { Scene, ScenePoint } from '../map/scene';

export interface NeighbourRow {
  rank: number;
  id: string;
  cosine: number;
  family: string;
  organisation: string;
  paramsB: number | null;
}

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe (OWASP's CSV-injection advice); plain numbers such as a negative cosine stay numbers.
 */
export const neutraliseFormula = (s: string): string => (/^[=+\-@\t\r]/.test(s) && !/^[-+]?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(s) ? `'${s}` : s);

const csvCell = (v: string | number | null) => {
  if (v === null) return '';
  const s = neutraliseFormula(String(v));
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** CSV (RFC 4180) of a model's neighbours; cosine with 6 decimals. */
export function neighboursCsv(selected: string, rows: NeighbourRow[]): string {
  const head = ['selected', 'rank', 'neighbour', 'cosine', 'family', 'organisation', 'params_b'];
  const lines = rows.map((r) =>
    [selected, r.rank, r.id, r.cosine.toFixed(6), r.family, r.organisation, r.paramsB].map(csvCell).join(','),
  );
  return `${[head.join(','), ...lines].join('\r\n')}\r\n`;
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const n = (x: number) => String(Math.round(x * 100) / 100);

/** One row of the exported legend, in the export's pixels (top-left of the image). */
export type LegendRow =
  | { kind: 'title'; x: number; y: number; text: string }
  | { kind: 'heading'; x: number; y: number; text: string }
  | { kind: 'swatch'; x: number; y: number; colour: string; text: string }
  | { kind: 'line'; x: number; y: number; colour: string; dash: number[]; text: string }
  | { kind: 'ramp'; x: number; y: number; stops: string[]; text: string }
  | { kind: 'note'; x: number; y: number; text: string };

export interface LegendLayout {
  rows: LegendRow[];
  box: { x: number; y: number; w: number; h: number };
}

const ROW = 16;

/**
 * The title and legend drawn into an export: what the map is, the colour key, the point marks and
 * the edge types with their dash patterns. Laid out once, written by the SVG and the PNG writers.
 */
export function legendLayout(
  title: string,
  legend: LegendSpec,
  edges: { type: string; colour: string; dash: number[] }[],
  marks: { text: string; colour: string; dash: number[] }[],
  measure: (text: string) => number,
): LegendLayout {
  const rows: LegendRow[] = [];
  const x = 14;
  let y = 22;
  rows.push({ kind: 'title', x, y, text: title });
  y += ROW + 4;
  rows.push({ kind: 'heading', x, y, text: legend.title });
  y += ROW;
  if (legend.kind === 'categorical') {
    for (const it of legend.items) {
      rows.push({ kind: 'swatch', x, y, colour: it.colour, text: `${it.label} (${it.count})` });
      y += ROW;
    }
  } else {
    const f = (v: number) => String(Number(v.toPrecision(3)));
    rows.push({ kind: 'ramp', x, y, stops: legend.stops, text: `${f(legend.domain[0])} to ${f(legend.domain[1])}${legend.log ? ' (log)' : ''}` });
    y += ROW;
  }
  for (const m of marks) {
    rows.push({ kind: 'line', x, y, colour: m.colour, dash: m.dash, text: m.text });
    y += ROW;
  }
  if (edges.length) {
    rows.push({ kind: 'heading', x, y, text: 'Lineage edges' });
    y += ROW;
    for (const e of edges) {
      rows.push({ kind: 'line', x, y, colour: e.colour, dash: e.dash, text: e.type });
      y += ROW;
    }
  }
  const w = Math.max(...rows.map((r) => (r.kind === 'title' || r.kind === 'heading' || r.kind === 'note' ? 0 : 24) + measure(r.text))) + 16;
  return { rows, box: { x: 6, y: 6, w, h: y - 6 } };
}

function legendSvg(l: LegendLayout, ink: string, paper: string): string[] {
  const out = [`<g class="legend" font-size="12" fill="${ink}">`, `<rect x="${l.box.x}" y="${l.box.y}" width="${n(l.box.w)}" height="${n(l.box.h)}" fill="${paper}" fill-opacity="0.9" stroke="#dde"/>`];
  for (const r of l.rows) {
    if (r.kind === 'title') out.push(`<text x="${r.x}" y="${r.y}" font-size="14" font-weight="600">${esc(r.text)}</text>`);
    else if (r.kind === 'heading') out.push(`<text x="${r.x}" y="${r.y}" font-weight="600">${esc(r.text)}</text>`);
    else if (r.kind === 'note') out.push(`<text x="${r.x}" y="${r.y}">${esc(r.text)}</text>`);
    else {
      if (r.kind === 'swatch') out.push(`<circle cx="${r.x + 6}" cy="${r.y - 4}" r="5" fill="${esc(r.colour)}" stroke="${ink}" stroke-width="0.6"/>`);
      else if (r.kind === 'line')
        out.push(`<line x1="${r.x}" y1="${r.y - 4}" x2="${r.x + 18}" y2="${r.y - 4}" stroke="${esc(r.colour)}" stroke-width="2"${r.dash.length ? ` stroke-dasharray="${r.dash.join(' ')}"` : ''}/>`);
      else
        out.push(
          ...r.stops.map((c, k) => `<rect x="${n(r.x + (k * 18) / r.stops.length)}" y="${r.y - 9}" width="${n(18 / r.stops.length + 0.3)}" height="9" fill="${esc(c)}"/>`),
        );
      out.push(`<text x="${r.x + 24}" y="${r.y}" data-legend-entry="">${esc(r.text)}</text>`);
    }
  }
  out.push('</g>');
  return out;
}

export interface SvgTheme {
  background: string;
  ink: string;
  halo: string;
  contour: string;
}

/**
 * The map scene as a standalone SVG: contours, lineage edges with their dash patterns, one <circle>
 * per point (its hub id as <title>), the selection/compare/neighbour rings, haloed labels, the
 * in-tab marker, and the title and legend.
 */
export function mapSvg(
  scene: Scene,
  legend: LegendLayout,
  theme: SvgTheme,
  ringOf: (p: ScenePoint) => { colour: string; width: number; gap: number; dash: number[] } | null,
  edgeStyle: (type: string) => { colour: string; dash: number[] },
  markerFill: string,
): string {
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(scene.width)}" height="${n(scene.height)}" viewBox="0 0 ${n(scene.width)} ${n(scene.height)}" font-family="system-ui, sans-serif">`,
    `<title>${esc(legend.rows[0]?.text ?? 'ABLE Atlas')}</title>`,
    `<rect width="100%" height="100%" fill="${theme.background}"/>`,
    `<g class="contours" fill="none" stroke="${theme.contour}">`,
    ...scene.contours.map((d) => `<path d="${d}"/>`),
    '</g>',
    '<g class="edges" fill="none" stroke-width="1.5">',
    ...scene.edges.map((e) => {
      const st = edgeStyle(e.type);
      const dash = st.dash.length ? ` stroke-dasharray="${st.dash.join(' ')}"` : '';
      return `<line x1="${n(e.x1)}" y1="${n(e.y1)}" x2="${n(e.x2)}" y2="${n(e.y2)}" stroke="${esc(st.colour)}"${dash} data-type="${esc(e.type)}"/>`;
    }),
    '</g>',
    `<g class="points" stroke="${theme.ink}" stroke-width="0.6">`,
    ...scene.points.flatMap((p) => {
      const ring = ringOf(p);
      const circle = `<circle cx="${n(p.x)}" cy="${n(p.y)}" r="${n(p.r)}" fill="${esc(p.fill)}"${p.role !== 'plain' ? ' stroke-width="1.5"' : ''}><title>${esc(p.id)}</title></circle>`;
      if (!ring) return [circle];
      const dash = ring.dash.length ? ` stroke-dasharray="${ring.dash.join(' ')}"` : '';
      return [
        circle,
        `<circle class="ring ${p.role}" cx="${n(p.x)}" cy="${n(p.y)}" r="${n(p.r + ring.gap)}" fill="none" stroke="${esc(ring.colour)}" stroke-width="${ring.width}"${dash}/>`,
      ];
    }),
    '</g>',
    `<g class="labels" font-size="12" fill="${theme.ink}" stroke="${theme.halo}" stroke-width="3" stroke-linejoin="round" paint-order="stroke">`,
    ...scene.labels.map(
      (l) => `<text x="${n(l.x)}" y="${n(l.y)}"${l.kind === 'cluster' ? ' font-size="13" font-weight="600" fill-opacity="0.75"' : ''}>${esc(l.text)}</text>`,
    ),
    '</g>',
  ];
  const m = scene.marker;
  if (m) {
    out.push('<g class="in-tab-marker">');
    if (m.link)
      out.push(`<line x1="${n(m.x)}" y1="${n(m.y)}" x2="${n(m.link.x)}" y2="${n(m.link.y)}" stroke="${markerFill}" stroke-width="1.5" stroke-dasharray="4 2"/>`);
    const r = 9;
    out.push(
      `<path d="M${n(m.x)} ${n(m.y - r)}L${n(m.x + r)} ${n(m.y)}L${n(m.x)} ${n(m.y + r)}L${n(m.x - r)} ${n(m.y)}Z" ${m.anchored ? `fill="none" stroke="${markerFill}" stroke-width="2.5"` : `fill="${markerFill}" stroke="${theme.ink}" stroke-width="2"`}><title>${esc(m.label)} (embedded in the tab)</title></path>`,
      `<text x="${n(m.x + r + 3)}" y="${n(m.y - r)}" font-size="12" fill="${theme.ink}" stroke="${theme.halo}" stroke-width="3" paint-order="stroke">${esc(m.label)}</text>`,
      '</g>',
    );
  }
  out.push(...legendSvg(legend, theme.ink, theme.background), '</svg>');
  return `${out.join('\n')}\n`;
}

/** Selected embeddings as JSON: the spec hash pins which space the vectors live in. */
export function embeddingsJson(
  specHash: string,
  dim: number,
  items: { id: string; vector: ArrayLike<number> }[],
): string {
  return `${JSON.stringify(
    {
      format: 'able-embeddings-export/1',
      specHash,
      dim,
      dtype: 'float32 (decoded from the atlas float16)',
      models: items.map((it) => ({ id: it.id, vector: Array.from(it.vector) })),
    },
    null,
    1,
  )}\n`;
}

/** A file name safe on every OS, from a hub id. */
export const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
