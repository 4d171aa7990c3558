// `able lab ablate` and `able lab convergence` on the committed lab files, against numbers computed
// independently with numpy + scipy 1.17.1 by reference/lab/ablate_check.py (float32 stored vectors: the
// cosines agree to about 1e-9).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseEmbeddingJson } from '../able/embedding-file';
import { main } from './main';

const out = mkdtempSync(join(tmpdir(), 'able-lab-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('able lab', () => {
  it('ablate: v1 scores equal scipy on the stored lab embeddings', async () => {
    // an empty raw folder: the stored v1 vectors only
    expect(await main(['lab', 'ablate', '--raw', join(out, 'no-raw'), '--out', out])).toBe(0);
    const r = JSON.parse(readFileSync(join(out, 'ablate.json'), 'utf8'));
    const v1 = r.variants.find((v: { name: string }) => v.name === 'gxi-v1-stored signed/none/l1/uniform');
    const auc = Object.fromEntries(v1.m3.map((f: { family: string; auc: number }) => [f.family, f.auc]));
    expect(auc.SmolLM2).toBeCloseTo(0.7225, 12);
    expect(auc['Gemma-3']).toBeCloseTo(0.76, 12);
    expect(auc['Qwen2.5']).toBeCloseTo(0.8685344827586207, 12);
    const smol = v1.m1.find((b: { base: string }) => b.base === 'lab/smollm2-135m-instruct-q4_1');
    expect(smol.quant.q8_0).toBeCloseTo(0.995615211344, 8);
    expect(smol.quant.q5_1).toBeCloseTo(0.686062011085, 8);
    expect(smol.quant.q5_0).toBeCloseTo(0.790744257126, 8);
    expect(smol.quant.q4_0).toBeCloseTo(0.445220483961, 8);
    // scipy.stats.spearmanr of cosine vs -klSym: the selection families' groups pooled, the held-out group alone
    expect(v1.m2.pairs).toBe(132);
    expect(v1.m2.spearman).toBeCloseTo(0.874135434467824, 8);
    expect(v1.m2HeldOut.pairs).toBe(136);
    expect(v1.m2HeldOut.spearman).toBeCloseTo(0.8923438413186866, 8);
    expect(readFileSync(join(out, 'ablate.md'), 'utf8')).toContain('| gxi-v1-stored signed/none/l1/uniform |');
    expect(readFileSync(join(out, 'ablate.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('shipped: M1 from the atlas files (float16 rows) equals the committed v2 embedding files (float32) to 1e-3', async () => {
    expect(await main(['lab', 'shipped', '--out', join(out, 'shipped.json')])).toBe(0);
    const r = JSON.parse(readFileSync(join(out, 'shipped.json'), 'utf8'));
    expect(r.spec.methodVersion).toBe(2);
    const vec = async (id: string) => {
      const dir = 'lab/embeddings';
      const f = readdirSync(dir).find((n) => n.startsWith(`${id.replace('/', '__')}.`))!;
      return (await parseEmbeddingJson(readFileSync(join(dir, f), 'utf8'))).vector;
    };
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((t, x, i) => t + x * b[i], 0);
    for (const [base, q] of [
      ['lab/smollm2-135m-instruct-q4_1', 'lab/smollm2-135m-instruct-q4_0'],
      ['lab/gemma-3-270m-q4_k_m', 'lab/gemma-3-270m-q5_1'],
    ]) {
      const b = r.m1.find((x: { base: string }) => x.base === base);
      const key = q.split('-').pop()!;
      expect(Math.abs(b.quant[key] - dot(await vec(base), await vec(q)))).toBeLessThan(1e-3);
    }
    // the Qwen sizes are a same-family pair: reported either way
    expect(r.siblings.map((x: { a: string }) => x.a)).toEqual(['lab/qwen2.5-coder-1.5b-instruct-q4_k_m']);
  });

  it('convergence: all probes agree with themselves; refuses an unknown aggregation', async () => {
    expect(await main(['lab', 'convergence', '--raw', join(out, 'no-raw'), '--out', out, '--repeats', '2'])).toBe(0);
    const c = JSON.parse(readFileSync(join(out, 'convergence.json'), 'utf8'));
    const last = c.series[0].points.at(-1);
    expect(last.n).toBe(161);
    expect(last.tau).toBeCloseTo(1, 12);
    expect(await main(['lab', 'convergence', '--aggregations', 'nope', '--out', out])).toBe(1);
  });

  it('stability: the committed SmolLM2 runs give a slope near 1 and the lab relations beside them', async () => {
    // no weights needed: every run of the base is committed under lab/ablate/stability
    expect(await main(['lab', 'stability', '--only', 'no-such-base', '--out', join(out, 'st'), '--raw', 'lab/ablate/raw'])).toBe(1);
    const { cpSync } = await import('node:fs');
    cpSync('lab/ablate/stability', join(out, 'st', 'stability'), { recursive: true });
    expect(await main(['lab', 'stability', '--only', 'no-such-base', '--out', join(out, 'st'), '--raw', 'lab/ablate/raw', '--aggregations', 'v1'])).toBe(0);
    const r = JSON.parse(readFileSync(join(out, 'st', 'stability.json'), 'utf8'));
    const smol = r.results.find((x: { base: string }) => x.base === 'lab/smollm2-135m-instruct-q4_1');
    expect(smol.points).toHaveLength(21);
    expect(smol.fit.slope).toBeGreaterThan(0.7);
    expect(smol.fit.slope).toBeLessThan(1.1);
    // Q8_0's weight change (5.2e-3) moves the embedding less than Q4_0's (9.0e-2)
    const rel = (suffix: string) => smol.relations.find((q: { id: string }) => q.id.endsWith(suffix)).distance;
    expect(rel('-q8_0')).toBeLessThan(rel('-q4_0'));
  });

  it('refuses a nonsense thread count before any run', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['lab', 'ablate', '--run', 'gxi', '--threads', 'abc', '--out', out])).toBe(1);
    expect(err.mock.calls.flat().join('\n')).toContain('--threads: "abc" is not a whole number of threads >= 1');
    expect(await main(['lab', 'ablate', '--run', 'nope', '--out', out])).toBe(1);
    expect(err.mock.calls.flat().join('\n')).toContain('unknown run "nope"');
    err.mockRestore();
  });
});
