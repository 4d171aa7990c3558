// "Your models" store logic over the real IndexedDB adapter, on fake-indexeddb (an in-memory
// IndexedDB for Node; the e2e tests run the same code on Chromium's). Inputs are embedding files our
// pipeline wrote (lab/embeddings).
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { idbModelStore, MODELS_STORE } from '../platform/web/model-store-idb';
import { embeddingToBin, parseEmbeddingJson } from './embedding-file';
import { loadStoredModels, parseEmbeddingFile, problemText, saveStoredModel } from './model-store';

const DIR = new URL('../../lab/embeddings/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.able.json')).sort().slice(0, 3);
const bytesOf = (f: string) => new Uint8Array(readFileSync(new URL(f, DIR)));
let n = 0;
const freshDb = () => `test-${++n}-${Date.now()}`;

describe('Your models store (IndexedDB)', () => {
  it('saves, lists (newest first) and reads back every file byte for byte, across a reopened database', async () => {
    const db = freshDb();
    const store = idbModelStore(db);
    for (const [i, f] of files.entries())
      await saveStoredModel(store, { key: `k${i}`, label: f.split('.')[0], fileName: f, bytes: bytesOf(f), now: new Date(Date.UTC(2026, 0, 1 + i)) });
    // a new adapter on the same database: what a reload sees
    const { models, problems } = await loadStoredModels(idbModelStore(db));
    expect(problems).toEqual([]);
    expect(models.map((m) => m.key)).toEqual(['k2', 'k1', 'k0']);
    for (const m of models) {
      const orig = bytesOf(m.fileName);
      expect(Buffer.from(m.bytes).equals(Buffer.from(orig))).toBe(true);
      const ref = await parseEmbeddingJson(new TextDecoder().decode(orig));
      expect(Buffer.from(m.record.vector.buffer).equals(Buffer.from(ref.vector.buffer))).toBe(true);
      expect(m.record.specHash).toBe(ref.specHash);
    }
  });

  it('keeps the binary form too (.able.bin), bit-exact', async () => {
    const rec = await parseEmbeddingJson(readFileSync(new URL(files[0], DIR), 'utf8'));
    const bin = embeddingToBin(rec);
    const store = idbModelStore(freshDb());
    await saveStoredModel(store, { key: 'b', label: 'bin', fileName: 'x.able.bin', bytes: bin });
    const [m] = (await loadStoredModels(store)).models;
    expect(Buffer.from(m.bytes).equals(Buffer.from(bin))).toBe(true);
    expect(Array.from(m.record.vector)).toEqual(Array.from(rec.vector));
  });

  it('removes one entry and leaves the others', async () => {
    const store = idbModelStore(freshDb());
    await saveStoredModel(store, { key: 'a', label: 'a', fileName: files[0], bytes: bytesOf(files[0]) });
    await saveStoredModel(store, { key: 'b', label: 'b', fileName: files[1], bytes: bytesOf(files[1]) });
    await store.delete('a');
    expect((await loadStoredModels(store)).models.map((m) => m.key)).toEqual(['b']);
  });

  it('refuses to store a file that would not load back, with the parser error, and stores nothing', async () => {
    const store = idbModelStore(freshDb());
    const bad = bytesOf(files[0]).slice(0, 500);
    await expect(saveStoredModel(store, { key: 'x', label: 'x', fileName: 'x', bytes: bad })).rejects.toThrow(/embedding file: not valid JSON/);
    expect(await store.entries()).toEqual([]);
  });

  it('reports a corrupted entry by name and still loads the others', async () => {
    const db = freshDb();
    const store = idbModelStore(db);
    await saveStoredModel(store, { key: 'good', label: 'good one', fileName: files[0], bytes: bytesOf(files[0]) });
    // garbage written behind the app's back: a truncated file, a wrong type, a non-object
    const raw = await openDB(db, 1);
    const good = await raw.get(MODELS_STORE, 'good');
    await raw.put(MODELS_STORE, { ...good, label: 'truncated', bytes: good.bytes.slice(0, 1000) }, 'trunc');
    await raw.put(MODELS_STORE, { ...good, label: 'no bytes', bytes: 'garbage' }, 'nobytes');
    await raw.put(MODELS_STORE, 'garbage', 'str');
    raw.close();
    const { models, problems } = await loadStoredModels(idbModelStore(db));
    expect(models.map((m) => m.label)).toEqual(['good one']);
    expect(problems.map((p) => [p.key, p.label])).toEqual([
      ['nobytes', 'no bytes'],
      ['str', null],
      ['trunc', 'truncated'],
    ]);
    expect(problemText(problems[0])).toBe('Stored model "no bytes" could not be read and was skipped: bytes: expected the embedding file\'s bytes, got string');
    expect(problemText(problems[1])).toBe('Stored model "str" could not be read and was skipped: expected a stored entry, got string');
    expect(problems[2].message).toMatch(/not valid JSON/);
  });

  it('parseEmbeddingFile names what it cannot read', async () => {
    await expect(parseEmbeddingFile(new Uint8Array([0xff, 0xfe, 0x00]))).rejects.toThrow(/neither an \.able\.bin .* nor UTF-8 JSON text/);
  });
});
