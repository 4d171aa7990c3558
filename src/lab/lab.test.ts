// The ablation's pieces against numbers worked out by hand and against a real stored embedding.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEmbeddingJson } from '../able/embedding-file';
import { PROBE_SET_V1 } from '../able/probes/index';
import { rankVariants, runAblation, summarize } from './ablate';
import { convergence, kendallTauB } from './convergence';
import { type LabModel, m1, m2, m3, similarityOf } from './metrics';
import { addGaussian, perturbStore, perturbValues } from './perturb';
import { parseRun, type RawRun, runName, runRows } from './raw';
import { smoothGradRows, smoothGradSeed } from './rows';
import { embeddingDistance, logLogFit } from './stability';
import { aggregate, aggregationGrid, probeBlocks, splitBlocks, V1_AGGREGATION } from './variants';

describe('aggregation variants', () => {
  it('v1 aggregation of a stored vector gives the vector back (SmolLM2 Q4_0 of the lab, computed by able embed)', async () => {
    const dir = 'lab/embeddings-v1';
    const file = readdirSync(dir).find((n) => n.startsWith('lab__smollm2-135m-instruct-q4_0.'))!;
    const rec = await parseEmbeddingJson(readFileSync(join(dir, file), 'utf8'));
    const blocks = probeBlocks(PROBE_SET_V1);
    expect(blocks.length).toBe(161);
    expect(blocks.at(-1)!.start + blocks.at(-1)!.length).toBe(rec.dim);
    const v = aggregate(splitBlocks(rec.vector, blocks), V1_AGGREGATION);
    let worst = 0;
    for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(v[i] - rec.vector[i]));
    expect(worst).toBeLessThan(1e-6);
    // and a different aggregation is a different vector
    const a = aggregate(splitBlocks(rec.vector, blocks), { ...V1_AGGREGATION, sign: 'abs' });
    expect(Math.max(...a.map((x, i) => Math.abs(x - rec.vector[i])))).toBeGreaterThan(1e-3);
  });

  it('rank transform: centred average ranks in [-1, 1], then normalization', () => {
    // ranks (0-based, ties averaged) of [3, 1, 2, 2] are [3, 0, 1.5, 1.5]; centred and scaled: [1, -1, 0, 0]
    const v = aggregate([Float64Array.from([3, 1, 2, 2])], { sign: 'signed', transform: 'rank', norm: 'l1', weight: 'uniform' });
    expect(Array.from(v).map((x) => +x.toFixed(6))).toEqual([+Math.SQRT1_2.toFixed(6), -Math.SQRT1_2.toFixed(6), 0, 0]);
  });

  it('words weighting scales each block by the square root of its length', () => {
    const blocks = [Float64Array.from([1, 1, 1, 1]), Float64Array.from([2])];
    const v = aggregate(blocks, { sign: 'signed', transform: 'none', norm: 'l1', weight: 'words' });
    // l1 blocks [.25 x4] and [1]; x sqrt(4) = [.5 x4], x sqrt(1) = [1]; l2 = sqrt(4*.25 + 1) = sqrt 2
    const q = Math.SQRT1_2 / 2;
    expect(Array.from(v)).toEqual([q, q, q, q, Math.SQRT1_2].map((x) => expect.closeTo(x, 12)));
  });

  it('the grid has every combination once, v1 first', () => {
    const g = aggregationGrid();
    expect(g[0]).toEqual(V1_AGGREGATION);
    expect(new Set(g.map((a) => JSON.stringify(a))).size).toBe(24);
  });
});

// A: a real base (hub parent); Q8, Q4 its re-quantizations; B, C fine-tunes of A; D a fine-tune of B.
const lab: LabModel[] = [
  { id: 'A', family: 'F', lineage: [{ parent: 'org/a', type: 'quantization' }] },
  { id: 'A-q8_0', family: 'F', lineage: [{ parent: 'A', type: 'quantization' }] },
  { id: 'A-q4_0', family: 'F', lineage: [{ parent: 'A', type: 'quantization' }] },
  { id: 'B', family: 'F', lineage: [{ parent: 'A', type: 'fine-tune' }] },
  { id: 'D', family: 'F', lineage: [{ parent: 'B', type: 'fine-tune' }] },
];
const ids = ['A', 'A-q8_0', 'A-q4_0', 'B', 'D'];
// similarities chosen by hand (symmetric)
const S: Record<string, number> = { 'A|A-q8_0': 0.99, 'A|A-q4_0': 0.5, 'A|B': 0.9, 'A|D': 0.7, 'A-q8_0|A-q4_0': 0.45, 'A-q8_0|B': 0.6, 'A-q8_0|D': 0.55, 'A-q4_0|B': 0.4, 'A-q4_0|D': 0.3, 'B|D': 0.8 };
const sim = new Float64Array(25);
for (const [i, a] of ids.entries())
  for (const [j, b] of ids.entries()) sim[i * 5 + j] = i === j ? 1 : (S[`${a}|${b}`] ?? S[`${b}|${a}`]);
