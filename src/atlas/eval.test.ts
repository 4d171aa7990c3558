import { describe, expect, it } from 'vitest';
import { behaviourTables } from './behaviour';
import { DEFAULT_EVAL, type EvalModel, evalMarkdown, evaluateSection, type PairType, pairTypes, prepare, relationTask, routingTask, runEval } from './eval';
import ref from './fixtures/metrics-scipy.json';
import { cosineMatrix } from './knn';
import { mulberry32 } from './random';

const m = (id: string, family: string, lineage: EvalModel['lineage'] = [], avg = 0): EvalModel => ({
  id,
  family,
  architecture: 'LlamaForCausalLM',
  lineage,
  benchmarks: { ifeval: avg, bbh: avg, math: avg, gpqa: avg, musr: avg, mmlu_pro: avg, avg },
});

describe('pairTypes', () => {
  it('uses direct edges in either direction, then known families', () => {
    const models = [
      m('a', 'Llama-3'),
      m('b', 'Llama-3', [{ parent: 'a', type: 'fine-tune' }]),
      m('c', 'other (LlamaForCausalLM)'),
      m('d', 'other (LlamaForCausalLM)', [{ parent: 'b', type: 'merge' }]),
    ];
    // pairs in order: ab ac ad bc bd cd
    expect(pairTypes(models)).toEqual(['fine-tune', 'unrelated', 'unrelated', 'unrelated', 'merge', 'unrelated']);
  });
});

describe('relationTask against numpy (fixtures/metrics-scipy.json)', () => {
  it('gives the same AUCs and fold-thresholded accuracies', () => {
    const sim = cosineMatrix(ref.relation.V);
    const r = relationTask(sim, 9, ref.relation.types as PairType[], 5);
    expect(r.pairs).toBe(36);
    expect(r.auc).toBeCloseTo(ref.relation.auc, 12);
    expect(r.aucByType['fine-tune']).toBeCloseTo(ref.relation.aucFineTune, 12);
    for (const [t, a] of Object.entries(ref.relation.accuracyByType)) expect(r.accuracyByType[t as PairType]).toBeCloseTo(a, 12);
  });
});

describe('prepare', () => {
  it('centers per dimension and normalizes', () => {
    const [a, b] = prepare(
      [
        [1, 3],
        [3, 3],
      ],
      true,
    );
    expect([...a]).toEqual([-1, 0]);
    expect([...b]).toEqual([1, 0]);
  });
});

describe('runEval', () => {
  // Test double: 4 families of 5 models; a representation that clusters by family should beat one
  // of pure noise on relation AUC, and predict a family-determined score well.
  const r = mulberry32(5);
  const models: EvalModel[] = [];
  const clustered = new Map<string, number[]>();
  const noise = new Map<string, number[]>();
  for (let f = 0; f < 4; f++) {
    const centre = Array.from({ length: 16 }, () => r() - 0.5);
    for (let i = 0; i < 5; i++) {
      const id = `f${f}/m${i}`;
      models.push(m(id, `Fam${f}`, i > 0 ? [{ parent: `f${f}/m0`, type: 'fine-tune' }] : [], 10 * f + r()));
      clustered.set(
        id,
        centre.map((x) => x + (r() - 0.5) * 0.2),
      );
      noise.set(
        id,
        Array.from({ length: 16 }, () => r() - 0.5),
      );
    }
  }
  const report = runEval({ models, able: clustered, output: noise, params: clustered });
  it('scores the clustered representation above noise', () => {
    const able = report.all.representations.able;
    const out = report.all.representations.output;
    expect(able.relation!.auc).toBe(1);
    expect(out.relation!.auc).toBeLessThan(0.75);
    expect(able.relation!.countByType).toEqual({ 'fine-tune': 16, 'same-family': 24, unrelated: 150 });
    expect(able.benchmarks!.knn.avg.spearman).toBeGreaterThan(0.8);
    expect(able.benchmarks!.ridge.avg.mae).toBeLessThan(out.benchmarks!.ridge.avg.mae);
    expect(Object.keys(report.byArchitecture)).toEqual(['LlamaForCausalLM']);
    expect(Object.keys(report.byArchitecture.LlamaForCausalLM.representations)).toEqual(['able', 'output', 'params']);
  });
  it('within a family counts only direct edges as related', () => {
    expect(Object.keys(report.byFamily)).toEqual(['Fam0', 'Fam1', 'Fam2', 'Fam3']);
    // 5 models: 4 direct fine-tune edges to m0, the 6 sibling pairs count as unrelated.
    expect(report.byFamily.Fam0.representations.able.relation!.countByType).toEqual({ 'fine-tune': 4, unrelated: 6 });
  });
  it('writes a markdown table and says routing was not supplied', () => {
    const md = evalMarkdown(report);
    expect(md).toContain('| able | 1.000 |');
    expect(md).toContain('Not supplied');
  });
});

