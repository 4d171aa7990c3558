// `able reaggregate` on the lab's real v1 files (computed by able embed): the v2 file it writes is
// the committed one, and going back to v1 gives the computed vector again.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEmbeddingJson } from '../able/embedding-file';
import { commands } from './commands';
import './reaggregate';

const run = (args: string[]) => commands.find((c) => c.name === 'reaggregate')!.run(args);
const V1 = 'lab/embeddings-v1';
const one = readdirSync(V1).find((n) => n.startsWith('lab__smollm2-135m-instruct-q4_0.'))!;
const read = async (p: string) => parseEmbeddingJson(readFileSync(p, 'utf8'));

describe('able reaggregate', () => {
  it('v1 -> v2 gives the committed v2 file; v2 -> v1 gives the computed v1 vector back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'able-reagg-'));
    expect(await run([join(V1, one), '--spec', 'v2', '--out-dir', dir])).toBe(0);
    const name = one.replace('76fc47f7a893', '4f296bb80183');
    const v2 = await read(join(dir, name));
    const committed = await read(join('lab/embeddings', name));
    expect(v2.spec.methodVersion).toBe(2);
    expect(v2.specHash.startsWith('4f296bb80183')).toBe(true);
    expect(v2.reaggregated?.fromSpecHash).toBe('76fc47f7a8933c42e4d1ddb8efa072adcacfe9189860c9f01dd606b3898c652d');
    expect(Array.from(v2.vector)).toEqual(Array.from(committed.vector));
    const v1 = await read(join(V1, one));
    // the provenance of the attributions is kept
    expect(v2.computed).toEqual(v1.computed);
    expect(v2.model).toEqual(v1.model);
    // a different vector (v2 weighs words, not probes, alike)...
    expect(Math.max(...Array.from(v2.vector, (x, i) => Math.abs(x - v1.vector[i])))).toBeGreaterThan(1e-3);
    // ...that holds the same word attributions: back to v1 within float32 rounding
    expect(await run([join(dir, name), '--spec', 'v1', '--out-dir', dir])).toBe(0);
    const back = await read(join(dir, one));
    expect(Math.max(...Array.from(back.vector, (x, i) => Math.abs(x - v1.vector[i])))).toBeLessThan(1e-6);
  });

  it('refuses a damaged file by name and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'able-reagg-'));
    const bad = join(dir, 'bad.able.json');
    writeFileSync(bad, '{"format":"able-embedding/1"');
    await expect(run([join(V1, one), bad, '--out-dir', dir])).rejects.toThrow(`${bad}: embedding file: not valid JSON`);
    expect(readdirSync(dir)).toEqual(['bad.able.json']);
    await expect(run([join(V1, one), '--spec', 'v3'])).rejects.toThrow('unknown method version "v3": expected v1 or v2');
  });
});
