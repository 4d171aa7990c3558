import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddingFileName, parseShard, sanitizeId, shardEntries } from '../atlas/build';
import type { ManifestEntry } from '../atlas/manifest';
import { v1FakeEngine } from '../atlas/test-helpers';
import { atlasBuild, atlasEval, atlasMerge, readManifest, registerAtlasBuild } from './atlas-commands';
import { commands } from './commands';

const root = mkdtempSync(join(tmpdir(), 'able-atlas-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Nine real manifest entries; their vectors come from a test double (seeded by model id), which
// exercises the scheduling and file logic only: no number here is an ABLE result.
const manifest = { models: readManifest().models.slice(0, 9) };
const { hash, embedOne: fakeEmbedOne } = await v1FakeEngine();

describe('shards and names', () => {
  it('partitions the manifest by index modulo n', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6];
    expect(shardEntries(xs, parseShard('1/3'))).toEqual([0, 3, 6]);
    expect(shardEntries(xs, parseShard('3/3'))).toEqual([2, 5]);
    expect(() => parseShard('0/2')).toThrow(/--shard/);
    expect(() => parseShard('3/2')).toThrow(/--shard/);
    expect(embeddingFileName('Qwen/Qwen2.5-0.5B', 'abcdef0123456789')).toBe('Qwen__Qwen2.5-0.5B.abcdef012345.able.json');
    expect(sanitizeId('a b/c:d')).toBe('a_b__c_d');
  });
});

describe('atlas build + merge', () => {
  const quiet = () => {};
  it('sharded 1/2 + 2/2 then merge equals unsharded then merge', async () => {
    const a = join(root, 'sharded');
    const b = join(root, 'whole');
    const s1 = await atlasBuild({ manifest, outDir: a, specHash: hash, shard: parseShard('1/2'), embedOne: fakeEmbedOne, log: quiet });
    const s2 = await atlasBuild({ manifest, outDir: a, specHash: hash, shard: parseShard('2/2'), embedOne: fakeEmbedOne, log: quiet });
    expect([s1.done.length, s2.done.length]).toEqual([5, 4]);
    await atlasBuild({ manifest, outDir: b, specHash: hash, embedOne: fakeEmbedOne, log: quiet });
    const files = (d: string) => readdirSync(d).filter((n) => n.endsWith('.able.json'));
    expect(files(a)).toEqual(files(b));
    expect(files(a)).toHaveLength(9);
    await atlasMerge({ dir: a, outDir: join(root, 'atlas-a'), manifest });
    const json = await atlasMerge({ dir: b, outDir: join(root, 'atlas-b'), manifest });
    expect(readFileSync(join(root, 'atlas-a', 'atlas.json'), 'utf8')).toBe(readFileSync(join(root, 'atlas-b', 'atlas.json'), 'utf8'));
    expect(readFileSync(join(root, 'atlas-a', 'embeddings.f16')).equals(readFileSync(join(root, 'atlas-b', 'embeddings.f16')))).toBe(true);
    expect(json.embeddings.rows).toBe(9);
    expect(json.models.every((m) => m.xy !== null && m.knn.length === 8)).toBe(true);
  });
  it('skips finished files and records failures without stopping', async () => {
    const dir = join(root, 'resume');
    let calls = 0;
    const flaky = async (e: ManifestEntry) => {
      calls++;
      if (e.id === manifest.models[2].id) throw new Error('weights not found');
      return fakeEmbedOne(e);
    };
    const first = await atlasBuild({ manifest, outDir: dir, specHash: hash, embedOne: flaky, log: quiet });
    expect(first.failed).toEqual([{ id: manifest.models[2].id, error: 'weights not found' }]);
    expect(JSON.parse(readFileSync(join(dir, 'failures.json'), 'utf8'))).toEqual(first.failed);
    calls = 0;
    const counted = async (e: ManifestEntry) => {
      calls++;
      return fakeEmbedOne(e);
    };
    const again = await atlasBuild({ manifest, outDir: dir, specHash: hash, embedOne: counted, log: quiet });
    expect(again.skipped).toHaveLength(8);
    expect(again.done).toEqual([manifest.models[2].id]);
    expect(calls).toBe(1); // only the one that failed before
  });
  it('evaluates from embedding files and from the atlas', async () => {
    const out = join(root, 'eval.json');
    const rep = await atlasEval({ embeddingsDir: join(root, 'whole'), manifest, out });
    expect(Object.keys(rep.all.representations)).toEqual(['able', 'output']);
    expect(readFileSync(join(root, 'eval.md'), 'utf8')).toContain('# ABLE atlas evaluation');
    const rep2 = await atlasEval({ atlasDir: join(root, 'atlas-b'), out: join(root, 'eval2.json') });
    expect(rep2.all.models).toHaveLength(9);
    expect(Object.keys(rep2.all.representations)).toEqual(['able']);
  });
});

describe('registered commands', () => {
  it('atlas build and atlas merge run through the command registry', async () => {
    registerAtlasBuild(async () => ({ specHash: hash, embedOne: fakeEmbedOne }));
    const build = commands.find((c) => c.name === 'atlas build')!;
    const merge = commands.find((c) => c.name === 'atlas merge')!;
    const dir = join(root, 'cmd');
    const log = console.log;
    console.log = () => {};
    try {
      // the real manifest: shard 27/27 owns entries 26, 53, ..., 215 (8 of 239)
      expect(await build.run(['--out', dir, '--shard', '27/27'])).toBe(0);
      expect(readdirSync(dir).filter((n) => n.endsWith('.able.json'))).toHaveLength(8);
      expect(await merge.run([dir, '--out', join(root, 'cmd-atlas')])).toBe(0);
    } finally {
      console.log = log;
    }
    const json = JSON.parse(readFileSync(join(root, 'cmd-atlas', 'atlas.json'), 'utf8'));
    expect(json.models).toHaveLength(239);
    expect(json.embeddings.rows).toBe(8);
  });
});
