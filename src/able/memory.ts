// The memory an embedding run will need, from the model's shapes alone, checked before any weight
// is read: a model that cannot fit is refused with the numbers instead of taking the machine or
// the tab down part-way (issue 13: in-tab Gemma 3 270M peaked at 4.7 GB of renderer memory).
import type { ArchSpec } from '../models/index.ts';

/**
 * The engine's overhead, as multipliers on the model's own sizes. WEIGHT_BYTES_PER_PARAM counts
 * every copy a parameter has at the peak: the dequantized float32 in JS (4 B), the graph's
 * initializer copy handed to onnxruntime (4 B) and onnxruntime's own arena and wasm-heap copies
 * (8 B). Calibrated on the one measured peak above (268 M parameters -> 4.7 GB, i.e. about 17 B a
 * parameter with the activations below); one place for the performance work to refine.
 */
export const ENGINE_OVERHEAD = {
  WEIGHT_BYTES_PER_PARAM: 16,
  /**
   * The CLI's path: weights written once to a file onnxruntime maps, prepacking off (docs/benchmarks.md):
   * one float32 copy, as file pages. Measured peaks with probe batching: SmolLM2 1.76x, Gemma 3 270M
   * 1.63x, Qwen2.5-Coder-0.5B 1.08x, 1.5B 1.07x the float32 weights (the rest is the tokenizer,
   * the activations and base below).
   */
  MAPPED_WEIGHT_BYTES_PER_PARAM: 4,
  /** Weights in JS as float32 and copied by onnxruntime, prepacking off: the two copies (safetensors in the tab). */
  UNPACKED_WEIGHT_BYTES_PER_PARAM: 8,
  /**
   * The tab on WASM with GGUF weights made on demand (LazyBytes, prepacking off): one float32 copy in
   * the WASM heap (4 B) and ~1.5 B of onnxruntime's working memory and WASM allocator slack (the heap
   * never shrinks), plus the float32 block being handed over (at most TABLE_BLOCK.bytes, 64 MiB) and
   * the tokenizer's JS memory (TOKENIZER_BYTES_PER_TOKEN). Fitted to the renderer peaks of SmolLM2,
   * Gemma 3 270M and Qwen2.5-Coder-0.5B (docs/benchmarks.md, tab memory).
   */
  ON_DEMAND_WEIGHT_BYTES_PER_PARAM: 5.5,
  ON_DEMAND_HANDOVER_BYTES: 64 * 2 ** 20,
  /**
   * The tokenizer library's tables, ~1 KiB per vocabulary entry (Gemma 3's 262,144: +225 MiB of RSS
   * when built, measured in Node), counted on the mapped and on-demand paths, whose weights term no
   * longer hides it: without it Gemma 3's mapped estimate was 13% under its measured peak.
   */
  TOKENIZER_BYTES_PER_TOKEN: 1024,
  /** forward values kept for the backward pass, and their gradients */
  ACTIVATION_COPIES: 4,
  /** logits, log-softmax and their gradient over the vocabulary, per target position */
  LOGIT_COPIES: 3,
  /** runtime, tokenizer, page: a floor whatever the model */
  BASE_BYTES: 256 * 2 ** 20,
};

/** Parameters of a decoder-only transformer from its spec (embeddings, blocks, head if untied; biases and extra norms left out). */
export function paramCount(s: ArchSpec): number {
  const q = s.heads * s.headDim;
  const kv = s.kvHeads * s.headDim;
  const attn = s.hidden * (q + 2 * kv) + q * s.hidden;
  const gated = s.family !== 'gpt2' && s.family !== 'gpt-neox';
  const mlp = (gated ? 3 : 2) * s.hidden * s.intermediate;
  const embed = s.vocabSize * s.hidden + s.maxPositions * s.hidden;
  return embed + (s.tiedEmbeddings ? 0 : s.vocabSize * s.hidden) + s.layers * (attn + mlp + 2 * s.hidden) + s.hidden;
}

export interface MemoryEstimate {
  params: number;
  bytes: number;
  parts: { weights: number; activations: number; logits: number; base: number };
}

/**
 * Where the weights live: 'js' (float32 in JS, copied and prepacked by onnxruntime), 'js-unpacked'
 * (the same, prepacking off), 'mapped' (the CLI's scratch file), 'on-demand' (the tab on WASM).
 */
export type WeightPath = 'js' | 'js-unpacked' | 'mapped' | 'on-demand';

/** Peak bytes for T tokens per probe and up to `targets` target positions through the head. */
export function estimateEmbedMemory(s: ArchSpec, T = 64, targets = 8, path: WeightPath = 'js'): MemoryEstimate {
  const o = ENGINE_OVERHEAD;
  const params = paramCount(s);
  const perParam = {
    js: o.WEIGHT_BYTES_PER_PARAM,
    'js-unpacked': o.UNPACKED_WEIGHT_BYTES_PER_PARAM,
    mapped: o.MAPPED_WEIGHT_BYTES_PER_PARAM,
    'on-demand': o.ON_DEMAND_WEIGHT_BYTES_PER_PARAM,
  }[path];
  const handover = path === 'on-demand' ? Math.min(4 * s.vocabSize * s.hidden, o.ON_DEMAND_HANDOVER_BYTES) : 0;
  const tokenizer = path === 'on-demand' || path === 'mapped' ? s.vocabSize * o.TOKENIZER_BYTES_PER_TOKEN : 0;
  const weights = params * perParam + handover + tokenizer;
  const perLayer = T * (4 * s.hidden + 2 * s.heads * s.headDim + 2 * s.intermediate) + s.heads * T * T;
  const activations = s.layers * perLayer * 4 * o.ACTIVATION_COPIES;
  const logits = targets * s.vocabSize * 4 * o.LOGIT_COPIES;
  const bytes = weights + activations + logits + o.BASE_BYTES;
  return { params, bytes, parts: { weights, activations, logits, base: o.BASE_BYTES } };
}

const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);

/** Refuses, with the numbers, a model whose estimate exceeds `limit.bytes` (`limit.what` names it). */
export function checkMemory(
  s: ArchSpec,
  limit: { bytes: number; what: string },
  opts: { T?: number; weights?: WeightPath } = {},
): MemoryEstimate {
  const e = estimateEmbedMemory(s, opts.T, undefined, opts.weights);
  if (e.bytes > limit.bytes)
    throw new Error(
      `not enough memory: this model (${(e.params / 1e6).toFixed(0)} M parameters, ${s.layers} layers, vocabulary ${s.vocabSize}) ` +
        `needs about ${gib(e.bytes)} (weights ${gib(e.parts.weights)}, activations ${gib(e.parts.activations)}, logits ${gib(e.parts.logits)}) ` +
        `but ${limit.what} is ${gib(limit.bytes)}`,
    );
  return e;
}
