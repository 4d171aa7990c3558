// VJP check of every composite helper (composites.ts) against float64 central
// differences, on onnxruntime-node and onnxruntime-web (WASM, in Node).
import { afterAll, describe, expect, it } from 'vitest';
import * as comp from './composites.ts';
import { type GradCase, type GradCheckResult, gradCheck } from './gradcheck.ts';
import * as op from './ops.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { ortWeb, webRuntime } from '../platform/web/runtime-web.ts';
import { type Tensor, typedArrayOf } from './tensor.ts';

ortWeb.env.wasm.numThreads = 1;

const c = (label: string, shapes: number[][], build: GradCase['build']): GradCase => ({
  label,
  inputs: shapes.map((shape) => ({ shape })),
  build,
});

const rot = (x: Tensor, rotaryDim: number, style: 'half' | 'interleaved') =>
  comp.ropeTables(x.graph, { T: x.shape[x.rank - 2] as number, rotaryDim, theta: 10000, dtype: x.dtype, style });

const CASES: Record<string, GradCase[]> = {
  linear: [
    c('linear x[3,4] W[2,4]', [[3, 4], [2, 4]], ([x, w]) => comp.linear(x, w)),
    c('linear x[2,3,4] W[5,4] +b', [[2, 3, 4], [5, 4], [5]], ([x, w, b]) => comp.linear(x, w, b)),
  ],
  rmsNorm: [
    c('rmsNorm [2,3,5]', [[2, 3, 5], [5]], ([x, w]) => comp.rmsNorm(x, w, 1e-6)),
    c('rmsNorm unitOffset [3,4]', [[3, 4], [4]], ([x, w]) => comp.rmsNorm(x, w, 1e-5, true)),
  ],
  layerNorm: [
    c('layerNorm [2,3,5] +b', [[2, 3, 5], [5], [5]], ([x, w, b]) => comp.layerNorm(x, w, b, 1e-5)),
    c('layerNorm [3,4]', [[3, 4], [4]], ([x, w]) => comp.layerNorm(x, w, null, 1e-5)),
  ],
  geluErf: [c('geluErf [2,5]', [[2, 5]], ([x]) => comp.geluErf(x))],
  geluTanh: [c('geluTanh [2,5]', [[2, 5]], ([x]) => comp.geluTanh(x))],
  silu: [c('silu [2,5]', [[2, 5]], ([x]) => comp.silu(x))],
  softcap: [c('softcap 2.0 [2,5]', [[2, 5]], ([x]) => op.mul(comp.softcap(op.mul(x, 3), 2), 1))],
  ropeTables: [c('rope tables T=3 r=4', [[1, 2, 3, 4]], ([x]) => comp.rope(x, rot(x, 4, 'half')))],
  rope: [
    c('rope half [1,2,4,6] partial r=4', [[1, 2, 4, 6]], ([x]) => comp.rope(x, rot(x, 4, 'half'))),
    c('rope interleaved [2,1,3,4]', [[2, 1, 3, 4]], ([x]) => comp.rope(x, rot(x, 4, 'interleaved'))),
    c('rope interleaved partial [1,2,3,6] r=4', [[1, 2, 3, 6]], ([x]) => comp.rope(x, rot(x, 4, 'interleaved'))),
  ],
  causalMask: [
    c('attention causal+window 2 q[1,2,4,3]', [[1, 2, 4, 3], [1, 2, 4, 3], [1, 2, 4, 3]], ([q, k, v]) =>
      comp.attention(q, k, v, { mask: comp.causalMask(q.graph, 4, 2) }),
    ),
  ],
  attention: [
    c('attention GQA 4/2 causal [2,4,3,4]', [[2, 4, 3, 4], [2, 2, 3, 4], [2, 2, 3, 4]], ([q, k, v]) =>
      comp.attention(q, k, v, { mask: comp.causalMask(q.graph, 3) }),
    ),
    c('attention MQA 3/1 softcap 1.5 [1,3,3,2]', [[1, 3, 3, 2], [1, 1, 3, 2], [1, 1, 3, 2]], ([q, k, v]) =>
      comp.attention(q, k, v, { mask: comp.causalMask(q.graph, 3), softcap: 1.5, scale: 0.7 }),
    ),
  ],
  targetLogProb: [
    c('targetLogProb [2,3,5]', [[2, 3, 5]], ([x], r) =>
      comp.targetLogProb(
        x,
        x.graph.constant('int64', [2, 3, 1], typedArrayOf('int64', Array.from({ length: 6 }, () => r.int(5)))),
      ),
    ),
  ],
};

const exported = [comp].flatMap((m) =>
  Object.entries(m)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k),
);
const report: GradCheckResult[] = [];

describe('composite helper VJPs vs float64 central differences', () => {
  it('every exported helper has a check', () => {
    expect(exported.filter((k) => !CASES[k]?.length)).toEqual([]);
  });

  for (const rt of [nodeRuntime, webRuntime(['wasm'])])
    for (const [name, cases] of Object.entries(CASES))
      it(`${name} on ${rt.name}`, async () => {
        for (const gc of cases)
          for (const r of await gradCheck(rt, gc)) {
            report.push(r);
            expect(r.maxAbsGrad).toBeGreaterThan(0);
            expect(r.relErr, `${rt.name} ${r.dtype} ${r.label}`).toBeLessThanOrEqual(
              r.dtype === 'float64' ? 1e-6 : 1e-3,
            );
          }
      });

  afterAll(() => {
    const worst = (d: string) => Math.max(...report.filter((r) => r.dtype === d).map((r) => r.relErr));
    console.log(
      `composites checked (${Object.keys(CASES).length}): ${Object.keys(CASES).join(', ')}\n` +
        `worst relative error: float64 ${worst('float64').toExponential(2)}, float32 ${worst('float32').toExponential(2)}`,
    );
  });
});
