// HubCache in the browser's Origin Private File System. Each cached file is a folder of chunk
// files plus a `complete` marker: appending writes a new chunk (OPFS writables copy the existing
// file on open, so appending to one file would cost O(n^2) for a multi-GB download), and the
// complete file is a Blob over the chunk Files, which the browser reads lazily from disk.
import type { HubCache } from '../../weights/hub';

const MARKER = 'complete';

export class OpfsHubCache implements HubCache {
  constructor(private readonly rootName = 'able-atlas-hub') {}

  static available(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
  }

  /** The entry folder of a key (`org/name/sha/path...`); null when absent and not created. */
  private async entry(key: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
    const parts = key.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`hub cache: unsafe key "${key}"`);
    let dir = await navigator.storage.getDirectory();
    try {
      for (const p of [this.rootName, ...parts]) dir = await dir.getDirectoryHandle(p, { create });
      return dir;
    } catch (e) {
      if (!create && (e as DOMException).name === 'NotFoundError') return null;
      throw e;
    }
  }

  private async chunks(dir: FileSystemDirectoryHandle): Promise<File[]> {
    const files: File[] = [];
    // Chunk names are zero-padded indices, so name order is append order.
    for await (const [name, handle] of (dir as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
      if (name !== MARKER && handle.kind === 'file') files.push(await (handle as FileSystemFileHandle).getFile());
    }
    return files.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  private async complete(dir: FileSystemDirectoryHandle): Promise<boolean> {
    try {
      await dir.getFileHandle(MARKER);
      return true;
    } catch {
      return false;
    }
  }

  async has(key: string): Promise<boolean> {
    const dir = await this.entry(key, false);
    return dir !== null && (await this.complete(dir));
  }

  async size(key: string): Promise<number> {
    const dir = await this.entry(key, false);
    if (!dir || (await this.complete(dir))) return 0;
    return (await this.chunks(dir)).reduce((n, f) => n + f.size, 0);
  }

  async append(key: string, chunk: Uint8Array): Promise<void> {
    const dir = (await this.entry(key, true))!;
    const n = (await this.chunks(dir)).length;
    const handle = await dir.getFileHandle(String(n).padStart(8, '0'), { create: true });
    const w = await handle.createWritable();
    await w.write(chunk as BufferSource);
    await w.close();
  }

  async reset(key: string): Promise<void> {
    const parts = key.split('/');
    const parent = await this.entry(parts.slice(0, -1).join('/'), false);
    try {
      await parent?.removeEntry(parts[parts.length - 1], { recursive: true });
    } catch (e) {
      if ((e as DOMException).name !== 'NotFoundError') throw e;
    }
  }

  async finalize(key: string): Promise<void> {
    const dir = (await this.entry(key, true))!;
    await dir.getFileHandle(MARKER, { create: true });
  }

  /** The whole entry (chunks and marker) goes, as in reset. */
  discard(key: string): Promise<void> {
    return this.reset(key);
  }

  async open(key: string): Promise<Blob> {
    const dir = await this.entry(key, false);
    if (!dir || !(await this.complete(dir))) throw new Error(`hub cache: no complete file for ${key}`);
    return new Blob(await this.chunks(dir));
  }
}
