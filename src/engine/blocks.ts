// A pre-norm decoder layer of the Llama family (RMSNorm, RoPE, grouped-query attention, SwiGLU),
// written over composites so the family files in src/models can reuse or vary it.
import { attention, linear, type RopeTables, rmsNorm, rope, silu } from './composites.ts';
import * as op from './ops.ts';
import type { Tensor } from './tensor.ts';

export interface DecoderLayerWeights {
  inputNorm: Tensor;
  q: Tensor;
  k: Tensor;
  v: Tensor;
  o: Tensor;
  qBias?: Tensor;
  kBias?: Tensor;
  vBias?: Tensor;
  postNorm: Tensor;
  gate: Tensor;
  up: Tensor;
  down: Tensor;
}

export interface DecoderConfig {
  heads: number;
  kvHeads: number;
  headDim: number;
  eps: number;
  /** Attention logit soft-cap (Gemma 2). */
  attnSoftcap?: number;
}

/** Self-attention with residual: x [B, T, D] -> [B, T, D]. */
export function selfAttention(
  x: Tensor,
  w: DecoderLayerWeights,
  c: DecoderConfig,
  rot: RopeTables,
  mask: Tensor,
): Tensor {
  const [B, T] = x.shape;
  const h = rmsNorm(x, w.inputNorm, c.eps);
  const heads = (t: Tensor, n: number) =>
    op.transpose(op.reshape(t, [B, T, n, c.headDim]), [0, 2, 1, 3]);
  const q = rope(heads(linear(h, w.q, w.qBias), c.heads), rot);
  const k = rope(heads(linear(h, w.k, w.kBias), c.kvHeads), rot);
  const v = heads(linear(h, w.v, w.vBias), c.kvHeads);
  const a = attention(q, k, v, { mask, softcap: c.attnSoftcap });
  const merged = op.reshape(op.transpose(a, [0, 2, 1, 3]), [B, T, c.heads * c.headDim]);
  return op.add(x, linear(merged, w.o));
}

/** SwiGLU MLP with residual. */
export function swigluMlp(x: Tensor, w: DecoderLayerWeights, c: DecoderConfig): Tensor {
  const h = rmsNorm(x, w.postNorm, c.eps);
  return op.add(x, linear(op.mul(silu(linear(h, w.gate)), linear(h, w.up)), w.down));
}

export function decoderLayer(
  x: Tensor,
  w: DecoderLayerWeights,
  c: DecoderConfig,
  rot: RopeTables,
  mask: Tensor,
): Tensor {
  return swigluMlp(selfAttention(x, w, c, rot, mask), w, c);
}
