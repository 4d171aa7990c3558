import { describe, expect, it } from 'vitest';
import { attributedTokenMask, selectTokens, targetTokenMask } from './targets';

describe('target tokens (METHOD.md section 3)', () => {
  // "The cat sat" + " down": context length 11.
  const gpt2: [number, number][] = [[0, 3], [3, 7], [7, 11], [11, 16]];

  it('marks tokens ending after the context, never position 0', () => {
    expect(targetTokenMask(gpt2, 11)).toEqual([false, false, false, true]);
    expect(attributedTokenMask(gpt2, 11)).toEqual([true, true, true, false]);
  });

  it('never targets or attributes special tokens (null span)', () => {
    const llama = [null, ...gpt2, null];
    expect(targetTokenMask(llama, 11)).toEqual([false, false, false, false, true, false]);
    expect(attributedTokenMask(llama, 11)).toEqual([false, true, true, true, false, false]);
  });

  it('counts a token straddling the boundary as a target token', () => {
    // "The cat s" + "at down" merged differently: token [7, 13) crosses 11.
    const spans: [number, number][] = [[0, 3], [3, 7], [7, 13], [13, 16]];
    expect(targetTokenMask(spans, 11)).toEqual([false, false, true, true]);
    expect(selectTokens(spans, 11)).toEqual({ target: [2, 3], attributed: [0, 1] });
  });

  it('position 0 is not a target even past the context, and no target is an error', () => {
    expect(targetTokenMask([[0, 16]], 11)).toEqual([false]);
    expect(() => selectTokens([[0, 11]], 11, 'p042')).toThrow('probe p042: no target token');
  });
});
