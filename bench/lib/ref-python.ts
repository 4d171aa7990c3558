// The Python of the reference environment (PyTorch, gguf-py): $ABLE_REF_PYTHON, the venv in
// $ABLE_PYTHON_VENV, the one `npm run parity` sets up (.cache/refvenv), or /tmp/refvenv.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function refPython(): string | null {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const venv = process.env.ABLE_PYTHON_VENV;
  const c = [process.env.ABLE_REF_PYTHON, venv && join(venv, 'bin/python'), join(repo, '.cache/refvenv/bin/python'), '/tmp/refvenv/bin/python'];
  return c.find((p): p is string => !!p && existsSync(p)) ?? null;
}
