import * as ort from 'onnxruntime-web';

/**
 * The one place onnxruntime-web is configured, for the page and for the embed worker (which has
 * its own copy of the module). Threads need cross-origin isolation (COOP/COEP); without it ORT
 * would silently run single-threaded, so we say so instead. `?threads=N` in the page URL overrides
 * the count (useful to reproduce a user's setup); the worker passes the page's count.
 */
export function configureOrt(o: { search?: string; threads?: number } = {}): { threads: number } {
  ort.env.wasm.wasmPaths = '/ort/';
  let threads = o.threads;
  if (threads === undefined) {
    const isolated = globalThis.crossOriginIsolated === true;
    const asked = Number(new URLSearchParams(o.search ?? globalThis.location?.search ?? '').get('threads'));
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    threads = !isolated ? 1 : asked > 0 ? Math.floor(asked) : Math.max(1, Math.min(4, cores));
  }
  ort.env.wasm.numThreads = threads;
  return { threads };
}

export { ort };
