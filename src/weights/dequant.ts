/**
 * Dequantization of ggml block formats to float32.
 *
 * Bit-exact with the `gguf` Python package (gguf-py quants.py), which computes in float32 numpy:
 * every intermediate product or sum is rounded to float32 (Math.fround) in the same order as
 * there, e.g. Q4_1 is fround(d*q) + m and the K-quants are fround(fround(d*sc)*q) - fround(dmin*m).
 * (A float64 product or sum of two float32 values rounded once to float32 equals the float32
 * operation, so fround after each step reproduces numpy exactly.)
 */
import { WeightsError } from './errors.ts';
import { GGML_TYPES, GGMLType, ggmlTypeName } from './ggml-types.ts';

const fround = Math.fround;

/** float16 bit pattern -> float32 bit pattern (exact; NaN payloads kept, as numpy does). */
function halfBitsToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) {
    if (mant === 0) return sign >>> 0;
    // Subnormal half: normalize into a float32 exponent.
    let e = -1;
    let m = mant;
    do {
      e++;
      m <<= 1;
    } while ((m & 0x400) === 0);
    return (sign | ((127 - 15 - e) << 23) | ((m & 0x3ff) << 13)) >>> 0;
  }
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  return (sign | ((exp + 127 - 15) << 23) | (mant << 13)) >>> 0;
}

let halfBits: Uint32Array | null = null;
let halfValues: Float32Array | null = null;
/** Lookup tables over all 65536 half values, built on first use (512 KiB). */
function halfTables(): [Uint32Array, Float32Array] {
  if (!halfBits || !halfValues) {
    halfBits = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfBits[h] = halfBitsToFloatBits(h);
    halfValues = new Float32Array(halfBits.buffer);
  }
  return [halfBits, halfValues];
}

/** One float16 as a number. */
export function halfToFloat(h: number): number {
  return halfTables()[1][h & 0xffff];
}

type BlockFn = (src: Uint8Array, out: Float32Array, half: Float32Array) => void;

const f16At = (src: Uint8Array, o: number, half: Float32Array) => half[src[o] | (src[o + 1] << 8)];

// ---- 32-element blocks ----

const q8_0: BlockFn = (src, out, half) => {
  for (let o = 0, y = 0; o < src.length; o += 34, y += 32) {
    const d = f16At(src, o, half);
    for (let j = 0; j < 32; j++) out[y + j] = ((src[o + 2 + j] << 24) >> 24) * d;
  }
};

const q4_0: BlockFn = (src, out, half) => {
  for (let o = 0, y = 0; o < src.length; o += 18, y += 32) {
    const d = f16At(src, o, half);
    for (let j = 0; j < 16; j++) {
      const q = src[o + 2 + j];
      out[y + j] = d * ((q & 0x0f) - 8);
      out[y + j + 16] = d * ((q >> 4) - 8);
    }
  }
};

const q4_1: BlockFn = (src, out, half) => {
  for (let o = 0, y = 0; o < src.length; o += 20, y += 32) {
    const d = f16At(src, o, half);
    const m = f16At(src, o + 2, half);
    for (let j = 0; j < 16; j++) {
      const q = src[o + 4 + j];
      out[y + j] = fround(d * (q & 0x0f)) + m;
      out[y + j + 16] = fround(d * (q >> 4)) + m;
    }
  }
};

/** Q5_0 / Q5_1 share the 5-bit unpacking: 4 low bits in qs nibbles, the 5th bit in a u32. */
function q5(src: Uint8Array, out: Float32Array, half: Float32Array, withMin: boolean): void {
  const size = withMin ? 24 : 22;
  const hOff = withMin ? 4 : 2;
  for (let o = 0, y = 0; o < src.length; o += size, y += 32) {
    const d = f16At(src, o, half);
    const m = withMin ? f16At(src, o + 2, half) : 0;
    const qh = (src[o + hOff] | (src[o + hOff + 1] << 8) | (src[o + hOff + 2] << 16) | (src[o + hOff + 3] << 24)) >>> 0;
    const qs = o + hOff + 4;
    for (let j = 0; j < 32; j++) {
      const ql = j < 16 ? src[qs + j] & 0x0f : src[qs + j - 16] >> 4;
      const q = ql | (((qh >>> j) & 1) << 4);
      out[y + j] = withMin ? fround(d * q) + m : d * (q - 16);
    }
  }
}
const q5_0: BlockFn = (src, out, half) => q5(src, out, half, false);
const q5_1: BlockFn = (src, out, half) => q5(src, out, half, true);

