// onnxruntime-web's WASM glue copies each external initializer into its heap from the mounted
// Uint8Array: it checks `byteLength`, then calls `subarray(offset, offset + length)` once and copies
// that (the EM_ASM loader in ort-wasm-simd-threaded*.mjs, onnxruntime-web 1.30). A Uint8Array that
// answers those two with bytes made then lets a weight exist in float32 only inside the heap.
// If a later onnxruntime-web reads the data another way, the session fails or the vector differs:
// e2e/embed.spec.ts and bench/tab-embed.ts compare the tab's vector with Node's.
import type { LazyBytes } from '../../engine/index.ts';
import { freeBytes } from '../../weights/source.ts';

// The bytes handed out last: copied into the heap by the time the next weight is asked for, so
// they are freed then (detached by a zero-length transfer) instead of waiting for a GC while
// hundreds of MB of dead float32 arrays pile up during one session's creation.
let handedOut: Uint8Array | null = null;

export function mountLazy(lazy: LazyBytes): Uint8Array {
  const u = new Uint8Array(0);
  Object.defineProperties(u, {
    byteLength: { get: () => lazy.byteLength },
    subarray: {
      value: (begin?: number, end?: number) => {
        if (handedOut) freeBytes(handedOut);
        const bytes = lazy.load();
        handedOut = bytes;
        return bytes.subarray(begin, end);
      },
    },
  });
  return u;
}
