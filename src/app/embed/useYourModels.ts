// "Your models" in the app: the stored embeddings (src/able/model-store.ts over IndexedDB) as React
// state, with save, import, export and remove. Storage code stays in the store module.
import { useCallback, useEffect, useState } from 'react';
import type { EmbeddingRecord } from '../../able/embedding-file';
import { loadStoredModels, type ModelStorePort, recordName, type StoreProblem, type StoredModel, saveStoredModel } from '../../able/model-store';
import { reaggregateRecord } from '../../able/reaggregate-record';
import type { AbleSpec } from '../../able/spec';
import { idbModelStore } from '../../platform/web/model-store-idb';
import { safeName } from '../export/export';

export type YourModelsState =
  | { status: 'loading' }
  | { status: 'ready'; models: StoredModel[]; problems: StoreProblem[] }
  | { status: 'error'; message: string };

/** The file name an embedding is downloaded and exported under. */
export const embeddingFileName = (rec: EmbeddingRecord, ext: 'json' | 'bin' = 'json') => `${safeName(recordName(rec))}.${rec.specHash.slice(0, 12)}.able.${ext}`;

let defaultPort: ModelStorePort | null = null;
const browserStore = (): ModelStorePort => {
  defaultPort ??= idbModelStore();
  return defaultPort;
};
const newKey = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A kept embedding as this atlas reads it: one of another method version (same probe set and
 * attribution) is re-aggregated (exact, no model run; docs/method.md). The stored bytes stay as they
 * were, and Export gives them back unchanged.
 */
async function forAtlas(m: StoredModel, atlas: AbleSpec | null): Promise<StoredModel> {
  const r = m.record.spec;
  if (!atlas || r.methodVersion === atlas.methodVersion || r.probeSet.sha256 !== atlas.probeSet.sha256 || r.attribution !== atlas.attribution || r.dtype !== atlas.dtype) return m;
  try {
    return { ...m, record: await reaggregateRecord(m.record, atlas.methodVersion, m.savedAt) };
  } catch {
    return m; // a probe set this build does not carry: listed as it is, not placed
  }
}

export function useYourModels(atlasSpec: AbleSpec | null = null, port: ModelStorePort = browserStore()) {
  const [state, setState] = useState<YourModelsState>({ status: 'loading' });
  /** the last save, import or remove that failed (or null) */
  const [note, setNote] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const { models, problems } = await loadStoredModels(port);
      setState({ status: 'ready', models: await Promise.all(models.map((m) => forAtlas(m, atlasSpec))), problems });
    } catch (e) {
      setState({ status: 'error', message: `Your models could not be loaded: ${message(e)}` });
    }
  }, [port, atlasSpec]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const save = useCallback(
    async (label: string, fileName: string, bytes: Uint8Array) => {
      try {
        const m = await saveStoredModel(port, { key: newKey(), label, fileName, bytes });
        setNote(null);
        await reload();
        return m;
      } catch (e) {
        setNote(`${label} was not kept: ${message(e)}`);
        return null;
      }
    },
    [port, reload],
  );
  const importFiles = useCallback(
    async (files: File[]) => {
      const failed: string[] = [];
      for (const f of files) {
        try {
          await saveStoredModel(port, { key: newKey(), label: f.name.replace(/\.able\.(json|bin)$/i, ''), fileName: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
        } catch (e) {
          failed.push(`${f.name}: ${message(e)}`);
        }
      }
      setNote(failed.length ? `Not imported: ${failed.join('; ')}` : null);
      await reload();
    },
    [port, reload],
  );
  const remove = useCallback(
    async (key: string) => {
      try {
        await port.delete(key);
        setNote(null);
      } catch (e) {
        setNote(`Could not remove it: ${message(e)}`);
      }
      await reload();
    },
    [port, reload],
  );
  return { state, note, save, importFiles, remove };
}
