// The primitive registry: each op's shape rule, ONNX emission and vector-Jacobian rule side by
// side. VJP rules are written with the same graph API as models (ops.ts), so the backward graph
// is built from these same primitives. `wants[i]` says whether input i needs a gradient at all:
// rules return null there and build nothing (no weight gradients).
import type { EmitCtx } from './emit.ts';
import * as op from './ops.ts';
import {
  type Attrs,
  broadcastShapes,
  type DType,
  type Dim,
  dimProduct,
  type Inferred,
  numel,
  type Shape,
  type Tensor,
} from './tensor.ts';

export interface Primitive {
  infer(inputs: readonly Tensor[], attrs: Attrs): Inferred;
  emit(ctx: EmitCtx, t: Tensor): void;
  /** Cotangents for the inputs given the cotangent `g` of the output; absent = not differentiable. */
  vjp?(t: Tensor, g: Tensor, wants: readonly boolean[]): (Tensor | null)[];
}

const same = (x: Tensor): Inferred => ({ dtype: x.dtype, shape: x.shape });
const axesAttrs = (t: Tensor) => ({ axes: t.attrs.axes as number[], keepdims: t.attrs.keepdims ? 1 : 0 });
const simple =
  (onnxOp: string, attrs?: (t: Tensor) => Record<string, any>) => (ctx: EmitCtx, t: Tensor) =>
    ctx.node(onnxOp, t.inputs.map(ctx.name), [ctx.name(t)], attrs?.(t));

function elementwise(
  onnxOp: string,
  vjp: (t: Tensor, g: Tensor, wants: readonly boolean[]) => (Tensor | null)[],
): Primitive {
  return {
    infer: ([a, b]) => {
      if (a.dtype !== b.dtype) throw new Error(`${onnxOp}: ${a.dtype} vs ${b.dtype}`);
      return { dtype: a.dtype, shape: broadcastShapes(a.shape, b.shape) };
    },
    emit: simple(onnxOp),
    vjp,
  };
}

function unary(onnxOp: string, vjp: (x: Tensor, y: Tensor, g: Tensor) => Tensor): Primitive {
  return {
    infer: ([x]) => same(x),
    emit: simple(onnxOp),
    vjp: (t, g) => [vjp(t.inputs[0], t, g)],
  };
}

const reduced = (x: Tensor, a: Attrs): Inferred => {
  const axes = a.axes as number[];
  const shape = a.keepdims
    ? op.keptShape(x.shape, axes)
    : x.shape.filter((_, i) => !axes.includes(i));
  return { dtype: x.dtype, shape };
};

/** Cotangent of a reduction, broadcast back to the input's shape. */
const spread = (t: Tensor, g: Tensor) => {
  const x = t.inputs[0];
  return op.expand(op.reshape(g, op.keptShape(x.shape, t.attrs.axes as number[])), x.shape);
};

const where0 = (cond: Tensor, g: Tensor, first: boolean) =>
  first ? op.where(cond, g, 0) : op.where(cond, 0, g);

