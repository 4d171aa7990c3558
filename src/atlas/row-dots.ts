// Dot products of one query against many rows of a Float32 matrix: the inner loop of KnnIndex.
// A tiny WebAssembly SIMD kernel (f32x4, assembled below; ~150 bytes, no toolchain) where the
// runtime has WebAssembly SIMD (Node >= 16, current browsers; the app's CSP allows
// 'wasm-unsafe-eval'), else a plain loop. Both return float32-accumulated approximations: callers
// needing exact cosines re-score their candidates (KnnIndex does).

/** Rows of `dim` values padded to a multiple of 8 (zeros), held where the kernel can read them. */
export interface RowMatrix {
  readonly n: number;
  /** Padded row length (multiple of 8). */
  readonly stride: number;
  /** The padded rows, row-major (a view into the kernel's memory when it is WebAssembly). */
  readonly rows: Float32Array;
  /** Dot products of q (length <= stride) with every row, into a Float32Array of n (reused). */
  dots(q: ArrayLike<number>): Float32Array;
  readonly kind: 'wasm-simd' | 'js';
}

// ---- the kernel: dots(q, rows, n, strideBytes, out) -------------------------------------------
// for each row: acc0, acc1 (f32x4) += q[d..d+8) * row[d..d+8); out[j] = hsum(acc0 + acc1)
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32const = (v: number) => [0x41, ...leb(v)];
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_LT_U = 0x49;
const v128load = (offset: number) => [0xfd, 0x00, 0x04, ...leb(offset)];
const V128_ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_MUL = [0xfd, 0xe6, 0x01];
const lane = (l: number) => [0xfd, 0x1f, l];
const F32_ADD = 0x92;
const F32_STORE = [0x38, 0x02, 0x00];
const LOOP = [0x03, 0x40];
const BR_IF0 = [0x0d, 0x00];
const END = 0x0b;

function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

// params: 0 q, 1 row pointer, 2 n, 3 stride bytes, 4 out; locals: 5 row end, 6 q pointer,
// 7 rows end, 8 acc0, 9 acc1. Loops are do-while: n >= 1 and stride >= 32 bytes.
const [Q, ROW, N, STRIDE, OUT, ROW_END, QP, ROWS_END, ACC0, ACC1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const body = [
  ...[0x02, 0x03, I32, 0x02, V128],
  ...[...get(ROW), ...get(N), ...get(STRIDE), I32_MUL, I32_ADD, ...set(ROWS_END)],
  ...LOOP,
  ...[...V128_ZERO, ...set(ACC0), ...V128_ZERO, ...set(ACC1)],
  ...[...get(ROW), ...get(STRIDE), I32_ADD, ...set(ROW_END), ...get(Q), ...set(QP)],
  ...LOOP,
  ...[...get(ACC0), ...get(QP), ...v128load(0), ...get(ROW), ...v128load(0), ...F32X4_MUL, ...F32X4_ADD, ...set(ACC0)],
  ...[...get(ACC1), ...get(QP), ...v128load(16), ...get(ROW), ...v128load(16), ...F32X4_MUL, ...F32X4_ADD, ...set(ACC1)],
  ...[...get(QP), ...i32const(32), I32_ADD, ...set(QP)],
  ...[...get(ROW), ...i32const(32), I32_ADD, ...tee(ROW), ...get(ROW_END), I32_LT_U, ...BR_IF0],
  END,
  ...get(OUT),
  ...[...get(ACC0), ...get(ACC1), ...F32X4_ADD, ...tee(ACC0), ...lane(0), ...get(ACC0), ...lane(1), F32_ADD],
  ...[...get(ACC0), ...lane(2), ...get(ACC0), ...lane(3), F32_ADD, F32_ADD],
  ...F32_STORE,
  ...[...get(OUT), ...i32const(4), I32_ADD, ...set(OUT)],
  ...[...get(ROW), ...get(ROWS_END), I32_LT_U, ...BR_IF0],
  END,
  END,
];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0x00, 1]),
  ...section(7, [2, ...name('m'), 0x02, 0, ...name('dots'), 0x00, 0]),
  ...section(10, [1, ...leb(body.length), ...body]),
]);

let compiled: WebAssembly.Module | null | undefined;
function kernel(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(MODULE) ? new WebAssembly.Module(MODULE) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Copies `rows` (n x dim, each mapped by `fill` into its padded slot) into a RowMatrix.
 * `prefer: 'js'` skips WebAssembly (tests compare the two).
 */
export function rowMatrix(
  n: number,
  dim: number,
  fill: (i: number, into: Float32Array) => void,
  prefer: 'wasm-simd' | 'js' = 'wasm-simd',
): RowMatrix {
  const stride = Math.max(8, Math.ceil(dim / 8) * 8);
  const mod = prefer === 'wasm-simd' && n > 0 ? kernel() : null;
  if (!mod) {
    const rows = new Float32Array(n * stride);
    for (let i = 0; i < n; i++) fill(i, rows.subarray(i * stride, i * stride + dim));
    const out = new Float32Array(n);
    return {
      n,
      stride,
      rows,
      kind: 'js',
      dots(q) {
        for (let j = 0; j < n; j++) {
          // four accumulators: independent adds the CPU can overlap
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          const o = j * stride;
          let d = 0;
          for (; d + 3 < q.length; d += 4) {
            s0 += q[d] * rows[o + d];
            s1 += q[d + 1] * rows[o + d + 1];
            s2 += q[d + 2] * rows[o + d + 2];
            s3 += q[d + 3] * rows[o + d + 3];
          }
          for (; d < q.length; d++) s0 += q[d] * rows[o + d];
          out[j] = s0 + s1 + (s2 + s3);
        }
        return out;
      },
    };
  }
  // memory: [q: stride floats][out: n rounded up to 4][rows: n x stride], 16-byte aligned parts
  const outAt = stride * 4;
  const rowsAt = outAt + Math.ceil(n / 4) * 16;
  const bytes = rowsAt + n * stride * 4;
  const inst = new WebAssembly.Instance(mod, {});
  const mem = inst.exports.m as WebAssembly.Memory;
  const need = Math.ceil(bytes / 65536) - mem.buffer.byteLength / 65536;
  if (need > 0) mem.grow(need);
  const buf = mem.buffer;
  const rows = new Float32Array(buf, rowsAt, n * stride);
  for (let i = 0; i < n; i++) fill(i, rows.subarray(i * stride, i * stride + dim));
  const qv = new Float32Array(buf, 0, stride);
  const out = new Float32Array(buf, outAt, n);
  const run = inst.exports.dots as (q: number, rows: number, n: number, strideBytes: number, out: number) => void;
  return {
    n,
    stride,
    rows,
    kind: 'wasm-simd',
    dots(q) {
      if (q.length > stride) throw new Error(`rowMatrix.dots: ${q.length} values, rows hold ${stride}`);
      qv.fill(0);
      qv.set(q);
      run(0, rowsAt, n, stride * 4, outAt);
      return out;
    },
  };
}
