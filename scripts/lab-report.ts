// Renders the lab's behavioural tables (lab/behaviour.json) for docs/lab.md: one SVG heatmap of the
// symmetric KL per tokenizer group (d3 scales, SVG written as text: no DOM needed) and markdown tables
// (each model's KL to its group's reference, held-out NLL, captured mass).
// Usage: npx tsx scripts/lab-report.ts [lab/behaviour.json] [docs/lab]   (prints the markdown)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { interpolateViridis, scaleBand, scaleLog, scaleSequentialLog } from 'd3';

interface Group {
  reference: string;
  models: string[];
  nll: Record<string, number>;
  capturedMass: Record<string, number>;
  kl: number[][];
  klSym: number[][];
  probeTopKSymKl: number[][];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const short = (id: string) => id.replace(/^lab\//, '');

export function heatmapSvg(title: string, ids: string[], m: number[][]): string {
  const cell = 22;
  const labelW = 250;
  const n = ids.length;
  const x = scaleBand<number>()
    .domain(ids.map((_, i) => i))
    .range([labelW, labelW + n * cell]);
  const y = scaleBand<number>()
    .domain(ids.map((_, i) => i))
    .range([40, 40 + n * cell]);
  const off = m.flatMap((r, i) => r.filter((_, j) => j !== i)).filter((v) => v > 0);
  const lo = Math.max(1e-6, Math.min(...off));
  const hi = Math.max(lo * 10, ...off);
  const colour = scaleSequentialLog(interpolateViridis).domain([lo, hi]);
  const parts: string[] = [];
  parts.push(`<text x="${labelW}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`);
  ids.forEach((id, i) => {
    parts.push(`<text x="${labelW - 6}" y="${y(i)! + cell * 0.7}" text-anchor="end">${esc(short(id))}</text>`);
    const cx = x(i)! + cell * 0.6;
    const cy = 40 + n * cell + 6;
    parts.push(`<text transform="translate(${cx},${cy}) rotate(60)">${esc(short(id))}</text>`);
    ids.forEach((_, j) => {
      const v = m[i][j];
      const fill = i === j ? '#ffffff' : colour(Math.max(lo, v));
      parts.push(
        `<rect x="${x(j)}" y="${y(i)}" width="${cell - 1}" height="${cell - 1}" fill="${fill}" stroke="#ddd"><title>${esc(short(id))} vs ${esc(short(ids[j]))}: ${v.toExponential(3)}</title></rect>`,
      );
    });
  });
  // legend: the log colour scale with its ticks
  const lx = labelW + n * cell + 30;
  const lh = n * cell;
  const ly = scaleLog().domain([lo, hi]).range([40 + lh, 40]);
  for (let k = 0; k < 50; k++) {
    const v = lo * (hi / lo) ** (k / 49);
    parts.push(`<rect x="${lx}" y="${ly(v) - lh / 50}" width="14" height="${lh / 49 + 1}" fill="${colour(v)}"/>`);
  }
  for (const t of ly.ticks().filter((x) => Math.abs(Math.log10(x) - Math.round(Math.log10(x))) < 1e-9)) parts.push(`<text x="${lx + 18}" y="${ly(t) + 4}">${t.toExponential(0)}</text>`);
  parts.push(`<text x="${lx}" y="32">sym. KL (nats/token)</text>`);
  const w = lx + 120;
  const h = 40 + n * cell + 200;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

export function groupMarkdown(name: string, g: Group): string {
  const ref = g.models.indexOf(g.reference);
  const rows = g.models.map(
    (id, i) =>
      `| ${id} | ${g.kl[i][ref].toFixed(4)} | ${g.kl[ref][i].toFixed(4)} | ${g.klSym[i][ref].toFixed(4)} | ${g.probeTopKSymKl[i][ref].toFixed(4)} | ${g.nll[id].toFixed(4)} | ${g.capturedMass[id].toFixed(4)} |`,
  );
  return [
    `### ${name} (reference ${g.reference})`,
    '',
    `![symmetric KL, ${name}](lab/kl-${name}.svg)`,
    '',
    '| model | KL(model ‖ ref) | KL(ref ‖ model) | symmetric | probe top-k sym. KL | held-out NLL | captured mass |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'lab/behaviour.json';
  const outDir = process.argv[3] ?? 'docs/lab';
  const b = JSON.parse(readFileSync(file, 'utf8')) as { groups: Record<string, Group> };
  mkdirSync(outDir, { recursive: true });
  const md: string[] = [];
  for (const [name, g] of Object.entries(b.groups)) {
    writeFileSync(join(outDir, `kl-${name}.svg`), heatmapSvg(`Symmetric KL of next-token distributions, ${name}`, g.models, g.klSym));
    md.push(groupMarkdown(name, g));
  }
  console.log(md.join('\n'));
}
