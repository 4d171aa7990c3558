// One runtime interface over onnxruntime-node and onnxruntime-web (both follow
// onnxruntime-common). ORT falls back between execution providers silently, so we try the
// preferred providers one at a time and report the one that actually created the session.
import type { SerializedModel } from './onnx-writer.ts';
import type { DType, LazyBytes } from './tensor.ts';

export type HostData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export interface HostTensor {
  dtype: DType;
  dims: number[];
  data: HostData;
}

/** The part of an onnxruntime module (node or web) this engine uses. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array | string, options?: any): Promise<OrtSession> };
  Tensor: new (type: any, data: any, dims: readonly number[]) => any;
  env: any;
}
interface OrtSession {
  run(feeds: Record<string, any>): Promise<Record<string, { type: string; dims: readonly number[]; data: unknown }>>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** In order of preference, e.g. ['webgpu', 'wasm'] or ['cpu']. */
  providers: string[];
  /** 'basic' keeps float64 graphs away from float32-only fusions (x*sigmoid(x) -> QuickGelu). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Intra-op threads (Node); the web binding reads env.wasm.numThreads instead. */
  threads?: number;
  /**
   * false: ORT keeps no prepacked (re-laid-out) copy of each matmul weight. Prepacking costs one
   * more copy of a weight per consuming kernel (forward Gemm and backward MatMul: 2x the weights).
   */
  prepack?: boolean;
  /** false: no CPU memory arena (freed activations go back to the allocator, not a pool). */
  arena?: boolean;
  /** false: no pre-planned activation memory pattern. */
  memPattern?: boolean;
  /** Extra session options passed through (e.g. extra: {session: {intra_op_thread_affinities: ...}}). */
  extra?: Record<string, Record<string, string>>;
}

/**
 * A binding's way to put a model file beside its file-backed weights (SerializedModel.weightDir):
 * onnxruntime resolves their locations relative to the model's path and memory-maps them.
 */
export interface ModelFiles {
  write(dir: string, bytes: Uint8Array): string;
  remove(path: string): void;
}

export interface EngineSession {
  /** The execution provider that created the session. */
  provider: string;
  /** Threads in use, as far as the binding can tell (null: ORT default, one per core). */
  threads: number | null;
  createMs: number;
  run(feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export interface Runtime {
  name: string;
  createSession(model: SerializedModel, opts?: Partial<SessionOptions>): Promise<EngineSession>;
}

const now = () => globalThis.performance.now();

export function makeRuntime(
  ort: OrtModule,
  name: string,
  defaults: SessionOptions,
  threadsOf: (opts: SessionOptions) => number | null,
  files?: ModelFiles,
  /** How this binding takes a weight made on demand (LazyBytes) as external data; none: it cannot. */
  mountLazy?: (lazy: LazyBytes) => Uint8Array,
): Runtime {
  return {
    name,
    async createSession(model, partial = {}) {
      const opts = { ...defaults, ...partial };
      const errors: string[] = [];
      for (const provider of opts.providers) {
        const t0 = now();
        const extra = { ...opts.extra, session: { ...opts.extra?.session, ...(opts.prepack === false ? { disable_prepacking: '1' } : {}) } };
        let path: string | null = null;
        try {
          if (model.weightDir !== undefined) {
            if (!files) throw new Error(`${name} cannot load file-backed weights (${model.weightDir})`);
            path = files.write(model.weightDir, model.bytes);
          }
          const externalData = model.externalData.map((f) => {
            if (f.data instanceof Uint8Array) return f;
            if (!mountLazy) throw new Error(`${name} cannot load weights made on demand (${f.path})`);
            return { path: f.path, data: mountLazy(f.data) };
          });
          const session = await ort.InferenceSession.create(path ?? model.bytes, {
            executionProviders: [provider],
            graphOptimizationLevel: opts.optimization ?? 'all',
            externalData,
            ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
            ...(opts.arena === false ? { enableCpuMemArena: false } : {}),
            ...(opts.memPattern === false ? { enableMemPattern: false } : {}),
            extra,
          });
          return wrap(ort, session, provider, threadsOf(opts), now() - t0);
        } catch (e) {
          errors.push(`${provider}: ${(e as Error).message}`);
        } finally {
          if (path) files?.remove(path);
        }
      }
      throw new Error(`no execution provider could load the model: ${errors.join('; ')}`);
    },
  };
}

const ORT_TYPES: Record<string, DType> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
};

function wrap(
  ort: OrtModule,
  s: OrtSession,
  provider: string,
  threads: number | null,
  createMs: number,
): EngineSession {
  return {
    provider,
    threads,
    createMs,
    async run(feeds) {
      const inputs: Record<string, any> = {};
      for (const [k, v] of Object.entries(feeds)) inputs[k] = new ort.Tensor(v.dtype, v.data, v.dims);
      const out = await s.run(inputs);
      const res: Record<string, HostTensor> = {};
      for (const [k, v] of Object.entries(out)) {
        const dtype = ORT_TYPES[v.type];
        if (!dtype) throw new Error(`output ${k}: unsupported type ${v.type}`);
        res[k] = { dtype, dims: [...v.dims], data: v.data as HostData };
      }
      return res;
    },
    release: () => s.release(),
  };
}
