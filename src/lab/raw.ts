// Word attributions of several kinds from one engine run (the ablation's raw material): a gxi run
// (alpha = 1) gives signed gxi, gxi made absolute per token before the word alignment, and the
// gradient norm; an ig run gives integrated gradients. Unnormalized, concatenated in probe order.
import { probeWordAttributions } from '../able/aggregate';
import { gradNorm, gradTimesInput, integratedGradients } from '../able/attribution';
import type { ProbeRaw } from '../able/embed';

export type RawRun = { kind: 'gxi' } | { kind: 'ig'; steps: number };

export function runName(r: RawRun): string {
  return r.kind === 'ig' ? `ig${r.steps}` : r.kind;
}

export function parseRun(name: string): RawRun {
  if (name === 'gxi') return { kind: 'gxi' };
  const m = /^ig(\d+)$/.exec(name);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 256) return { kind: 'ig', steps: Number(m[1]) };
  throw new Error(`unknown run "${name}": expected gxi or ig<steps> (e.g. ig8)`);
}

/** Quantity name -> word attributions of one probe. */
export function rawWords(run: RawRun, r: ProbeRaw): Record<string, Float64Array> {
  const words = (tok: ArrayLike<number>) => probeWordAttributions(r.probe.context, r.spans, tok, r.probe.id);
  if (run.kind === 'ig') {
    if (r.rows !== run.steps) throw new Error(`probe ${r.probe.id}: ${r.rows} gradient rows for ig with ${run.steps} steps`);
    return { [runName(run)]: words(integratedGradients(r.grad, r.emb, run.steps, r.n, r.H)) };
  }
  const gxi = gradTimesInput(r.grad, r.emb, r.n, r.H);
  return { gxi: words(gxi), 'gxi-abs-token': words(gxi.map(Math.abs)), 'grad-norm': words(gradNorm(r.grad, r.n, r.H)) };
}
