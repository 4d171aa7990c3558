// The IndexedDB storage behind "Your models" (src/able/model-store.ts): one object store, one
// transaction per read or write, through the `idb` wrapper.
import { type IDBPDatabase, openDB } from 'idb';
import type { ModelStorePort, StoredEntry } from '../../able/model-store';

export const MODELS_DB = 'able-atlas';
export const MODELS_STORE = 'your-models';

export function idbModelStore(dbName = MODELS_DB): ModelStorePort {
  let db: Promise<IDBPDatabase> | null = null;
  const open = () => {
    db ??= openDB(dbName, 1, {
      upgrade(d) {
        d.createObjectStore(MODELS_STORE);
      },
    }).catch((e: unknown) => {
      db = null;
      throw new Error(`the browser's storage (IndexedDB) is not available: ${e instanceof Error ? e.message : String(e)}`);
    });
    return db;
  };
  return {
    async entries() {
      const tx = (await open()).transaction(MODELS_STORE, 'readonly');
      const out: { key: string; value: unknown }[] = [];
      for await (const cursor of tx.store) out.push({ key: String(cursor.key), value: cursor.value });
      await tx.done;
      return out;
    },
    async put(key: string, entry: StoredEntry) {
      const tx = (await open()).transaction(MODELS_STORE, 'readwrite');
      await Promise.all([tx.store.put(entry, key), tx.done]);
    },
    async delete(key: string) {
      const tx = (await open()).transaction(MODELS_STORE, 'readwrite');
      await Promise.all([tx.store.delete(key), tx.done]);
    },
  };
}
