// The ablation's report: a markdown table (variants in the pre-set order, selection and held-out
// figures side by side, the baselines below) and an SVG scatter of M1 ordering against M3 AUC
// (d3 scales, SVG written as text: no DOM).
import { scaleLinear, scaleLog } from 'd3';
import type { Summary, VariantScore } from './ablate';
import { summarize } from './ablate';
import type { LabModel } from './metrics';

interface Ranked {
  name: string;
  selection: Summary;
  heldOut: Summary;
}

const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ablationMarkdown(ranked: Ranked[], all: VariantScore[], models: LabModel[], selection: string[], heldOut: string[]): string {
  const head =
    '| # | variant | models | cross-family | Q8_0 | min Q5 | quant order | FT/merge nearer than Q4_0 | M1 goals | M3 AUC | M2 rho | M4 | held-out Q8_0 | held-out min Q5 | held-out order | held-out M3 | held-out M2 |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n';
  const rows = ranked.map((r, i) => {
    const s = r.selection;
    const h = r.heldOut;
    return `| ${i + 1} | ${r.name} | ${s.models}+${h.models} | ${f(s.crossFamily, 2)} | ${f(s.q8)} | ${f(s.q5min)} | ${f(s.quantOrder, 2)} | ${f(s.derivedNearerThanQ4_0, 2)} | ${s.m1GoalsMet}/3 | ${f(s.m3Auc)} | ${f(s.m2Rho)} | ${f(s.m4, 2)} | ${f(h.q8)} | ${f(h.q5min)} | ${f(h.quantOrder, 2)} | ${f(h.m3Auc)} | ${h.models ? f(h.m2Rho) : '–'} |`;
  });
  const base = all
    .filter((v) => v.aggregation === null)
    .map((v) => {
      const s = summarize(v, models, selection);
      const h = summarize(v, models, heldOut);
      return `| ${v.name} | ${s.models}+${h.models} | ${f(s.quantOrder, 2)} | ${f(s.derivedNearerThanQ4_0, 2)} | ${f(s.m3Auc)} | ${f(s.m2Rho)} | ${f(h.m3Auc)} | ${h.models ? f(h.m2Rho) : '–'} | ${v.m3.map((x) => `${x.family} ${f(x.auc)}`).join(', ')} |`;
    });
  return (
    `Selection families: ${selection.join(', ')}; held-out: ${heldOut.join(', ') || 'none'}. "models": selection+held-out models the variant covers; ` +
    `"cross-family": mean cosine between the real bases of different families (M1's cosine goals count only below 0.5).\n\n${head}${rows.join('\n')}\n\n` +
    `Output-based baselines (similarity = minus a divergence; where a KL table is missing, its family is not covered):\n\n| baseline | models | quant order | FT/merge nearer than Q4_0 | M3 AUC | M2 rho | held-out M3 | held-out M2 | per family |\n|---|---|---|---|---|---|---|---|---|\n${base.join('\n')}\n`
  );
}

