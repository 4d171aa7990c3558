// The graph-building API architectures are written in: one short function per primitive
// (rules live in primitives.ts) plus the small shape helpers VJP rules need.
import {
  type DType,
  type Dim,
  normAxis,
  type Shape,
  sameDim,
  sameShape,
  type Tensor,
} from './tensor.ts';

type Operand = Tensor | number;

/** Lift a JS number to a scalar constant of the other operand's dtype. */
function pair(a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new Error('two numbers');
  if (typeof a === 'number') a = (b as Tensor).graph.scalar(a, (b as Tensor).dtype);
  if (typeof b === 'number') b = a.graph.scalar(b, a.dtype);
  return [a, b];
}

const bin = (op: string) => (a: Operand, b: Operand) => {
  const [x, y] = pair(a, b);
  return x.graph.apply(op, [x, y]);
};
export const add = bin('Add');
export const sub = bin('Sub');
export const mul = bin('Mul');
export const div = bin('Div');

const un = (op: string) => (x: Tensor) => x.graph.apply(op, [x]);
export const neg = un('Neg');
export const exp = un('Exp');
export const log = un('Log');
export const sqrt = un('Sqrt');
export const reciprocal = un('Reciprocal');
export const tanh = un('Tanh');
export const sigmoid = un('Sigmoid');
export const erf = un('Erf');

/** x ** p for a constant exponent p. */
export const pow = (x: Tensor, p: number) => x.graph.apply('Pow', [x], { p });

export const reduceSum = (x: Tensor, axes: number[], keepdims = true) =>
  x.graph.apply('ReduceSum', [x], { axes: axes.map((a) => normAxis(a, x.rank)), keepdims });
export const reduceMean = (x: Tensor, axes: number[], keepdims = true) =>
  x.graph.apply('ReduceMean', [x], { axes: axes.map((a) => normAxis(a, x.rank)), keepdims });
export const reduceMax = (x: Tensor, axes: number[], keepdims = true) =>
  x.graph.apply('ReduceMax', [x], { axes: axes.map((a) => normAxis(a, x.rank)), keepdims });

export const softmax = (x: Tensor, axis = -1) =>
  x.graph.apply('Softmax', [x], { axis: normAxis(axis, x.rank) });
export const logSoftmax = (x: Tensor, axis = -1) =>
  x.graph.apply('LogSoftmax', [x], { axis: normAxis(axis, x.rank) });

/** Rows of `table` (axis 0) picked by int64 `ids`: [...ids.shape, ...table.shape[1:]]. */
export const gather = (table: Tensor, ids: Tensor) => table.graph.apply('Gather', [table, ids]);
/** Adds `updates` rows into zeros of `shape` at `ids` (the transpose of gather). */
export const scatterNDAdd = (updates: Tensor, ids: Tensor, shape: Shape) =>
  updates.graph.apply('ScatterNDAdd', [updates, ids], { shape });
export const gatherElements = (x: Tensor, idx: Tensor, axis: number) =>
  x.graph.apply('GatherElements', [x, idx], { axis: normAxis(axis, x.rank) });
export const scatterElementsAdd = (updates: Tensor, idx: Tensor, axis: number, shape: Shape) =>
  updates.graph.apply('ScatterElementsAdd', [updates, idx], {
    axis: normAxis(axis, shape.length),
    shape,
  });

/** Reshape to `shape`; one entry may be -1 (inferred). Symbols are resolved at run time. */
export const reshape = (x: Tensor, shape: Shape) =>
  sameShape(x.shape, shape) ? x : x.graph.apply('Reshape', [x], { shape });
export const transpose = (x: Tensor, perm: number[]) =>
  perm.every((p, i) => p === i) ? x : x.graph.apply('Transpose', [x], { perm });
export const concat = (xs: Tensor[], axis: number) =>
  xs.length === 1 ? xs[0] : xs[0].graph.apply('Concat', xs, { axis: normAxis(axis, xs[0].rank) });

/** x[start:end] along `axis` (step 1; negative indices count from the end). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normAxis(axis, x.rank);
  const n = x.shape[ax];
  if (typeof n !== 'number') throw new Error(`slice on symbolic axis ${ax}`);
  const s = Math.min(n, Math.max(0, start < 0 ? start + n : start));
  const e = Math.min(n, Math.max(s, end < 0 ? end + n : end));
  if (s === 0 && e === n) return x;
  return x.graph.apply('Slice', [x], { axis: ax, start: s, end: e });
}
/** Zero padding along `axis`: `before` and `after` elements. */
export const pad = (x: Tensor, axis: number, before: number, after: number) =>
  x.graph.apply('Pad', [x], { axis: normAxis(axis, x.rank), before, after });

export const expand = (x: Tensor, shape: Shape) =>
  sameShape(x.shape, shape) ? x : x.graph.apply('Expand', [x], { shape });
export const where = (cond: Tensor, a: Operand, b: Operand) => {
  const [x, y] = pair(a, b);
  return x.graph.apply('Where', [cond, x, y]);
};
export const cast = (x: Tensor, to: DType) => (x.dtype === to ? x : x.graph.apply('Cast', [x], { to }));
export const equal = (a: Tensor, b: Tensor) => a.graph.apply('Equal', [a, b]);

/** Batched matrix product with broadcasting over leading dims (ranks >= 2). */
export const matmul = (a: Tensor, b: Tensor) => a.graph.apply('MatMul', [a, b]);
/** alpha * op(A) op(B) + beta * C on 2-D A, B. */
export const gemm = (
  a: Tensor,
  b: Tensor,
  c: Tensor | null,
  o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {},
) =>
  a.graph.apply('Gemm', c ? [a, b, c] : [a, b], {
    transA: o.transA ?? false,
    transB: o.transB ?? false,
    alpha: o.alpha ?? 1,
    beta: o.beta ?? 1,
  });

// ---- shape helpers used by rules and composites ----

/** Swap the last two axes. */
export function transposeLast2(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.rank - 1] = x.rank - 2;
  perm[x.rank - 2] = x.rank - 1;
  return transpose(x, perm);
}

/** Sum a broadcast gradient back down to `shape` (leading axes, and axes where shape has 1). */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && d !== 1) axes.push(i);
    else if (!sameDim(shape[i - lead], d) && d !== 1)
      throw new Error(`unbroadcast [${g.shape}] -> [${shape}]`);
  });
  const r = axes.length ? reduceSum(g, axes, true) : g;
  return reshape(r, shape);
}

/** The dims of x with a 1 in place of each reduced axis. */
export function keptShape(shape: Shape, axes: number[]): Dim[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
