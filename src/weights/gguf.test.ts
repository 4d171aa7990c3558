import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gguf as hfGguf } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { NodeFileSource } from '../platform/node/node-source.ts';
import { WeightsError } from './errors.ts';
import { GGUFValueType, openGGUF } from './gguf.ts';
import { BlobSource, BytesSource, HttpRangeSource } from './source.ts';

// tiny.gguf was written by gguf-py's GGUFWriter (v3); the expected values are gguf-py's reading of it
// (reference/gguf_fixtures.py).
const fixtureUrl = new URL('../../test/fixtures/weights/tiny.gguf', import.meta.url);
const tiny = new Uint8Array(readFileSync(fixtureUrl));
const expected = JSON.parse(
  readFileSync(new URL('../../test/fixtures/weights/tiny.gguf.expected.json', import.meta.url), 'utf8'),
) as {
  metadata: Record<string, unknown>;
  tensors: { name: string; type: string; dims: number[]; offset: number; values: number[] }[];
};

const open = (bytes: Uint8Array, name = 'tiny.gguf') => openGGUF(new BytesSource(name, bytes));
const plain = (v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v);

async function checkTiny(file: Awaited<ReturnType<typeof openGGUF>>) {
  for (const [k, v] of Object.entries(expected.metadata)) expect(plain(file.metadata.get(k)), k).toEqual(v);
  expect(file.metadata.size).toBe(Object.keys(expected.metadata).length);
  expect(file.tensors.map((t) => t.name)).toEqual(expected.tensors.map((t) => t.name));
  for (const e of expected.tensors) {
    const t = file.tensor(e.name);
    expect(t.typeName).toBe(e.type);
    expect(t.dims).toEqual(e.dims);
    expect(t.shape).toEqual([...e.dims].reverse());
    expect(t.offset).toBe(e.offset);
    expect(Array.from(await file.readFloat32(e.name))).toEqual(e.values);
  }
}

describe('GGUF reader on a gguf-py file', () => {
  it('reads metadata, tensor infos and dequantized data as gguf-py does', async () => {
    const f = await open(tiny);
    expect(f.version).toBe(3);
    expect(f.alignment).toBe(32);
    expect(f.metadataTypes.get('tokenizer.ggml.tokens')).toBe(GGUFValueType.ARRAY);
    expect(f.metadata.get('tokenizer.ggml.scores')).toBeInstanceOf(Float32Array);
    await checkTiny(f);
  });

  it('reads version 2 the same way (same layout)', async () => {
    const v2 = tiny.slice();
    v2[4] = 2;
    const f = await open(v2);
    expect(f.version).toBe(2);
    await checkTiny(f);
  });

  it('grows the header read when the first range is too small', async () => {
    await checkTiny(await openGGUF(new BytesSource('tiny.gguf', tiny), { firstRead: 16 }));
  });

  it('reads rows of a quantized tensor', async () => {
    const f = await open(tiny);
    const all = await f.readFloat32('d.weight'); // dims [32, 2, 2]: 4 rows of 32
    expect(Array.from(await f.readRows('d.weight', 1, 2))).toEqual(Array.from(all.subarray(32, 96)));
    await expect(f.readRows('d.weight', 3, 2)).rejects.toThrow(/rows \[3, 5\) out of range \(it has 4\)/);
  });

  it('agrees with @huggingface/gguf on tensor infos and data offset', async () => {
    const hf = await hfGguf(fileURLToPath(fixtureUrl), { allowLocalFile: true });
    const f = await open(tiny);
    expect(Number(hf.tensorDataOffset)).toBe(f.dataOffset);
    expect(hf.tensorInfos.map((t) => [t.name, t.dtype, t.shape.map(Number), Number(t.offset) + f.dataOffset])).toEqual(
      f.tensors.map((t) => [t.name, t.type, t.dims, t.offset]),
    );
  });

  it('works through a Node file', async () => {
    const src = await NodeFileSource.open(fileURLToPath(fixtureUrl));
    expect(src.name).toBe('tiny.gguf');
    await checkTiny(await openGGUF(src));
    await expect(src.read(1000, 100)).rejects.toThrow('tiny.gguf: read of 100 bytes at offset 1000 goes past the end of the file (size 1024)');
  });

  it('works through a Blob and through HTTP range requests', async () => {
    await checkTiny(await openGGUF(new BlobSource(new Blob([tiny]), 'tiny.gguf')));
    const ranges: string[] = [];
    const fakeFetch = (async (_url: string, init?: RequestInit) => {
      const range = (init?.headers as Record<string, string> | undefined)?.Range ?? '';
      ranges.push(range);
      const [a, b] = /bytes=(\d+)-(\d+)/.exec(range)!.slice(1).map(Number);
      return new Response(tiny.slice(a, b + 1), {
        status: 206,
        headers: { 'Content-Range': `bytes ${a}-${b}/${tiny.length}` },
      });
    }) as typeof fetch;
    const src = await HttpRangeSource.open('http://test/tiny.gguf', { fetch: fakeFetch });
    expect(src.size).toBe(tiny.length);
    await checkTiny(await openGGUF(src));
    expect(ranges.length).toBeGreaterThan(2);
  });
});

