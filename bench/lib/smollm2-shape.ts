// A random-weight graph of SmolLM2-135M's shape (d=576, 9 heads / 3 kv heads, SwiGLU 1536,
// vocab 49152, tied head; 30 layers unless fewer are asked for), built with the engine's own
// blocks: embeds -> decoder layers -> norm -> tied head -> sum of target log-probs, optionally
// with the backward pass to the input embeddings. Shared by the engine benchmarks.
import { grad } from '../../src/engine/autodiff.ts';
import { type DecoderLayerWeights, decoderLayer } from '../../src/engine/blocks.ts';
import { causalMask, linear, type RopeTables, rmsNorm, ropeTables, targetLogProb } from '../../src/engine/composites.ts';
import { type SerializedModel, toOnnx } from '../../src/engine/onnx-writer.ts';
import { reduceSum } from '../../src/engine/ops.ts';
import type { HostTensor } from '../../src/engine/runtime.ts';
import { Graph, type Tensor } from '../../src/engine/tensor.ts';

export const SMOLLM2 = { layers: 30, d: 576, heads: 9, kvHeads: 3, headDim: 64, inter: 1536, vocab: 49152, theta: 100000 };
const cfg = SMOLLM2;

function layerShapes(l: number): [string, number[]][] {
  const p = `model.layers.${l}`;
  const kv = cfg.kvHeads * cfg.headDim;
  return [
    [`${p}.input_layernorm.weight`, [cfg.d]],
    [`${p}.self_attn.q_proj.weight`, [cfg.d, cfg.d]],
    [`${p}.self_attn.k_proj.weight`, [kv, cfg.d]],
    [`${p}.self_attn.v_proj.weight`, [kv, cfg.d]],
    [`${p}.self_attn.o_proj.weight`, [cfg.d, cfg.d]],
    [`${p}.post_attention_layernorm.weight`, [cfg.d]],
    [`${p}.mlp.gate_proj.weight`, [cfg.inter, cfg.d]],
    [`${p}.mlp.up_proj.weight`, [cfg.inter, cfg.d]],
    [`${p}.mlp.down_proj.weight`, [cfg.d, cfg.inter]],
  ];
}

export interface RandomWeights {
  layers: number;
  /** All weights in one buffer (as a safetensors file would hold them); views into it. */
  buffer: Float32Array;
  views: Map<string, { shape: number[]; bytes: Uint8Array }>;
}

// Weights are deterministic (fixed LCG seed) and cached per layer count: each benchmark of a
// process reuses them instead of allocating another half gigabyte.
const cache = new Map<number, RandomWeights>();

export function randomWeights(layers: number): RandomWeights {
  const hit = cache.get(layers);
  if (hit) return hit;
  const shapes: [string, number[]][] = [['model.embed_tokens.weight', [cfg.vocab, cfg.d]]];
  for (let l = 0; l < layers; l++) shapes.push(...layerShapes(l));
  shapes.push(['model.norm.weight', [cfg.d]]);
  const total = shapes.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
  const buffer = new Float32Array(total);
  let seed = 12345;
  for (let i = 0; i < total; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    buffer[i] = (seed / 2 ** 32 - 0.5) * 0.08;
  }
  const views = new Map<string, { shape: number[]; bytes: Uint8Array }>();
  let at = 0;
  for (const [name, shape] of shapes) {
    const n = shape.reduce((x, y) => x * y, 1);
    if (name.endsWith('layernorm.weight') || name === 'model.norm.weight') buffer.subarray(at, at + n).fill(1);
    views.set(name, { shape, bytes: new Uint8Array(buffer.buffer, at * 4, n * 4) });
    at += n;
  }
  const w = { layers, buffer, views };
  cache.set(layers, w);
  return w;
}

export interface ShapeGraphOptions {
  layers: number;
  /** A number for a static sequence length, 'T' for a symbolic one. */
  T: number | 'T';
  /** Also output the gradient of the summed log-prob w.r.t. the input embeddings. */
  backward: boolean;
  /**
   * Feed the rotary tables and the causal mask as inputs instead of baking them in as constants
   * (a symbolic T needs this; the static twin of a symbolic graph uses it too so that the two
   * graphs differ only in the length dim).
   */
  tablesAsInputs?: boolean;
}

