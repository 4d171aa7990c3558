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
