// Token attributions -> word attributions -> normalized embedding (METHOD.md sections 5-6).
import { alignToWords, segmentWords } from '../text/words';
import type { MethodVersion } from './spec';
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

function checkFinite(words: ArrayLike<number>, probeId: string, model: string): void {
  for (let i = 0; i < words.length; i++) {
    if (!Number.isFinite(words[i])) {
      throw new Error(`model ${model}, probe ${probeId}: non-finite word attribution at word ${i} (${words[i]})`);
    }
  }
}

/** A scaled by 1 / norm (signed). All-zero or non-finite attributions are an error, never a zero vector. */
function scaleBy(words: ArrayLike<number>, norm: number, factor: number, probeId: string, model: string): Float64Array {
  if (norm === 0) throw new Error(`model ${model}, probe ${probeId}: all word attributions are zero`);
  const out = new Float64Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = (words[i] / norm) * factor;
  return out;
}

/** v1: A / ||A||_1. */
export function normalizeL1(words: ArrayLike<number>, probeId: string, model: string): Float64Array {
  checkFinite(words, probeId, model);
  let l1 = 0;
  for (let i = 0; i < words.length; i++) l1 += Math.abs(words[i]);
  return scaleBy(words, l1, 1, probeId, model);
}

/** v2: A / ||A||_2 * sqrt(n): every word of the probe set weighs alike, whatever its probe's length. */
export function normalizeL2Words(words: ArrayLike<number>, probeId: string, model: string): Float64Array {
  checkFinite(words, probeId, model);
  let ss = 0;
  for (let i = 0; i < words.length; i++) ss += words[i] * words[i];
  return scaleBy(words, Math.sqrt(ss), Math.sqrt(words.length), probeId, model);
}

const PER_PROBE: Record<MethodVersion, typeof normalizeL1> = { 1: normalizeL1, 2: normalizeL2Words };

/** The version's per-probe normalization, concatenation in the given (probe-set) order, unit L2 norm; stored as float32. */
export function buildEmbedding(
  probes: readonly { probeId: string; words: ArrayLike<number> }[],
  model: string,
  version: MethodVersion,
): Float32Array {
  const parts = probes.map((p) => PER_PROBE[version](p.words, p.probeId, model));
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

/** The number of words of each probe's context: the lengths of an embedding's per-probe blocks. */
export function probeWordCounts(probes: readonly { context: string }[]): number[] {
  return probes.map((p) => segmentWords(p.context).length);
}

/**
 * An embedding under another method version, from its stored vector alone. Both versions scale each
 * probe's block of word attributions by a positive factor, so a stored block is the model's word
 * attributions up to that factor, and the other version's normalization of it is exact.
 */
export function reaggregate(vector: ArrayLike<number>, wordCounts: readonly number[], version: MethodVersion, model: string): Float32Array {
  const dim = wordCounts.reduce((a, b) => a + b, 0);
  if (dim !== vector.length) throw new Error(`model ${model}: vector has ${vector.length} entries, the probe set's words are ${dim}`);
  let off = 0;
  const blocks = wordCounts.map((n, i) => {
    const words = Array.prototype.slice.call(vector, off, off + n) as number[];
    off += n;
    return { probeId: `#${i}`, words };
  });
  return buildEmbedding(blocks, model, version);
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

/** The whole pipeline after the model: align each probe to words, normalize per probe (by version), concatenate, L2. */
export function aggregateEmbedding(
  probes: readonly { id: string; context: string }[],
  results: readonly ProbeTokenResult[],
  model: string,
  version: MethodVersion,
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
    version,
  );
}
