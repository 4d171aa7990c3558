import { describe, expect, it } from 'vitest';
import { gradNorm, gradTimesInput, igAlphas, integratedGradients, smoothGrad, tokenAttributions } from './attribution';

describe('integrated gradients', () => {
  it('midpoint alphas are (k - 1/2)/m', () => {
    expect(Array.from(igAlphas(4))).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(Array.from(igAlphas(1))).toEqual([0.5]);
    expect(() => igAlphas(0)).toThrow('positive integer');
  });

  // Embeddings E: T=2 tokens, H=2.
  const E = [1, 2, -3, 0.5];
  const batch = (grad: (a: number, e: number, j: number) => number, alphas: Float64Array) =>
    Float64Array.from({ length: alphas.length * E.length }, (_, n) => {
      const k = Math.floor(n / E.length);
      const j = n % E.length;
      return grad(alphas[k], E[j], j);
    });

  it('is exact for a quadratic f (gradient linear in alpha): a_i = sum_h c_h e_ih^2', () => {
    // f(E) = sum_j c_j E_j^2, df/dE_j at alpha E = 2 c_j alpha E_j; completeness gives c_j E_j^2.
    const c = [0.5, -1, 2, 3];
    const m = 3;
    const g = batch((a, e, j) => 2 * c[j] * a * e, igAlphas(m));
    const attr = integratedGradients(g, E, m, 2, 2);
    expect(attr[0]).toBeCloseTo(0.5 * 1 + -1 * 4, 12);
    expect(attr[1]).toBeCloseTo(2 * 9 + 3 * 0.25, 12);
  });

  it('carries the midpoint-rule error for a cubic f (m=2: 0.9375 of the exact integral)', () => {
    // f = sum_j E_j^3: exact IG gives E_j^3; midpoint with m=2 gives 3 E_j^3 (1/16 + 9/16) / 2 = 0.9375 E_j^3.
    const m = 2;
    const g = batch((a, e) => 3 * (a * e) ** 2, igAlphas(m));
    const attr = tokenAttributions({ kind: 'ig', steps: m }, g, E, 2, 2);
    expect(attr[0]).toBeCloseTo(0.9375 * (1 + 8), 12);
    expect(attr[1]).toBeCloseTo(0.9375 * (-27 + 0.125), 12);
  });

  it('from a baseline c: exact for a quadratic f, a_i = sum_h q_h (e_ih^2 - c_h^2)', () => {
    // f(X) = sum_j q_j X_j^2 along X = c + a (E - c): df/dX_j = 2 q_j X_j, and completeness per
    // entry gives q_j (E_j^2 - c_j^2); c is one row [H] for both tokens.
    const q = [0.5, -1, 2, 3];
    const c = [0.25, -2];
    const m = 3;
    const g = batch((a, e, j) => 2 * q[j] * (c[j % 2] + a * (e - c[j % 2])), igAlphas(m));
    const attr = integratedGradients(g, E, m, 2, 2, c);
    expect(attr[0]).toBeCloseTo(0.5 * (1 - 0.0625) + -1 * (4 - 4), 12);
    expect(attr[1]).toBeCloseTo(2 * (9 - 0.0625) + 3 * (0.25 - 4), 12);
    // a zero baseline is v1's ig, to the last bit
    expect(integratedGradients(g, E, m, 2, 2, [0, 0])).toEqual(integratedGradients(g, E, m, 2, 2));
    expect(() => integratedGradients(g, E, m, 2, 2, [1, 2, 3])).toThrow('baseline: expected 2 values, got 3');
  });

  it('rejects a gradient batch of the wrong size', () => {
    expect(() => integratedGradients(new Float64Array(7), E, 2, 2, 2)).toThrow('batched grad: expected 8 values, got 7');
  });
});

describe('gxi and grad-norm', () => {
  it('computes by hand', () => {
    const grad = [3, 4, 0, -1];
    const emb = [1, 2, 5, 6];
    expect(Array.from(gradTimesInput(grad, emb, 2, 2))).toEqual([11, -6]);
    expect(Array.from(gradNorm(grad, 2, 2))).toEqual([5, 1]);
    expect(Array.from(tokenAttributions({ kind: 'gxi' }, grad, emb, 2, 2))).toEqual([11, -6]);
    expect(Array.from(tokenAttributions({ kind: 'grad-norm' }, grad, emb, 2, 2))).toEqual([5, 1]);
  });
});

describe('SmoothGrad', () => {
  it('averages <e + z_s, g_s> over the samples, by hand', () => {
    // T=2, H=2, n=2 samples
    const emb = [1, 2, 5, 6];
    const noise = [0.5, 0, 0, -1, /* sample 2 */ 0, 0, 1, 1];
    const grad = [2, 1, 1, 1, /* sample 2 */ 1, 0, 0, 2];
    // sample 1: [1.5*2 + 2*1, 5*1 + 5*1] = [5, 10]; sample 2: [1*1 + 0, 0 + 7*2] = [1, 14]
    expect(Array.from(smoothGrad(grad, emb, noise, 2, 2, 2))).toEqual([3, 12]);
    expect(() => smoothGrad(grad, emb, noise.slice(1), 2, 2, 2)).toThrow('noise: expected 8 values, got 7');
  });
});
