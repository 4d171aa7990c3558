// Parity of every family against PyTorch on the tiny random models (reference/make_tiny.py,
// reference/golden.py): logits, f, df/dE and gxi, with the fixture's own float16 weights.
import { describe, expect, it } from 'vitest';
import { openTiny, TINY_VARIANTS as VARIANTS } from '../../test/tiny.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { createAttributionSession } from './index.ts';
import { type CaseFigures, compareCase, type Golden, padCase } from './tiny-fixtures.ts';

const loadTiny = (variant: string) => openTiny<Golden>(variant);

function expectWithin(f: CaseFigures, fRef: number) {
  expect(f.logitsMaxAbsErr).toBeLessThanOrEqual(1e-4);
  expect(f.gradCosine).toBeGreaterThanOrEqual(0.9999);
  expect(f.fAbsErr).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(fRef)));
  expect(f.embedsMaxAbsErr).toBeLessThanOrEqual(1e-6);
}

const fmt = (x: number) => x.toExponential(1);

describe('tiny models vs PyTorch (fp32, padded bucket T, B=2 with alpha [1, 0.5])', () => {
  it('finds the fixtures', () => expect(VARIANTS.length).toBeGreaterThanOrEqual(7));
  for (const variant of VARIANTS) {
    it(variant, async () => {
      const { model, golden } = await loadTiny(variant);
      const T = Math.max(...golden.cases.map((c) => c.ids.length)) + 2; // always some padding
      const s = await createAttributionSession(nodeRuntime, model, { T, B: 2, logits: true });
      const D = model.spec.hidden;
      const V = model.spec.vocabSize;
      const worst = { logits: 0, f: 0, cos: 1, grad: 0, gxi: 0 };
      for (const c of golden.cases) {
        const { ids, mask } = padCase(c, T);
        const out = await s.run(ids, mask, Float32Array.of(1, 0.5));
        const fig = compareCase({ f: out.f[0], grad: out.grad.subarray(0, T * D), embeds: out.embeds, logits: out.logits }, c, D, V, golden.logitsSampleIds);
        expectWithin(fig, c.f);
        // padded positions get no gradient; row 1 (alpha 0.5) is a different point
        for (let i = c.ids.length * D; i < T * D; i++) expect(out.grad[i]).toBe(0);
        expect(Math.abs(out.f[1] - out.f[0])).toBeGreaterThan(1e-3);
        worst.logits = Math.max(worst.logits, fig.logitsMaxAbsErr);
        worst.f = Math.max(worst.f, fig.fAbsErr);
        worst.cos = Math.min(worst.cos, fig.gradCosine);
        worst.grad = Math.max(worst.grad, fig.gradMaxRelErr);
        worst.gxi = Math.max(worst.gxi, fig.gxiMaxAbsErr);
      }
      await s.release();
      console.log(
        `${variant.padEnd(11)} T=${T} logits maxAbs ${fmt(worst.logits)}  f absErr ${fmt(worst.f)}  grad cos ${(1 - worst.cos).toExponential(1)} from 1, maxRel ${fmt(worst.grad)}  gxi maxAbs ${fmt(worst.gxi)}`,
      );
    });
  }
});

describe('exact T (no padding) and batching agree with the padded bucket', () => {
  it('llama: each case at its own T, B=1, alpha 1 and 0.5', async () => {
    const { model, golden } = await loadTiny('llama');
    const D = model.spec.hidden;
    const Tb = Math.max(...golden.cases.map((c) => c.ids.length)) + 2;
    const bucket = await createAttributionSession(nodeRuntime, model, { T: Tb, B: 2 });
    for (const c of golden.cases) {
      const T = c.ids.length;
      const s = await createAttributionSession(nodeRuntime, model, { T, B: 1, logits: true });
      const { ids, mask } = padCase(c, T);
      const one = await s.run(ids, mask, Float32Array.of(1));
      expectWithin(compareCase({ f: one.f[0], grad: one.grad, embeds: one.embeds, logits: one.logits }, c, D, model.spec.vocabSize, golden.logitsSampleIds), c.f);
      const half = await s.run(ids, mask, Float32Array.of(0.5));
      const p = padCase(c, Tb);
      const both = await bucket.run(p.ids, p.mask, Float32Array.of(1, 0.5));
      expect(both.f[1]).toBeCloseTo(half.f[0], 5);
      let err = 0;
      for (let i = 0; i < T * D; i++) err = Math.max(err, Math.abs(both.grad[Tb * D + i] - half.grad[i]));
      expect(err).toBeLessThan(1e-5);
      await s.release();
    }
    await bucket.release();
  });
});

describe('head at target positions only (maxTargets) gives the same f and grad', () => {
  for (const variant of VARIANTS) {
    it(variant, async () => {
      const { model, golden } = await loadTiny(variant);
      const T = Math.max(...golden.cases.map((c) => c.ids.length)) + 1;
      const K = Math.max(...golden.cases.map((c) => c.targetMask.filter(Boolean).length));
      const s = await createAttributionSession(nodeRuntime, model, { T, B: 2, maxTargets: K });
      const D = model.spec.hidden;
      let worst = 0;
      for (const c of golden.cases) {
        const { ids, mask } = padCase(c, T);
        const out = await s.run(ids, mask, Float32Array.of(1, 0.25));
        const fig = compareCase({ f: out.f[0], grad: out.grad.subarray(0, T * D), embeds: out.embeds }, c, D, model.spec.vocabSize, golden.logitsSampleIds);
        expect(fig.gradCosine).toBeGreaterThanOrEqual(0.9999);
        expect(fig.fAbsErr).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(c.f)));
        worst = Math.max(worst, fig.fAbsErr);
      }
      await expect(s.run(new Int32Array(T), Float32Array.from({ length: T }, (_, i) => (i > 0 ? 1 : 0)), Float32Array.of(1, 1))).rejects.toThrow(
        `${T - 1} target tokens but the session takes maxTargets=${K}`,
      );
      await s.release();
      console.log(`${variant.padEnd(11)} maxTargets=${K}: f absErr ${fmt(worst)}`);
    });
  }
});
