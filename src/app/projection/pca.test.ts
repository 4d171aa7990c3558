import { describe, expect, it } from 'vitest';
import { pca2 } from './pca';

describe('pca2', () => {
  it('recovers the principal axes of a known point set', () => {
    // points t * (1, 2, 0, 0) + s * (0, 0, 1, 0): first axis (1,2,0,0)/sqrt5 with coordinate t*sqrt5,
    // second axis (0,0,1,0) with coordinate s (the spread along t is larger)
    const ts = [-2, -1, 0, 1, 2];
    const ss = [0.3, -0.6, 0.6, -0.6, 0.3]; // zero mean, orthogonal to ts
    const rows = ts.map((t, i) => [t, 2 * t, ss[i], 0]);
    const xy = pca2(rows);
    // sign convention: the largest |coordinate| is positive (ties: first index)
    const sign1 = -1; // |t| ties between -2 and 2: the first point (t = -2) gets the positive coordinate
    for (const [i, t] of ts.entries()) expect(xy[i][0]).toBeCloseTo(sign1 * t * Math.sqrt(5), 9);
    const sign2 = Math.sign(xy[1][1]) * Math.sign(ss[1]);
    for (const [i, s] of ss.entries()) expect(xy[i][1]).toBeCloseTo(sign2 * s, 9);
  });

  it('centres the data and is deterministic', () => {
    const rows = [
      [5, 1],
      [6, 3],
      [7, 2],
      [9, 9],
    ];
    const a = pca2(rows);
    expect(pca2(rows)).toEqual(a);
    expect(a.reduce((s, p) => s + p[0], 0)).toBeCloseTo(0, 10);
    expect(a.reduce((s, p) => s + p[1], 0)).toBeCloseTo(0, 10);
    // total variance is preserved in 2-D
    const mx = [6.75, 3.75];
    const total = rows.reduce((s, r) => s + (r[0] - mx[0]) ** 2 + (r[1] - mx[1]) ** 2, 0);
    expect(a.reduce((s, p) => s + p[0] ** 2 + p[1] ** 2, 0)).toBeCloseTo(total, 9);
  });
});
