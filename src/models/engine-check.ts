// The execution-provider check (e2e/engine.spec.ts in Chromium, engine-check.test.ts in Node): a
// one-layer random Llama through the models' own attribution graph (forward + backward), with
// seeded inputs, built identically in Node and the browser.
import type { Runtime } from '../engine/index.ts';
import { archSpecFromConfig } from './config.ts';
import { buildAttributionGraph } from './graph.ts';
import { randomModel } from './random-model.ts';
import { toOnnx } from '../engine/index.ts';

const T = 6;
const B = 2;
const CONFIG = {
  architectures: ['LlamaForCausalLM'],
  hidden_size: 16,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  num_hidden_layers: 1,
  intermediate_size: 24,
  vocab_size: 32,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  hidden_act: 'silu',
};

export function buildEngineCheck() {
  const model = randomModel(archSpecFromConfig(CONFIG), { seed: 20261129, scale: 0.3 });
  const onnx = toOnnx(buildAttributionGraph(model, { T, B }), 'engine-check');
  const ids = BigInt64Array.from({ length: T }, (_, i) => BigInt((i * 7 + 3) % CONFIG.vocab_size));
  const targetMask = Float32Array.from({ length: T }, (_, i) => (i === 0 ? 0 : 1));
  const feeds = {
    ids: { dtype: 'int64' as const, dims: [T], data: ids },
    targetMask: { dtype: 'float32' as const, dims: [T], data: targetMask },
    alpha: { dtype: 'float32' as const, dims: [B], data: Float32Array.from([1, 0.5]) },
  };
  return { model: onnx, feeds };
}

export interface EngineCheckResult {
  provider: string;
  /** f at alpha = 1 (sum of target log-probs) */
  loss: number;
  /** df/dX [B, T, D] */
  grad: number[];
  createMs: number;
  runMs: number;
}

export async function runEngineCheck(rt: Runtime): Promise<EngineCheckResult> {
  const { model, feeds } = buildEngineCheck();
  const s = await rt.createSession(model);
  const t0 = globalThis.performance.now();
  const out = await s.run(feeds);
  const runMs = globalThis.performance.now() - t0;
  await s.release();
  return {
    provider: s.provider,
    loss: Number(out.f.data[0]),
    grad: Array.from(out.grad.data as Float32Array),
    createMs: s.createMs,
    runMs,
  };
}

/** max |a - b| / max |b| */
export function relativeError(a: readonly number[], b: readonly number[]): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}
