// VJP check of every registered primitive, on onnxruntime-node and onnxruntime-web (WASM, in
// Node): analytic gradients vs float64 central differences. A primitive without cases fails.
import { afterAll, describe, expect, it } from 'vitest';
import { type GradCase, type GradCheckResult, gradCheck } from './gradcheck.ts';
import * as op from './ops.ts';
import { primitives } from './primitives.ts';
import type { Rng } from './random.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { ortWeb, webRuntime } from '../platform/web/runtime-web.ts';
import { typedArrayOf } from './tensor.ts';
import type { Tensor } from './tensor.ts';

ortWeb.env.wasm.numThreads = 1;

const ids = (x: Tensor, shape: number[], n: number, rng: Rng) =>
  x.graph.constant(
    'int64',
    shape,
    typedArrayOf('int64', Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(n))),
  );
const mask = (x: Tensor, shape: number[], rng: Rng) =>
  x.graph.constant(
    'bool',
    shape,
    typedArrayOf('bool', Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(2))),
  );

const c = (label: string, shapes: number[][], build: GradCase['build'], positive = false): GradCase => ({
  label,
  inputs: shapes.map((shape) => ({ shape, positive })),
  build,
});

const binary = (name: string, f: (a: Tensor, b: Tensor) => Tensor, positiveB = false): GradCase[] =>
  [
    [[2, 3], [2, 3]],
    [[2, 3], [3]],
    [[4, 1, 3], [2, 1]],
    [[1], [2, 2]],
  ].map(([a, b]) => ({
    label: `${name} [${a}]x[${b}]`,
    inputs: [{ shape: a }, { shape: b, positive: positiveB }],
    build: ([x, y]) => f(x, y),
  }));

const unary = (name: string, f: (x: Tensor) => Tensor, positive = false): GradCase[] => [
  c(`${name} [5]`, [[5]], ([x]) => f(x), positive),
  c(`${name} [2,3,2]`, [[2, 3, 2]], ([x]) => f(x), positive),
];

