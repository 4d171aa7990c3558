import { describe, expect, it } from 'vitest';
import { KnnIndex, queryKnn } from './knn';

// deterministic pseudo-random vectors (LCG), some with a shared direction so neighbours are meaningful
function vectors(n: number, dim: number, seed: number): number[][] {
  let x = seed;
  const r = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31 - 0.5;
  };
  const base = Array.from({ length: dim }, r);
  return Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, d) => r() + (i % 3 === 0 ? base[d] : 0)));
}

describe('KnnIndex', () => {
  it('finds the same neighbours as queryKnn, cosines to float32 rounding', () => {
    const vs = vectors(500, 64, 7);
    vs[10] = new Array(64).fill(0); // a zero vector scores 0, as in queryKnn
    const index = new KnnIndex(vs);
    for (const q of vectors(20, 64, 99)) {
      const want = queryKnn(q, vs, 10);
      const got = index.query(q, 10);
      expect(got.map(([j]) => j)).toEqual(want.map(([j]) => j));
      for (const [i, [, c]] of got.entries()) expect(Math.abs(c - want[i][1])).toBeLessThan(1e-5);
    }
  });
  it('orders ties by index and returns all rows when k exceeds n', () => {
    const index = new KnnIndex([[1, 0], [0, 1], [2, 0], [-1, 0]]);
    expect(index.query([3, 0], 10)).toEqual([[0, 1], [2, 1], [1, 0], [3, -1]]);
  });
  it('rejects vectors of another dimension, naming them', () => {
    expect(() => new KnnIndex([[1, 2], [1]])).toThrow('vector 1 has 1 values, the first has 2');
    expect(() => new KnnIndex([[1, 2]]).query([1, 2, 3], 1)).toThrow('3 values, the index has 2');
  });
});
