// Composite helpers built from primitives only (so their gradients come for free): linear layers
// on [out,in] weights, norms, activations, rotary embeddings and causal grouped-query attention.
import * as op from './ops.ts';
import { type DType, dimProduct, type Graph, type Tensor, typedArrayOf } from './tensor.ts';

/** y = x W^T (+ b) for a weight in the hub's [out, in] layout; never transposes W. */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x : op.reshape(x, [dimProduct(lead), x.shape[x.rank - 1]]);
  const y = op.gemm(x2, w, b ?? null, { transB: true });
  return x.rank === 2 ? y : op.reshape(y, [...lead, w.shape[0]]);
}

/** x / sqrt(mean(x^2) + eps) * w  (Gemma stores w - 1: pass unitOffset). */
export function rmsNorm(x: Tensor, w: Tensor, eps: number, unitOffset = false): Tensor {
  const ms = op.reduceMean(op.mul(x, x), [-1], true);
  const n = op.mul(x, op.reciprocal(op.sqrt(op.add(ms, eps))));
  return op.mul(n, unitOffset ? op.add(w, 1) : w);
}

export function layerNorm(x: Tensor, w: Tensor, b: Tensor | null, eps: number): Tensor {
  const c = op.sub(x, op.reduceMean(x, [-1], true));
  const v = op.reduceMean(op.mul(c, c), [-1], true);
  const y = op.mul(op.div(c, op.sqrt(op.add(v, eps))), w);
  return b ? op.add(y, b) : y;
}

/** 0.5 x (1 + erf(x / sqrt 2)) */
export const geluErf = (x: Tensor) =>
  op.mul(op.mul(x, 0.5), op.add(op.erf(op.mul(x, Math.SQRT1_2)), 1));

/** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
export const geluTanh = (x: Tensor) => {
  const inner = op.mul(op.add(x, op.mul(op.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return op.mul(op.mul(x, 0.5), op.add(op.tanh(inner), 1));
};

export const silu = (x: Tensor) => op.mul(x, op.sigmoid(x));

/** cap * tanh(x / cap) (Gemma 2 logit soft-capping). */
export const softcap = (x: Tensor, cap: number) => op.mul(op.tanh(op.div(x, cap)), cap);

export interface RopeTables {
  cos: Tensor;
  sin: Tensor;
  rotaryDim: number;
  style: 'half' | 'interleaved';
}

/**
 * cos/sin tables [T, rotaryDim/2] for positions 0..T-1 as constants (static T), the one rotary table
 * of the engine. `invFreq` (the models' scaled variants, src/models/layers.ts) overrides
 * theta^(-2i/rotaryDim); `float32Angles` rounds pos * invFreq to float32 as transformers does.
 */
export function ropeTables(
  g: Graph,
  o: {
    T: number;
    rotaryDim: number;
    dtype: DType;
    theta?: number;
    style?: 'half' | 'interleaved';
    invFreq?: ArrayLike<number>;
    float32Angles?: boolean;
  },
): RopeTables {
  const half = o.rotaryDim / 2;
  const theta = o.theta ?? 10000;
  const inv = o.invFreq ?? Array.from({ length: half }, (_, i) => theta ** ((-2 * i) / o.rotaryDim));
  const cos = new Float64Array(o.T * half);
  const sin = new Float64Array(o.T * half);
  for (let t = 0; t < o.T; t++)
    for (let i = 0; i < half; i++) {
      const a = o.float32Angles ? Math.fround(t * inv[i]) : t * inv[i];
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  return {
    cos: g.constant(o.dtype, [o.T, half], typedArrayOf(o.dtype, cos)),
    sin: g.constant(o.dtype, [o.T, half], typedArrayOf(o.dtype, sin)),
    rotaryDim: o.rotaryDim,
    style: o.style ?? 'half',
  };
}

/**
 * Rotary position embedding on x [..., T, headDim]: the first rotaryDim dims are rotated
 * (half-split pairs (i, i+r/2) or interleaved pairs (2i, 2i+1)); the rest pass through.
 */
export function rope(x: Tensor, t: RopeTables): Tensor {
  const d = x.shape[x.rank - 1] as number;
  const r = t.rotaryDim;
  const rest = r < d ? op.slice(x, -1, r, d) : null;
  const xr = op.slice(x, -1, 0, r);
  let rotated: Tensor;
  if (t.style === 'half') {
    const a = op.slice(xr, -1, 0, r / 2);
    const b = op.slice(xr, -1, r / 2, r);
    rotated = op.concat(
      [op.sub(op.mul(a, t.cos), op.mul(b, t.sin)), op.add(op.mul(b, t.cos), op.mul(a, t.sin))],
      -1,
    );
  } else {
    const pairs = op.reshape(xr, [...xr.shape.slice(0, -1), r / 2, 2]);
    const e = op.slice(pairs, -1, 0, 1);
    const o = op.slice(pairs, -1, 1, 2);
    const c = op.reshape(t.cos, [...t.cos.shape, 1]);
    const s = op.reshape(t.sin, [...t.sin.shape, 1]);
    const out = op.concat([op.sub(op.mul(e, c), op.mul(o, s)), op.add(op.mul(o, c), op.mul(e, s))], -1);
    rotated = op.reshape(out, xr.shape);
  }
  return rest ? op.concat([rotated, rest], -1) : rotated;
}

/** Allowed key positions: causal, optionally within a sliding window of `window` positions. */
export function causalMask(g: Graph, T: number, window?: number): Tensor {
  const m = new Uint8Array(T * T);
  for (let i = 0; i < T; i++)
    for (let j = 0; j <= i; j++) if (window === undefined || i - j < window) m[i * T + j] = 1;
  return g.constant('bool', [T, T], m);
}

export interface AttentionOptions {
  /** Default 1/sqrt(headDim). */
  scale?: number;
  /** Boolean [T, S] of allowed positions (causalMask); none = full attention. */
  mask?: Tensor;
  /** Soft-cap of the attention logits (Gemma 2). */
  softcap?: number;
}

/**
 * Grouped-query attention: q [B, Hq, T, Dh], k and v [B, Hkv, S, Dh], Hq a multiple of Hkv.
 * Query heads are grouped as [B, Hkv, G, T, Dh] so k and v broadcast without being repeated.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions = {}): Tensor {
  const [B, Hq, T, Dh] = q.shape;
  const Hkv = k.shape[1] as number;
  const G = (Hq as number) / Hkv;
  if (!Number.isInteger(G)) throw new Error(`attention: ${Hq} query heads over ${Hkv} kv heads`);
  const S = k.shape[2];
  const q5 = op.reshape(q, [B, Hkv, G, T, Dh]);
  const k5 = op.reshape(k, [B, Hkv, 1, S, Dh]);
  const v5 = op.reshape(v, [B, Hkv, 1, S, Dh]);
  let s = op.mul(op.matmul(q5, op.transposeLast2(k5)), o.scale ?? 1 / Math.sqrt(Dh as number));
  if (o.softcap) s = softcap(s, o.softcap);
  if (o.mask) s = op.where(o.mask, s, -1e30);
  const p = op.softmax(s, -1);
  return op.reshape(op.matmul(p, v5), [B, Hq, T, Dh]);
}

/** log p(target) at each position: logits [..., V], targets int64 [..., 1] -> [..., 1]. */
export const targetLogProb = (logits: Tensor, targets: Tensor) =>
  op.gatherElements(op.logSoftmax(logits, -1), targets, -1);
