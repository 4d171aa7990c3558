// Graph-level behaviour: symbolic dims, weight gradients never built, forward values of the
// attention and rotary composites against direct JS computations.
import { expect, it } from 'vitest';
import { grad } from './autodiff.ts';
import { attention, causalMask, linear, rope, ropeTables } from './composites.ts';
import { toOnnx } from './onnx-writer.ts';
import * as op from './ops.ts';
import { Rng } from './random.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { primitives } from './primitives.ts';
import { Graph } from './tensor.ts';

const f32 = (a: ArrayLike<number>) => new Uint8Array(Float32Array.from(a).buffer);

it('symbolic batch and sequence dims give the same gradient as static ones', async () => {
  const rng = new Rng(3);
  const W = rng.normals(5 * 4);
  const xv = Float32Array.from(rng.normals(2 * 3 * 4));
  const run = async (shape: (number | string)[]) => {
    const g = new Graph(primitives);
    const x = g.input('x', 'float32', shape);
    const y = linear(x, g.weight('W', 'float32', [5, 4], { bytes: f32(W) }));
    const loss = op.reduceSum(op.mul(y, y), [0, 1, 2], false);
    g.output('gx', grad(loss, [x])[0]);
    const s = await nodeRuntime.createSession(toOnnx(g));
    const out = await s.run({ x: { dtype: 'float32', dims: [2, 3, 4], data: xv } });
    return Array.from(out.gx.data as Float32Array);
  };
  const sym = await run(['B', 'T', 4]);
  const stat = await run([2, 3, 4]);
  expect(sym.length).toBe(24);
  for (let i = 0; i < sym.length; i++) expect(sym[i]).toBeCloseTo(stat[i], 5);
});

it('the reverse pass builds no weight gradients', () => {
  const g = new Graph(primitives);
  const x = g.input('x', 'float32', [3, 4]);
  const W = g.weight('W', 'float32', [5, 4], { bytes: new Uint8Array(80) });
  const loss = op.reduceSum(linear(x, W), [0, 1], false);
  const before = g.tensors.length;
  grad(loss, [x]);
  const backward = g.tensors.slice(before);
  // a weight gradient would be a [5,4] value computed from the cotangent
  expect(backward.filter((t) => !['Constant'].includes(t.op) && t.shape.join() === '5,4')).toEqual([]);
  expect(backward.filter((t) => t.op === 'Gemm').map((t) => t.attrs)).toEqual([
    { transA: false, transB: false, alpha: 1, beta: 1 },
  ]);
});

it('attention (GQA, causal) and rotary forward values match a direct computation', async () => {
  const rng = new Rng(9);
  const [Hq, Hkv, T, Dh] = [4, 2, 3, 4];
  const qv = rng.normals(Hq * T * Dh);
  const kv = rng.normals(Hkv * T * Dh);
  const vv = rng.normals(Hkv * T * Dh);
  const g = new Graph(primitives);
  const q = g.input('q', 'float64', [1, Hq, T, Dh]);
  const k = g.input('k', 'float64', [1, Hkv, T, Dh]);
  const v = g.input('v', 'float64', [1, Hkv, T, Dh]);
  g.output('att', attention(q, k, v, { mask: causalMask(g, T) }));
  g.output('rot', rope(q, ropeTables(g, { T, rotaryDim: 4, theta: 10000, dtype: 'float64' })));
  const s = await nodeRuntime.createSession(toOnnx(g), { optimization: 'basic' });
  const feed = (d: Float64Array, h: number) => ({ dtype: 'float64' as const, dims: [1, h, T, Dh], data: d });
  const out = await s.run({ q: feed(qv, Hq), k: feed(kv, Hkv), v: feed(vv, Hkv) });
  const att = out.att.data as Float64Array;
  const rot = out.rot.data as Float64Array;
  const at = (a: Float64Array, h: number, t: number, d: number) => a[(h * T + t) * Dh + d];
  for (let h = 0; h < Hq; h++) {
    const kh = Math.floor(h / (Hq / Hkv));
    for (let i = 0; i < T; i++) {
      const sc = Array.from({ length: i + 1 }, (_, j) => {
        let dot = 0;
        for (let d = 0; d < Dh; d++) dot += at(qv, h, i, d) * at(kv, kh, j, d);
        return dot / Math.sqrt(Dh);
      });
      const m = Math.max(...sc);
      const e = sc.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let d = 0; d < Dh; d++) {
        const want = e.reduce((acc, ej, j) => acc + (ej / z) * at(vv, kh, j, d), 0);
        expect(at(att, h, i, d)).toBeCloseTo(want, 12);
      }
      // half-split rotary: pairs (d, d+2) rotated by angle i * 10000^(-2d/4)
      for (let d = 0; d < 2; d++) {
        const ang = i * 10000 ** (-d / 2);
        const [a, b] = [at(qv, h, i, d), at(qv, h, i, d + 2)];
        expect(at(rot, h, i, d)).toBeCloseTo(a * Math.cos(ang) - b * Math.sin(ang), 12);
        expect(at(rot, h, i, d + 2)).toBeCloseTo(b * Math.cos(ang) + a * Math.sin(ang), 12);
      }
    }
  }
});
