// Word attributions of several kinds from one engine run (the ablation's raw material): a gxi run
// (alpha = 1) gives signed gxi, gxi made absolute per token before the word alignment, and the
// gradient norm; an ig run gives integrated gradients (from zero, or from the mean embedding row);
// an sg run SmoothGrad of gxi. Unnormalized, concatenated in probe order.
import { probeWordAttributions } from '../able/aggregate';
import { gradNorm, gradTimesInput, integratedGradients } from '../able/attribution';
import type { ProbeRaw, RowsPort } from '../able/embed';
import type { ArchSpec } from '../models/spec';
import type { WeightStore } from '../models/store';
import { type EmbeddingStats, meanBaselineRows, observeEmbedding, smoothGradRows } from './rows';

/**
 * expected: gradients of the model's expected log-prob under its own next-token distribution (not
 * v1's target log-prob). ig baseline 'mean': from the mean token embedding row instead of zero.
 * sg: SmoothGrad of gxi, `samples` noise draws of standard deviation sigma x rms(E).
 */
export type RawRun = (
  | { kind: 'gxi' }
  | { kind: 'ig'; steps: number; baseline?: 'mean' }
  | { kind: 'sg'; samples: number; sigma: number }
) & { expected?: boolean };

/** SmoothGrad's default noise level (the name leaves it out: sg8 is sg8 at sigma 0.1). */
export const SG_SIGMA = 0.1;

export function runName(r: RawRun): string {
  const base =
    r.kind === 'ig' ? `ig${r.steps}${r.baseline === 'mean' ? '-mean' : ''}` : r.kind === 'sg' ? `sg${r.samples}${r.sigma === SG_SIGMA ? '' : `-${r.sigma}`}` : r.kind;
  return base + (r.expected ? '-expected' : '');
}

const count = (s: string) => (Number(s) >= 1 && Number(s) <= 256 ? Number(s) : null);

export function parseRun(name: string): RawRun {
  const expected = name.endsWith('-expected');
  const base = expected ? name.slice(0, -'-expected'.length) : name;
  if (base === 'gxi') return { kind: 'gxi', expected };
  const ig = /^ig(\d+)(-mean)?$/.exec(base);
  if (ig && count(ig[1])) return { kind: 'ig', steps: count(ig[1])!, ...(ig[2] ? { baseline: 'mean' as const } : {}), expected };
  const sg = /^sg(\d+)(?:-(\d*\.?\d+))?$/.exec(base);
  const sigma = sg?.[2] === undefined ? SG_SIGMA : Number(sg[2]);
  if (sg && count(sg[1]) && sigma > 0 && sigma <= 1) return { kind: 'sg', samples: count(sg[1])!, sigma, expected };
  throw new Error(
    `unknown run "${name}": expected gxi, ig<steps> (e.g. ig8), ig<steps>-mean (baseline: the mean embedding row) or ` +
      `sg<samples>[-<sigma>] (SmoothGrad, sigma in (0, 1], default ${SG_SIGMA}: sg8, sg8-0.05); steps and samples 1 to 256; optionally with -expected`,
  );
}

/**
 * The batch rows a run needs beyond the method's, with the store observer that gives them the
 * embedding table's statistics as the weights are read; none for gxi and zero-baseline ig.
 */
export function runRows(run: RawRun): { rows: RowsPort; observe: (s: WeightStore, spec: ArchSpec) => WeightStore } | null {
  if (run.kind === 'gxi' || (run.kind === 'ig' && run.baseline !== 'mean')) return null;
  let stats: EmbeddingStats | undefined;
  const got = () => {
    if (!stats) throw new Error('the embedding table was not read through the observing store');
    return stats;
  };
  return {
    rows: run.kind === 'ig' ? meanBaselineRows(run.steps, got) : smoothGradRows(run.samples, run.sigma, got),
    observe: (s, spec) => observeEmbedding(s, spec, (x) => (stats = x)),
  };
}

/** Quantity name -> word attributions of one probe. */
export function rawWords(run: RawRun, r: ProbeRaw): Record<string, Float64Array> {
  const words = (tok: ArrayLike<number>) => probeWordAttributions(r.probe.context, r.spans, tok, r.probe.id);
  const rows = run.kind === 'ig' ? run.steps : run.kind === 'sg' ? run.samples : 1;
  if (r.rows !== rows) throw new Error(`probe ${r.probe.id}: ${r.rows} gradient rows for ${runName(run)}, expected ${rows}`);
  // from the rows port: the token attributions the engine run already made
  if (run.kind === 'sg' || (run.kind === 'ig' && run.baseline === 'mean')) return { [runName(run)]: words(r.tokenAttr) };
  if (run.kind === 'ig') return { [runName(run)]: words(integratedGradients(r.grad, r.emb, run.steps, r.n, r.H)) };
  const gxi = gradTimesInput(r.grad, r.emb, r.n, r.H);
  const sfx = run.expected ? '-expected' : '';
  return { [`gxi${sfx}`]: words(gxi), [`gxi-abs-token${sfx}`]: words(gxi.map(Math.abs)), [`grad-norm${sfx}`]: words(gradNorm(r.grad, r.n, r.H)) };
}
