// Export formats as pure functions (the browser side only wraps them in a Blob download).

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

export interface SvgPoint {
  x: number;
  y: number;
  r: number;
  fill: string;
  id: string;
  selected?: boolean;
}

export interface SvgLabel {
  x: number;
  y: number;
  text: string;
}

export interface SvgEdge {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  stroke: string;
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const n = (x: number) => String(Math.round(x * 100) / 100);

/** The map as a standalone SVG: one <circle> per point (with its hub id as <title>), labels, edges. */
export function mapSvg(
  width: number,
  height: number,
  points: SvgPoint[],
  labels: SvgLabel[],
  edges: SvgEdge[] = [],
  title = 'ABLE Atlas',
): string {
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="system-ui, sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    '<g class="edges" fill="none" stroke-opacity="0.6">',
    ...edges.map((e) => `<line x1="${n(e.x1)}" y1="${n(e.y1)}" x2="${n(e.x2)}" y2="${n(e.y2)}" stroke="${esc(e.stroke)}"/>`),
    '</g>',
    '<g class="points" stroke="#1d2330" stroke-width="0.5">',
    ...points.map(
      (p) =>
        `<circle cx="${n(p.x)}" cy="${n(p.y)}" r="${n(p.r)}" fill="${esc(p.fill)}"${p.selected ? ' stroke-width="2.5"' : ''}><title>${esc(p.id)}</title></circle>`,
    ),
    '</g>',
    '<g class="labels" font-size="12" fill="#1d2330">',
    ...labels.map((l) => `<text x="${n(l.x)}" y="${n(l.y)}">${esc(l.text)}</text>`),
    '</g>',
    '</svg>',
  ];
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
