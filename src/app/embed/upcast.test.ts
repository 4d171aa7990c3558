import { describe, expect, it } from 'vitest';
import { toFloat32 } from '../../models/store';

const le16 = (xs: number[]) => new Uint8Array(Uint16Array.from(xs).buffer);

describe('weights widened to float32 for WebGPU', () => {
  it('decodes float16 bit patterns exactly (IEEE 754 half)', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 = 0.333251953125, 0x0001 = 2^-24 (subnormal), 0x7bff = 65504
    const t = toFloat32({ dtype: 'float16', shape: [5], bytes: le16([0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff]) });
    expect(t.dtype).toBe('float32');
    expect(Array.from(new Float32Array(t.bytes.buffer))).toEqual([1, -2, 0.333251953125, 2 ** -24, 65504]);
  });
  it('decodes bfloat16 as the top half of a float32', () => {
    // 0x3f80 = 1, 0xc0a0 = -5, 0x3eaa = 0.33203125
    const t = toFloat32({ dtype: 'bfloat16', shape: [3], bytes: le16([0x3f80, 0xc0a0, 0x3eaa]) });
    expect(Array.from(new Float32Array(t.bytes.buffer))).toEqual([1, -5, 0.33203125]);
  });
  it('leaves float32 alone', () => {
    const f = { dtype: 'float32' as const, shape: [1], bytes: new Uint8Array(new Float32Array([3]).buffer) };
    expect(toFloat32(f)).toBe(f);
  });
});
