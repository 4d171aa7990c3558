// A model family in one descriptor: the names it goes by (hub and GGUF), how its config.json and
// GGUF metadata read into an ArchSpec, its GGUF tensor names, its tensors and its forward. The
// registry (registry.ts) is built from these; adding a family is its file and one line there.
import type { DType, Graph, RopeTables, Tensor } from '../engine/index.ts';
import type { ArchSpec, RopeSpec } from './spec.ts';

export interface ForwardContext {
  g: Graph;
  spec: ArchSpec;
  /** Static sequence length and batch (IG steps). */
  T: number;
  B: number;
  /** Compute dtype of the graph. */
  dtype: DType;
  /** A weight by its Hugging Face name, already cast to the compute dtype. */
  w(name: string): Tensor;
  /** Rotary tables for one rope spec (cached). */
  rope(which: 'global' | 'local'): RopeTables;
  /** Causal mask, optionally sliding (cached). */
  mask(window: number | null): Tensor;
}

export type Json = Record<string, any>;

/** What config.ts hands a family besides the config itself. */
export interface ConfigContext {
  /** config.json's architectures[0] */
  arch: string;
  generation: number;
  /** config.json lists layer_types (then they win over the family's default pattern) */
  hasLayerTypes: boolean;
  /** A number under one of several names; throws ModelConfigError naming them when absent and no fallback. */
  num(keys: string[], fallback?: number): number;
  /** transformers-4 rope keys (rope_theta, rope_scaling, partial_rotary_factor) merged over defaults. */
  flatRope(defaults?: Json): RopeSpec;
  /** One rope parameter dict as transformers 5 writes it. */
  ropeOf(p: Json): RopeSpec;
  /** The activation config.json names (Gemma 1 reads a legacy "gelu" as the tanh approximation). */
  activation(gemma1?: boolean): ArchSpec['activation'];
}

/** What gguf.ts hands a family: the metadata under `<architecture>.` keys. */
export interface GgufContext {
  generation: number;
  get(key: string): unknown;
  num(key: string, fallback?: number): number;
}

/** The step llama.cpp's converter took on a tensor, to undo on reading (gguf.ts). */
export type GgufFix = 'none' | 'permuteQ' | 'permuteK' | 'gemmaNorm' | 'transpose' | 'neoxQkv';

/** Registers the GGUF tensor for an HF name: `add` one tensor, `wb` its .weight and .bias. */
export interface GgufNames {
  add(hf: string, gguf: string, fix?: GgufFix): void;
  wb(hf: string, gguf: string, fix?: GgufFix, biasFix?: GgufFix): void;
}

export interface Family {
  name: string;
  /** Hugging Face `architectures[0]` names -> generation (Gemma 1/2/3; 0 elsewhere). */
  hubArchitectures: Readonly<Record<string, number>>;
  /** GGUF `general.architecture` names -> generation. */
  ggufArchitectures: Readonly<Record<string, number>>;
  /** LayerNorm (with bias) rather than RMSNorm: GGUF files then store `layer_norm_epsilon`. */
  layerNorm?: boolean;
  /** The family's reading of config.json over the generic one (config.ts). */
  fromConfig(s: ArchSpec, c: Json, x: ConfigContext): ArchSpec;
  /** The family's reading of GGUF metadata over the generic one (gguf.ts). */
  fromGguf(s: ArchSpec, x: GgufContext): ArchSpec;
  /** HF tensor name -> GGUF tensor name, for every tensor a file of this family may hold. */
  ggufNames(spec: ArchSpec, n: GgufNames): void;
  /** Other names checkpoints use for a tensor (GPT-2 without `transformer.`). */
  aliases?(name: string): string[];
  /** Every tensor forward() reads, by HF name, with the shape the spec implies. */
  tensors(spec: ArchSpec): Map<string, number[]>;
  /** The input token embedding table [V, D]. */
  embedName(spec: ArchSpec): string;
  /** The output projection [V, D] (the embedding table when tied). */
  lmHeadName(spec: ArchSpec): string;
  /**
   * Hidden states after the final norm [B, T, D] from the input embeddings x [B, T, D] (E as the
   * first layer sees it, embedding scale included; learned positions are added here).
   */
  forward(ctx: ForwardContext, x: Tensor): Tensor;
}
