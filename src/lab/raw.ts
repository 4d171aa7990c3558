// Word attributions of several kinds from one engine run (the ablation's raw material): a gxi run
// (alpha = 1) gives signed gxi, gxi made absolute per token before the word alignment, and the
// gradient norm; an ig run gives integrated gradients. Unnormalized, concatenated in probe order.
import { probeWordAttributions } from '../able/aggregate';
import { gradNorm, gradTimesInput, integratedGradients } from '../able/attribution';
import type { ProbeRaw } from '../able/embed';

/** expected: gradients of the model's expected log-prob under its own next-token distribution (not v1's target log-prob). */
export type RawRun = ({ kind: 'gxi' } | { kind: 'ig'; steps: number }) & { expected?: boolean };

export function runName(r: RawRun): string {
  return (r.kind === 'ig' ? `ig${r.steps}` : r.kind) + (r.expected ? '-expected' : '');
}

export function parseRun(name: string): RawRun {
  const expected = name.endsWith('-expected');
  const base = expected ? name.slice(0, -'-expected'.length) : name;
  if (base === 'gxi') return { kind: 'gxi', expected };
  const m = /^ig(\d+)$/.exec(base);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 256) return { kind: 'ig', steps: Number(m[1]), expected };
  throw new Error(`unknown run "${name}": expected gxi or ig<steps> (e.g. ig8), optionally with -expected`);
}

/** Quantity name -> word attributions of one probe. */
export function rawWords(run: RawRun, r: ProbeRaw): Record<string, Float64Array> {
  const words = (tok: ArrayLike<number>) => probeWordAttributions(r.probe.context, r.spans, tok, r.probe.id);
  if (run.kind === 'ig') {
    if (r.rows !== run.steps) throw new Error(`probe ${r.probe.id}: ${r.rows} gradient rows for ig with ${run.steps} steps`);
    return { [runName(run)]: words(integratedGradients(r.grad, r.emb, run.steps, r.n, r.H)) };
  }
  const gxi = gradTimesInput(r.grad, r.emb, r.n, r.H);
  const sfx = run.expected ? '-expected' : '';
  return { [`gxi${sfx}`]: words(gxi), [`gxi-abs-token${sfx}`]: words(gxi.map(Math.abs)), [`grad-norm${sfx}`]: words(gradNorm(r.grad, r.n, r.H)) };
}