/** Each variant as a point: x = share of (quant, FT/merge) pairs ordered right, y = M3 AUC (selection families). */
export function ablationSvg(ranked: Ranked[]): string {
  const W = 640;
  const H = 420;
  const m = { l: 60, r: 20, t: 30, b: 50 };
  const x = scaleLinear().domain([0, 1]).range([m.l, W - m.r]);
  // only variants that cover every selection model are comparable; v1 drawn last, on top
  const full = Math.max(...ranked.map((r) => r.selection.models));
  const isV1 = (r: Ranked) => r.name === 'gxi-v1-stored signed/none/l1/uniform';
  const pts = ranked
    .filter((r) => r.selection.models === full && r.selection.quantOrder !== null && r.selection.m3Auc !== null)
    .sort((a, b) => Number(isV1(a)) - Number(isV1(b)));
  const top = ranked.find((r) => r.selection.models === full);
  const ys = pts.map((r) => r.selection.m3Auc!);
  const y = scaleLinear()
    .domain([Math.min(0.5, ...ys), 1])
    .range([H - m.b, m.t]);
  const parts = [
    `<text x="${m.l}" y="18" font-size="14" font-weight="bold">Method variants: M1 ordering vs M3 lineage AUC (selection families)</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
    ...x.ticks(5).map((t) => `<text x="${x(t)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`),
    ...y.ticks(5).map((t) => `<text x="${m.l - 6}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(2)}</text>`),
    `<text x="${(W + m.l) / 2}" y="${H - 12}" text-anchor="middle">share of (re-quantization, fine-tune/merge) pairs with the re-quantization nearer</text>`,
    `<text transform="translate(16,${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">within-family lineage ROC-AUC</text>`,
    ...pts.map(
      (r) =>
        `<circle cx="${x(r.selection.quantOrder!).toFixed(1)}" cy="${y(r.selection.m3Auc!).toFixed(1)}" r="${r === top || isV1(r) ? 6 : 3.5}" fill="${r === top ? '#d62728' : isV1(r) ? '#1f77b4' : '#888'}" fill-opacity="0.8"><title>${esc(r.name)}</title></circle>`,
    ),
    `<text x="${W - m.r - 200}" y="${m.t + 12}" fill="#1f77b4">blue: v1</text>`,
    `<text x="${W - m.r - 200}" y="${m.t + 26}" fill="#d62728">red: first by the pre-set order</text>`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">\n${parts.join('\n')}\n</svg>\n`;
}

/** Neighbour-ranking agreement (Kendall tau-b, mean and worst) against the number of probes, log x axis. */
export function convergenceSvg(title: string, series: { name: string; points: { n: number; tau: number; tauMin: number }[] }[]): string {
  const W = 640;
  const H = 400;
  const m = { l: 60, r: 150, t: 30, b: 50 };
  const ns = series.flatMap((s) => s.points.map((p) => p.n));
  const x = scaleLog()
    .domain([Math.min(...ns), Math.max(...ns)])
    .range([m.l, W - m.r]);
  const lo = Math.min(0, ...series.flatMap((s) => s.points.map((p) => p.tauMin)));
  const y = scaleLinear().domain([lo, 1]).range([H - m.b, m.t]);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const parts = [
    `<text x="${m.l}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
    ...[...new Set(ns)].map((t) => `<text x="${x(t)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`),
    ...y.ticks(5).map((t) => `<text x="${m.l - 6}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(1)}</text>`),
    `<line x1="${m.l}" y1="${y(0.9)}" x2="${W - m.r}" y2="${y(0.9)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${(W - m.r + m.l) / 2}" y="${H - 12}" text-anchor="middle">probes (random subsets, log scale)</text>`,
    `<text transform="translate(16,${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">Kendall tau-b of neighbour rankings vs all probes</text>`,
  ];
  series.forEach((s, k) => {
    const c = colours[k % colours.length];
    const path = (key: 'tau' | 'tauMin') => s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.n).toFixed(1)},${y(p[key]).toFixed(1)}`).join('');
    parts.push(`<path d="${path('tau')}" fill="none" stroke="${c}" stroke-width="2"/>`);
    parts.push(`<path d="${path('tauMin')}" fill="none" stroke="${c}" stroke-dasharray="3 3"/>`);
    parts.push(`<text x="${W - m.r + 8}" y="${m.t + 16 * k + 10}" fill="${c}">${esc(s.name)}</text>`);
  });
  parts.push(`<text x="${W - m.r + 8}" y="${m.t + 16 * series.length + 16}" fill="#555">dashed: worst model</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">\n${parts.join('\n')}\n</svg>\n`;
}

/** Embedding distance against relative weight noise, log-log, per base and aggregation, with the fitted line and the lab's relations. */
export function stabilitySvg(
  results: {
    base: string;
    aggregation: string;
    fit: { slope: number; intercept: number };
    points: { eps: number; distance: number }[];
    relations: { id: string; type: string; relativeWeightChange: number; distance: number }[];
  }[],
): string {
  const W = 840;
  const H = 440;
  const m = { l: 60, r: 360, t: 30, b: 50 };
  const xs = results.flatMap((r) => [...r.points.map((p) => p.eps), ...r.relations.map((q) => q.relativeWeightChange)]).filter((v) => v > 0);
  const ys = results.flatMap((r) => [...r.points.map((p) => p.distance), ...r.relations.map((q) => q.distance)]).filter((v) => v > 0);
  const x = scaleLog()
    .domain([Math.min(...xs) / 1.5, Math.max(...xs) * 1.5])
    .range([m.l, W - m.r]);
  const y = scaleLog()
    .domain([Math.min(...ys) / 1.5, Math.max(...ys) * 1.5])
    .range([H - m.b, m.t]);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  const parts = [
    `<text x="${m.l}" y="18" font-size="14" font-weight="bold">Embedding change vs relative weight noise (log-log)</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
    ...x.ticks(6).filter((t) => Number.isInteger(Math.log10(t))).map((t) => `<text x="${x(t)}" y="${H - m.b + 16}" text-anchor="middle">${t.toExponential(0)}</text>`),
    ...y.ticks(6).filter((t) => Number.isInteger(Math.round(Math.log10(t) * 1e9) / 1e9)).map((t) => `<text x="${m.l - 6}" y="${y(t) + 4}" text-anchor="end">${t.toExponential(0)}</text>`),
    `<text x="${(W - m.r + m.l) / 2}" y="${H - 12}" text-anchor="middle">relative weight change (noise eps; re-quantization RMS; merge distance)</text>`,
    `<text transform="translate(16,${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">||v - v0|| (unit vectors)</text>`,
  ];
  results.forEach((r, k) => {
    const c = colours[k % colours.length];
    for (const p of r.points) parts.push(`<circle cx="${x(p.eps).toFixed(1)}" cy="${y(Math.max(p.distance, y.domain()[0])).toFixed(1)}" r="2.5" fill="${c}"/>`);
    const [e0, e1] = [Math.min(...r.points.map((p) => p.eps)), Math.max(...r.points.map((p) => p.eps))];
    const line = (e: number) => 10 ** (r.fit.intercept + r.fit.slope * Math.log10(e));
    if (Number.isFinite(r.fit.slope)) parts.push(`<line x1="${x(e0)}" y1="${y(line(e0))}" x2="${x(e1)}" y2="${y(line(e1))}" stroke="${c}" stroke-width="1.5"/>`);
    for (const q of r.relations)
      parts.push(
        `<path d="M${x(q.relativeWeightChange).toFixed(1)},${(y(q.distance) - 5).toFixed(1)}l4,8h-8z" fill="none" stroke="${c}"><title>${esc(q.id)} (${q.type}): ${q.distance.toFixed(3)}</title></path>`,
      );
    parts.push(`<text x="${W - m.r + 8}" y="${m.t + 16 * k + 10}" fill="${c}">${esc(`${r.base.replace(/^lab\//, '')} ${r.aggregation}: slope ${r.fit.slope.toFixed(2)}`)}</text>`);
  });
  parts.push(`<text x="${W - m.r + 8}" y="${m.t + 16 * results.length + 16}" fill="#555">dots: noise runs; triangles: lab relations</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">\n${parts.join('\n')}\n</svg>\n`;
}
