// Defects 1 and 2 of issue 13: a resumed build must not take a half-written file as finished, and a
// failed write (full disk, simulated by an injected ENOSPC part-way through) must leave the previous
// version intact, the atlas pair included.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddingToJson } from '../able/embedding-file';
import { embeddingFileName, type FilePort } from '../atlas/build';
import { v1FakeEngine } from '../atlas/test-helpers';
import { atlasBuild, atlasMerge, readManifest } from './atlas-commands';
import { nodeFilePort, replaceFiles, type WriteAll } from './node-files';

const root = mkdtempSync(join(tmpdir(), 'able-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const manifest = { models: readManifest().models.slice(0, 4) };
const { hash, dim, embedOne: fakeEmbedOne } = await v1FakeEngine();
const quiet = () => {};
const build = (dir: string, files?: FilePort) => atlasBuild({ manifest, outDir: dir, specHash: hash, embedOne: fakeEmbedOne, log: quiet, files });

/** A disk that fills up: writes `room` bytes of each file, then fails with ENOSPC. */
const fullDisk =
  (room: number): WriteAll =>
  async (fh, data) => {
    await fh.write(data.subarray(0, Math.min(room, data.length)));
    if (data.length > room) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };

const noTemps = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

describe('atlas build resume (defect 1)', () => {
  it('recomputes an 8,192-byte and a 0-byte leftover instead of skipping them', async () => {
    const dir = join(root, 'leftovers');
    await build(dir);
    const [a, b] = manifest.models.map((m) => join(dir, embeddingFileName(m.id, hash)));
    const full = readFileSync(a);
    expect(full.length).toBeGreaterThan(8192);
    writeFileSync(a, full.subarray(0, 8192));
    writeFileSync(b, '');
    const lines: string[] = [];
    const again = await atlasBuild({ manifest, outDir: dir, specHash: hash, embedOne: fakeEmbedOne, log: (l) => lines.push(l) });
    expect(again.done).toEqual([manifest.models[0].id, manifest.models[1].id]);
    expect(again.skipped).toEqual([manifest.models[2].id, manifest.models[3].id]);
    expect(again.redone.map((r) => r.id)).toEqual(again.done);
    expect(again.redone[0].reason).toMatch(/not valid JSON/);
    expect(lines.join('\n')).toMatch(/is not a finished embedding/);
    expect(readFileSync(a).equals(full)).toBe(true);
  });

  it('a wrong-spec or wrong-model file under the name is not taken as finished', async () => {
    const dir = join(root, 'wrong');
    await build(dir);
    const other = await fakeEmbedOne(manifest.models[3]);
    writeFileSync(join(dir, embeddingFileName(manifest.models[0].id, hash)), embeddingToJson(other, { base64: true }));
    const again = await build(dir);
    expect(again.done).toEqual([manifest.models[0].id]);
    expect(again.redone[0].reason).toMatch(/expected/);
  });

  it('a full disk mid-write leaves no file under the final name; failures.json names it; the rerun computes it', async () => {
    const dir = join(root, 'enospc');
    const first = await build(dir, nodeFilePort(fullDisk(100))).catch((e) => e as Error);
    // failures.json itself cannot be written on the full disk: the run fails loudly
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).toMatch(/failures\.json: write failed \(ENOSPC\)/);
    expect(readdirSync(dir).filter((n) => n.endsWith('.able.json'))).toEqual([]);
    expect(noTemps(dir)).toEqual([]);
    const second = await build(dir);
    expect(second.done).toHaveLength(4);
    expect(second.skipped).toEqual([]);
  });

  it('an embedding that cannot be written is a failure, not a finished model', async () => {
    const dir = join(root, 'enospc2');
    // room for failures.json (a few bytes) but not for an embedding (> 8 KiB)
    const res = await build(dir, nodeFilePort(fullDisk(4096)));
    expect(res.done).toEqual([]);
    expect(res.failed.map((f) => f.id)).toEqual(manifest.models.map((m) => m.id));
    expect(res.failed[0].error).toMatch(/write failed \(ENOSPC\); the previous file is left as it was/);
    expect(JSON.parse(readFileSync(join(dir, 'failures.json'), 'utf8'))).toHaveLength(4);
    expect(noTemps(dir)).toEqual([]);
  });
});

describe('overwrites keep the previous version (defect 2)', () => {
  it('a failed replace leaves the old file byte-identical', async () => {
    const dir = join(root, 'replace');
    rmSync(dir, { recursive: true, force: true });
    await nodeFilePort().mkdirp(dir);
    const p = join(dir, 'x.able.json');
    writeFileSync(p, 'old contents');
    await expect(replaceFiles([{ path: p, data: 'n'.repeat(10000) }], fullDisk(100))).rejects.toThrow(/x\.able\.json: write failed/);
    expect(readFileSync(p, 'utf8')).toBe('old contents');
    expect(noTemps(dir)).toEqual([]);
  });

  it('atlas merge onto a full disk leaves the previous atlas.json + embeddings.f16 pair intact', async () => {
    const src = join(root, 'merge-src');
    await build(src);
    const out = join(root, 'merge-out');
    await atlasMerge({ dir: src, outDir: out, manifest: { models: manifest.models.slice(0, 2) } });
    const oldJson = readFileSync(join(out, 'atlas.json'));
    const oldF16 = readFileSync(join(out, 'embeddings.f16'));
    // room for the new embeddings.f16 (4 rows) but not for the new atlas.json
    const room = dim * 2 * 4;
    expect(oldJson.length).toBeGreaterThan(room);
    await expect(atlasMerge({ dir: src, outDir: out, manifest, write: fullDisk(room) })).rejects.toThrow(/atlas\.json: write failed/);
    expect(readFileSync(join(out, 'atlas.json')).equals(oldJson)).toBe(true);
    expect(readFileSync(join(out, 'embeddings.f16')).equals(oldF16)).toBe(true);
    expect(noTemps(out)).toEqual([]);
    // and with space, the new pair replaces the old one
    const json = await atlasMerge({ dir: src, outDir: out, manifest });
    expect(json.embeddings.rows).toBe(4);
    expect(readFileSync(join(out, 'embeddings.f16')).length).toBe(4 * dim * 2);
  });
});