export interface ShapeGraph {
  model: SerializedModel;
  nodeCount: number;
  buildMs: number;
  /** Deterministic feeds for a concrete length T. */
  feeds(T: number): Record<string, HostTensor>;
}

export function buildShapeGraph(o: ShapeGraphOptions): ShapeGraph {
  const t0 = performance.now();
  const weights = randomWeights(o.layers);
  const tablesAsInputs = o.tablesAsInputs || typeof o.T === 'string';
  const g = new Graph();
  const w: Record<string, Tensor> = {};
  for (const [name, v] of weights.views) w[name] = g.weight(name, 'float32', v.shape, { bytes: v.bytes });
  const embeds = g.input('embeds', 'float32', [1, o.T, cfg.d]);
  const targets = g.input('targets', 'int64', [1, o.T, 1]);
  let rot: RopeTables;
  let mask: Tensor;
  if (tablesAsInputs) {
    rot = {
      cos: g.input('cos', 'float32', [o.T, cfg.headDim / 2]),
      sin: g.input('sin', 'float32', [o.T, cfg.headDim / 2]),
      rotaryDim: cfg.headDim,
      style: 'half',
    };
    mask = g.input('mask', 'bool', [o.T, o.T]);
  } else {
    const T = o.T as number;
    rot = ropeTables(g, { T, rotaryDim: cfg.headDim, theta: cfg.theta, dtype: 'float32' });
    mask = causalMask(g, T);
  }
  let h = embeds;
  for (let l = 0; l < o.layers; l++) {
    const p = `model.layers.${l}`;
    const lw: DecoderLayerWeights = {
      inputNorm: w[`${p}.input_layernorm.weight`],
      q: w[`${p}.self_attn.q_proj.weight`],
      k: w[`${p}.self_attn.k_proj.weight`],
      v: w[`${p}.self_attn.v_proj.weight`],
      o: w[`${p}.self_attn.o_proj.weight`],
      postNorm: w[`${p}.post_attention_layernorm.weight`],
      gate: w[`${p}.mlp.gate_proj.weight`],
      up: w[`${p}.mlp.up_proj.weight`],
      down: w[`${p}.mlp.down_proj.weight`],
    };
    h = decoderLayer(h, lw, { heads: cfg.heads, kvHeads: cfg.kvHeads, headDim: cfg.headDim, eps: 1e-5 }, rot, mask);
  }
  const logits = linear(rmsNorm(h, w['model.norm.weight'], 1e-5), w['model.embed_tokens.weight']);
  const f = reduceSum(targetLogProb(logits, targets), [0, 1, 2], false);
  g.output('logprob', f);
  if (o.backward) g.output('grad_embeds', grad(f, [embeds])[0]);
  const model = toOnnx(g, 'smollm2-shape');
  const buildMs = performance.now() - t0;
  return { model, nodeCount: model.nodeCount, buildMs, feeds: (T) => shapeFeeds(T, tablesAsInputs) };
}

function shapeFeeds(T: number, tables: boolean): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {
    embeds: { dtype: 'float32', dims: [1, T, cfg.d], data: Float32Array.from({ length: T * cfg.d }, (_, i) => Math.sin(i) * 0.05) },
    targets: { dtype: 'int64', dims: [1, T, 1], data: BigInt64Array.from({ length: T }, (_, i) => BigInt((i * 7919) % cfg.vocab)) },
  };
  if (!tables) return feeds;
  const half = cfg.headDim / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < half; i++) {
      const a = t * cfg.theta ** ((-2 * i) / cfg.headDim);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  const mask = new Uint8Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) mask[i * T + j] = 1;
  feeds.cos = { dtype: 'float32', dims: [T, half], data: cos };
  feeds.sin = { dtype: 'float32', dims: [T, half], data: sin };
  feeds.mask = { dtype: 'bool', dims: [T, T], data: mask };
  return feeds;
}
