import { describe, expect, it, vi } from 'vitest';
import { main } from './main';

describe('able CLI entry', () => {
  it('lists every registered command in --help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['--help'])).toBe(0);
    const text = log.mock.calls.flat().join('\n');
    const { commands } = await import('./commands');
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(text).toContain(c.name);
    log.mockRestore();
  });

  it('rejects an unknown command with exit code 2 and the usage', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['frobnicate'])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/unknown command 'frobnicate'/);
    err.mockRestore();
  });
});