// ---- 256-element super-blocks (K-quants) ----

const q2_K: BlockFn = (src, out, half) => {
  for (let o = 0, y = 0; o < src.length; o += 84, y += 256) {
    const d = f16At(src, o + 80, half);
    const dmin = f16At(src, o + 82, half);
    for (let e = 0; e < 256; e++) {
      const sc = src[o + (e >> 4)];
      const h = e >> 7;
      const s = (e >> 5) & 3;
      const q = (src[o + 16 + h * 32 + (e & 31)] >> (2 * s)) & 3;
      out[y + e] = fround(fround(d * (sc & 0x0f)) * q) - fround(dmin * (sc >> 4));
    }
  }
};

const q3_K: BlockFn = (src, out, half) => {
  const dl = new Float64Array(16);
  for (let o = 0, y = 0; o < src.length; o += 110, y += 256) {
    const d = f16At(src, o + 108, half);
    const sc = o + 96;
    for (let k = 0; k < 16; k++) {
      const lo = (src[sc + (k & 7)] >> (4 * (k >> 3))) & 0x0f;
      const hi = (src[sc + 8 + (k & 3)] >> (2 * (k >> 2))) & 0x03;
      dl[k] = fround(d * ((lo | (hi << 4)) - 32));
    }
    for (let e = 0; e < 256; e++) {
      const l = e & 31;
      const ql = (src[o + 32 + (e >> 7) * 32 + l] >> (2 * ((e >> 5) & 3))) & 3;
      const hbit = (src[o + l] >> (e >> 5)) & 1;
      out[y + e] = dl[e >> 4] * (ql - ((hbit ^ 1) << 2));
    }
  }
};

/** Q4_K / Q5_K 6-bit scales and mins packed in 12 bytes (gguf-py Q4_K.get_scale_min). */
function scaleMin(src: Uint8Array, p: number, sc: Uint8Array, mn: Uint8Array): void {
  for (let j = 0; j < 4; j++) {
    const d = src[p + j];
    const m = src[p + 4 + j];
    const md = src[p + 8 + j];
    sc[j] = d & 0x3f;
    sc[j + 4] = (md & 0x0f) | ((d >> 2) & 0x30);
    mn[j] = m & 0x3f;
    mn[j + 4] = (md >> 4) | ((m >> 2) & 0x30);
  }
}

function q45_K(src: Uint8Array, out: Float32Array, half: Float32Array, five: boolean): void {
  const size = five ? 176 : 144;
  const qsOff = five ? 48 : 16;
  const sc = new Uint8Array(8);
  const mn = new Uint8Array(8);
  const dd = new Float64Array(8);
  const dm = new Float64Array(8);
  for (let o = 0, y = 0; o < src.length; o += size, y += 256) {
    const d = f16At(src, o, half);
    const dmin = f16At(src, o + 2, half);
    scaleMin(src, o + 4, sc, mn);
    for (let g = 0; g < 8; g++) {
      dd[g] = fround(d * sc[g]);
      dm[g] = fround(dmin * mn[g]);
    }
    for (let e = 0; e < 256; e++) {
      const g = e >> 5;
      const l = e & 31;
      let q = (src[o + qsOff + (e >> 6) * 32 + l] >> (4 * (g & 1))) & 0x0f;
      if (five) q |= ((src[o + 16 + l] >> g) & 1) << 4;
      out[y + e] = fround(dd[g] * q) - dm[g];
    }
  }
}
const q4_K: BlockFn = (src, out, half) => q45_K(src, out, half, false);
const q5_K: BlockFn = (src, out, half) => q45_K(src, out, half, true);

