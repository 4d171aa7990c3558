// ArchSpec: one normalized description of a decoder-only transformer, whatever it was read from
// (a Hugging Face config.json or GGUF metadata). Family forward functions read only this.
import { InputError } from '../weights/errors.ts';

/** A family's name (registry.ts lists them: llama, qwen2, qwen3, gemma, gpt2, gpt-neox, phi3). */
export type FamilyName = string;

export type RopeScaling =
  | { type: 'default' }
  | { type: 'linear'; factor: number }
  | {
      type: 'llama3';
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositions: number;
    };

export interface RopeSpec {
  theta: number;
  /** Rotated dims per head (partial rotary: < headDim). */
  rotaryDim: number;
  scaling: RopeScaling;
}

export interface ArchSpec {
  family: FamilyName;
  /** Gemma generation (1, 2 or 3); 0 for other families. */
  generation: number;
  /** What it was read from: the HF architecture name, or `gguf:<general.architecture>`. */
  architecture: string;
  source: 'config' | 'gguf';
  vocabSize: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  normEps: number;
  activation: 'silu' | 'gelu-tanh' | 'gelu-erf';
  tiedEmbeddings: boolean;
  /** Input embeddings are multiplied by this inside the embedding module (Gemma: sqrt(hidden)). */
  embedScale: number;
  /** Learned position table rows (GPT-2); 0 when positions are rotary. */
  maxPositions: number;
  /** Rotary embedding of full-attention layers (null for GPT-2). */
  rope: RopeSpec | null;
  /** Rotary embedding of sliding-window layers when it differs (Gemma 3 local base). */
  ropeLocal: RopeSpec | null;
  /** Per layer: 'full' causal or 'sliding' causal within `slidingWindow` positions. */
  layerTypes: ('full' | 'sliding')[];
  slidingWindow: number | null;
  /** Multiplier of q.k (default headDim^-0.5). */
  attnScale: number;
  attnSoftcap: number | null;
  finalSoftcap: number | null;
  /** Biases on q, k, v projections (Qwen2, Llama attention_bias). */
  qkvBias: boolean;
  /** Bias on the attention output projection (Llama attention_bias). */
  oBias: boolean;
  /** Biases on the MLP projections (Llama mlp_bias). */
  mlpBias: boolean;
  /** GPT-NeoX: x + attn(ln1 x) + mlp(ln2 x). */
  parallelResidual: boolean;
}

/** What a model has unless its family's reading says otherwise (config.ts and gguf.ts start here). */
export const SPEC_DEFAULTS = {
  activation: 'silu',
  embedScale: 1,
  maxPositions: 0,
  ropeLocal: null,
  attnSoftcap: null,
  finalSoftcap: null,
  qkvBias: false,
  oBias: false,
  mlpBias: false,
  parallelResidual: false,
} as const satisfies Partial<ArchSpec>;

/** The architecture is not one this engine implements. */
export class UnsupportedArchitectureError extends Error {
  override readonly name = 'UnsupportedArchitectureError';
  constructor(
    readonly architecture: string,
    readonly supported: readonly string[],
    where: string,
  ) {
    super(`unsupported architecture '${architecture}' (${where}); supported: ${supported.join(', ')}`);
  }
}

/** A config value is missing or outside what the family implements. */
export class ModelConfigError extends InputError {
  override readonly name = 'ModelConfigError';
}

/**
 * Upper bounds no supported checkpoint comes near (the largest: 262,144 vocabulary, 62 layers,
 * hidden 5,376, 128 heads). They only stop nonsense metadata from sizing allocations: a count
 * from a file is checked here before anything is allocated from it.
 */
export const SPEC_LIMITS = {
  vocabSize: 1 << 22,
  hidden: 1 << 16,
  layers: 1024,
  heads: 1024,
  kvHeads: 1024,
  headDim: 4096,
  intermediate: 1 << 18,
  maxPositions: 1 << 20,
} as const;

/** Refuses counts and dimensions that are not positive integers within SPEC_LIMITS. */
export function checkSpecCounts(
  c: Partial<Record<keyof typeof SPEC_LIMITS, number>>,
  where: string,
  keys: Partial<Record<keyof typeof SPEC_LIMITS, string>> = {},
): void {
  for (const [k, max] of Object.entries(SPEC_LIMITS) as [keyof typeof SPEC_LIMITS, number][]) {
    const v = c[k];
    if (v === undefined) continue;
    const min = k === 'maxPositions' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min || v > max)
      throw new ModelConfigError(where, `${keys[k] ?? k} is ${v}; expected an integer in ${min}..${max}`);
  }
  if (c.heads !== undefined && c.kvHeads !== undefined && c.heads % c.kvHeads !== 0)
    throw new ModelConfigError(where, `${keys.heads ?? 'heads'} ${c.heads} is not a multiple of ${keys.kvHeads ?? 'kvHeads'} ${c.kvHeads}`);
}

/** Decoder layer indices in tensor names (`blk.N.`, `model.layers.N.`, `[transformer.]h.N.`, `gpt_neox.layers.N.`); other towers are not counted. */
export function layerIndices(names: Iterable<string>): Set<number> {
  const out = new Set<number>();
  for (const n of names) {
    const m = /^(?:blk\.|(?:model\.|transformer\.|gpt_neox\.)?(?:layers|h)\.)(\d+)\./.exec(n);
    if (m) out.add(Number(m[1]));
  }
  return out;
}

/**
 * The layer count a config or metadata states must be the one the tensors have: layers 0..L-1
 * present, nothing beyond. Otherwise a model would run with layers silently dropped.
 */
export function checkLayerCount(layers: number, names: Iterable<string>, file: string, key: string): void {
  const have = layerIndices(names);
  if (have.size === 0) return; // a store that does not name layers this way: loadModel checks each tensor
  const max = Math.max(...have);
  if (max + 1 !== layers)
    throw new ModelConfigError(file, `${key} says ${layers} layers but the tensors hold ${max + 1} (blocks 0..${max})`);
  for (let i = 0; i < layers; i++)
    if (!have.has(i)) throw new ModelConfigError(file, `${key} says ${layers} layers but layer ${i} has no tensors`);
}
