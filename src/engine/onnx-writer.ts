// Serializes a Graph to an ONNX model (opset 17). Weights become external-data initializers
// that point into the caller's own buffers (no copy); small constants are inlined.
import onnxProto, { type onnx as P } from 'onnx-proto';
import type { AttrValue, EmitCtx } from './emit.ts';
import { onnxType, primitives } from './primitives.ts';
import type { DType, Graph, LazyBytes, Shape, Tensor, TypedData, WeightFileRef } from './tensor.ts';

// onnx-proto is CommonJS: Node's ESM loader exposes it as a default export only.
const { onnx } = onnxProto;

export const OPSET = 17;

export interface ExternalFile {
  path: string;
  /** LazyBytes: one weight made on demand (a runtime that can take them says so: makeRuntime's mountLazy) */
  data: Uint8Array | LazyBytes;
}

export interface SerializedModel {
  /** The ModelProto bytes (weights not included). */
  bytes: Uint8Array;
  /** Pass as `externalData` in the session options: views of the weight buffers. */
  externalData: ExternalFile[];
  /**
   * The folder of the file-backed weights (WeightFileRef), if any: the model must be loaded from a
   * path in this folder (their locations are relative to it). Only the Node runtime can.
   */
  weightDir?: string;
  inputs: { name: string; dtype: DType; shape: Shape }[];
  outputs: { name: string; dtype: DType; shape: Shape }[];
  nodeCount: number;
}

