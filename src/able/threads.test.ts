import { describe, expect, it } from 'vitest';
import { chooseThreads, ThreadsError } from './threads';

describe('chooseThreads (issue 13 defect 6)', () => {
  it('refuses nonsense with a message', () => {
    for (const bad of ['abc', '0', '-1', '1.5', '1e3', ' ', 'NaN', 'Infinity', '99999999999999999999'])
      expect(() => chooseThreads(bad, 8, 4, '--threads'), bad).toThrow(ThreadsError);
    expect(() => chooseThreads('abc', 8, 4, '--threads')).toThrow('--threads: "abc" is not a whole number of threads >= 1');
  });
  it('clamps to the hardware and says so', () => {
    expect(chooseThreads('100000', 16, 4)).toEqual({ threads: 16, note: 'threads: 100000 asked, this machine has 16 cores; using 16' });
    expect(chooseThreads('1000000', 2, 4, '?threads')).toEqual({ threads: 2, note: '?threads: 1000000 asked, this machine has 2 cores; using 2' });
  });
  it('keeps a sane value and defaults when absent', () => {
    expect(chooseThreads('3', 8, 4)).toEqual({ threads: 3, note: null });
    expect(chooseThreads(undefined, 8, 4)).toEqual({ threads: 4, note: null });
    expect(chooseThreads(null, 2, 4)).toEqual({ threads: 2, note: null });
    expect(chooseThreads('', 0, 4)).toEqual({ threads: 1, note: null });
  });
});