const s = { ids, sim };

describe('metrics on a hand-made lab', () => {
  it('M1: cosines to the re-quantizations and the share of derived models nearer than Q4_0', () => {
    const [b] = m1(lab, s);
    expect(b.base).toBe('A');
    expect(b.quant).toEqual({ q8_0: 0.99, q4_0: 0.5 });
    expect(b.derived).toEqual({ B: 0.9, D: 0.7 });
    expect(b.derivedNearerThanQ4_0).toBe(1);
    expect(b.quantsFirst).toBe(false);
    // pairs (q8,B) (q8,D) right, (q4,B) (q4,D) wrong
    const sum = summarize({ name: 'x', source: 'x', aggregation: 'x', centring: 'none', ids, crossFamily: null, m1: [b], m2: m2(s, []), m2HeldOut: m2(s, []), selectionFamilies: ['F'], m3: m3(lab, s), m4: null }, lab, ['F']);
    expect(sum.quantOrder).toBe(0.5);
    expect(sum.m1GoalsMet).toBe(1); // Q8_0 .99 meets its goal; no Q5 present; order 0.5
  });

  it('M3: direct lineage pairs against the other pairs of the family', () => {
    // positives: A-q8 .99, A-q4 .5, A-B .9, B-D .8; negatives: A-D .7, q8-q4 .45, q8-B .6, q8-D .55, q4-B .4, q4-D .3
    // positive > negative: .99: 6, .9: 6, .8: 6, .5: 3 (.45 .4 .3) -> 21 of 24
    const [f] = m3(lab, s);
    expect(f).toEqual({ family: 'F', auc: 21 / 24, positives: 4, negatives: 6 });
  });

  it('M2: Spearman of similarity against minus KL over the group pairs', () => {
    const kl = [
      [0, 0.1, 0.3],
      [0.1, 0, 0.2],
      [0.3, 0.2, 0],
    ];
    // pairs A-B .9 / kl .1, A-D .7 / .3, B-D .8 / .2: ranks agree exactly
    expect(m2(s, [{ models: ['A', 'B', 'D'], klSym: kl }])).toEqual({ spearman: 1, pairs: 3 });
    const rev = [
      [0, 0.3, 0.1],
      [0.3, 0, 0.2],
      [0.1, 0.2, 0],
    ];
    expect(m2(s, [{ models: ['A', 'B', 'D'], klSym: rev }]).spearman).toBeCloseTo(-1, 12);
  });

  it('similarityOf is the cosine; the ablation scores sources and ranks by the pre-set order', () => {
    const v = new Map<string, Float64Array>([
      ['A', Float64Array.from([1, 0, 0, 1])],
      ['A-q8_0', Float64Array.from([1, 0.01, 0, 1])],
      ['A-q4_0', Float64Array.from([1, 0.2, 0, 0.9])],
      ['B', Float64Array.from([0.2, 1, 0, 1])],
      ['D', Float64Array.from([0, 1, 0.5, 1])],
    ]);
    const c = similarityOf(v);
    expect(c.sim[1]).toBeCloseTo(2 / Math.sqrt(2 * 2.0001), 12);
    const blocks = new Map([...v].map(([id, x]) => [id, [x.slice(0, 2), x.slice(2)]]));
    const scores = runAblation({ models: lab, sources: [{ name: 'gxi', stored: false, blocks }], aggregations: aggregationGrid(), centrings: ['none'], klGroups: [], selectionFamilies: ['F'], baselines: [] });
    expect(scores).toHaveLength(24);
    const ranked = rankVariants(scores, lab, ['F']);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1].summary.m1GoalsMet).toBeGreaterThanOrEqual(ranked[i].summary.m1GoalsMet);
  });

  it("M1's ordering counts up to behaviour's own share: past it, M3 decides", () => {
    // two variants over the hand-made lab: "wide" orders 3 of 4 pairs (q4 nearer than D) but finds
    // lineage worse; "faithful" orders 2 of 4 (as s does) with s's M3 of 21/24
    const wide = new Float64Array(sim);
    const set = (a: string, b: string, v: number) => {
      wide[ids.indexOf(a) * 5 + ids.indexOf(b)] = v;
      wide[ids.indexOf(b) * 5 + ids.indexOf(a)] = v;
    };
    set('A', 'A-q4_0', 0.75); // now above D (.7): pairs (q8,B) (q8,D) (q4,D) right
    set('B', 'D', 0.2); // a direct pair made far: M3 drops
    const score = (name: string, x: Float64Array) => {
      const t = { ids, sim: x };
      return { name, source: name, aggregation: name, centring: 'none' as const, ids, crossFamily: null, m1: m1(lab, t), m2: m2(t, []), m2HeldOut: m2(t, []), selectionFamilies: ['F'], m3: m3(lab, t), m4: null };
    };
    const vs = [score('wide', wide), score('faithful', sim)];
    const [w, f] = vs.map((v) => summarize(v, lab, ['F']));
    expect([w.quantOrder, f.quantOrder]).toEqual([0.75, 0.5]);
    expect(w.m3Auc!).toBeLessThan(f.m3Auc!);
    expect(rankVariants(vs, lab, ['F']).map((r) => r.variant.name)).toEqual(['wide', 'faithful']);
    expect(rankVariants(vs, lab, ['F'], 0.5).map((r) => r.variant.name)).toEqual(['faithful', 'wide']);
  });
});