describe('routingTask', () => {
  it('reports best single model and oracle by hand', () => {
    const res = routingTask({ models: ['x', 'y'], correctness: [[1, 0], [0, 0], [1, 1], [0, 1]] });
    expect(res).toMatchObject({ status: 'baselines only', bestSingle: { model: 'x', accuracy: 0.5 }, oracleAccuracy: 0.75 });
    expect(routingTask(null).status).toBe('not supplied');
  });
});

describe('pair tables (behavioural baselines)', () => {
  // The scipy fixture's vectors: a table of their cosines must score exactly as the vectors do.
  const ids = ref.relation.V.map((_, i) => `m${i}`);
  const sim = cosineMatrix(ref.relation.V);
  const table = { ids, similarity: ids.map((_, i) => ids.map((_, j) => sim[i * ids.length + j])) };
  const types = ref.relation.types as PairType[];
  // models whose pairTypes (with directOnly) equal the fixture's types: edges wherever the fixture says related
  const models = ids.map((id, i) => {
    const lineage: EvalModel['lineage'] = [];
    let p = 0;
    for (let a = 0; a < ids.length; a++)
      for (let b = a + 1; b < ids.length; b++, p++) if (b === i && types[p] !== 'unrelated') lineage.push({ parent: ids[a], type: types[p] as never });
    return m(id, 'other (test)', lineage); // an unknown family: pairs without an edge are unrelated
  });

  it('a table of the vectors own cosines gives the vector result', () => {
    const vectors = new Map(ids.map((id, i) => [id, ref.relation.V[i]]));
    const s = evaluateSection(models, { vec: vectors, tab: table }, { ...DEFAULT_EVAL, center: false });
    expect(s.representations.tab.relation).toEqual(s.representations.vec.relation);
    expect(s.representations.tab.relation!.auc).toBeCloseTo(ref.relation.auc, 12);
    expect(s.representations.tab.benchmarks).toBeNull();
  });

  it('runEval uses a table only in families it covers, and refuses pairs without a value', () => {
    const able = new Map(ids.map((id, i) => [id, ref.relation.V[i]]));
    const partial = { ids: ids.slice(1), similarity: table.similarity.slice(1).map((r) => r.slice(1)) };
    const fam = models.map((x) => ({ ...x, family: 'F' }));
    const r = runEval({ models: fam, able, pairwise: { full: table, partial }, options: { center: false } });
    expect(Object.keys(r.byFamily.F.representations)).toEqual(['able', 'full']);
    const holes = { ids, similarity: table.similarity.map((r, i) => r.map((x, j) => (i === 0 && j === 1 ? Number.NaN : x))) };
    expect(() => runEval({ models: fam, able, pairwise: { holes } })).toThrow(/no value for m0 and m1/);
  });

  it('behaviourTables reads the lab file: minus the symmetric KL, no value across groups', () => {
    const t = behaviourTables({
      groups: {
        g1: { models: ['a', 'b'], klSym: [[0, 0.5], [0.5, 0]], probeTopKSymKl: [[0, 2], [2, 0]] },
        g2: { models: ['c'], klSym: [[0]], probeTopKSymKl: [[0]] },
      },
    });
    expect(t['output-kl'].ids).toEqual(['a', 'b', 'c']);
    expect(t['output-kl'].similarity[0][1]).toBe(-0.5);
    expect(t['output-topk'].similarity[1][0]).toBe(-2);
    expect(t['output-kl'].similarity[0][2]).toBeNaN();
    expect(() => behaviourTables({ groups: { g: { models: ['a'], klSym: [[0, 1]], probeTopKSymKl: [[0]] } } })).toThrow(
      /groups\.g\.klSym is not a 1 x 1 table/,
    );
    expect(() => behaviourTables({})).toThrow(/no "groups"/);
  });
});
