import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from './float16';
import ref from './fixtures/float16-numpy.json';

// Reference: numpy float32 -> float16 casts (fixtures/float16-numpy.json, generator inside).
const values = ref.float32.map((v, i) => (v === null ? ref.float32Inf[i] * Number.POSITIVE_INFINITY : v));

describe('float16', () => {
  it('encodes exactly as numpy does (ties to even, subnormals, overflow)', () => {
    expect(values.map(toFloat16Bits)).toEqual(ref.float16Bits);
  });
  it('decodes exactly as numpy does', () => {
    const dec = ref.float16Bits.map(fromFloat16Bits);
    ref.decoded.forEach((d, i) => {
      if (d === null) expect(Math.abs(dec[i])).toBe(Number.POSITIVE_INFINITY);
      else expect(dec[i]).toBe(d);
    });
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
  });
  it('round-trips byte arrays little-endian', () => {
    const bytes = encodeFloat16([1, -2, 0.5]);
    expect([...bytes]).toEqual([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38]);
    expect([...decodeFloat16(bytes)]).toEqual([1, -2, 0.5]);
    expect([...decodeFloat16(bytes.buffer as ArrayBuffer, 2, 1)]).toEqual([-2]);
  });
});
