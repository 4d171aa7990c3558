import { useEffect, useState } from 'react';
import { atlasOf, validateAtlasJson } from '../../atlas/format';
import { parseJsonFile } from '../../atlas/inputs';
import { AtlasVectors } from './atlas-vectors';
import { ExplorerData } from './explorer-data';
import { whenIdle } from '../idle';
import { fetchBytes } from './fetch-progress';

/** The embedding block, loaded after the metadata: the map does not wait for it. */
export type VectorsLoad = { status: 'loading'; bytes: number } | { status: 'ready'; vectors: AtlasVectors } | { status: 'error'; message: string };

export type AtlasLoad =
  | { status: 'loading'; loaded: number; total: number | null } // atlas.json; the embedding block is VectorsLoad
  | { status: 'ready'; data: ExplorerData; vectors: VectorsLoad }
  | { status: 'error'; message: string };

export const ATLAS_URL = 'atlas/atlas.json';
/** rows decoded per idle slice (500 x 2022 values: a few ms) */
const WARM_ROWS = 500;

/** Loads the atlas: metadata JSON first (then the explorer shows), then the float16 embedding block
 * as raw bytes, fetched at once but without per-chunk progress: a state change re-renders the
 * explorer, so the block reports only when it is there. */
export function useAtlas(url = ATLAS_URL): AtlasLoad {
  const [state, setState] = useState<AtlasLoad>({ status: 'loading', loaded: 0, total: null });
  useEffect(() => {
    const ctl = new AbortController();
    let data: ExplorerData | null = null;
    (async () => {
      const base = new URL(url, document.baseURI);
      const jsonBytes = await fetchBytes(
        base.href,
        (loaded, total) => setState({ status: 'loading', loaded, total }),
        ctl.signal,
      );
      // refuses hostile nesting before parsing (issue 13 fuzz hang)
      const raw = parseJsonFile(new TextDecoder().decode(jsonBytes), 'atlas.json');
      // every field checked before use; embeddings.file must stay beside atlas.json (same origin)
      const meta = validateAtlasJson(raw);
      const binUrl = new URL(meta.embeddings.file, base);
      if (binUrl.origin !== base.origin) throw new Error(`atlas.json: embeddings.file points to another origin (${binUrl.origin})`);
      const ready = new ExplorerData(meta);
      data = ready;
      setState({ status: 'ready', data: ready, vectors: { status: 'loading', bytes: meta.embeddings.rows * meta.dim * 2 } });
      // requested once the map has painted (the main thread is idle): receiving 40 MB runs on the
      // main thread in many small tasks that would otherwise compete with the first paint
      await new Promise<void>((r) => whenIdle(r, 500));
      const res = await fetch(binUrl.href, { signal: ctl.signal });
      if (!res.ok) throw new Error(`${binUrl.href}: HTTP ${res.status} ${res.statusText}`);
      const bin = new Uint8Array(await res.arrayBuffer());
      // atlasOf checks the block's size against the (validated) metadata
      const vectors = new AtlasVectors(atlasOf(meta, bin));
      setState({ status: 'ready', data: ready, vectors: { status: 'ready', vectors } });
      // decoded in idle time, ~5 ms at a time, so the first selection does not wait ~130 ms for it
      const warm = () => {
        if (!ctl.signal.aborted && !vectors.warm(WARM_ROWS)) whenIdle(warm);
      };
      whenIdle(warm);
    })().catch((e: unknown) => {
      if (ctl.signal.aborted) return;
      const message = e instanceof Error ? e.message : String(e);
      // a broken embedding block leaves the map usable: only what needs vectors reports it
      setState(data ? { status: 'ready', data, vectors: { status: 'error', message } } : { status: 'error', message });
    });
    return () => ctl.abort();
  }, [url]);
  return state;
}
