// The Node FilePort (src/atlas/build.ts): every write goes to a temporary file in the target's
// folder, is fsynced, and is renamed over the target only when all files of the unit are written,
// so a full disk or a kill mid-write never leaves a truncated result under a final name.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FilePort } from '../atlas/build';

/** Low-level write, injectable so tests can simulate a full disk (ENOSPC) part-way. */
export type WriteAll = (fh: import('node:fs/promises').FileHandle, data: Uint8Array) => Promise<void>;
const writeAll: WriteAll = async (fh, data) => {
  await fh.writeFile(data);
};

const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

async function writeTemp(path: string, data: Uint8Array, write: WriteAll): Promise<string> {
  const tmp = tempName(path);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await write(fh, data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  return tmp;
}

async function syncDir(dir: string): Promise<void> {
  // Makes the renames durable; not every platform can open a folder, which is harmless.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {}
}

/** Writes the files as one unit (see FilePort.replace); exported for `embed --out` too. */
export async function replaceFiles(files: { path: string; data: Uint8Array | string }[], write: WriteAll = writeAll): Promise<void> {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const bytes = typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data;
      temps.push(await writeTemp(f.path, bytes, write));
    }
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    const err = e as NodeJS.ErrnoException;
    const which = files[temps.length]?.path ?? files[0]?.path;
    throw new Error(`${which}: write failed (${err.code ?? err.message}); the previous file is left as it was`);
  }
  // All written and synced: now the renames, which do not need space.
  for (const [i, f] of files.entries()) await rename(temps[i], f.path);
  for (const d of new Set(files.map((f) => dirname(f.path)))) await syncDir(d);
}

export function nodeFilePort(write: WriteAll = writeAll): FilePort {
  return {
    async read(path) {
      try {
        const s = await stat(path);
        if (!s.isFile()) throw new Error(`${path}: not a regular file`);
        return new Uint8Array(await readFile(path));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    replace: (files) => replaceFiles(files, write),
    async mkdirp(dir) {
      await mkdir(dir, { recursive: true });
    },
  };
}

/**
 * Checks before any work that `path` can be written: its folder exists, is a folder and takes a
 * new file (probed by creating and removing one, which also catches read-only mounts and holds
 * for root); `path` itself is not a folder. Hours of embedding must not end in "cannot write".
 */
export async function checkWritable(path: string, what = '--out'): Promise<void> {
  const dir = dirname(path);
  try {
    if ((await stat(path)).isDirectory()) throw new Error(`${what} ${path}: is a folder; give a file name`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
  }
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(dir);
  } catch {
    throw new Error(`${what} ${path}: folder ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new Error(`${what} ${path}: ${dir} is not a folder`);
  const probe = tempName(path);
  try {
    const fh = await open(probe, 'wx');
    await fh.close();
  } catch (e) {
    throw new Error(`${what} ${path}: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  await rm(probe, { force: true });
}
