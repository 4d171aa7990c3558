// Issue 13 defects 7 and 8: malformed --manifest, --lab and --probes files are refused with the
// file and the field named (not "Unexpected end of JSON input" or a TypeError), and duplicate ids
// are refused, naming both places.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddingToJson } from '../able/embedding-file';
import { PROBE_SET_V1, probeSetRef, validateProbeSet } from '../able/probes';
import { makeSpec, specHash } from '../able/spec';
import { atlasProbes, mergeAtlas } from '../atlas/merge';
import { segmentWords } from '../text/words';
import { atlasMerge, readLab, readManifest } from './atlas-commands';
import { commands } from './commands';
import { readJsonFile } from './input-files';

const TEST_SPEC = makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1) });
const root = mkdtempSync(join(tmpdir(), 'able-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
};
const real = JSON.parse(readFileSync('data/manifest.json', 'utf8'));

describe('input files name the file and the field (defect 7)', () => {
  it('truncated JSON names the file', () => {
    const p = file('cut.json', '{"models": [');
    expect(() => readManifest(p)).toThrow(new RegExp(`^${p}: not valid JSON \\(`));
    expect(() => readLab(p)).toThrow(`${p}: not valid JSON`);
  });
  it('a lab list that is an object', () => {
    const p = file('lab-obj.json', '{"id": "x"}');
    expect(() => readLab(p)).toThrow(`${p}: expected an array, got object`);
  });
  it('a manifest without models', () => {
    const p = file('no-models.json', '{"format": "able-manifest/1"}');
    expect(() => readManifest(p)).toThrow(`${p}: models: expected an array, got undefined`);
  });
  it('a wrong field deep inside names its path', () => {
    const m = structuredClone(real);
    m.models[3].lineage[0].type = 'cousin';
    const p = file('bad-type.json', JSON.stringify(m));
    expect(() => readManifest(p)).toThrow(`${p}: models[3].lineage[0].type: "cousin" is not one of fine-tune, merge, adapter, quantization, same-family`);
    m.models[3].lineage[0].type = 'merge';
    m.models[5].paramsB = '7B';
    expect(() => readManifest(file('bad-params.json', JSON.stringify(m)))).toThrow(/models\[5\]\.paramsB: expected a finite number, got string/);
  });
  it('the shipped manifest and lab list pass', () => {
    expect(readManifest().models).toHaveLength(239);
    expect(readLab('lab/lab.json').length).toBeGreaterThan(0);
  });
  it('a missing file, a folder and a FIFO-like non-file are refused by name', () => {
    expect(() => readJsonFile(join(root, 'nope.json'), 'manifest')).toThrow(`${join(root, 'nope.json')}: manifest: file not found`);
    mkdirSync(join(root, 'dir.json'));
    expect(() => readJsonFile(join(root, 'dir.json'), 'manifest')).toThrow(/dir\.json: manifest: not a regular file/);
  });
  it('a probe list whose entry is null names the probe', () => {
    const set = { ...PROBE_SET_V1, probes: [...PROBE_SET_V1.probes.slice(0, 139), null] };
    expect(() => validateProbeSet(set, (t) => segmentWords(t).length)).toThrow('probe 139: expected an object');
  });
  it('atlas merge --lab with a malformed file fails before any work, naming it', async () => {
    const merge = commands.find((c) => c.name === 'atlas merge')!;
    const p = file('lab-cut.json', '[{"id": ');
    await expect(merge.run([root, '--out', join(root, 'o'), '--lab', p])).rejects.toThrow(`${p}: not valid JSON`);
  });
});

describe('duplicate ids (defect 8)', () => {
  it('a manifest with a duplicate id is refused, naming both entries', () => {
    const m = structuredClone(real);
    m.models[7] = { ...m.models[7], id: m.models[2].id };
    const p = file('dup.json', JSON.stringify(m));
    expect(() => readManifest(p)).toThrow(`${p}: models[7].id: duplicate id "${m.models[2].id}" (also models[2].id)`);
    expect(() => mergeAtlas({ manifest: m, embeddings: [], probes: PROBE_SET_V1.probes, probeSet: { id: 'v1', sha256: '0' } })).toThrow(/lists .* twice/);
  });
  it('merge names the two files holding embeddings of the same model', async () => {
    const dir = join(root, 'dup-emb');
    mkdirSync(dir);
    const dim = atlasProbes(PROBE_SET_V1.probes).reduce((s, p) => s + p.words.length, 0);
    const v = new Float32Array(dim);
    v[0] = 1;
    const rec = {
      format: 'able-embedding/1' as const,
      spec: TEST_SPEC,
      specHash: await specHash(TEST_SPEC),
      model: { hubId: real.models[0].id, revision: 'main' },
      engine: { name: 'able-atlas', version: '0.1.0', provider: 'cpu' as const },
      computed: { where: 'test', date: '2026-01-01T00:00:00Z', wallTimeS: 0 },
      probeTimingsMs: [1],
      targetLogProbs: [-1],
      dim,
      vector: v,
    };
    writeFileSync(join(dir, 'a.able.json'), embeddingToJson(rec));
    writeFileSync(join(dir, 'b.able.json'), embeddingToJson(rec, { base64: true }));
    await expect(atlasMerge({ dir, outDir: join(root, 'dup-out'), manifest: real })).rejects.toThrow(
      `merge: two embeddings for ${real.models[0].id}: ${join(dir, 'a.able.json')} and ${join(dir, 'b.able.json')}; keep one`,
    );
  });
});
