// Reading an input file the user named: a regular file (a FIFO or a folder is refused, not waited
// on), parsed as JSON with the file named in every error.
import { readFileSync, statSync } from 'node:fs';
import { InputFileError, parseJsonFile } from '../atlas/inputs';

export function readInputText(path: string, what: string): string {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputFileError(path, '', code === 'ENOENT' ? `${what}: file not found` : `${what}: cannot read (${code})`);
  }
  if (!st.isFile()) throw new InputFileError(path, '', `${what}: not a regular file`);
  return readFileSync(path, 'utf8');
}

export const readJsonFile = (path: string, what: string): unknown => parseJsonFile(readInputText(path, what), path);