const q6_K: BlockFn = (src, out, half) => {
  const ds = new Float64Array(16);
  for (let o = 0, y = 0; o < src.length; o += 210, y += 256) {
    const d = f16At(src, o + 208, half);
    for (let k = 0; k < 16; k++) ds[k] = fround(d * ((src[o + 192 + k] << 24) >> 24));
    for (let e = 0; e < 256; e++) {
      const h = e >> 7;
      const ql = (src[o + h * 64 + (e & 63)] >> (4 * ((e >> 6) & 1))) & 0x0f;
      const qh = (src[o + 128 + h * 32 + (e & 31)] >> (2 * ((e >> 5) & 3))) & 0x03;
      out[y + e] = ds[e >> 4] * ((ql | (qh << 4)) - 32);
    }
  }
};

const BLOCK_FNS: ReadonlyMap<number, BlockFn> = new Map([
  [GGMLType.Q8_0, q8_0],
  [GGMLType.Q4_0, q4_0],
  [GGMLType.Q4_1, q4_1],
  [GGMLType.Q5_0, q5_0],
  [GGMLType.Q5_1, q5_1],
  [GGMLType.Q2_K, q2_K],
  [GGMLType.Q3_K, q3_K],
  [GGMLType.Q4_K, q4_K],
  [GGMLType.Q5_K, q5_K],
  [GGMLType.Q6_K, q6_K],
]);

/** The ggml types this module can turn into float32. */
export const DEQUANTIZABLE_TYPES: readonly number[] = [GGMLType.F32, GGMLType.F16, GGMLType.BF16, ...BLOCK_FNS.keys()];

export function canDequantize(type: number): boolean {
  return DEQUANTIZABLE_TYPES.includes(type);
}

/**
 * Dequantizes `src` (whole blocks of ggml type `type`) into `out`, which must hold exactly
 * nBlocks * blockSize elements. `file` only labels errors.
 */
export function dequantizeInto(type: number, src: Uint8Array, out: Float32Array, file = 'tensor data'): void {
  const info = GGML_TYPES.get(type);
  if (!info || !canDequantize(type)) {
    throw new WeightsError(file, `cannot dequantize ggml type ${ggmlTypeName(type)}`);
  }
  if (src.byteLength % info.typeSize !== 0) {
    throw new WeightsError(file, `${src.byteLength} bytes is not a whole number of ${info.name} blocks (${info.typeSize} bytes each)`);
  }
  const n = (src.byteLength / info.typeSize) * info.blockSize;
  if (out.length !== n) {
    throw new WeightsError(file, `${info.name} data holds ${n} elements but the output has room for ${out.length}`);
  }
  if (type === GGMLType.F32) {
    // Copy bytes, not numbers: keeps NaN payloads and needs no alignment.
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(src);
    return;
  }
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  if (type === GGMLType.F16) {
    const [bits] = halfTables();
    for (let i = 0; i < n; i++) outBits[i] = bits[src[2 * i] | (src[2 * i + 1] << 8)];
    return;
  }
  if (type === GGMLType.BF16) {
    for (let i = 0; i < n; i++) outBits[i] = ((src[2 * i] << 16) | (src[2 * i + 1] << 24)) >>> 0;
    return;
  }
  BLOCK_FNS.get(type)!(src, out, halfTables()[1]);
}

/** Dequantizes whole blocks of `type` into a new Float32Array. */
export function dequantize(type: number, src: Uint8Array, file?: string): Float32Array {
  const info = GGML_TYPES.get(type);
  if (!info) throw new WeightsError(file ?? 'tensor data', `unknown ggml type id ${type}`);
  const out = new Float32Array(Math.floor(src.byteLength / info.typeSize) * info.blockSize);
  dequantizeInto(type, src, out, file);
  return out;
}
