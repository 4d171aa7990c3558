import * as ort from 'onnxruntime-web';

/**
 * The one place the app configures onnxruntime-web. Threads need cross-origin isolation
 * (COOP/COEP); without it ORT would silently run single-threaded, so we say so instead.
 * `?threads=N` in the page URL overrides the count (useful to reproduce a user's setup).
 */
export function configureOrt(search: string = globalThis.location?.search ?? ''): { threads: number } {
  ort.env.wasm.wasmPaths = '/ort/';
  const isolated = globalThis.crossOriginIsolated === true;
  const asked = Number(new URLSearchParams(search).get('threads'));
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const threads = !isolated ? 1 : asked > 0 ? Math.floor(asked) : Math.max(1, Math.min(4, cores));
  ort.env.wasm.numThreads = threads;
  return { threads };
}

export { ort };
