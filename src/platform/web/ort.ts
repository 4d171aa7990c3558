import * as ort from 'onnxruntime-web';
import { chooseThreads, ThreadsError } from '../../able/threads';

/**
 * The one place onnxruntime-web is configured, for the page and for the embed worker (which has
 * its own copy of the module). Threads need cross-origin isolation (COOP/COEP); without it ORT
 * would silently run single-threaded, so we say so instead. `?threads=N` in the page URL overrides
 * the count (useful to reproduce a user's setup): clamped to the device's cores, nonsense refused,
 * `note` saying so (issue 13: a link asking for a million threads made the tab try). The worker
 * passes the page's count.
 */
export function configureOrt(o: { search?: string; threads?: number } = {}): { threads: number; note: string | null } {
  ort.env.wasm.wasmPaths = '/ort/';
  let threads = o.threads;
  let note: string | null = null;
  if (threads === undefined) {
    const isolated = globalThis.crossOriginIsolated === true;
    const asked = new URLSearchParams(o.search ?? globalThis.location?.search ?? '').get('threads');
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    const fallback = Math.max(1, Math.min(4, cores));
    let choice: { threads: number; note: string | null };
    try {
      choice = chooseThreads(asked, cores, fallback, 'threads');
    } catch (e) {
      if (!(e instanceof ThreadsError)) throw e;
      choice = { threads: fallback, note: `${e.message}; using ${fallback}` };
    }
    if (choice.note) note = `The link's ${choice.note.replace(/^threads: /, 'threads setting: ')}`;
    threads = isolated ? choice.threads : 1;
  }
  ort.env.wasm.numThreads = threads;
  return { threads, note };
}

export { ort };
