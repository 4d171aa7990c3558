// Typed symbolic tensors and the graph that records them.
// A Tensor is a value in a Graph: either a leaf (Input, Weight, Constant) or the result of one
// primitive applied to other tensors. Shapes are tracked statically; a dim is a number or a
// symbol (string, e.g. 'B', or a product 'B*T').

export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'bool';
export type Dim = number | string;
export type Shape = readonly Dim[];
export type Attrs = Record<string, unknown>;

export const LEAF_OPS = new Set(['Input', 'Weight', 'Constant']);

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

export function bytesPerElement(d: DType): number {
  switch (d) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'bfloat16':
      return 2;
    case 'bool':
      return 1;
  }
}

export class Tensor {
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly attrs: Attrs,
    readonly dtype: DType,
    readonly shape: Shape,
  ) {}
  get rank(): number {
    return this.shape.length;
  }
}

/** What a primitive tells the graph about its result. */
export interface Inferred {
  dtype: DType;
  shape: Shape;
}

/** The graph-facing half of a primitive (shape/dtype inference); see primitives.ts. */
export interface PrimInfer {
  infer(inputs: readonly Tensor[], attrs: Attrs): Inferred;
}


export type TypedData =
  | Float32Array
  | Float64Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array;

/** Where a stored weight's bytes live: in memory, in a file the runtime maps (Node), or made on demand (the tab). */
export type WeightSource = { bytes: Uint8Array } | { file: WeightFileRef } | { lazy: LazyBytes };

/**
 * A weight's bytes made when the runtime copies them in (once per session), then dropped: the tab
 * keeps a GGUF tensor's quantized blocks and dequantizes on demand, so no float32 copy of the whole
 * model waits in the JS heap beside onnxruntime-web's own (docs/benchmarks.md, tab memory).
 */
export interface LazyBytes {
  byteLength: number;
  /** Fresh bytes no one else holds (a runtime may free them once it has copied them). */
  load(): Uint8Array;
  /** Rows [start, start + count) of the tensor (split along its first dim), made on demand alone. */
  rows?(start: number, count: number): LazyBytes;
}

/**
 * A span of a little-endian tensor file. The Node runtime lets onnxruntime memory-map it, so the
 * weights cost page cache, not a JS copy plus an ORT copy. All file weights of one graph must lie
 * in one folder (the model is written beside them).
 */
export interface WeightFileRef {
  path: string;
  offset: number;
  length: number;
}

export class Graph {
  /**
   * `rules`: the primitives' shape rules (`new Graph(primitives)`). Passed in rather than imported,
   * so this module and primitives.ts, whose VJP rules build graphs, do not import each other.
   */
  constructor(readonly rules: Readonly<Record<string, PrimInfer>>) {}

  readonly tensors: Tensor[] = [];
  readonly outputs: { name: string; tensor: Tensor }[] = [];
  /** Where each symbolic dim can be read at run time: an input name and axis. */
  readonly symbols = new Map<string, { input: string; axis: number }>();
  private readonly names = new Set<string>();

  private add(op: string, inputs: readonly Tensor[], attrs: Attrs, inf: Inferred): Tensor {
    const t = new Tensor(this, this.tensors.length, op, inputs, attrs, inf.dtype, inf.shape);
    this.tensors.push(t);
    return t;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`duplicate graph name ${name}`);
    this.names.add(name);
  }

  input(name: string, dtype: DType, shape: Shape): Tensor {
    this.claim(name);
    shape.forEach((d, axis) => {
      if (typeof d === 'string' && !this.symbols.has(d)) this.symbols.set(d, { input: name, axis });
    });
    return this.add('Input', [], { name }, { dtype, shape });
  }

  /** A stored weight (initializer). Its bytes stay where they are and go out as external data. */
  weight(name: string, dtype: DType, shape: readonly number[], src: WeightSource): Tensor {
    this.claim(name);
    const n = shape.reduce((a, b) => a * b, 1);
    const length = 'bytes' in src ? src.bytes.byteLength : 'lazy' in src ? src.lazy.byteLength : src.file.length;
    if (length !== n * bytesPerElement(dtype)) throw new Error(`weight ${name}: ${length} bytes for ${dtype}[${shape}]`);
    return this.add('Weight', [], { name, ...src }, { dtype, shape });
  }

  /** A small inline constant (masks, tables, scalars). */
  constant(dtype: DType, shape: readonly number[], data: TypedData): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`constant: ${data.length} values for [${shape}]`);
    return this.add('Constant', [], { data }, { dtype, shape });
  }

  scalar(value: number, dtype: DType): Tensor {
    return this.constant(dtype, [], typedArrayOf(dtype, [value]));
  }

  apply(op: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
    const prim = this.rules[op];
    if (!prim) throw new Error(`unknown primitive ${op}`);
    for (const t of inputs) if (t.graph !== this) throw new Error(`${op}: tensor from another graph`);
    return this.add(op, inputs, attrs, prim.infer(inputs, attrs));
  }

  output(name: string, t: Tensor): void {
    this.claim(name);
    this.outputs.push({ name, tensor: t });
  }
}

export function typedArrayOf(dtype: DType, values: ArrayLike<number>): TypedData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    default:
      throw new Error(`no inline constants of ${dtype}`);
  }
}

export function sameDim(a: Dim, b: Dim): boolean {
  return a === b;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => sameDim(d, b[i]));
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') throw new Error(`static size needed, got symbolic dim ${d}`);
    n *= d;
  }
  return n;
}

/** Product of dims, symbolic as 'A*B' when any is a symbol. */
export function dimProduct(dims: Shape): Dim {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') n *= d;
    else syms.push(d);
  }
  if (syms.length === 0) return n;
  return n === 1 ? syms.join('*') : [String(n), ...syms].join('*');
}

export function broadcastShapes(...shapes: Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i] ?? 1;
      if (e === 1) continue;
      if (d === 1) d = e;
      else if (!sameDim(d, e)) throw new Error(`cannot broadcast [${shapes.map((x) => `[${x}]`)}]`);
    }
    out.push(d);
  }
  return out;
}

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}
