import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeSpec, specHash } from '../spec';
import { PROBE_DOMAINS, PROBE_SET_V1, probeSetHash, probeSetRef, V1_LIMITS, validateProbeSet } from './index';

// METHOD.md section 2, written out here independently of src/text so the test checks the file.
const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{M}\p{N}]/gu;
const countWords = (t: string) => (t.match(WORD) ?? []).length;

describe('probe set v1', () => {
  it('validates: 128..256 probes, unique ids, known domains, 6..24 context words, leading-space targets', () => {
    const set = validateProbeSet(PROBE_SET_V1, countWords);
    const probes = set.probes;
    expect(probes.length).toBeGreaterThanOrEqual(128);
    expect(probes.length).toBeLessThanOrEqual(256);
    expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length);
    for (const p of probes) {
      const w = countWords(p.context);
      expect(w, p.id).toBeGreaterThanOrEqual(6);
      expect(w, p.id).toBeLessThanOrEqual(24);
      // prose targets start with exactly one space; code may continue with a newline and indent
      expect(p.target, p.id).toMatch(p.domain === 'code' ? /^(?: |\n *)\S/u : /^ \S/u);
    }
  });

  it('covers every domain with a roughly balanced share', () => {
    const counts = Object.fromEntries(PROBE_DOMAINS.map((d) => [d, 0])) as Record<string, number>;
    for (const p of PROBE_SET_V1.probes) counts[p.domain]++;
    expect(counts).toEqual({ facts: 23, everyday: 23, code: 23, arithmetic: 23, reasoning: 23, dialogue: 23, instructions: 23 });
    // D, the embedding dimension, is the total number of context words.
    expect(PROBE_SET_V1.probes.reduce((n, p) => n + countWords(p.context), 0)).toBe(2022);
  });

  it('hash equals the sha256 of the canonical JSON as Python computes it (pinned: editing v1 must change the id)', async () => {
    // python: json.dumps(d, sort_keys=True, separators=(',',':'), ensure_ascii=False), utf-8, sha256
    expect(await probeSetHash(PROBE_SET_V1)).toBe('98ab5f964e88f04fa47e1cc54bb5bdb89eb218bf0497ae496d336d27be2201b6');
    const published = readFileSync(new URL('./v1.sha256', import.meta.url), 'utf8').split(/\s/)[0];
    expect(published).toBe(await probeSetHash(PROBE_SET_V1));
  });

  it('the default v1 spec (gxi, float32) hashes as Python computes it', async () => {
    const spec = makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1), version: 1 });
    expect(await specHash(spec)).toBe('76fc47f7a8933c42e4d1ddb8efa072adcacfe9189860c9f01dd606b3898c652d');
    // v2 (docs/method.md), the default and the shipped atlas's
    expect(await specHash(makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1) }))).toBe('4f296bb801838b8dcfc5b4d274091a0f215acd6aeef64e1f3dae6911867cf52e');
  });

  it('rejects bad sets and names the probe and field', () => {
    const good = structuredClone(PROBE_SET_V1);
    const bad = (f: (s: typeof good) => void) => {
      const s = structuredClone(good);
      f(s);
      return () => validateProbeSet(s, countWords);
    };
    expect(bad((s) => s.probes.splice(0, 40))).toThrow('121 probes, expected 128 to 256');
    expect(bad((s) => (s.probes[5].id = s.probes[4].id))).toThrow('probe 5 (p005) id: duplicate');
    expect(bad((s) => (s.probes[2].domain = 'poetry' as 'facts'))).toThrow('probe 2 (p003) domain');
    expect(bad((s) => (s.probes[1].context = 'Too short here.'))).toThrow('probe 1 (p002) context: 4 words');
    expect(bad((s) => (s.probes[1].context = 'word '.repeat(25).trim()))).toThrow('25 words, expected 6 to 24');
    expect(bad((s) => (s.probes[0].target = 'Paris'))).toThrow('probe 0 (p001) target');
    expect(V1_LIMITS).toEqual({ minProbes: 128, maxProbes: 256, minWords: 6, maxWords: 24 });
  });
});
