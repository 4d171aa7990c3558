// The attribution graph's method-v2 options: the offset input (X[b] = alpha[b] E + offset[b]) and the
// expected-logprob objective, against PyTorch autograd (reference/golden_v2.py ->
// test/fixtures/tiny/<variant>/golden-v2.json) and, in float64, against central differences.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTiny, TINY_DIR, TINY_VARIANTS, tinyJson } from '../../test/tiny.ts';
import { Rng, toOnnx } from '../engine/index.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { type AttributionGraphOptions, type AttributionObjective, buildAttributionGraph, createAttributionSession } from './index.ts';
import { compareRows, type GoldenV2, padCase, padRows } from './tiny-fixtures.ts';

const V2 = TINY_VARIANTS.filter((v) => existsSync(join(TINY_DIR, v, 'golden-v2.json')));
const golden = (variant: string) => tinyJson(variant, 'golden-v2.json') as GoldenV2;
const fmt = (x: number) => x.toExponential(1);

describe('offset input and expected-logprob objective vs PyTorch (fp32, B=2, alpha [1, 0.5])', () => {
  it('finds the fixtures', () => expect(V2.length).toBeGreaterThanOrEqual(2));
  for (const variant of V2) {
    it(variant, async () => {
      const { model } = await openTiny(variant);
      const { cases } = golden(variant);
      const D = model.spec.hidden;
      const T = Math.max(...cases.map((c) => c.ids.length)) + 2; // always some padding
      const K = Math.max(...cases.map((c) => c.targetMask.filter(Boolean).length));
      const report: string[] = [];
      for (const objective of ['target-logprob', 'expected-logprob'] as AttributionObjective[]) {
        const mine = cases.filter((c) => c.objective === objective);
        const worst = { f: 0, grad: 0 };
        expect(mine.length).toBeGreaterThan(0);
        // the target-logprob cases carry an offset; the expected ones are also run through an
        // offset graph with a zero offset
        for (const offset of objective === 'target-logprob' ? [true] : [false, true])
          for (const maxTargets of [undefined, K]) {
            const s = await createAttributionSession(nodeRuntime, model, { T, B: 2, objective, offset, maxTargets });
            for (const c of mine) {
              const { ids, mask } = padCase(c, T);
              const off = offset ? (c.offset ? padRows(c.offset, T, D) : new Float32Array(2 * T * D)) : undefined;
              const out = await s.run(ids, mask, Float32Array.from(c.alpha), off);
              const fig = compareRows(out, c, T, D);
              expect(fig.fRelErr, `${c.id} maxTargets=${maxTargets} offset=${offset}`).toBeLessThanOrEqual(1e-5);
              expect(fig.gradRelErr, `${c.id} maxTargets=${maxTargets} offset=${offset}`).toBeLessThanOrEqual(3e-5);
              expect(fig.padMaxAbs).toBe(0);
              worst.f = Math.max(worst.f, fig.fRelErr);
              worst.grad = Math.max(worst.grad, fig.gradRelErr);
            }
            await s.release();
          }
        report.push(`${objective}${objective === 'target-logprob' ? ' + offset' : ''}: f relErr ${fmt(worst.f)}, grad maxAbsErr/maxAbs ${fmt(worst.grad)}`);
      }
      console.log(`${variant.padEnd(8)} T=${T} K=${K}  ${report.join('  |  ')}`);
    });
  }
});

