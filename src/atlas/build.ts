// `able atlas build`, the pure part: which manifest entries a shard owns and what file each becomes.
// Shard i/n (1-based) owns the entries whose index in the manifest satisfies index % n == i - 1:
// modulo rather than contiguous blocks, so shards stay balanced in size when the manifest (sorted
// by id) has runs of large models. The file name carries the spec hash, so a rerun or a different
// shard finds finished work by name and skips it.
import { type EmbeddingRecord, embeddingToJson, parseEmbeddingJson } from '../able/embedding-file';
import type { ManifestEntry } from './manifest';
import { embeddingId } from './merge';


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

// ---------------------------------------------------------------------------------------------
// The resumable build loop. Files go through an injected port (Node: src/cli/node-files.ts), so
// this stays free of Node; the port's `replace` is what makes every result atomic.


/** File access the atlas commands need. Paths are joined with "/". */
export interface FilePort {
  /** The file's bytes, or null when there is no file at `path`. */
  read(path: string): Promise<Uint8Array | null>;
  /**
   * Replaces the files as one unit: each is written to a temporary file in its own folder and
   * synced, and only when all are written are they renamed over their final names. A failure
   * (a full disk, a kill) leaves the previous files untouched and no temporary behind.
   */
  replace(files: { path: string; data: Uint8Array | string }[]): Promise<void>;
  mkdirp(dir: string): Promise<void>;
}

export const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

export interface BuildOptions {
  manifest: { models: ManifestEntry[] };
  outDir: string;
  /** spec hash of the embeddings to build (names the files, so finished ones are found) */
  specHash: string;
  shard?: Shard;
  embedOne: (entry: ManifestEntry) => Promise<EmbeddingRecord>;
  files: FilePort;
  log?: (line: string) => void;
}
export interface BuildSummary {
  done: string[];
  skipped: string[];
  /** finished-looking files that failed validation and were computed again */
  redone: { id: string; reason: string }[];
  failed: { id: string; error: string }[];
}

/**
 * Why an existing result file cannot be taken as finished (null when it can): it must parse as
 * an embedding file (format, fields, unit norm, spec hash recomputed), carry the expected spec
 * hash and be of the expected model. A half-written file from a full disk or a kill fails here.
 */
export async function checkFinished(bytes: Uint8Array, id: string, specHash: string): Promise<string | null> {
  let rec: EmbeddingRecord;
  try {
    rec = await parseEmbeddingJson(new TextDecoder().decode(bytes));
  } catch (e) {
    return (e as Error).message;
  }
  if (rec.specHash !== specHash) return `spec ${rec.specHash.slice(0, 12)}, expected ${specHash.slice(0, 12)}`;
  if (embeddingId(rec) !== id) return `embedding of ${embeddingId(rec)}, expected ${id}`;
  return null;
}

/** Embeds this shard's models one by one; skips valid finished files; a failure is recorded, not fatal. */
export async function buildAtlas(o: BuildOptions): Promise<BuildSummary> {
  const log = o.log ?? (() => {});
  await o.files.mkdirp(o.outDir);
  const mine = shardEntries(o.manifest.models, o.shard);
  const res: BuildSummary = { done: [], skipped: [], redone: [], failed: [] };
  for (const [k, entry] of mine.entries()) {
    const file = joinPath(o.outDir, embeddingFileName(entry.id, o.specHash));
    const tag = `[${k + 1}/${mine.length}] ${entry.id}`;
    const existing = await o.files.read(file);
    if (existing) {
      const bad = await checkFinished(existing, entry.id, o.specHash);
      if (bad === null) {
        res.skipped.push(entry.id);
        log(`${tag}: exists, skipped`);
        continue;
      }
      res.redone.push({ id: entry.id, reason: bad });
      log(`${tag}: ${file} is not a finished embedding (${bad}); computing it again`);
    }
    const t0 = Date.now();
    try {
      const rec = await o.embedOne(entry);
      if (rec.specHash !== o.specHash) throw new Error(`embedding has spec ${rec.specHash.slice(0, 12)}, expected ${o.specHash.slice(0, 12)}`);
      if (embeddingId(rec) !== entry.id) throw new Error(`embedding is of ${embeddingId(rec)}, expected ${entry.id}`);
      await o.files.replace([{ path: file, data: embeddingToJson(rec, { base64: true }) }]);
      res.done.push(entry.id);
      log(`${tag}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      res.failed.push({ id: entry.id, error });
      log(`${tag}: FAILED: ${error}`);
    }
  }
  // Written even when empty: an empty list is the record that this shard finished cleanly.
  await o.files.replace([{ path: joinPath(o.outDir, failuresFileName(o.shard)), data: `${JSON.stringify(res.failed, null, 1)}\n` }]);
  log(
    `shard ${o.shard?.index ?? 1}/${o.shard?.count ?? 1}: ${res.done.length} done, ${res.skipped.length} skipped, ${res.failed.length} failed`,
  );
  return res;
}
