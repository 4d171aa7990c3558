// IEEE 754 half precision, the storage type of the atlas embedding block (embeddings.f16).
// Node 20 has no Float16Array, so the encoding is written out: round to nearest, ties to even,
// subnormals kept, overflow to infinity. Inputs are rounded to float32 first (vectors are float32).
import { halfToFloat } from '../weights/dequant';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // infinity or NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** One float16 as a number: the weights' decoder (src/weights/dequant.ts), the one in the project. */
export const fromFloat16Bits = halfToFloat;

/** Little-endian float16 bytes of `values`. */
export function encodeFloat16(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(2 * i, toFloat16Bits(values[i]), true);
  return out;
}

/** Decodes `count` little-endian float16 values starting at byte `byteOffset`. */
export function decodeFloat16(buf: ArrayBuffer | Uint8Array, byteOffset = 0, count?: number): Float32Array {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  const n = count ?? (bytes.byteLength - byteOffset) / 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset + byteOffset, n * 2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = fromFloat16Bits(view.getUint16(2 * i, true));
  return out;
}
