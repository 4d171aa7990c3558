// A ready-to-run attribution session: the graph of one model at one (T, B), serialized once and
// loaded into onnxruntime (node or web) once; run() takes one padded probe.
import { type HostTensor, type Runtime, toOnnx } from '../engine/index.ts';
import { type AttributionObjective, buildAttributionGraph } from './graph.ts';
import type { LoadedModel } from './load.ts';

export interface AttributionResult {
  /** [B]: f at each row (sum of target log-probs, or of expected log-probs: see objective). */
  f: Float32Array;
  /** [B, T, D]: df/dX at X = alpha[b] E (+ offset[b]). */
  grad: Float32Array;
  /** [T, D]: E ([B, T, D] for a session made with rowIds). */
  embeds: Float32Array;
  /** [T, V] of batch row 0, when the session was made with logits: true. */
  logits?: Float32Array;
}

export interface AttributionSession {
  /**
   * ids and targetMask [T] ([B, T] flat for a session made with rowIds: one padded sequence per row);
   * offset [B, T, D] flat, row-major: required by a session made with offset: true, refused otherwise.
   */
  run(ids: Int32Array | number[], targetMask: Float32Array, alpha: Float32Array, offset?: Float32Array | Float64Array): Promise<AttributionResult>;
  /** The execution provider that loaded the graph. */
  provider: string;
  createMs: number;
  T: number;
  B: number;
  rowIds: boolean;
  nodeCount: number;
  release(): Promise<void>;
}

export interface AttributionSessionOptions {
  T: number;
  B: number;
  dtype?: 'float32' | 'float64';
  logits?: boolean;
  /** Head only at up to this many target tokens (see AttributionGraphOptions.maxTargets). */
  maxTargets?: number;
  /** Take offset [B, T, D] in run(): X[b] = alpha[b] E + offset[b] (see AttributionGraphOptions.offset). */
  offset?: boolean;
  /** One sequence per batch row (see AttributionGraphOptions.rowIds). */
  rowIds?: boolean;
  /** What f sums (default 'target-logprob'; see AttributionObjective). */
  objective?: AttributionObjective;
  providers?: string[];
  threads?: number;
  /** Passed to the runtime (see SessionOptions: prepack, arena, memPattern). */
  prepack?: boolean;
  arena?: boolean;
  memPattern?: boolean;
}

const toF32 = (d: HostTensor['data']) => (d instanceof Float32Array ? d : Float32Array.from(d as Float64Array));

export async function createAttributionSession(
  runtime: Runtime,
  model: LoadedModel,
  opts: AttributionSessionOptions,
): Promise<AttributionSession> {
  const { T, B } = opts;
  const dtype = opts.dtype ?? 'float32';
  const { logits, maxTargets, offset, objective } = opts;
  const rowIds = opts.rowIds === true;
  const onnx = toOnnx(buildAttributionGraph(model, { T, B, dtype, logits, maxTargets, offset, objective, rowIds }), model.spec.architecture);
  const session = await runtime.createSession(onnx, {
    // float64 graphs must avoid ORT's float32-only fusions
    optimization: dtype === 'float64' ? 'basic' : 'all',
    ...(opts.providers ? { providers: opts.providers } : {}),
    ...(opts.threads ? { threads: opts.threads } : {}),
    ...(opts.prepack !== undefined ? { prepack: opts.prepack } : {}),
    ...(opts.arena !== undefined ? { arena: opts.arena } : {}),
    ...(opts.memPattern !== undefined ? { memPattern: opts.memPattern } : {}),
  });
  const vocab = model.spec.vocabSize;
  const D = model.spec.hidden;
  const float = (a: Float32Array | Float64Array): HostTensor['data'] => (dtype === 'float64' ? Float64Array.from(a) : Float32Array.from(a));
  const expected = objective === 'expected-logprob';
  return {
    provider: session.provider,
    createMs: session.createMs,
    T,
    B,
    rowIds,
    nodeCount: onnx.nodeCount,
    async run(ids, targetMask, alpha, off) {
      const S = rowIds ? B : 1; // sequences per call
      const what = rowIds ? `B*T = ${B}*${T}` : `T=${T}`;
      if (ids.length !== S * T) throw new Error(`ids has ${ids.length} tokens; this session takes ${what} (pad at the end)`);
      if (targetMask.length !== S * T) throw new Error(`targetMask has ${targetMask.length} entries; this session takes ${what}`);
      if (alpha.length !== B) throw new Error(`alpha has ${alpha.length} entries, B=${B}`);
      if (offset && !off) throw new Error(`this session was made with offset: true; run() needs an offset of B*T*D = ${B * T * D} values`);
      if (!offset && off) throw new Error('offset given, but this session was made without offset: true');
      if (off && off.length !== B * T * D) throw new Error(`offset has ${off.length} values; this session takes B*T*D = ${B}*${T}*${D} = ${B * T * D}`);
      for (const id of ids)
        if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new Error(`token id ${id} outside the vocabulary [0, ${vocab})`);
      const seq = (...dims: number[]) => (rowIds ? [B, ...dims] : dims);
      const feeds: Record<string, HostTensor> = {
        ids: { dtype: 'int64', dims: seq(T), data: BigInt64Array.from(Array.from(ids, BigInt)) },
        alpha: { dtype, dims: [B], data: float(alpha) },
      };
      if (off) feeds.offset = { dtype, dims: [B, T, D], data: float(off) };
      const K = maxTargets;
      if (K === undefined) feeds.targetMask = { dtype, dims: seq(T), data: float(targetMask) };
      else {
        const select = new Float32Array(S * K * T);
        const tid = new BigInt64Array(S * K);
        const weight = new Float32Array(S * K);
        for (let s = 0; s < S; s++) {
          // target token i is predicted at position i - 1
          const pos = [...Array(T).keys()].filter((i) => targetMask[s * T + i] !== 0);
          const row = rowIds ? ` (row ${s})` : '';
          if (pos.length > K) throw new Error(`${pos.length} target tokens${row} but the session takes maxTargets=${K}`);
          if (pos.some((i) => i === 0)) throw new Error(`targetMask[0] must be 0${row} (no logits predict the first token)`);
          pos.forEach((i, k) => {
            select[(s * K + k) * T + i - 1] = 1;
            tid[s * K + k] = BigInt(ids[s * T + i]);
            weight[s * K + k] = targetMask[s * T + i];
          });
        }
        feeds.targetSelect = { dtype, dims: seq(K, T), data: float(select) };
        if (!expected) feeds.targetIds = { dtype: 'int64', dims: seq(K), data: tid };
        feeds.targetWeight = { dtype, dims: seq(K), data: float(weight) };
      }
      const out = await session.run(feeds);
      const res: AttributionResult = { f: toF32(out.f.data), grad: toF32(out.grad.data), embeds: toF32(out.embeds.data) };
      if (out.logits) res.logits = toF32(out.logits.data);
      return res;
    },
    release: () => session.release(),
  };
}
