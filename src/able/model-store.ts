// "Your models": embeddings kept between visits (issue 13). Each entry holds the embedding file
// exactly as it was saved or imported (an `*.able.json` text or an `*.able.bin`, see
// embedding-file.ts), so export gives back the same bytes. The storage itself is a port: the app
// plugs in IndexedDB (src/platform/web/model-store-idb.ts), tests an in-memory or fake one. Loading
// validates every entry on its own: one corrupt entry is reported by name and skipped, the others
// load.
import { type EmbeddingRecord, parseEmbeddingBin, parseEmbeddingJson } from './embedding-file';

/** What one stored entry holds (the value under its key). */
export interface StoredEntry {
  version: 1;
  label: string;
  /** the name export gives the file */
  fileName: string;
  /** ISO date of saving */
  savedAt: string;
  /** the embedding file, byte for byte */
  bytes: Uint8Array;
}

/** The storage: every write is one transaction (all of it is stored or none). */
export interface ModelStorePort {
  /** every entry as stored, not yet checked (a value may be anything: the storage is the user's) */
  entries(): Promise<{ key: string; value: unknown }[]>;
  put(key: string, entry: StoredEntry): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface StoredModel {
  key: string;
  label: string;
  fileName: string;
  savedAt: string;
  bytes: Uint8Array;
  record: EmbeddingRecord;
}

export interface StoreProblem {
  key: string;
  /** the entry's label when that much could be read */
  label: string | null;
  message: string;
}

const BIN_MAGIC = [0x41, 0x42, 0x4c, 0x45, 0x45, 0x4d, 0x42, 0x31]; // ABLEEMB1

/** An embedding file of either form: `*.able.bin` by its magic, else `*.able.json` text. */
export async function parseEmbeddingFile(bytes: Uint8Array): Promise<EmbeddingRecord> {
  if (bytes.length >= 8 && BIN_MAGIC.every((b, i) => bytes[i] === b)) return parseEmbeddingBin(bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('embedding file: neither an .able.bin (no ABLEEMB1 magic) nor UTF-8 JSON text');
  }
  return parseEmbeddingJson(text);
}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : v instanceof Uint8Array ? 'bytes' : typeof v);

/** One stored value, checked field by field and its embedding file parsed; throws a specific Error. */
export async function readStoredEntry(key: string, value: unknown): Promise<StoredModel> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`expected a stored entry, got ${kindOf(value)}`);
  const v = value as Record<string, unknown>;
  if (v.version !== 1) throw new Error(`unknown entry version ${JSON.stringify(v.version) ?? 'undefined'}`);
  for (const f of ['label', 'fileName', 'savedAt'] as const) if (typeof v[f] !== 'string') throw new Error(`${f}: expected a string, got ${kindOf(v[f])}`);
  if (!(v.bytes instanceof Uint8Array)) throw new Error(`bytes: expected the embedding file's bytes, got ${kindOf(v.bytes)}`);
  const record = await parseEmbeddingFile(v.bytes);
  return { key, label: v.label as string, fileName: v.fileName as string, savedAt: v.savedAt as string, bytes: v.bytes, record };
}

/** Every stored model that reads back, newest first; every entry that does not, as a problem. */
export async function loadStoredModels(port: ModelStorePort): Promise<{ models: StoredModel[]; problems: StoreProblem[] }> {
  const models: StoredModel[] = [];
  const problems: StoreProblem[] = [];
  for (const { key, value } of await port.entries()) {
    try {
      models.push(await readStoredEntry(key, value));
    } catch (e) {
      const label = typeof value === 'object' && value !== null && typeof (value as { label?: unknown }).label === 'string' ? (value as { label: string }).label : null;
      problems.push({ key, label, message: e instanceof Error ? e.message : String(e) });
    }
  }
  models.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : a.key.localeCompare(b.key)));
  return { models, problems };
}

/**
 * Stores an embedding file under a new key after checking it parses (a file that would not load
 * back is refused here, with the parser's error). `key` is the caller's (unique per entry).
 */
export async function saveStoredModel(
  port: ModelStorePort,
  o: { key: string; label: string; fileName: string; bytes: Uint8Array; now?: Date },
): Promise<StoredModel> {
  const record = await parseEmbeddingFile(o.bytes);
  const entry: StoredEntry = { version: 1, label: o.label, fileName: o.fileName, savedAt: (o.now ?? new Date()).toISOString(), bytes: o.bytes.slice() };
  await port.put(o.key, entry);
  return { key: o.key, label: entry.label, fileName: entry.fileName, savedAt: entry.savedAt, bytes: entry.bytes, record };
}

/** A stored model's name for lists and messages: its label, else the hub id or file name. */
export const recordName = (r: EmbeddingRecord): string => ('hubId' in r.model ? r.model.hubId : r.model.file);

/** The message shown for an entry that could not be read. */
export const problemText = (p: StoreProblem): string =>
  `Stored model ${JSON.stringify(p.label ?? p.key)} could not be read and was skipped: ${p.message}`;
