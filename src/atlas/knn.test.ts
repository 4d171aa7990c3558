import { describe, expect, it } from 'vitest';
import { KnnIndex, queryKnn } from './knn';
import { rowMatrix } from './row-dots';

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
  for (const prefer of ['wasm-simd', 'js'] as const)
    it(`gives exactly queryKnn's neighbours and cosines (${prefer} kernel), zero rows, ties and odd dims included`, () => {
      for (const [n, dim, seed] of [
        [500, 64, 7],
        [300, 37, 3],
        [40, 5, 11],
      ]) {
        const vs = vectors(n, dim, seed);
        vs[10] = new Array(dim).fill(0); // a zero vector scores 0, as in queryKnn
        vs[20] = vs[21].slice(); // exact ties, ordered by index
        vs[30] = vs[21].map((x) => 3 * x); // same direction, another norm
        const index = new KnnIndex(vs, prefer);
        if (prefer === 'js') expect(index.kernel).toBe('js');
        for (const q of [...vectors(20, dim, 99), vs[21], new Array(dim).fill(0)])
          for (const k of [1, 3, 10]) expect(index.query(q, k)).toEqual(queryKnn(q, vs, k));
      }
    });
  it('runs the WebAssembly SIMD kernel here (Node has it)', () => {
    expect(new KnnIndex(vectors(10, 16, 1)).kernel).toBe('wasm-simd');
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

describe('rowMatrix', () => {
  it('computes float32 dot products within the rounding bound, both kernels alike', () => {
    const [n, dim] = [97, 203];
    const vs = vectors(n, dim, 5);
    const q = vectors(1, dim, 6)[0];
    const fill = (i: number, into: Float32Array) => into.set(vs[i]);
    const simd = rowMatrix(n, dim, fill);
    const js = rowMatrix(n, dim, fill, 'js');
    expect([simd.kind, js.kind, simd.stride]).toEqual(['wasm-simd', 'js', 208]);
    const a = Float32Array.from(simd.dots(q));
    const b = js.dots(q);
    for (let j = 0; j < n; j++) {
      // exact dot of the float32-rounded values, in float64
      let exact = 0;
      let abs = 0;
      for (let d = 0; d < dim; d++) {
        const p = Math.fround(q[d]) * Math.fround(vs[j][d]);
        exact += p;
        abs += Math.abs(p);
      }
      const bound = (dim + 8) * 2 ** -24 * abs;
      expect(Math.abs(a[j] - exact)).toBeLessThanOrEqual(bound);
      expect(Math.abs(b[j] - exact)).toBeLessThanOrEqual(bound);
    }
  });
});
