import * as ort from 'onnxruntime-web';
import { chooseThreads, ThreadsError } from '../able/threads';

/**
 * The one place the app configures onnxruntime-web. Threads need cross-origin isolation
 * (COOP/COEP); without it ORT would silently run single-threaded, so we say so instead.
 * `?threads=N` in the page URL overrides the count (useful to reproduce a user's setup); it is
 * clamped to the device's cores and nonsense is refused, with `note` saying so.
 */
export function configureOrt(search: string = globalThis.location?.search ?? ''): { threads: number; note: string | null } {
  ort.env.wasm.wasmPaths = '/ort/';
  const isolated = globalThis.crossOriginIsolated === true;
  const asked = new URLSearchParams(search).get('threads');
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const fallback = Math.max(1, Math.min(4, cores));
  let choice: { threads: number; note: string | null };
  try {
    choice = chooseThreads(asked, cores, fallback, 'threads');
  } catch (e) {
    if (!(e instanceof ThreadsError)) throw e;
    choice = { threads: fallback, note: `${e.message}; using ${fallback}` };
  }
  if (choice.note) choice.note = `The link's ${choice.note.replace(/^threads: /, 'threads setting: ')}`;
  const threads = isolated ? choice.threads : 1;
  ort.env.wasm.numThreads = threads;
  return { threads, note: choice.note };
}

export { ort };