const bytesOf = (a: TypedData) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function valueInfo(name: string, dtype: DType, shape: Shape): P.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnxType(dtype),
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** An initializer whose bytes sit in an external file (`location`, relative to the model). */
function externalInitializer(name: string, t: Tensor, location: string, offset: number, length: number): P.ITensorProto {
  return {
    name,
    dataType: onnxType(t.dtype),
    dims: t.shape as number[],
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

function attribute(name: string, v: AttrValue): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('f' in v) return { name, type: T.FLOAT, f: v.f };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  const { dtype, dims, data } = v.tensor;
  return { name, type: T.TENSOR, t: { dataType: onnxType(dtype), dims, rawData: bytesOf(data) } };
}

/** Tensors the outputs depend on, in creation (= topological) order. */
function live(g: Graph): Tensor[] {
  const need = new Uint8Array(g.tensors.length);
  const stack = g.outputs.map((o) => o.tensor);
  while (stack.length) {
    const t = stack.pop()!;
    if (need[t.id]) continue;
    need[t.id] = 1;
    stack.push(...t.inputs);
  }
  return g.tensors.filter((t) => need[t.id]);
}

export function toOnnx(g: Graph, name = 'able'): SerializedModel {
  const nodes: P.INodeProto[] = [];
  const initializers: P.ITensorProto[] = [];
  const inputs: SerializedModel['inputs'] = [];
  const files = new Map<ArrayBufferLike, { path: string; lo: number; hi: number }>();
  const weights: { proto: P.ITensorProto; bytes: Uint8Array }[] = [];
  const lazyFiles: ExternalFile[] = [];
  const cache = new Map<string, string>();
  let tmpCount = 0;
  let weightDir: string | undefined;

  const constant = (key: string, dtype: DType, dims: number[], data: TypedData) => {
    const hit = cache.get(key);
    if (hit) return hit;
    const n = `c${cache.size}`;
    initializers.push({ name: n, dataType: onnxType(dtype), dims, rawData: bytesOf(data) });
    cache.set(key, n);
    return n;
  };

  const ctx: EmitCtx = {
    name: (t) => (t.op === 'Input' || t.op === 'Weight' ? (t.attrs.name as string) : `t${t.id}`),
    node: (opType, input, output, attrs = {}) =>
      nodes.push({
        opType,
        input,
        output,
        name: `n${nodes.length}`,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    tmp: (hint) => `${hint}_${tmpCount++}`,
    int64s: (v) => constant(`i64:${v}`, 'int64', [v.length], BigInt64Array.from(v, BigInt)),
    scalar: (v, dtype) => {
      const data = dtype === 'float64' ? Float64Array.of(v) : Float32Array.of(v);
      if (dtype !== 'float64' && dtype !== 'float32') throw new Error(`scalar of ${dtype}`);
      return constant(`${dtype}:${v}`, dtype, [], data);
    },
    shape: (dims) => {
      if (dims.every((d) => typeof d === 'number')) return ctx.int64s(dims as number[]);
      const key = `shape:${dims}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const parts = dims.map((d) => (typeof d === 'number' ? ctx.int64s([d]) : symbolDim(d)));
      const out = ctx.tmp('shape');
      ctx.node('Concat', parts, [out], { axis: 0 });
      cache.set(key, out);
      return out;
    },
  };

  // A symbolic dim ('T' or a product 'B*T') read from the graph inputs' shapes at run time.
  const symbolDim = (d: string): string => {
    const key = `sym:${d}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const factors = d.split('*').map((f) => {
      if (/^\d+$/.test(f)) return ctx.int64s([Number(f)]);
      const src = g.symbols.get(f);
      if (!src) throw new Error(`symbol ${f} is not a dim of any graph input`);
      const out = ctx.tmp(`dim_${f}`);
      ctx.node('Shape', [src.input], [out], { start: src.axis, end: src.axis + 1 });
      return out;
    });
    let acc = factors[0];
    for (const f of factors.slice(1)) {
      const out = ctx.tmp('dim');
      ctx.node('Mul', [acc, f], [out]);
      acc = out;
    }
    cache.set(key, acc);
    return acc;
  };

  for (const t of live(g)) {
    if (t.op === 'Input') inputs.push({ name: t.attrs.name as string, dtype: t.dtype, shape: t.shape });
    else if (t.op === 'Constant')
      initializers.push({
        name: ctx.name(t),
        dataType: onnxType(t.dtype),
        dims: t.shape as number[],
        rawData: bytesOf(t.attrs.data as TypedData),
      });
    else if (t.op === 'Weight' && t.attrs.file) {
      const ref = t.attrs.file as WeightFileRef;
      const cut = Math.max(ref.path.lastIndexOf('/'), ref.path.lastIndexOf('\\'));
      const dir = ref.path.slice(0, cut);
      if (weightDir !== undefined && weightDir !== dir)
        throw new Error(`weight ${ctx.name(t)}: file weights in two folders (${weightDir}, ${dir})`);
      weightDir = dir;
      initializers.push(externalInitializer(ctx.name(t), t, ref.path.slice(cut + 1), ref.offset, ref.length));
    } else if (t.op === 'Weight' && t.attrs.lazy) {
      // a file of its own: the runtime asks for its bytes once, when it copies the weight in
      const lazy = t.attrs.lazy as LazyBytes;
      const path = `lazy${lazyFiles.length}.bin`;
      lazyFiles.push({ path, data: lazy });
      initializers.push(externalInitializer(ctx.name(t), t, path, 0, lazy.byteLength));
    } else if (t.op === 'Weight') {
      const bytes = t.attrs.bytes as Uint8Array;
      let f = files.get(bytes.buffer);
      if (!f) {
        f = { path: `weights${files.size}.bin`, lo: bytes.byteOffset, hi: 0 };
        files.set(bytes.buffer, f);
      }
      f.lo = Math.min(f.lo, bytes.byteOffset);
      f.hi = Math.max(f.hi, bytes.byteOffset + bytes.byteLength);
      const proto: P.ITensorProto = {
        name: ctx.name(t),
        dataType: onnxType(t.dtype),
        dims: t.shape as number[],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      };
      weights.push({ proto, bytes });
      initializers.push(proto);
    } else primitives[t.op].emit(ctx, t);
  }
  // Each external file is the used span of one source buffer; offsets are relative to it.
  for (const { proto, bytes } of weights) {
    const f = files.get(bytes.buffer)!;
    proto.externalData = [
      { key: 'location', value: f.path },
      { key: 'offset', value: String(bytes.byteOffset - f.lo) },
      { key: 'length', value: String(bytes.byteLength) },
    ];
  }
  const outputs = g.outputs.map(({ name: n, tensor }) => {
    nodes.push({ opType: 'Identity', input: [ctx.name(tensor)], output: [n], name: `out_${n}` });
    return { name: n, dtype: tensor.dtype, shape: tensor.shape };
  });

  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'able-atlas engine',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name,
      node: nodes,
      initializer: initializers,
      input: inputs.map((i) => valueInfo(i.name, i.dtype, i.shape)),
      output: outputs.map((o) => valueInfo(o.name, o.dtype, o.shape)),
    },
  }).finish();
  const externalData: ExternalFile[] = [
    ...[...files.entries()].map(([buf, f]) => ({
      path: f.path,
      data: new Uint8Array(buf, f.lo, f.hi - f.lo),
    })),
    ...lazyFiles,
  ];
  return { bytes, externalData, inputs, outputs, nodeCount: nodes.length, ...(weightDir !== undefined ? { weightDir } : {}) };
}
