import { describe, expect, it } from 'vitest';
import ref from './fixtures/metrics-scipy.json';
import { cosineMatrix } from './knn';
import { averageRanks, bestThreshold, looKnnPredict, looRidgePredict, mae, rocAuc, spearman } from './metrics';

// Reference values: fixtures/metrics-scipy.json, made by fixtures/make_metrics_ref.py (scipy/numpy).
describe('metrics against scipy/numpy', () => {
  it('average ranks = scipy.stats.rankdata', () => {
    expect([...averageRanks(ref.x)]).toEqual(ref.ranksX);
  });
  it('Spearman with ties = scipy.stats.spearmanr', () => {
    expect(spearman(ref.x, ref.y)).toBeCloseTo(ref.spearman, 12);
  });
  it('MAE', () => {
    expect(mae(ref.x, ref.y)).toBeCloseTo(ref.mae, 12);
  });
  it('ROC-AUC with ties = Mann-Whitney U / (n1 n0)', () => {
    expect(rocAuc(ref.scores, ref.labels)).toBeCloseTo(ref.auc, 12);
    // by hand: positives {0.9, 0.8}, negatives {0.8, 0.1}: (1 + 1 + 0.5 + 1) / 4
    expect(rocAuc([0.9, 0.8, 0.8, 0.1], [true, false, true, false])).toBe(0.875);
    expect(rocAuc([1, 2], [true, true])).toBeNaN();
  });
  it('leave-one-out kNN regression = brute force', () => {
    const pred = looKnnPredict(cosineMatrix(ref.X), ref.target, ref.knnK);
    for (const [i, v] of ref.looKnn.entries()) expect(pred[i]).toBeCloseTo(v, 12);
  });
  it('leave-one-out dual ridge = primal ridge (numpy)', () => {
    const n = ref.X.length;
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) gram[i * n + j] = ref.X[i].reduce((s, v, d) => s + v * ref.X[j][d], 0);
    const pred = looRidgePredict(gram, ref.target, ref.lambda);
    for (const [i, v] of ref.looRidge.entries()) expect(pred[i]).toBeCloseTo(v, 9);
  });
  it('balanced-accuracy threshold = brute force', () => {
    expect(bestThreshold(ref.scores, ref.labels)).toBeCloseTo(ref.bestThreshold, 12);
  });
});
