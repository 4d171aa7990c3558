import { describe, expect, it } from 'vitest';
import { flag, positional } from './args';

describe('command-line arguments', () => {
  it('reads an option value and the positional argument around it', () => {
    const args = ['--out', 'a.json', 'model.gguf', '--method', 'ig'];
    expect(flag(args, '--out')).toBe('a.json');
    expect(flag(args, '--method')).toBe('ig');
    expect(flag(args, '--steps')).toBeUndefined();
    expect(positional(args)).toBe('model.gguf');
  });
  it('refuses an option given without its value', () => {
    expect(() => flag(['x', '--out'], '--out')).toThrow('--out needs a value');
    expect(() => flag(['--out', '--shard', '1/2'], '--out')).toThrow('--out needs a value');
  });
});
