import { onnx } from 'onnx-proto';
import { ort } from '../platform/web/ort';

/**
 * A one-node model (y = x @ W, W constant) run with the WASM backend: proves the threaded
 * worker pool starts in this build (the "document is not defined" trap) and the maths is right.
 */
function tinyMatMulModel(w: Float32Array, k: number, n: number): Uint8Array {
  const f32 = onnx.TensorProto.DataType.FLOAT;
  const vi = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: f32, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'able-atlas self-test',
    graph: {
      name: 'selftest',
      node: [{ opType: 'MatMul', input: ['x', 'W'], output: ['y'] }],
      initializer: [{ name: 'W', dataType: f32, dims: [k, n], rawData: new Uint8Array(w.buffer.slice(0)) }],
      input: [vi('x', [1, k])],
      output: [vi('y', [1, n])],
    },
  }).finish();
}

export interface SelfTestResult {
  ok: boolean;
  provider: string;
  threads: number;
  output: number[];
  expected: number[];
  ms: number;
}

export async function runSelfTest(): Promise<SelfTestResult> {
  const k = 4;
  const n = 3;
  const w = Float32Array.from({ length: k * n }, (_, i) => (i % 5) - 2 + 0.25 * i);
  const x = Float32Array.from({ length: k }, (_, i) => i + 1);
  const expected = Array.from({ length: n }, (_, j) => x.reduce((s, xi, i) => s + xi * w[i * n + j], 0));
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(tinyMatMulModel(w, k, n), { executionProviders: ['wasm'] });
  const out = await session.run({ x: new ort.Tensor('float32', x, [1, k]) });
  const output = Array.from(out.y.data as Float32Array);
  await session.release();
  const ok = output.every((v, i) => Math.abs(v - expected[i]) < 1e-5);
  return { ok, provider: 'wasm', threads: ort.env.wasm.numThreads ?? 1, output, expected, ms: performance.now() - t0 };
}
