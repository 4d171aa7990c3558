import { describe, expect, it } from 'vitest';
import { type EvalModel, evalMarkdown, type PairType, pairTypes, prepare, relationTask, routingTask, runEval } from './eval';
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
