// An in-memory HubCache: for tests and for one-off browser sessions that should leave nothing behind.
import type { HubCache } from './hub';

export class MemoryHubCache implements HubCache {
  private readonly complete = new Map<string, Blob>();
  private readonly partial = new Map<string, Uint8Array[]>();

  async has(key: string): Promise<boolean> {
    return this.complete.has(key);
  }
  async size(key: string): Promise<number> {
    return (this.partial.get(key) ?? []).reduce((n, c) => n + c.length, 0);
  }
  async append(key: string, chunk: Uint8Array): Promise<void> {
    const parts = this.partial.get(key) ?? [];
    parts.push(chunk.slice());
    this.partial.set(key, parts);
  }
  async reset(key: string): Promise<void> {
    this.partial.delete(key);
  }
  async finalize(key: string): Promise<void> {
    this.complete.set(key, new Blob((this.partial.get(key) ?? []) as BlobPart[]));
    this.partial.delete(key);
  }
  async discard(key: string): Promise<void> {
    this.complete.delete(key);
  }
  async open(key: string): Promise<Blob> {
    const b = this.complete.get(key);
    if (!b) throw new Error(`hub cache: no complete file for ${key}`);
    return b;
  }
}