export const primitives: Record<string, Primitive> = {
  Add: elementwise('Add', ({ inputs: [a, b] }, g, w) => [
    w[0] ? op.unbroadcast(g, a.shape) : null,
    w[1] ? op.unbroadcast(g, b.shape) : null,
  ]),
  Sub: elementwise('Sub', ({ inputs: [a, b] }, g, w) => [
    w[0] ? op.unbroadcast(g, a.shape) : null,
    w[1] ? op.unbroadcast(op.neg(g), b.shape) : null,
  ]),
  Mul: elementwise('Mul', ({ inputs: [a, b] }, g, w) => [
    w[0] ? op.unbroadcast(op.mul(g, b), a.shape) : null,
    w[1] ? op.unbroadcast(op.mul(g, a), b.shape) : null,
  ]),
  Div: elementwise('Div', (t, g, w) => {
    const [a, b] = t.inputs;
    return [
      w[0] ? op.unbroadcast(op.div(g, b), a.shape) : null,
      w[1] ? op.unbroadcast(op.neg(op.div(op.mul(g, t), b)), b.shape) : null,
    ];
  }),

  Neg: unary('Neg', (_x, _y, g) => op.neg(g)),
  Exp: unary('Exp', (_x, y, g) => op.mul(g, y)),
  Log: unary('Log', (x, _y, g) => op.div(g, x)),
  Sqrt: unary('Sqrt', (_x, y, g) => op.div(op.mul(g, 0.5), y)),
  Reciprocal: unary('Reciprocal', (_x, y, g) => op.neg(op.mul(g, op.mul(y, y)))),
  Tanh: unary('Tanh', (_x, y, g) => op.mul(g, op.sub(1, op.mul(y, y)))),
  Sigmoid: unary('Sigmoid', (_x, y, g) => op.mul(g, op.mul(y, op.sub(1, y)))),
  // d erf(x)/dx = 2/sqrt(pi) exp(-x^2)
  Erf: {
    infer: ([x]) => same(x),
    emit: (ctx, t) => (t.dtype === 'float64' ? emitErf64(ctx, t) : simple('Erf')(ctx, t)),
    vjp: ({ inputs: [x] }, g) => [
      op.mul(g, op.mul(op.exp(op.neg(op.mul(x, x))), 2 / Math.sqrt(Math.PI))),
    ],
  },
  Pow: {
    infer: ([x]) => same(x),
    emit: (ctx, t) =>
      ctx.node('Pow', [ctx.name(t.inputs[0]), ctx.scalar(t.attrs.p as number, t.dtype)], [ctx.name(t)]),
    vjp: ({ inputs: [x], attrs }, g) => {
      const p = attrs.p as number;
      const d = p === 2 ? op.mul(x, 2) : op.mul(op.pow(x, p - 1), p);
      return [op.mul(g, d)];
    },
  },

  // opset 17: ReduceSum takes axes as an input, ReduceMean/ReduceMax as an attribute (axesAttrs).
  ReduceSum: {
    infer: ([x], a) => reduced(x, a),
    emit: (ctx, t) =>
      ctx.node(
        'ReduceSum',
        [ctx.name(t.inputs[0]), ctx.int64s(t.attrs.axes as number[])],
        [ctx.name(t)],
        { keepdims: t.attrs.keepdims ? 1 : 0 },
      ),
    vjp: (t, g) => [spread(t, g)],
  },
  ReduceMean: {
    infer: ([x], a) => reduced(x, a),
    emit: simple('ReduceMean', axesAttrs),
    vjp: (t, g) => {
      const x = t.inputs[0];
      const n = numel((t.attrs.axes as number[]).map((a) => x.shape[a]));
      return [spread(t, op.div(g, n))];
    },
  },
  ReduceMax: {
    infer: ([x], a) => reduced(x, a),
    emit: simple('ReduceMax', axesAttrs),
    // The gradient goes to the maximal entries, shared equally among ties.
    vjp: (t, g) => {
      const x = t.inputs[0];
      const axes = t.attrs.axes as number[];
      const m = op.reshape(t, op.keptShape(x.shape, axes));
      const hit = op.cast(op.equal(x, m), x.dtype);
      const share = op.div(hit, op.reduceSum(hit, axes, true));
      return [op.mul(share, spread(t, g))];
    },
  },

  Softmax: {
    infer: ([x]) => same(x),
    emit: simple('Softmax', (t) => ({ axis: t.attrs.axis as number })),
    // dx = y * (g - sum(g * y))
    vjp: (y, g) => {
      const s = op.reduceSum(op.mul(g, y), [y.attrs.axis as number], true);
      return [op.mul(y, op.sub(g, s))];
    },
  },
  LogSoftmax: {
    infer: ([x]) => same(x),
    emit: simple('LogSoftmax', (t) => ({ axis: t.attrs.axis as number })),
    // dx = g - softmax(x) * sum(g)
    vjp: (y, g) => {
      const s = op.reduceSum(g, [y.attrs.axis as number], true);
      return [op.sub(g, op.mul(op.exp(y), s))];
    },
  },

  Gather: {
    infer: ([table, ids]) => {
      if (ids.dtype !== 'int64') throw new Error('Gather: int64 ids');
      return { dtype: table.dtype, shape: [...ids.shape, ...table.shape.slice(1)] };
    },
    emit: simple('Gather', () => ({ axis: 0 })),
    vjp: ({ inputs: [table, ids] }, g, w) => [
      w[0] ? op.scatterNDAdd(g, ids, table.shape) : null,
      null,
    ],
  },
  ScatterNDAdd: {
    infer: ([u], a) => ({ dtype: u.dtype, shape: a.shape as Shape }),
    emit: (ctx, t) => {
      const [u, ids] = t.inputs;
      const zeros = zerosOf(ctx, t);
      const idx = ctx.tmp('idx');
      ctx.node('Unsqueeze', [ctx.name(ids), ctx.int64s([ids.rank])], [idx]);
      ctx.node('ScatterND', [zeros, idx, ctx.name(u)], [ctx.name(t)], { reduction: 'add' });
    },
    vjp: ({ inputs: [, ids] }, g) => [op.gather(g, ids), null],
  },
  GatherElements: {
    infer: ([x, idx]) => ({ dtype: x.dtype, shape: idx.shape }),
    emit: simple('GatherElements', (t) => ({ axis: t.attrs.axis as number })),
    vjp: ({ inputs: [x, idx], attrs }, g, w) => [
      w[0] ? op.scatterElementsAdd(g, idx, attrs.axis as number, x.shape) : null,
      null,
    ],
  },
  ScatterElementsAdd: {
    infer: ([u], a) => ({ dtype: u.dtype, shape: a.shape as Shape }),
    emit: (ctx, t) => {
      const [u, idx] = t.inputs;
      const zeros = zerosOf(ctx, t);
      ctx.node('ScatterElements', [zeros, ctx.name(idx), ctx.name(u)], [ctx.name(t)], {
        axis: t.attrs.axis as number,
        reduction: 'add',
      });
    },
    vjp: ({ inputs: [, idx], attrs }, g) => [op.gatherElements(g, idx, attrs.axis as number), null],
  },

  Reshape: {
    infer: ([x], a) => ({ dtype: x.dtype, shape: resolveReshape(x.shape, a.shape as Shape) }),
    emit: (ctx, t) =>
      ctx.node('Reshape', [ctx.name(t.inputs[0]), ctx.shape(t.shape)], [ctx.name(t)]),
    vjp: ({ inputs: [x] }, g) => [op.reshape(g, x.shape)],
  },
  Transpose: {
    infer: ([x], a) => ({ dtype: x.dtype, shape: (a.perm as number[]).map((p) => x.shape[p]) }),
    emit: simple('Transpose', (t) => ({ perm: t.attrs.perm as number[] })),
    vjp: ({ attrs }, g) => {
      const perm = attrs.perm as number[];
      const inv = perm.map((_, i) => perm.indexOf(i));
      return [op.transpose(g, inv)];
    },
  },
  Concat: {
    infer: (xs, a) => {
      const axis = a.axis as number;
      const shape = [...xs[0].shape];
      let n = 0;
      for (const x of xs) {
        const d = x.shape[axis];
        if (typeof d !== 'number') throw new Error('Concat on symbolic axis');
        n += d;
      }
      shape[axis] = n;
      return { dtype: xs[0].dtype, shape };
    },
    emit: simple('Concat', (t) => ({ axis: t.attrs.axis as number })),
    vjp: ({ inputs, attrs }, g, w) => {
      const axis = attrs.axis as number;
      let at = 0;
      return inputs.map((x, i) => {
        const n = x.shape[axis] as number;
        at += n;
        return w[i] ? op.slice(g, axis, at - n, at) : null;
      });
    },
  },
  Slice: {
    infer: ([x], a) => {
      const shape = [...x.shape];
      shape[a.axis as number] = (a.end as number) - (a.start as number);
      return { dtype: x.dtype, shape };
    },
    emit: (ctx, t) => {
      const { axis, start, end } = t.attrs as { axis: number; start: number; end: number };
      const ins = [ctx.name(t.inputs[0]), ctx.int64s([start]), ctx.int64s([end]), ctx.int64s([axis])];
      ctx.node('Slice', ins, [ctx.name(t)]);
    },
    vjp: ({ inputs: [x], attrs }, g) => {
      const { axis, start, end } = attrs as { axis: number; start: number; end: number };
      return [op.pad(g, axis, start, (x.shape[axis] as number) - end)];
    },
  },
  Pad: {
    infer: ([x], a) => {
      const shape = [...x.shape];
      const d = shape[a.axis as number];
      if (typeof d !== 'number') throw new Error('Pad on symbolic axis');
      shape[a.axis as number] = d + (a.before as number) + (a.after as number);
      return { dtype: x.dtype, shape };
    },
    emit: (ctx, t) => {
      const { axis, before, after } = t.attrs as { axis: number; before: number; after: number };
      const pads = new Array(2 * t.rank).fill(0);
      pads[axis] = before;
      pads[t.rank + axis] = after;
      ctx.node('Pad', [ctx.name(t.inputs[0]), ctx.int64s(pads)], [ctx.name(t)], { mode: 'constant' });
    },
    vjp: ({ inputs: [x], attrs }, g) => {
      const { axis, before } = attrs as { axis: number; before: number };
      return [op.slice(g, axis, before, before + (x.shape[axis] as number))];
    },
  },
  Expand: {
    infer: ([x], a) => ({ dtype: x.dtype, shape: broadcastShapes(x.shape, a.shape as Shape) }),
    // Dims that x already has are passed as 1 so symbols need no run-time lookup.
    emit: (ctx, t) => {
      const x = t.inputs[0];
      const lead = t.rank - x.rank;
      const dims = t.shape.map((d, i) => (i >= lead && x.shape[i - lead] === d ? 1 : d));
      ctx.node('Expand', [ctx.name(x), ctx.shape(dims)], [ctx.name(t)]);
    },
    vjp: ({ inputs: [x] }, g) => [op.unbroadcast(g, x.shape)],
  },
  Where: {
    infer: ([c, a, b]) => {
      if (c.dtype !== 'bool') throw new Error('Where: bool condition');
      return { dtype: a.dtype, shape: broadcastShapes(c.shape, a.shape, b.shape) };
    },
    emit: simple('Where'),
    vjp: ({ inputs: [c, a, b] }, g, w) => [
      null,
      w[1] ? op.unbroadcast(where0(c, g, true), a.shape) : null,
      w[2] ? op.unbroadcast(where0(c, g, false), b.shape) : null,
    ],
  },
  Cast: {
    infer: ([x], a) => ({ dtype: a.to as DType, shape: x.shape }),
    emit: simple('Cast', (t) => ({ to: onnxType(t.attrs.to as DType) })),
    vjp: ({ inputs: [x] }, g) => [op.cast(g, x.dtype)],
  },
  Equal: {
    infer: ([a, b]) => ({ dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) }),
    emit: simple('Equal'),
    // not differentiable: its output is boolean
  },

  MatMul: {
    infer: ([a, b]) => {
      if (a.rank < 2 || b.rank < 2) throw new Error('MatMul: ranks >= 2');
      if (a.shape[a.rank - 1] !== b.shape[b.rank - 2])
        throw new Error(`MatMul: [${a.shape}] x [${b.shape}]`);
      const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
      return { dtype: a.dtype, shape: [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]] };
    },
    emit: simple('MatMul'),
    vjp: ({ inputs: [a, b] }, g, w) => [
      w[0] ? op.unbroadcast(op.matmul(g, op.transposeLast2(b)), a.shape) : null,
      w[1] ? op.unbroadcast(op.matmul(op.transposeLast2(a), g), b.shape) : null,
    ],
  },
  Gemm: {
    infer: ([a, b], at) => {
      const m = at.transA ? a.shape[1] : a.shape[0];
      const k = at.transA ? a.shape[0] : a.shape[1];
      const kb = at.transB ? b.shape[1] : b.shape[0];
      const n = at.transB ? b.shape[0] : b.shape[1];
      if (a.rank !== 2 || b.rank !== 2 || k !== kb) throw new Error(`Gemm: [${a.shape}] x [${b.shape}]`);
      return { dtype: a.dtype, shape: [m, n] };
    },
    emit: simple('Gemm', (t) => ({
      transA: t.attrs.transA ? 1 : 0,
      transB: t.attrs.transB ? 1 : 0,
      alpha: { f: t.attrs.alpha as number },
      beta: { f: t.attrs.beta as number },
    })),
    // Y = alpha op(A) op(B) + beta C. The weight keeps its stored layout: for Y = X W^T the input
    // cotangent is Gemm(G, W) with no transposed copy of W.
    vjp: ({ inputs: [a, b, c], attrs }, g, w) => {
      const tA = attrs.transA as boolean;
      const tB = attrs.transB as boolean;
      const alpha = attrs.alpha as number;
      const beta = attrs.beta as number;
      const dA = !w[0]
        ? null
        : tA
          ? op.gemm(b, g, null, { transA: tB, transB: true, alpha })
          : op.gemm(g, b, null, { transB: !tB, alpha });
      const dB = !w[1]
        ? null
        : tB
          ? op.gemm(g, a, null, { transA: true, transB: tA, alpha })
          : op.gemm(a, g, null, { transA: !tA, alpha });
      const dC = c && w[2] ? op.unbroadcast(beta === 1 ? g : op.mul(g, beta), c.shape) : null;
      return c ? [dA, dB, dC] : [dA, dB];
    },
  },
};