describe('rowIds: one call runs each row on its own sequence, against the same PyTorch rows', () => {
  // Every (case, row b) of one objective becomes a batch row of its own: its ids, targets, alpha[b]
  // and offset[b]. The result must be the golden row's, as if each case had run alone.
  for (const variant of V2.slice(0, 2)) {
    it(variant, async () => {
      const { model } = await openTiny(variant);
      const D = model.spec.hidden;
      const { cases } = golden(variant);
      const T = Math.max(...cases.map((c) => c.ids.length)) + 2;
      const K = Math.max(...cases.map((c) => c.targetMask.filter(Boolean).length));
      for (const objective of ['target-logprob', 'expected-logprob'] as AttributionObjective[]) {
        const rows = cases.filter((c) => c.objective === objective).flatMap((c) => c.alpha.map((a, b) => ({ c, a, b })));
        const B = rows.length;
        expect(B).toBeGreaterThanOrEqual(2);
        const ids = new Int32Array(B * T);
        const mask = new Float32Array(B * T);
        const offset = new Float32Array(B * T * D);
        rows.forEach(({ c, b }, r) => {
          const p = padCase(c, T);
          ids.set(p.ids, r * T);
          mask.set(p.mask, r * T);
          if (c.offset) offset.set(padRows([c.offset[b]], T, D), r * T * D);
        });
        const alpha = Float32Array.from(rows.map((x) => x.a));
        for (const maxTargets of [undefined, K]) {
          const s = await createAttributionSession(nodeRuntime, model, { T, B, objective, offset: true, maxTargets, rowIds: true });
          await expect(s.run(ids.subarray(0, T), mask.subarray(0, T), alpha, offset)).rejects.toThrow(`ids has ${T} tokens; this session takes B*T = ${B}*${T}`);
          const out = await s.run(ids, mask, alpha, offset);
          await s.release();
          rows.forEach(({ c, b }, r) => {
            // the row as a one-row case of its own
            const one = { ...c, alpha: [c.alpha[b]], f: [c.f[b]], grad: [c.grad[b]] };
            const fig = compareRows({ f: out.f.subarray(r, r + 1), grad: out.grad.subarray(r * T * D, (r + 1) * T * D) }, one, T, D);
            const what = `${c.id} row ${b} maxTargets=${maxTargets}`;
            expect(fig.fRelErr, what).toBeLessThanOrEqual(1e-5);
            expect(fig.gradRelErr, what).toBeLessThanOrEqual(3e-5);
            expect(fig.padMaxAbs, what).toBe(0);
          });
          // E per row: the embedding rows of each row's own ids
          const single = await createAttributionSession(nodeRuntime, model, { T, B: 1, objective, maxTargets });
          for (const r of [0, B - 1]) {
            const alone = await single.run(ids.subarray(r * T, (r + 1) * T), mask.subarray(r * T, (r + 1) * T), Float32Array.of(1));
            expect(Array.from(out.embeds.subarray(r * T * D, (r + 1) * T * D))).toEqual(Array.from(alone.embeds));
          }
          await single.release();
        }
      }
    });
  }
});

describe('graph options', () => {
  it('defaults build the v1 graph byte for byte; each option adds only its input', async () => {
    const { model } = await openTiny('llama');
    const onnx = (o: Partial<AttributionGraphOptions>) => toOnnx(buildAttributionGraph(model, { T: 8, B: 2, ...o }));
    const same = (a: Partial<AttributionGraphOptions>, b: Partial<AttributionGraphOptions>) =>
      Buffer.from(onnx(a).bytes).equals(Buffer.from(onnx(b).bytes));
    expect(same({}, { offset: false, objective: 'target-logprob' })).toBe(true);
    expect(same({ maxTargets: 3 }, { maxTargets: 3, offset: false, objective: 'target-logprob' })).toBe(true);
    expect(same({}, { offset: true })).toBe(false);
    expect(same({}, { objective: 'expected-logprob' })).toBe(false);
    const inputs = (o: Partial<AttributionGraphOptions>) => onnx(o).inputs.map((i) => `${i.name}[${i.shape}]`);
    expect(inputs({})).toEqual(['ids[8]', 'alpha[2]', 'targetMask[8]']);
    expect(inputs({ offset: true })).toEqual(['ids[8]', 'alpha[2]', 'offset[2,8,16]', 'targetMask[8]']);
    expect(inputs({ objective: 'expected-logprob' })).toEqual(['ids[8]', 'alpha[2]', 'targetMask[8]']);
    expect(inputs({ maxTargets: 3 })).toEqual(['ids[8]', 'alpha[2]', 'targetSelect[3,8]', 'targetIds[3]', 'targetWeight[3]']);
    expect(inputs({ maxTargets: 3, objective: 'expected-logprob' })).toEqual(['ids[8]', 'alpha[2]', 'targetSelect[3,8]', 'targetWeight[3]']);
    expect(inputs({ rowIds: true })).toEqual(['ids[2,8]', 'alpha[2]', 'targetMask[2,8]']);
    expect(inputs({ rowIds: true, maxTargets: 3 })).toEqual(['ids[2,8]', 'alpha[2]', 'targetSelect[2,3,8]', 'targetIds[2,3]', 'targetWeight[2,3]']);
    expect(same({}, { rowIds: false })).toBe(true);
    expect(() => onnx({ objective: 'entropy' as AttributionObjective })).toThrow("objective must be 'target-logprob' or 'expected-logprob', got 'entropy'");
  });

  it('session.run checks the offset against the session', async () => {
    const { model } = await openTiny('llama');
    const T = 8;
    const ids = Int32Array.from({ length: T }, (_, i) => 100 + i);
    const mask = Float32Array.from({ length: T }, (_, i) => (i >= T - 2 ? 1 : 0));
    const alpha = Float32Array.of(1, 0.5);
    const withOffset = await createAttributionSession(nodeRuntime, model, { T, B: 2, offset: true });
    const without = await createAttributionSession(nodeRuntime, model, { T, B: 2 });
    await expect(withOffset.run(ids, mask, alpha)).rejects.toThrow('made with offset: true; run() needs an offset of B*T*D = 256 values');
    await expect(withOffset.run(ids, mask, alpha, new Float32Array(255))).rejects.toThrow('offset has 255 values; this session takes B*T*D = 2*8*16 = 256');
    await expect(without.run(ids, mask, alpha, new Float32Array(256))).rejects.toThrow('offset given, but this session was made without offset: true');
    // a zero offset is the plain graph; a non-zero one moves f
    const plain = await without.run(ids, mask, alpha);
    const zero = await withOffset.run(ids, mask, alpha, new Float64Array(256));
    expect(Array.from(zero.f)).toEqual(Array.from(plain.f));
    const moved = await withOffset.run(ids, mask, alpha, new Float32Array(256).fill(0.1));
    expect(Math.abs(moved.f[0] - plain.f[0])).toBeGreaterThan(1e-3);
    await withOffset.release();
    await without.release();
  });
});