/** Byte position of the tensor info of `name` (its u64 name length). */
function tensorInfoAt(bytes: Uint8Array, name: string): number {
  const needle = new TextEncoder().encode(name);
  outer: for (let i = 0; i < bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i - 8;
  }
  throw new Error(`no ${name}`);
}
/** Copy of tiny.gguf with one field of tensor `name`'s info patched. */
function patchTensor(name: string, field: 'ndims' | 'type' | 'offset', value: number): Uint8Array {
  const b = tiny.slice();
  const dv = new DataView(b.buffer);
  const at = tensorInfoAt(b, name) + 8 + name.length;
  const nDims = dv.getUint32(at, true);
  if (field === 'ndims') dv.setUint32(at, value, true);
  if (field === 'type') dv.setUint32(at + 4 + 8 * nDims, value, true);
  if (field === 'offset') dv.setBigUint64(at + 4 + 8 * nDims + 4, BigInt(value), true);
  return b;
}

describe('GGUF reader on malformed files', () => {
  const fails = async (bytes: Uint8Array, re: RegExp) => {
    const p = open(bytes, 'bad.gguf');
    await expect(p).rejects.toBeInstanceOf(WeightsError);
    await expect(p).rejects.toThrow(re);
  };

  it('bad magic', () => fails(new TextEncoder().encode('GGML\x03\0\0\0........'), /^bad\.gguf: not a GGUF file: magic bytes are 47 47 4d 4c/));
  it('unsupported versions', async () => {
    for (const [v, re] of [
      [1, /GGUF version 1 is not supported/],
      [4, /unsupported GGUF version 4/],
      [0x03000000, /big-endian GGUF/],
    ] as const) {
      const b = tiny.slice();
      new DataView(b.buffer).setUint32(4, v, true);
      await fails(b, re);
    }
  });
  it('tiny file', () => fails(tiny.slice(0, 5), /bad\.gguf: file is 5 bytes, too small/));
  it('truncated header', () => fails(tiny.slice(0, 300), /(file truncated: needs \d+ more bytes but the file ends at byte 300|is impossible: at most \d+ fits in the rest of the file \(truncated or corrupt\)) \(reading/));
  it('truncated inside a number', () => fails(tiny.slice(0, 10), /bad\.gguf: file truncated: needs 8 more bytes but the file ends at byte 10 \(reading the counts, at byte 8\)/));
  it('truncated tensor data', () =>
    fails(tiny.slice(0, 990), /tensor 'd\.weight' \(Q4_0, dims \[32, 2, 2\]\): data \[928, 1000\) exceeds the file size 990/));
  it('unknown tensor type', () => fails(patchTensor('b.bias', 'type', 99), /tensor 'b\.bias' has unknown ggml type id 99/));
  it('too many dimensions', () => fails(patchTensor('a.weight', 'ndims', 5), /tensor 'a\.weight' has 5 dimensions/));
  it('data offset out of range', () => fails(patchTensor('a.weight', 'offset', 4096), /tensor 'a\.weight' data offset 4096 is impossible|exceeds the file size/));
  it('overlapping tensors', () => fails(patchTensor('b.bias', 'offset', 0), /tensor '(a\.weight|b\.bias)' data at \d+ overlaps tensor '(a\.weight|b\.bias)'/));
  it('misaligned offset', () => fails(patchTensor('c.weight', 'offset', 36), /tensor 'c\.weight'.*data offset 36 is not a multiple of the alignment 32/));
  it('row length not a multiple of the block size', () => {
    // Q8_0 blocks are 32 wide: declare c.weight as Q4_K (256 wide).
    return fails(patchTensor('c.weight', 'type', 12), /row length 64 is not a multiple of the Q4_K block size 256/);
  });
  it('string length beyond the file', () => {
    const b = tiny.slice();
    new DataView(b.buffer).setBigUint64(24, 1n << 40n, true); // first key's length
    return fails(b, /string length 1099511627776 is impossible.*reading metadata entry 0/);
  });
  it('tensor count beyond the file', () => {
    const b = tiny.slice();
    new DataView(b.buffer).setBigUint64(8, 1n << 50n, true);
    return fails(b, /tensor count \d+ is impossible/);
  });
  it('unknown metadata value type', () => {
    const b = tiny.slice();
    // First key is "general.architecture" (20 chars): its value type follows it.
    new DataView(b.buffer).setUint32(24 + 8 + 20, 77, true);
    return fails(b, /unknown metadata value type 77 \(reading metadata 'general\.architecture'/);
  });
  it("a corrupt key is shown on one line, escaped (quotes, control characters)", () => {
    const b = tiny.slice();
    // First key is "general.architecture" (20 chars at byte 32): write a quote and a newline into it.
    b[32 + 3] = 0x27; // '
    b[32 + 7] = 0x0a; // newline over the dot
    new DataView(b.buffer).setUint32(24 + 8 + 20, 77, true);
    return fails(b, /unknown metadata value type 77 \(reading metadata 'gen\\'ral\\u000aarchitecture', at byte/);
  });
  it('missing tensor and unsupported types name the tensor', async () => {
    const f = await open(patchTensor('b.bias', 'type', 24), 'x.gguf'); // I8: parsable, not dequantizable
    await expect(f.readFloat32('nope')).rejects.toThrow("x.gguf: no tensor named 'nope'");
    await expect(f.readFloat32('b.bias')).rejects.toThrow(/x\.gguf: tensor 'b\.bias': cannot dequantize ggml type I8/);
  });
});
