// `able atlas build --shard 1/2` + `--shard 2/2` then merge must equal one unsharded build then
// merge, with the real pipeline on the tiny parity models (issue acceptance).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specHash as hashOf, makeSpec } from '../able/spec';
import { probeSetRef, PROBE_SET_V1 } from '../able/probes';
import { atlasBuild, atlasMerge } from './atlas-commands';
import { embedFromInput } from './embed';

const fixtures = 'test/fixtures/tiny';
const variants = ['llama', 'gpt2', 'qwen3'];
const work = mkdtempSync(join(tmpdir(), 'able-shards-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A model folder as users have it: weights, config and tokenizer side by side. */
function modelDir(v: string): string {
  const dir = join(work, 'models', v);
  mkdirSync(dir, { recursive: true });
  const meta = JSON.parse(readFileSync(join(fixtures, v, 'meta.json'), 'utf8'));
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(fixtures, v, f), join(dir, f));
  for (const f of ['tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(fixtures, 'tokenizers', meta.tokenizer, f), join(dir, f));
  return dir;
}

describe('atlas build shards', () => {
  it('two shards merged equal one unsharded build merged', async () => {
    const models = variants.map((v) => ({ id: `tiny/${v}`, path: modelDir(v), lineage: [] }));
    const manifest = { models } as never;
    const opts = { method: { kind: 'gxi' as const }, probes: PROBE_SET_V1, quiet: true };
    const specHash = await hashOf(makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1) }));
    const embedOne = (e: { id: string; path?: string }) => embedFromInput(e.path!, { ...opts, name: e.id });
    const log = () => {};
    const sharded = join(work, 'sharded');
    const whole = join(work, 'whole');
    const a = await atlasBuild({ manifest, outDir: sharded, specHash, shard: { index: 1, count: 2 }, embedOne, log });
    const b = await atlasBuild({ manifest, outDir: sharded, specHash, shard: { index: 2, count: 2 }, embedOne, log });
    const c = await atlasBuild({ manifest, outDir: whole, specHash, embedOne, log });
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
    expect([...a.done, ...b.done].sort()).toEqual(c.done.slice().sort());
    expect(a.done.length).toBeGreaterThan(0);
    expect(b.done.length).toBeGreaterThan(0);
    // A rerun finds everything done.
    const again = await atlasBuild({ manifest, outDir: whole, specHash, embedOne, log });
    expect(again.skipped.length).toBe(variants.length);

    const outA = join(work, 'atlas-a');
    const outB = join(work, 'atlas-b');
    const ja = await atlasMerge({ dir: sharded, outDir: outA, manifest });
    const jb = await atlasMerge({ dir: whole, outDir: outB, manifest });
    // Everything but when/where each embedding was computed is identical, bytes of the block too.
    const strip = (j: typeof ja) => ({ ...j, models: j.models.map((m) => ({ ...m, provenance: null })) });
    expect(strip(ja)).toEqual(strip(jb));
    expect(ja.embeddings.rows).toBe(variants.length);
    expect(readFileSync(join(outA, 'embeddings.f16')).equals(readFileSync(join(outB, 'embeddings.f16')))).toBe(true);
  });
});
