// `able lab ablate` and `able lab convergence` on the committed lab files, against numbers computed
// independently with numpy + scipy 1.17.1 by reference/lab/ablate_check.py (float32 stored vectors: the
// cosines agree to about 1e-9).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
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
    expect(auc['Qwen2.5']).toBeCloseTo(0.78125, 12);
    const smol = v1.m1.find((b: { base: string }) => b.base === 'lab/smollm2-135m-instruct-q4_1');
    expect(smol.quant.q8_0).toBeCloseTo(0.995615211344, 8);
    expect(smol.quant.q5_1).toBeCloseTo(0.686062011085, 8);
    expect(smol.quant.q5_0).toBeCloseTo(0.790744257126, 8);
    expect(smol.quant.q4_0).toBeCloseTo(0.445220483961, 8);
    // scipy.stats.spearmanr of cosine vs -klSym: the selection families' groups pooled, the held-out group alone
    expect(v1.m2.pairs).toBe(132);
    expect(v1.m2.spearman).toBeCloseTo(0.874135434467824, 8);
    expect(v1.m2HeldOut.pairs).toBe(66);
    expect(v1.m2HeldOut.spearman).toBeCloseTo(0.8190207746111284, 8);
    expect(readFileSync(join(out, 'ablate.md'), 'utf8')).toContain('| gxi-v1-stored signed/none/l1/uniform |');
    expect(readFileSync(join(out, 'ablate.svg'), 'utf8')).toMatch(/^<svg /);
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