const CASES: Record<string, GradCase[]> = {
  Add: binary('Add', op.add),
  Sub: binary('Sub', op.sub),
  Mul: binary('Mul', op.mul),
  Div: binary('Div', op.div, true),
  Neg: unary('Neg', op.neg),
  Exp: unary('Exp', op.exp),
  Log: unary('Log', op.log, true),
  Sqrt: unary('Sqrt', op.sqrt, true),
  Reciprocal: unary('Reciprocal', op.reciprocal, true),
  Tanh: unary('Tanh', op.tanh),
  Sigmoid: unary('Sigmoid', op.sigmoid),
  Erf: unary('Erf', op.erf),
  Pow: [
    ...unary('Pow^3', (x) => op.pow(x, 3)),
    ...unary('Pow^-0.5', (x) => op.pow(x, -0.5), true),
    ...unary('Pow^2', (x) => op.pow(x, 2)),
  ],
  ReduceSum: [
    c('ReduceSum [3,4] ax1 keep', [[3, 4]], ([x]) => op.reduceSum(x, [1], true)),
    c('ReduceSum [2,3,4] ax0,2', [[2, 3, 4]], ([x]) => op.reduceSum(x, [0, 2], false)),
  ],
  ReduceMean: [
    c('ReduceMean [3,4] ax-1 keep', [[3, 4]], ([x]) => op.reduceMean(x, [-1], true)),
    c('ReduceMean [2,3,4] ax1', [[2, 3, 4]], ([x]) => op.reduceMean(x, [1], false)),
  ],
  ReduceMax: [
    c('ReduceMax [3,5] ax1 keep', [[3, 5]], ([x]) => op.reduceMax(x, [1], true)),
    c('ReduceMax [2,3,4] ax0', [[2, 3, 4]], ([x]) => op.reduceMax(x, [0], false)),
  ],
  Softmax: [
    c('Softmax [3,5] ax-1', [[3, 5]], ([x]) => op.softmax(x, -1)),
    c('Softmax [2,3,4] ax1', [[2, 3, 4]], ([x]) => op.softmax(x, 1)),
  ],
  LogSoftmax: [
    c('LogSoftmax [3,5] ax-1', [[3, 5]], ([x]) => op.logSoftmax(x, -1)),
    c('LogSoftmax [2,3,4] ax0', [[2, 3, 4]], ([x]) => op.logSoftmax(x, 0)),
  ],
  Gather: [
    c('Gather [6,3] ids[4]', [[6, 3]], ([x], r) => op.gather(x, ids(x, [4], 6, r))),
    c('Gather [5,2,2] ids[2,3] (repeats)', [[5, 2, 2]], ([x], r) => op.gather(x, ids(x, [2, 3], 3, r))),
  ],
  ScatterNDAdd: [
    c('ScatterNDAdd [4,3]->[6,3]', [[4, 3]], ([u], r) => op.scatterNDAdd(u, ids(u, [4], 3, r), [6, 3])),
  ],
  GatherElements: [
    c('GatherElements [3,5] ax1 idx[3,2]', [[3, 5]], ([x], r) => op.gatherElements(x, ids(x, [3, 2], 5, r), 1)),
    c('GatherElements [4,3] ax0 idx[6,3]', [[4, 3]], ([x], r) => op.gatherElements(x, ids(x, [6, 3], 4, r), 0)),
  ],
  ScatterElementsAdd: [
    c('ScatterElementsAdd [3,4]->[3,5] ax1', [[3, 4]], ([u], r) =>
      op.scatterElementsAdd(u, ids(u, [3, 4], 5, r), 1, [3, 5]),
    ),
  ],
  Reshape: [
    c('Reshape [2,6]->[3,4]', [[2, 6]], ([x]) => op.reshape(x, [3, 4])),
    c('Reshape [2,3,2]->[-1,2]', [[2, 3, 2]], ([x]) => op.reshape(x, [-1, 2])),
  ],
  Transpose: [
    c('Transpose [2,3]', [[2, 3]], ([x]) => op.transpose(x, [1, 0])),
    c('Transpose [2,3,4] (1,2,0)', [[2, 3, 4]], ([x]) => op.transpose(x, [1, 2, 0])),
  ],
  Concat: [
    c('Concat [2,3]+[2,1] ax1', [[2, 3], [2, 1]], ([a, b]) => op.concat([a, b], 1)),
    c('Concat x,x,[1,2] ax0', [[2, 2], [1, 2]], ([a, b]) => op.concat([a, b, a], 0)),
  ],
  Slice: [
    c('Slice [4,5] ax1 1:4', [[4, 5]], ([x]) => op.slice(x, 1, 1, 4)),
    c('Slice [3,4,2] ax0 -2:', [[3, 4, 2]], ([x]) => op.slice(x, 0, -2, 3)),
  ],
  Pad: [c('Pad [3,2] ax0 1,2', [[3, 2]], ([x]) => op.pad(x, 0, 1, 2))],
  Expand: [
    c('Expand [3,1]->[2,3,4]', [[3, 1]], ([x]) => op.expand(x, [2, 3, 4])),
    c('Expand [1]->[5]', [[1]], ([x]) => op.expand(x, [5])),
  ],
  Where: [
    c('Where mask[3,4] x[3,4] y[4]', [[3, 4], [4]], ([x, y], r) => op.where(mask(x, [3, 4], r), x, y)),
    c('Where mask[2,1] x[2,3] y[1]', [[2, 3], [1]], ([x, y], r) => op.where(mask(x, [2, 1], r), x, y)),
  ],
  Cast: [
    // Values on a 1/64 grid and a power-of-two step stay exact in float32, so central differences
    // of the round trip are exact. (The cotangent is cast too: through float16 it would carry
    // float16 precision, which is why weights, not activations, are the only float16 values.)
    {
      label: 'Cast x*cast(cast(x,f32)) + 3*cast(x,f32)',
      inputs: [{ shape: [6], grid: 64 }],
      h: 2 ** -8,
      build: ([x]) => {
        const back = op.cast(op.cast(x, 'float32'), x.dtype);
        return op.add(op.mul(back, x), op.mul(back, 3));
      },
    },
  ],
  Equal: [
    // not differentiable: the gradient must flow only through the float path
    c('Equal cast(x==x)*x', [[6]], ([x]) => op.mul(op.cast(op.equal(x, x), x.dtype), x)),
  ],
  MatMul: [
    c('MatMul [3,4]x[4,2]', [[3, 4], [4, 2]], ([a, b]) => op.matmul(a, b)),
    c('MatMul [2,3,4]x[4,2] (broadcast)', [[2, 3, 4], [4, 2]], ([a, b]) => op.matmul(a, b)),
    c('MatMul [2,1,3,4]x[3,4,2]', [[2, 1, 3, 4], [3, 4, 2]], ([a, b]) => op.matmul(a, b)),
  ],
  Gemm: [
    c('Gemm x[3,4] W[2,4] transB +b[2]', [[3, 4], [2, 4], [2]], ([x, w, b]) =>
      op.gemm(x, w, b, { transB: true }),
    ),
    c('Gemm transA alpha=0.5 beta=2 C[3,1]', [[4, 3], [4, 2], [3, 1]], ([x, w, b]) =>
      op.gemm(x, w, b, { transA: true, alpha: 0.5, beta: 2 }),
    ),
    c('Gemm transA transB', [[4, 3], [2, 4]], ([x, w]) => op.gemm(x, w, null, { transA: true, transB: true })),
  ],
};

const RUNTIMES = [nodeRuntime, webRuntime(['wasm'])];
const checked: string[] = [];
const report: GradCheckResult[] = [];

describe('primitive VJPs vs float64 central differences', () => {
  it('every registered primitive has a check', () => {
    const missing = Object.keys(primitives).filter((p) => !CASES[p]?.length);
    expect(missing).toEqual([]);
  });

  for (const rt of RUNTIMES)
    for (const [prim, cases] of Object.entries(CASES))
      it(`${prim} on ${rt.name}`, async () => {
        for (const gc of cases) {
          const res = await gradCheck(rt, gc);
          for (const r of res) {
            report.push(r);
            expect(r.maxAbsGrad, r.label).toBeGreaterThan(0);
            expect(r.relErr, `${rt.name} ${r.dtype} ${r.label}`).toBeLessThanOrEqual(
              r.dtype === 'float64' ? 1e-6 : 1e-3,
            );
          }
        }
        if (!checked.includes(prim)) checked.push(prim);
      });

  afterAll(() => {
    const worst = (d: string) => Math.max(...report.filter((r) => r.dtype === d).map((r) => r.relErr));
    console.log(
      `primitives checked (${checked.length}): ${checked.join(', ')}\n` +
        `worst relative error: float64 ${worst('float64').toExponential(2)}, float32 ${worst('float32').toExponential(2)}`,
    );
  });
});
