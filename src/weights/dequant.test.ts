import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dequantize, dequantizeInto, halfToFloat } from './dequant.ts';
import { WeightsError } from './errors.ts';
import { GGML_TYPES } from './ggml-types.ts';

// Fixtures written by reference/gguf_fixtures.py: raw ggml blocks (some from the real SmolLM2 and
// Gemma 3 GGUF files) and the `gguf` Python package's float32 dequantization of them.
const dir = new URL('../../test/fixtures/weights/quant/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
  fixtures: { type: string; id: number; bytes: number; elements: number; sources: string[] }[];
};
const bytesOf = (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));

describe('dequantize matches gguf-py bit for bit', () => {
  it('covers every required type', () => {
    expect(manifest.fixtures.map((f) => f.type).sort()).toEqual(
      ['BF16', 'F16', 'F32', 'Q2_K', 'Q3_K', 'Q4_0', 'Q4_1', 'Q4_K', 'Q5_0', 'Q5_1', 'Q5_K', 'Q6_K', 'Q8_0'].sort(),
    );
  });
  for (const f of manifest.fixtures) {
    it(`${f.type} (${f.sources.join('; ')})`, () => {
      const src = bytesOf(`${f.type}.blocks.bin`);
      const expected = new Uint32Array(bytesOf(`${f.type}.f32.bin`).slice().buffer);
      expect(GGML_TYPES.get(f.id)?.name).toBe(f.type);
      const got = new Uint32Array(dequantize(f.id, src).buffer);
      expect(got.length).toBe(f.elements);
      let mismatches = 0;
      let first = -1;
      for (let i = 0; i < got.length; i++) {
        if (got[i] !== expected[i]) {
          mismatches++;
          if (first < 0) first = i;
        }
      }
      expect({ mismatches, first }).toEqual({ mismatches: 0, first: -1 });
    });
  }
});

describe('float16', () => {
  it('decodes edge values', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});

describe('dequantize errors', () => {
  it('rejects a partial block', () => {
    expect(() => dequantize(8, new Uint8Array(35), 'x.gguf')).toThrow(/x\.gguf: 35 bytes is not a whole number of Q8_0 blocks/);
  });
  it('rejects types it cannot dequantize', () => {
    expect(() => dequantize(16, new Uint8Array(66))).toThrow(WeightsError);
    expect(() => dequantize(16, new Uint8Array(66))).toThrow(/cannot dequantize ggml type IQ2_XXS/);
    expect(() => dequantize(99, new Uint8Array(4))).toThrow(/unknown ggml type id 99/);
  });
  it('rejects an output of the wrong length', () => {
    expect(() => dequantizeInto(0, new Uint8Array(8), new Float32Array(3))).toThrow(/room for 3/);
  });
});
