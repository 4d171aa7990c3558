// How fuzz refusals are bucketed into kinds (test/fuzz/runner.ts errorKind).
import { describe, expect, it } from 'vitest';
import { errorKind } from './runner.ts';

describe('error kinds', () => {
  const kind = (m: string) => errorKind(new Error(m));
  it('blank byte dumps, numbers and quoted names (escapes included), collapse whitespace', () => {
    expect(kind('f.gguf: not a GGUF file: magic bytes are 4f 0a ff 46, expected 47 47 55 46 ("GGUF") (reading the magic, at byte 4)')).toBe(
      'f.gguf: not a GGUF file: magic bytes are B, expected B (Q) (reading the magic, at byte N)',
    );
    expect(kind("tensor 'blk.0.attn_q\\'x\\u000a' has 7 dimensions")).toBe(kind("tensor 'a.weight' has 5 dimensions"));
    expect(kind('reading metadata "a\\"b"\n\n and more')).toBe('reading metadata Q and more');
  });
  it('different refusals stay different kinds', () => {
    expect(kind("tensor 'a' has 5 dimensions")).not.toBe(kind("tensor 'a' has unknown ggml type id 99"));
  });
});
