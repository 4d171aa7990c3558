// `able atlas build`, the pure part: which manifest entries a shard owns and what file each becomes.
// Shard i/n (1-based) owns the entries whose index in the manifest satisfies index % n == i - 1:
// modulo rather than contiguous blocks, so shards stay balanced in size when the manifest (sorted
// by id) has runs of large models. The file name carries the spec hash, so a rerun or a different
// shard finds finished work by name and skips it.

export interface Shard {
  index: number; // 1-based
  count: number;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) throw new Error(`--shard: expected i/n with 1 <= i <= n, got "${s}"`);
  return { index, count };
}

export function shardEntries<T>(entries: T[], shard: Shard = { index: 1, count: 1 }): T[] {
  return entries.filter((_, i) => i % shard.count === shard.index - 1);
}

/** A file-name-safe form of a hub id or file name: "/" becomes "__", anything unusual "_". */
export const sanitizeId = (id: string): string => id.replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '_');

export const embeddingFileName = (id: string, specHash: string): string =>
  `${sanitizeId(id)}.${specHash.slice(0, 12)}.able.json`;

/** Where a shard records the models that failed (one file per shard, so shards never collide). */
export const failuresFileName = (shard: Shard = { index: 1, count: 1 }): string =>
  shard.count === 1 ? 'failures.json' : `failures.${shard.index}-of-${shard.count}.json`;
