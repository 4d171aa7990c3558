// Token attributions -> word attributions -> normalized embedding (METHOD.md sections 5-6).
import { alignToWords, segmentWords } from '../text/words';
import { type Span, selectTokens } from './targets';

/**
 * Word attributions of one probe: only attributed tokens (not special, not target) reach the
 * alignment; the words are the context's words.
 */
export function probeWordAttributions(
  context: string,
  spans: readonly Span[],
  tokenAttr: ArrayLike<number>,
  probeId = '?',
): Float64Array {
  if (spans.length !== tokenAttr.length) {
    throw new Error(`probe ${probeId}: ${spans.length} token spans but ${tokenAttr.length} attributions`);
  }
  const { attributed } = selectTokens(spans, context.length, probeId);
  const words = segmentWords(context);
  return alignToWords(
    attributed.map((i) => spans[i] as [number, number]),
    attributed.map((i) => tokenAttr[i]),
    words,
  );
}

/** A / ||A||_1 (signed). All-zero or non-finite attributions are an error, never a zero vector. */
export function normalizeL1(words: ArrayLike<number>, probeId: string, model: string): Float64Array {
  let l1 = 0;
  for (let i = 0; i < words.length; i++) {
    if (!Number.isFinite(words[i])) {
      throw new Error(`model ${model}, probe ${probeId}: non-finite word attribution at word ${i} (${words[i]})`);
    }
    l1 += Math.abs(words[i]);
  }
  if (l1 === 0) throw new Error(`model ${model}, probe ${probeId}: all word attributions are zero`);
  const out = new Float64Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = words[i] / l1;
  return out;
}

/** L1 per probe, concatenation in the given (probe-set) order, unit L2 norm; stored as float32. */
export function buildEmbedding(
  probes: readonly { probeId: string; words: ArrayLike<number> }[],
  model: string,
): Float32Array {
  const parts = probes.map((p) => normalizeL1(p.words, p.probeId, model));
  const dim = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float64Array(dim);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  let l2 = 0;
  for (let i = 0; i < dim; i++) l2 += out[i] * out[i];
  l2 = Math.sqrt(l2);
  if (!(l2 > 0)) throw new Error(`model ${model}: embedding has zero norm`);
  const f32 = new Float32Array(dim);
  for (let i = 0; i < dim; i++) f32[i] = out[i] / l2;
  return f32;
}

/** The one cosine of the project (aggregation checks, kNN, layout, the app); a zero vector gives 0. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosine: dimensions differ (${a.length} vs ${b.length})`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** Per-probe token results as the engine hands them over (one entry per probe, in probe-set order). */
export interface ProbeTokenResult {
  /** Character spans of the tokens of context + target (null for special tokens). */
  spans: readonly Span[];
  /** One attribution per token (target and special tokens are ignored). */
  tokenAttr: ArrayLike<number>;
}

/** The whole pipeline after the model: align each probe to words, L1 per probe, concatenate, L2. */
export function aggregateEmbedding(
  probes: readonly { id: string; context: string }[],
  results: readonly ProbeTokenResult[],
  model: string,
): Float32Array {
  if (probes.length !== results.length) {
    throw new Error(`model ${model}: ${results.length} probe results for ${probes.length} probes`);
  }
  return buildEmbedding(
    probes.map((p, i) => ({
      probeId: p.id,
      words: probeWordAttributions(p.context, results[i].spans, results[i].tokenAttr, p.id),
    })),
    model,
  );
}
