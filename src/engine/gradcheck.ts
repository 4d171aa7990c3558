// Finite-difference check of the engine's gradients: the analytic gradient of
// L = sum(f(x) * r) (r random) against float64 central differences of the same graph.
import { grad } from './autodiff.ts';
import { toOnnx } from './onnx-writer.ts';
import { mul, reduceSum } from './ops.ts';
import { Rng } from './random.ts';
import type { Runtime } from './runtime.ts';
import { primitives } from './primitives.ts';
import { Graph, type Tensor, typedArrayOf } from './tensor.ts';

export interface GradCase {
  /** e.g. 'Mul broadcast [2,3]x[3]' */
  label: string;
  /** grid: round values to multiples of 1/grid (exactly representable in low precision). */
  inputs: { shape: number[]; positive?: boolean; scale?: number; grid?: number }[];
  /** Central-difference step (default 1e-5). */
  h?: number;
  /** Builds f; `rng` is reseeded identically for every build (for constant indices, masks). */
  build(xs: Tensor[], rng: Rng): Tensor;
}

export interface GradCheckResult {
  label: string;
  dtype: 'float32' | 'float64';
  relErr: number;
  maxAbsGrad: number;
}

function buildGraph(c: GradCase, dtype: 'float32' | 'float64', withGrad: boolean, seed: number) {
  const g = new Graph(primitives);
  const xs = c.inputs.map((s, i) => g.input(`x${i}`, dtype, s.shape));
  const y = c.build(xs, new Rng(seed + 1));
  const r = new Rng(seed + 2).normals(y.shape.reduce<number>((a, d) => a * (d as number), 1));
  const loss = reduceSum(
    mul(y, g.constant(dtype, y.shape as number[], typedArrayOf(dtype, r))),
    y.shape.map((_, i) => i),
    false,
  );
  g.output('loss', loss);
  if (withGrad) {
    const grads = grad(loss, xs);
    grads.forEach((d, i) => {
      g.output(`g${i}`, d);
    });
  }
  return toOnnx(g);
}

function inputValues(c: GradCase, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return c.inputs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const v = s.positive
      ? Float64Array.from({ length: n }, () => rng.uniform(0.5, 2))
      : rng.normals(n, s.scale ?? 1);
    const grid = s.grid;
    return grid ? v.map((x) => Math.round(x * grid) / grid) : v;
  });
}

const feedsOf = (c: GradCase, vals: Float64Array[], dtype: 'float32' | 'float64') =>
  Object.fromEntries(
    vals.map((v, i) => [
      `x${i}`,
      { dtype, dims: c.inputs[i].shape, data: dtype === 'float64' ? v : Float32Array.from(v) },
    ]),
  );

/** Checks float64 and float32 analytic gradients against float64 central differences. */
export async function gradCheck(
  rt: Runtime,
  c: GradCase,
  seed = 1,
): Promise<GradCheckResult[]> {
  const h = c.h ?? 1e-5;
  const vals = inputValues(c, seed);
  const fdSession = await rt.createSession(buildGraph(c, 'float64', false, seed), {
    optimization: 'basic',
  });
  const fd: Float64Array[] = [];
  for (let i = 0; i < vals.length; i++) {
    const d = new Float64Array(vals[i].length);
    for (let j = 0; j < d.length; j++) {
      const at = (delta: number) => {
        const v = vals.map((a) => Float64Array.from(a));
        v[i][j] += delta;
        return fdSession.run(feedsOf(c, v, 'float64'));
      };
      const plus = (await at(h)).loss.data as Float64Array;
      const minus = (await at(-h)).loss.data as Float64Array;
      d[j] = (plus[0] - minus[0]) / (2 * h);
    }
    fd.push(d);
  }
  await fdSession.release();
  const maxAbsGrad = Math.max(...fd.map((d) => Math.max(...Array.from(d, Math.abs))));
  const results: GradCheckResult[] = [];
  for (const dtype of ['float64', 'float32'] as const) {
    const s = await rt.createSession(buildGraph(c, dtype, true, seed), {
      optimization: dtype === 'float64' ? 'basic' : 'all',
    });
    const out = await s.run(feedsOf(c, vals, dtype));
    await s.release();
    let err = 0;
    fd.forEach((d, i) => {
      const a = out[`g${i}`].data as Float64Array | Float32Array;
      for (let j = 0; j < d.length; j++) err = Math.max(err, Math.abs(a[j] - d[j]));
    });
    results.push({ label: c.label, dtype, relErr: err / maxAbsGrad, maxAbsGrad });
  }
  return results;
}