describe('convergence', () => {
  it('Kendall tau-b equals scipy.stats.kendalltau (1.17.1) with and without ties', () => {
    expect(kendallTauB([1, 2, 3, 4, 5], [3, 4, 1, 2, 5])).toBeCloseTo(0.19999999999999998, 14);
    expect(kendallTauB([1, 2, 2, 3, 4, 4], [2, 1, 3, 3, 5, 4])).toBeCloseTo(0.7412493166611013, 14);
    expect(kendallTauB([0.3, 0.1, 0.1, 0.9], [1, 1, 2, 0])).toBeCloseTo(-0.7999999999999999, 14);
  });

  it('all probes give tau 1 and cosine 1; fewer probes give less agreement on real lab vectors', async () => {
    const dir = 'lab/embeddings-v1';
    const blocks = probeBlocks(PROBE_SET_V1);
    const m = new Map<string, Float64Array[]>();
    for (const n of readdirSync(dir).filter((x) => x.startsWith('lab__smollm2')))
      m.set(n, splitBlocks((await parseEmbeddingJson(readFileSync(join(dir, n), 'utf8'))).vector, blocks));
    expect(m.size).toBeGreaterThanOrEqual(10);
    const pts = convergence(m, V1_AGGREGATION, [5, 161], 3);
    expect(pts[1].tau).toBeCloseTo(1, 12);
    expect(pts[1].cosine).toBeCloseTo(1, 12);
    expect(pts[0].tau).toBeLessThan(pts[1].tau);
    // per-probe L1 normalization: a subset's vector is the full vector on those coordinates, rescaled
    expect(pts[0].cosine).toBeCloseTo(1, 6);
  });
});

describe('weight perturbation', () => {
  it('adds noise of relative RMS eps, seeded: same seed same noise, other seed other noise', () => {
    const x = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i) * 0.02);
    const eps = 1e-2;
    const a = perturbValues(x, eps, 7);
    const rms = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, t) => s + t * t, 0) / v.length);
    const d = a.map((v, i) => v - x[i]);
    expect(rms(d) / rms(x)).toBeGreaterThan(eps * 0.99);
    expect(rms(d) / rms(x)).toBeLessThan(eps * 1.01);
    // Gaussian: about 68.3% of the noise within one standard deviation
    const sd = rms(d);
    const within = Array.from(d).filter((v) => Math.abs(v) < sd).length / d.length;
    expect(within).toBeGreaterThan(0.675);
    expect(within).toBeLessThan(0.69);
    expect(perturbValues(x, eps, 7)).toEqual(a);
    expect(perturbValues(x, eps, 8)[0]).not.toBe(a[0]);
  });

  it('perturbs every tensor of a store to float32, bfloat16 decoded exactly', async () => {
    const bf = new Uint8Array([0x80, 0x3f, 0x00, 0xc0]); // bfloat16 1.0, -2.0
    const store = { file: 'm', names: () => ['w'], get: async () => ({ dtype: 'bfloat16' as const, shape: [2], bytes: bf }) };
    const t = await perturbStore(store, 0, 1).get('w');
    expect(t.dtype).toBe('float32');
    expect(Array.from(new Float32Array((t as { bytes: Uint8Array }).bytes.buffer))).toEqual([1, -2]);
    expect(() => perturbStore(store, 1, 1)).toThrow(/\[0, 1\)/);
  });
});

