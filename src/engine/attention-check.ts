// A small fixed graph (one Llama-style decoder layer: attention + MLP, with its backward) and
// seeded inputs, built identically in Node and the browser, to compare execution providers.
import { grad } from './autodiff.ts';
import { type DecoderLayerWeights, decoderLayer } from './blocks.ts';
import { causalMask, ropeTables } from './composites.ts';
import { toOnnx } from './onnx-writer.ts';
import { mul, reduceSum } from './ops.ts';
import { Rng } from './random.ts';
import type { Runtime } from './runtime.ts';
import { Graph } from './tensor.ts';

const D = 16;
const T = 6;

export function buildAttentionCheck() {
  const rng = new Rng(20261129);
  const g = new Graph();
  const w = (name: string, shape: number[], scale = 0.3) => {
    const data = Float32Array.from(rng.normals(shape.reduce((a, b) => a * b, 1), scale));
    return g.weight(name, 'float32', shape, { bytes: new Uint8Array(data.buffer) });
  };
  const x = g.input('x', 'float32', [2, T, D]);
  const lw: DecoderLayerWeights = {
    inputNorm: w('ln1', [D], 1),
    q: w('q', [D, D]),
    k: w('k', [8, D]),
    v: w('v', [8, D]),
    o: w('o', [D, D]),
    postNorm: w('ln2', [D], 1),
    gate: w('gate', [24, D]),
    up: w('up', [24, D]),
    down: w('down', [D, 24]),
  };
  const rot = ropeTables(g, { T, rotaryDim: 4, theta: 10000, dtype: 'float32' });
  const y = decoderLayer(x, lw, { heads: 4, kvHeads: 2, headDim: 4, eps: 1e-6 }, rot, causalMask(g, T, 4));
  const r = Float32Array.from(rng.normals(2 * T * D));
  const loss = reduceSum(mul(y, g.constant('float32', [2, T, D], r)), [0, 1, 2], false);
  g.output('loss', loss);
  g.output('grad_x', grad(loss, [x])[0]);
  const xs = Float32Array.from(rng.normals(2 * T * D));
  return { model: toOnnx(g, 'attention-check'), feeds: { x: { dtype: 'float32' as const, dims: [2, T, D], data: xs } } };
}

export interface AttentionCheckResult {
  provider: string;
  loss: number;
  grad: number[];
  createMs: number;
  runMs: number;
}

export async function runAttentionCheck(rt: Runtime): Promise<AttentionCheckResult> {
  const { model, feeds } = buildAttentionCheck();
  const s = await rt.createSession(model);
  const t0 = globalThis.performance.now();
  const out = await s.run(feeds);
  const runMs = globalThis.performance.now() - t0;
  await s.release();
  return {
    provider: s.provider,
    loss: Number(out.loss.data[0]),
    grad: Array.from(out.grad_x.data as Float32Array),
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
