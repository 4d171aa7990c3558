import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors.ts';
import { BlobSource, BytesSource, HttpRangeSource } from './source.ts';

const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);

describe('byte sources', () => {
  it('read exact ranges and refuse reads past the end', async () => {
    for (const src of [new BytesSource('m.bin', bytes), new BlobSource(new Blob([bytes]), 'm.bin')]) {
      expect(Array.from(await src.read(10, 3))).toEqual([10, 11, 12]);
      expect((await src.read(100, 0)).length).toBe(0);
      await expect(src.read(98, 3)).rejects.toThrow('m.bin: read of 3 bytes at offset 98 goes past the end of the file (size 100)');
      await expect(src.read(-1, 3)).rejects.toBeInstanceOf(WeightsError);
    }
  });

  it('HTTP: reports a server that ignores Range and a failing open', async () => {
    const ignoresRange = (async () => new Response(bytes, { status: 200, headers: { 'Content-Length': '100' } })) as typeof fetch;
    const src = await HttpRangeSource.open('http://x/m.bin', { fetch: ignoresRange, name: 'm.bin' });
    expect(src.size).toBe(100);
    await expect(src.read(0, 4)).rejects.toThrow('m.bin: HTTP 200 for range 0-3 (the server must honour Range requests)');
    const notFound = (async () => new Response('no', { status: 404, statusText: 'Not Found' })) as typeof fetch;
    await expect(HttpRangeSource.open('http://x/m.bin', { fetch: notFound })).rejects.toThrow('http://x/m.bin: HTTP 404 Not Found when opening');
  });
});
