// A random-weight model of SmolLM2-135M's shape (d=576, 9 heads / 3 kv heads, SwiGLU 1536, vocab
// 49152, tied head; 30 layers unless fewer are asked for), made and run by the models' own code:
// the spec from a config.json (archSpecFromConfig), the tensors of the Llama family descriptor
// (randomModel), and the attribution graph users' models get (buildAttributionGraph): ids ->
// f = sum of target log-probs, optionally with df/dE. Shared by the engine benchmarks.
import { Graph, grad, linear, op, primitives, type RopeTables, type Tensor, targetLogProb } from '../../src/engine/index.ts';
import { type SerializedModel, toOnnx } from '../../src/engine/onnx-writer.ts';
import type { HostTensor } from '../../src/engine/runtime.ts';
import { archSpecFromConfig, buildAttributionGraph, type LoadedModel } from '../../src/models/index.ts';
import { randomModel } from '../../src/models/random-model.ts';

export const SMOLLM2 = { layers: 30, d: 576, heads: 9, kvHeads: 3, headDim: 64, inter: 1536, vocab: 49152, theta: 100000 };
const cfg = SMOLLM2;

// Models are deterministic (seeded) and cached per layer count: each benchmark of a process reuses
// them instead of allocating another half gigabyte.
const cache = new Map<number, LoadedModel>();

export function randomWeights(layers: number): LoadedModel {
  const hit = cache.get(layers);
  if (hit) return hit;
  const spec = archSpecFromConfig({
    architectures: ['LlamaForCausalLM'],
    hidden_size: cfg.d,
    num_attention_heads: cfg.heads,
    num_key_value_heads: cfg.kvHeads,
    num_hidden_layers: layers,
    intermediate_size: cfg.inter,
    vocab_size: cfg.vocab,
    rms_norm_eps: 1e-5,
    rope_theta: cfg.theta,
    hidden_act: 'silu',
    tie_word_embeddings: true,
  });
  const model = randomModel(spec, { seed: 12345, scale: 0.04 });
  cache.set(layers, model);
  return model;
}

/** Bytes of the model's weights held in JS. */
export const weightBytes = (m: LoadedModel) => [...m.tensors.values()].reduce((a, t) => a + ('bytes' in t ? t.bytes.byteLength : 'lazy' in t ? t.lazy.byteLength : t.file.length), 0);

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
  /** Deterministic feeds for a concrete length T. Outputs: f [1] and, with backward, grad [1, T, d]. */
  feeds(T: number): Record<string, HostTensor>;
}

export function buildShapeGraph(o: ShapeGraphOptions): ShapeGraph {
  const t0 = performance.now();
  const model = randomWeights(o.layers);
  const tables = o.tablesAsInputs || typeof o.T === 'string';
  const g = tables ? withTableInputs(model, o.T, o.backward) : buildAttributionGraph(model, { T: o.T as number, B: 1, backward: o.backward });
  const onnx = toOnnx(g, 'smollm2-shape');
  const buildMs = performance.now() - t0;
  return { model: onnx, nodeCount: onnx.nodeCount, buildMs, feeds: (T) => (tables ? tableFeeds(T) : idFeeds(T)) };
}

/**
 * The same model through the Llama family's own forward, with the length T possibly symbolic: the
 * rotary tables and the mask become inputs (buildAttributionGraph bakes them in for a static T).
 * Inputs embeds [1, T, d] and targets int64 [1, T, 1]; f sums every position's target log-prob.
 */
function withTableInputs(model: LoadedModel, T: number | 'T', backward: boolean): Graph {
  const { spec, family } = model;
  const g = new Graph(primitives);
  const w = new Map<string, Tensor>();
  const weight = (name: string) => {
    let t = w.get(name);
    if (!t) {
      const s = model.tensors.get(name)!;
      t = g.weight(name, 'float32', s.shape, 'bytes' in s ? { bytes: s.bytes } : 'lazy' in s ? { lazy: s.lazy } : { file: s.file });
      w.set(name, t);
    }
    return t;
  };
  const embeds = g.input('embeds', 'float32', [1, T, cfg.d]);
  const targets = g.input('targets', 'int64', [1, T, 1]);
  const rot: RopeTables = {
    cos: g.input('cos', 'float32', [T, cfg.headDim / 2]),
    sin: g.input('sin', 'float32', [T, cfg.headDim / 2]),
    rotaryDim: cfg.headDim,
    style: 'half',
  };
  const mask = g.input('mask', 'bool', [T, T]);
  const ctx = { g, spec, T: T as number, B: 1, dtype: 'float32' as const, w: weight, rope: () => rot, mask: () => mask };
  const h = family.forward(ctx, embeds);
  const f = op.reduceSum(targetLogProb(linear(h, weight(family.lmHeadName(spec))), targets), [0, 1, 2], false);
  g.output('f', f);
  if (backward) g.output('grad', grad(f, [embeds])[0]);
  return g;
}

function idFeeds(T: number): Record<string, HostTensor> {
  return {
    ids: { dtype: 'int64', dims: [T], data: BigInt64Array.from({ length: T }, (_, i) => BigInt((i * 7919) % cfg.vocab)) },
    targetMask: { dtype: 'float32', dims: [T], data: Float32Array.from({ length: T }, (_, i) => (i === 0 ? 0 : 1)) },
    alpha: { dtype: 'float32', dims: [1], data: Float32Array.from([1]) },
  };
}

function tableFeeds(T: number): Record<string, HostTensor> {
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
  return {
    embeds: { dtype: 'float32', dims: [1, T, cfg.d], data: Float32Array.from({ length: T * cfg.d }, (_, i) => Math.sin(i) * 0.05) },
    targets: { dtype: 'int64', dims: [1, T, 1], data: BigInt64Array.from({ length: T }, (_, i) => BigInt((i * 7919) % cfg.vocab)) },
    cos: { dtype: 'float32', dims: [T, half], data: cos },
    sin: { dtype: 'float32', dims: [T, half], data: sin },
    mask: { dtype: 'bool', dims: [T, T], data: mask },
  };
}