describe('expected-logprob df/dX vs float64 central differences (through the offset input)', () => {
  // rows: 0 at X = E, then E + h v_k and E - h v_k for NDIR random unit directions v_k on the
  // probe's positions; <grad row 0, v_k> against (f(E + h v_k) - f(E - h v_k)) / 2h.
  const NDIR = 3;
  const h = 1e-4;
  for (const [variant, caseId] of [
    ['llama', 'apostrophe-expected'],
    ['gemma3', 'fact-expected'],
  ]) {
    it(`${variant} ${caseId}`, async () => {
      const { model } = await openTiny(variant);
      const c = golden(variant).cases.find((x) => x.id === caseId);
      if (!c) throw new Error(`no case ${caseId}`);
      const D = model.spec.hidden;
      const n = c.ids.length;
      const T = n + 1;
      const B = 1 + 2 * NDIR;
      const g = buildAttributionGraph(model, { T, B, dtype: 'float64', offset: true, objective: 'expected-logprob' });
      const s = await nodeRuntime.createSession(toOnnx(g), { optimization: 'basic' });
      const rng = new Rng(7);
      const dirs = Array.from({ length: NDIR }, () => {
        const v = new Float64Array(T * D);
        v.set(rng.normals(n * D));
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
      const offset = new Float64Array(B * T * D);
      dirs.forEach((v, k) => {
        offset.set(v.map((x) => h * x), (1 + 2 * k) * T * D);
        offset.set(v.map((x) => -h * x), (2 + 2 * k) * T * D);
      });
      const { ids, mask } = padCase(c, T);
      const out = await s.run({
        ids: { dtype: 'int64', dims: [T], data: BigInt64Array.from(Array.from(ids, BigInt)) },
        alpha: { dtype: 'float64', dims: [B], data: new Float64Array(B).fill(1) },
        offset: { dtype: 'float64', dims: [B, T, D], data: offset },
        targetMask: { dtype: 'float64', dims: [T], data: Float64Array.from(mask) },
      });
      await s.release();
      const f = out.f.data as Float64Array;
      const grad = out.grad.data as Float64Array;
      // float64 graph vs PyTorch's float32 f at alpha 1 (a loose sanity check: different precision)
      expect(Math.abs(f[0] - c.f[0])).toBeLessThan(1e-4 * Math.abs(c.f[0]));
      let worst = 0;
      dirs.forEach((v, k) => {
        let an = 0;
        for (let i = 0; i < T * D; i++) an += grad[i] * v[i];
        const fd = (f[1 + 2 * k] - f[2 + 2 * k]) / (2 * h);
        expect(Math.abs(an)).toBeGreaterThan(1e-3);
        worst = Math.max(worst, Math.abs(fd - an) / Math.abs(an));
      });
      console.log(`${variant} ${caseId}: float64 directional derivative vs central difference (h=${h}) relErr ${fmt(worst)}`);
      expect(worst).toBeLessThan(1e-6);
    });
  }
});
