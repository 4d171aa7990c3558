import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors.ts';
import { openSafetensors } from './safetensors.ts';
import { checkTensorShape } from './shape.ts';
import { BlobSource, BytesSource } from './source.ts';

// tiny.safetensors was written by the safetensors Python package from torch tensors
// (reference/gguf_fixtures.py); the expected values are torch's float32 view of them.
const tiny = new Uint8Array(readFileSync(new URL('../../test/fixtures/weights/tiny.safetensors', import.meta.url)));
const expected = JSON.parse(
  readFileSync(new URL('../../test/fixtures/weights/tiny.safetensors.expected.json', import.meta.url), 'utf8'),
) as { metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: number[] }> };
const DTYPE: Record<string, string> = { float32: 'F32', float16: 'F16', bfloat16: 'BF16' };

/** A safetensors file from a header object and a data section. */
function make(header: object, data: Uint8Array | number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

describe('safetensors reader on a file from the safetensors package', () => {
  it('reads metadata, dtypes, shapes and values exactly', async () => {
    for (const source of [new BytesSource('tiny.safetensors', tiny), new BlobSource(new Blob([tiny]), 'tiny.safetensors')]) {
      const f = await openSafetensors(source);
      expect(f.metadata).toEqual(expected.metadata);
      expect(f.tensors.map((t) => t.name).sort()).toEqual(Object.keys(expected.tensors).sort());
      for (const [name, e] of Object.entries(expected.tensors)) {
        const t = f.tensor(name);
        expect(t.dtype).toBe(DTYPE[e.dtype]);
        expect(t.shape).toEqual(e.shape);
        expect(Array.from(await f.readFloat32(name))).toEqual(e.values);
        const raw = await f.read(name);
        expect(raw.data.byteLength).toBe(t.byteLength);
      }
    }
  });
});

describe('safetensors reader on malformed files', () => {
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F16', shape: [2, 2], data_offsets: [8, 16] } };
  const fails = async (bytes: Uint8Array, re: RegExp) => {
    const p = openSafetensors(new BytesSource('model.safetensors', bytes));
    await expect(p).rejects.toBeInstanceOf(WeightsError);
    await expect(p).rejects.toThrow(re);
  };

  it('a well-formed hand-made file opens', async () => {
    const f = await openSafetensors(new BytesSource('model.safetensors', make(ok, 16)));
    expect(f.tensors.map((t) => [t.name, t.offset])).toEqual([
      ['a', 8 + JSON.stringify(ok).length],
      ['b', 16 + JSON.stringify(ok).length],
    ]);
  });
  it('too small', () => fails(new Uint8Array(5), /^model\.safetensors: file is 5 bytes, too small/));
  it('header length beyond the file', () => {
    const b = make(ok, 16);
    new DataView(b.buffer).setBigUint64(0, 5000n, true);
    return fails(b, /header length 5000 goes past the end of the file/);
  });
  it('absurd header length', () => {
    const b = make(ok, 16);
    new DataView(b.buffer).setBigUint64(0, 1n << 60n, true);
    return fails(b, /header length \d+ is larger than the 100000000-byte limit/);
  });
  it('header not JSON', () => fails(make({}, 0).map((x, i) => (i === 8 ? 0x41 : x)), /header is not valid UTF-8 JSON/));
  it('truncated data', () => fails(make(ok, 12), /tensor 'b': data_offsets \[8, 16\] exceed the data size 12/));
  it('trailing bytes', () => fails(make(ok, 20), /tensors cover 16 data bytes but the file has 20/));
  it('overlapping offsets', () =>
    fails(make({ a: ok.a, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /tensor 'b' data_offsets \[4, 12\] overlap tensor 'a'/));
  it('gap between tensors', () =>
    fails(make({ a: ok.a, b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, 16), /tensor 'b' data_offsets \[12, 16\] leave a gap after byte 8/));
  it('unknown dtype', () => fails(make({ a: { dtype: 'F12', shape: [2], data_offsets: [0, 8] } }, 8), /tensor 'a': unknown dtype "F12"/));
  it('shape and byte length disagree', () =>
    fails(make({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /tensor 'a': shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/));
  it('bad shape and offsets', async () => {
    await fails(make({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, 8), /tensor 'a': shape \[-2\] is not a list/);
    await fails(make({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, 8), /data_offsets \[8, 0\] end before they begin/);
    await fails(make({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, 8), /data_offsets \[0\] is not a pair/);
  });
  it('non-float dtype asked as float32', async () => {
    const f = await openSafetensors(new BytesSource('m.safetensors', make({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, 8)));
    await expect(f.readFloat32('ids')).rejects.toThrow("m.safetensors: tensor 'ids' has dtype I64, which cannot be read as float32");
    await expect(f.read('nope')).rejects.toThrow("m.safetensors: no tensor named 'nope'");
  });
});

describe('checkTensorShape', () => {
  it('passes equal shapes and names everything on mismatch', () => {
    expect(() => checkTensorShape('w', [2, 3], [2, 3], 'f.gguf')).not.toThrow();
    expect(() => checkTensorShape('blk.0.attn_q.weight', [576, 576], [576, 192], 'smol.gguf')).toThrow(
      "smol.gguf: tensor 'blk.0.attn_q.weight' has shape [576, 576] but the model config implies [576, 192]",
    );
    expect(() => checkTensorShape('w', [6], [2, 3], 'f')).toThrow(WeightsError);
  });
});
