// parseJsonFile / jsonTooDeepAt: deep nesting is refused before JSON.parse (issue 13: the atlas fuzz
// target's one hang was a ~200,000-deep array).
import { describe, expect, it } from 'vitest';
import { atlasTarget } from '../../test/fuzz/targets';
import { InputFileError, jsonTooDeepAt, MAX_JSON_DEPTH, parseJsonFile } from './inputs';

describe('JSON nesting limit', () => {
  it('refuses a 200,000-deep array at once, naming the file and the place', () => {
    for (const close of [true, false]) {
      const text = '['.repeat(200_000) + (close ? ']'.repeat(200_000) : '');
      const t0 = performance.now();
      let err: unknown;
      try {
        parseJsonFile(text, 'atlas.json');
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - t0;
      expect(err).toBeInstanceOf(InputFileError);
      expect((err as Error).message).toBe(`atlas.json: JSON nested deeper than ${MAX_JSON_DEPTH} levels (at character ${MAX_JSON_DEPTH}); refused`);
      expect(ms).toBeLessThan(500);
    }
  });
  it('the atlas fuzz target refuses the same input quickly with that error', async () => {
    const json = '['.repeat(200_000) + ']'.repeat(200_000);
    const t0 = performance.now();
    await expect(async () => atlasTarget.run({ json, bytes: new Uint8Array(0) })).rejects.toThrow(/atlas\.json: JSON nested deeper than 64 levels/);
    expect(performance.now() - t0).toBeLessThan(500);
  });
  it('counts only brackets outside strings, escapes included', () => {
    expect(jsonTooDeepAt('{"a":"[[[[[[\\"[[[[["}', 2)).toBe(-1);
    expect(jsonTooDeepAt('[[1],[2],[[3]]]', 3)).toBe(-1);
    expect(jsonTooDeepAt('[[1],[2],[[3]]]', 2)).toBe(10);
    expect(parseJsonFile('{"k":[[["]]]]]]"]]]}', 'f.json')).toEqual({ k: [[[']]]]]]']]] });
  });
  it('still reports invalid JSON as such', () => {
    expect(() => parseJsonFile('{"a":', 'm.json')).toThrow(/^m\.json: not valid JSON \(/);
  });
});