/** Target shape of a reshape, with one -1 resolved (symbolically when needed). */
function resolveReshape(from: Shape, to: Shape): Dim[] {
  const free = to.indexOf(-1);
  if (free < 0) return [...to];
  if (to.indexOf(-1, free + 1) >= 0) throw new Error('Reshape: one -1 at most');
  const total = numelOrNull(from);
  const rest = numelOrNull(to.filter((_, i) => i !== free));
  const out = [...to];
  if (total !== null && rest !== null) out[free] = total / rest;
  else {
    // symbolic: allowed when the other target dims are a sub-multiset of the source dims
    const left = [...from];
    for (const d of to) {
      if (d === -1) continue;
      const i = left.indexOf(d);
      if (i < 0) throw new Error(`Reshape [${from}] -> [${to}]: cannot infer symbolic -1`);
      left.splice(i, 1);
    }
    out[free] = dimProduct(left);
  }
  return out;
}

function numelOrNull(s: Shape): number | null {
  return s.every((d) => typeof d === 'number') ? numel(s) : null;
}

export function onnxType(d: DType): number {
  return { float32: 1, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11, bfloat16: 16 }[d];
}

/**
 * onnxruntime has no float64 Erf kernel. For float64 graphs (used to check gradients) erf is its
 * Taylor series for |x| < 3 (50 terms, error ~1e-14) and the float32 kernel beyond (|erf| > 0.99997
 * there, error ~1e-7).
 */
