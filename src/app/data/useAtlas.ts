import { useEffect, useState } from 'react';
import { readAtlas, validateAtlasJson } from '../../atlas/format';
import { parseJsonFile } from '../../atlas/inputs';
import { ExplorerData } from './explorer-data';
import { fetchBytes } from './fetch-progress';

export type AtlasLoad =
  | { status: 'loading'; stage: 'metadata' | 'embeddings'; loaded: number; total: number | null }
  | { status: 'ready'; data: ExplorerData }
  | { status: 'error'; message: string };

export const ATLAS_URL = 'atlas/atlas.json';

/** Loads the atlas: metadata JSON first, then the float16 embedding block as raw bytes. */
export function useAtlas(url = ATLAS_URL): AtlasLoad {
  const [state, setState] = useState<AtlasLoad>({ status: 'loading', stage: 'metadata', loaded: 0, total: null });
  useEffect(() => {
    const ctl = new AbortController();
    (async () => {
      const base = new URL(url, document.baseURI);
      const jsonBytes = await fetchBytes(
        base.href,
        (loaded, total) => setState({ status: 'loading', stage: 'metadata', loaded, total }),
        ctl.signal,
      );
      // refuses hostile nesting before parsing (issue 13 fuzz hang)
      const raw = parseJsonFile(new TextDecoder().decode(jsonBytes), 'atlas.json');
      // every field checked before use; embeddings.file must stay beside atlas.json (same origin)
      const meta = validateAtlasJson(raw);
      const binUrl = new URL(meta.embeddings.file, base);
      if (binUrl.origin !== base.origin) throw new Error(`atlas.json: embeddings.file points to another origin (${binUrl.origin})`);
      const bin = await fetchBytes(
        binUrl.href,
        (loaded, total) => setState({ status: 'loading', stage: 'embeddings', loaded, total }),
        ctl.signal,
      );
      // readAtlas checks the block's size and the rows against the metadata
      setState({ status: 'ready', data: new ExplorerData(readAtlas(meta, bin)) });
    })().catch((e: unknown) => {
      if (!ctl.signal.aborted) setState({ status: 'error', message: e instanceof Error ? e.message : String(e) });
    });
    return () => ctl.abort();
  }, [url]);
  return state;
}
