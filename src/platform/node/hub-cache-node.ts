// HubCache on the local file system: <root>/<org>/<name>/<sha>/<path>, partial downloads beside
// the final file as <path>.part, renamed into place when complete (so a crash never leaves a
// truncated file that looks complete).
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { HubCache, HubOptions } from '../../weights/hub.ts';

export class NodeHubCache implements HubCache {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Maps a key to a path and makes sure it stays under the root. */
  pathOf(key: string): string {
    const parts = key.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
      throw new Error(`hub cache: unsafe key "${key}"`);
    }
    const p = join(this.root, ...parts);
    if (!p.startsWith(this.root + sep)) throw new Error(`hub cache: key "${key}" escapes the cache folder`);
    return p;
  }

  async has(key: string): Promise<boolean> {
    return (await fileSize(this.pathOf(key))) !== null;
  }
  async size(key: string): Promise<number> {
    return (await fileSize(`${this.pathOf(key)}.part`)) ?? 0;
  }
  async append(key: string, chunk: Uint8Array): Promise<void> {
    const part = `${this.pathOf(key)}.part`;
    await mkdir(dirname(part), { recursive: true });
    await appendFile(part, chunk);
  }
  async reset(key: string): Promise<void> {
    await rm(`${this.pathOf(key)}.part`, { force: true });
  }
  async finalize(key: string): Promise<void> {
    const p = this.pathOf(key);
    const part = `${p}.part`;
    // An empty file never gets an append: create it so the rename has a source.
    if ((await fileSize(part)) === null) await this.append(key, new Uint8Array(0));
    await rename(part, p);
  }
  async discard(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
  async open(key: string): Promise<Blob> {
    return openAsBlob(this.pathOf(key));
  }
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Hub options from the environment: HF_ENDPOINT (mirror or local server), HF_TOKEN (gated and
 * private repos), ABLE_HUB_CACHE or $XDG_CACHE_HOME/able-atlas/hub (default ~/.cache/able-atlas/hub).
 */
export function hubOptionsFromEnv(env: Record<string, string | undefined> = process.env): HubOptions & { cacheDir: string } {
  const cacheDir = env.ABLE_HUB_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'able-atlas', 'hub');
  return {
    cache: new NodeHubCache(cacheDir),
    cacheDir,
    endpoint: env.HF_ENDPOINT || undefined,
    token: env.HF_TOKEN || undefined,
    sha256: nodeSha256,
  };
}

/** Streaming sha256 of a (possibly multi-GB) downloaded file: constant memory. */
export async function nodeSha256(blob: Blob): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of blob.stream()) h.update(chunk);
  return h.digest('hex');
}