function emitErf64(ctx: EmitCtx, t: Tensor): void {
  const x = ctx.name(t.inputs[0]);
  const v = (h: string) => ctx.tmp(h);
  const x2 = v('erf_x2');
  ctx.node('Mul', [x, x], [x2]);
  // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), Horner in x^2
  const coef: number[] = [];
  let fact = 1;
  for (let n = 0; n < 50; n++) {
    if (n > 0) fact *= n;
    coef.push(((n % 2 ? -1 : 1) * 2) / Math.sqrt(Math.PI) / (fact * (2 * n + 1)));
  }
  let acc = ctx.scalar(coef[coef.length - 1], 'float64');
  for (let n = coef.length - 2; n >= 0; n--) {
    const m = v('erf_m');
    const a = v('erf_a');
    ctx.node('Mul', [acc, x2], [m]);
    ctx.node('Add', [m, ctx.scalar(coef[n], 'float64')], [a]);
    acc = a;
  }
  const series = v('erf_series');
  ctx.node('Mul', [acc, x], [series]);
  const [x32, e32, e64, ax, near] = ['erf_x32', 'erf_e32', 'erf_e64', 'erf_abs', 'erf_near'].map(v);
  ctx.node('Cast', [x], [x32], { to: onnxType('float32') });
  ctx.node('Erf', [x32], [e32]);
  ctx.node('Cast', [e32], [e64], { to: onnxType('float64') });
  ctx.node('Abs', [x], [ax]);
  ctx.node('Less', [ax, ctx.scalar(3, 'float64')], [near]);
  ctx.node('Where', [near, series, e64], [ctx.name(t)]);
}

/** A zero tensor of t's shape and dtype (what the scatter-adds add into); returns its name. */
function zerosOf(ctx: EmitCtx, t: Tensor): string {
  const zeros = ctx.tmp('zeros');
  ctx.node('ConstantOfShape', [ctx.shape(t.shape)], [zeros], {
    value: { tensor: { dtype: t.dtype, dims: [1], data: zeroOf(t.dtype) } },
  });
  return zeros;
}

function zeroOf(d: DType) {
  if (d === 'float64') return new Float64Array(1);
  if (d === 'float32') return new Float32Array(1);
  throw new Error(`zeros of ${d}`);
}

