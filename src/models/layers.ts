// Decoder pieces shared by the family files, written over the engine's composites.
import { attention, geluErf, geluTanh, linear, op, type RopeTables, rmsNorm, rope, silu, type Tensor } from '../engine/index.ts';
import type { ForwardContext, GgufFix, GgufNames } from './family.ts';
import type { ArchSpec, RopeSpec } from './spec.ts';

/** Layer `i`'s HF name prefix for the Llama-style families. */
export const layerPrefix = (i: number) => `model.layers.${i}.`;

export function act(spec: ArchSpec, x: Tensor): Tensor {
  if (spec.activation === 'silu') return silu(x);
  if (spec.activation === 'gelu-tanh') return geluTanh(x);
  return geluErf(x);
}

/** [B, T, n*hd] -> [B, n, T, hd] */
export function splitHeads(x: Tensor, n: number, hd: number): Tensor {
  const [B, T] = x.shape;
  return op.transpose(op.reshape(x, [B, T, n, hd]), [0, 2, 1, 3]);
}

/** [B, n, T, hd] -> [B, T, n*hd] */
export function mergeHeads(x: Tensor): Tensor {
  const [B, n, T, hd] = x.shape as number[];
  return op.reshape(op.transpose(x, [0, 2, 1, 3]), [B, T, n * hd]);
}

/** Optional weight: the tensor when the spec says it exists. */
export const maybe = (ctx: ForwardContext, on: boolean, name: string) => (on ? ctx.w(name) : undefined);

export interface AttnInputs {
  q: Tensor; // [B, Hq, T, hd], before rope
  k: Tensor; // [B, Hkv, T, hd], before rope
  v: Tensor; // [B, Hkv, T, hd]
  layer: number;
}

/** Rope (global or local by layer type), masked GQA attention; returns merged heads [B, T, Hq*hd]. */
export function attendLayer(ctx: ForwardContext, a: AttnInputs): Tensor {
  const s = ctx.spec;
  const sliding = s.layerTypes[a.layer] === 'sliding';
  const rot: RopeTables | null = s.rope ? ctx.rope(sliding && s.ropeLocal ? 'local' : 'global') : null;
  const q = rot ? rope(a.q, rot) : a.q;
  const k = rot ? rope(a.k, rot) : a.k;
  const out = attention(q, k, a.v, {
    scale: s.attnScale,
    softcap: s.attnSoftcap ?? undefined,
    mask: ctx.mask(sliding ? s.slidingWindow : null),
  });
  return mergeHeads(out);
}

/** Gated MLP: down(act(gate x) * up x). */
export function gatedMlp(spec: ArchSpec, h: Tensor, gate: Tensor, up: Tensor, down: Tensor, b?: { gate?: Tensor; up?: Tensor; down?: Tensor }): Tensor {
  return linear(op.mul(act(spec, linear(h, gate, b?.gate)), linear(h, up, b?.up)), down, b?.down);
}

export const rms = (ctx: ForwardContext, x: Tensor, name: string, unitOffset = false) =>
  rmsNorm(x, ctx.w(name), ctx.spec.normEps, unitOffset);

/**
 * Inverse frequencies as transformers computes them (float32 torch ops), for the tables of
 * composites.ropeTables: theta^(-2i/d), then linear or Llama 3 scaling.
 */
export function invFreq(r: RopeSpec): Float64Array {
  const f = Math.fround;
  const d = r.rotaryDim;
  const inv = new Float64Array(d / 2);
  for (let i = 0; i < d / 2; i++) inv[i] = f(1 / f(f(r.theta) ** f((2 * i) / d)));
  const sc = r.scaling;
  if (sc.type === 'linear') for (let i = 0; i < inv.length; i++) inv[i] = f(inv[i] / sc.factor);
  if (sc.type === 'llama3') {
    const lowWl = sc.originalMaxPositions / sc.lowFreqFactor;
    const highWl = sc.originalMaxPositions / sc.highFreqFactor;
    for (let i = 0; i < inv.length; i++) {
      const wl = (2 * Math.PI) / inv[i];
      if (wl > lowWl) inv[i] = f(inv[i] / sc.factor);
      else if (wl >= highWl) {
        const smooth = (sc.originalMaxPositions / wl - sc.lowFreqFactor) / (sc.highFreqFactor - sc.lowFreqFactor);
        inv[i] = f(((1 - smooth) * inv[i]) / sc.factor + smooth * inv[i]);
      }
    }
  }
  return inv;
}

/** llama.cpp's tensor names of a fused-qkv LayerNorm block (GPT-2, GPT-NeoX), in this order. */
const FUSED_BLOCK_GGUF = ['attn_norm', 'ffn_norm', 'attn_qkv', 'attn_output', 'ffn_up', 'ffn_down'] as const;

/**
 * GGUF names of every layer of a fused-qkv LayerNorm block: `hf` gives the family's names in
 * FUSED_BLOCK_GGUF's order under `prefix(i)`, `fix` the converter steps to undo (weight, bias).
 */
export function fusedBlockGgufNames(
  spec: ArchSpec,
  n: GgufNames,
  prefix: (i: number) => string,
  hf: readonly string[],
  fix: (gguf: (typeof FUSED_BLOCK_GGUF)[number]) => [GgufFix, GgufFix],
): void {
  for (let i = 0; i < spec.layers; i++)
    FUSED_BLOCK_GGUF.forEach((g, j) => {
      n.wb(`${prefix(i)}${hf[j]}`, `blk.${i}.${g}`, ...fix(g));
    });
}
