// What each architecture file provides, and the context its forward function runs in.
import type { DType, Graph, RopeTables, Tensor } from '../engine/index.ts';
import type { ArchSpec } from './spec.ts';

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

export interface Family {
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