describe('stability fit', () => {
  it('recovers a known power law on log-log axes', () => {
    const pts = [1e-4, 1e-3, 1e-2, 1e-1].map((eps) => ({ eps, distance: 3 * eps ** 0.8 }));
    const f = logLogFit(pts);
    expect(f.slope).toBeCloseTo(0.8, 12);
    expect(f.intercept).toBeCloseTo(Math.log10(3), 12);
    expect(embeddingDistance([1, 0], [0, 1])).toBeCloseTo(Math.SQRT2, 15);
  });
});

describe('raw run names', () => {
  it('round-trips every kind, the new ones included', () => {
    const runs: RawRun[] = [
      { kind: 'gxi', expected: false },
      { kind: 'gxi', expected: true },
      { kind: 'ig', steps: 8, expected: false },
      { kind: 'ig', steps: 8, baseline: 'mean', expected: false },
      { kind: 'ig', steps: 32, baseline: 'mean', expected: true },
      { kind: 'sg', samples: 8, sigma: 0.1, expected: false },
      { kind: 'sg', samples: 16, sigma: 0.05, expected: true },
    ];
    expect(runs.map(runName)).toEqual(['gxi', 'gxi-expected', 'ig8', 'ig8-mean', 'ig32-mean-expected', 'sg8', 'sg16-0.05-expected']);
    for (const r of runs) expect(parseRun(runName(r))).toEqual(r);
    // sigma 0.1 is the default: written or not, one run (one raw folder)
    expect(runName(parseRun('sg8-0.1'))).toBe('sg8');
    expect(parseRun('sg4-1')).toEqual({ kind: 'sg', samples: 4, sigma: 1, expected: false });
  });

  it('refuses bad names, saying what is accepted', () => {
    for (const bad of ['ig0-mean', 'ig8-median', 'igmean', 'sg0', 'sg8-0', 'sg8-1.5', 'sg8-x', 'sg257', 'sg8-expected-mean', 'smoothgrad'])
      expect(() => parseRun(bad), bad).toThrow(`unknown run "${bad}": expected gxi, ig<steps> (e.g. ig8), ig<steps>-mean`);
  });

  it('the new runs need their rows and the table; the old ones neither', () => {
    expect(runRows(parseRun('gxi'))).toBeNull();
    expect(runRows(parseRun('ig8-expected'))).toBeNull();
    expect(runRows(parseRun('ig8-mean'))!.rows.rows).toBe(8);
    const sg = runRows(parseRun('sg4-0.2'))!.rows;
    expect(sg.rows).toBe(4);
    // before the observer has seen the table, make() refuses instead of using no baseline
    expect(() => sg.make(0, [1, 2], 16, 4)).toThrow('the embedding table was not read');
  });
});

describe('SmoothGrad noise', () => {
  const stats = { mean: new Float64Array(4), rowMeanSquare: Float64Array.from([4, 16, 9]) };
  it('has standard deviation sigma x rms(E) over the real positions, zero on padding, seeded by probe and sample', () => {
    const port = smoothGradRows(64, 0.5, () => stats);
    const T = 8;
    const H = 4;
    const { alpha, offset } = port.make(3, [0, 1], T, H);
    expect(Array.from(alpha)).toEqual(new Array(64).fill(1));
    let ss = 0;
    for (let s = 0; s < 64; s++)
      for (let j = 0; j < T * H; j++) {
        const z = offset![s * T * H + j];
        if (j >= 2 * H) expect(z).toBe(0);
        else ss += z * z;
      }
    // rms(E) = sqrt((4 + 16) / 2); 512 draws: the sample sd within 10% of 0.5 x sqrt(10)
    const sd = Math.sqrt(ss / (64 * 2 * H));
    expect(sd / (0.5 * Math.sqrt(10))).toBeGreaterThan(0.9);
    expect(sd / (0.5 * Math.sqrt(10))).toBeLessThan(1.1);
    expect(port.make(3, [0, 1], T, H).offset).toEqual(offset);
    expect(port.make(4, [0, 1], T, H).offset![0]).not.toBe(offset![0]);
    expect(offset!.subarray(0, 2 * H)).toEqual(addGaussian(new Float32Array(2 * H), 0.5 * Math.sqrt(10), smoothGradSeed(3, 0)));
  });
});
