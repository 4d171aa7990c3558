// The protocol between the embed dialog and embed.worker.ts. File objects and the result vector
// cross the boundary as structured clones (the vector's buffer is transferred).
import type { EmbeddingRecord } from '../../able/embedding-file';
import type { AbleSpec } from '../../able/spec';

export type EmbedSource =
  | { kind: 'files'; files: File[]; name: string }
  | { kind: 'hub'; ref: string; endpoint: string; gguf?: string };

export type BackendChoice = 'auto' | 'wasm';

export interface EmbedRequest {
  type: 'start';
  source: EmbedSource;
  backend: BackendChoice;
  /** WASM threads (1 without cross-origin isolation) */
  threads: number;
  /** the atlas's spec: the tab embeds under it (probe set, attribution); null: the built-in v1 + gxi */
  atlasSpec: AbleSpec | null;
  /** the atlas's spec hash: refuse before any work when the tab would compute another spec */
  atlasSpecHash: string | null;
  /** refuse up front when the weight files together are larger than this */
  maxWeightBytes: number;
  /** a Web Lock the worker holds while it lives: the page learns of a silent death when it is freed */
  lifeLock?: string;
  /** e2e builds only (window.__ableEmbedTest): a fault injected at a step; production builds drop it */
  test?: EmbedTestHook;
  /** e2e builds only (bench/tab-embed.ts): embed just these probes of the set, under no atlas spec; production builds drop it */
  probeIds?: string[];
}

/**
 * The e2e fault hook: at the first event of step `at`, the worker crashes (an uncaught error), runs
 * out of memory (an uncaught allocation failure), vanishes without a word (closes itself, as a
 * worker the browser kills does), or holds the step busy for `ms` (so a cancel lands inside it). Read only when import.meta.env.MODE is 'e2e'.
 */
export interface EmbedTestHook {
  at: EmbedPhase;
  action: 'crash' | 'oom' | 'hold' | 'vanish';
  ms?: number;
}

export type EmbedPhase = 'check' | 'download' | 'open' | 'session' | 'probe' | 'hash';

export type EmbedEvent =
  | { type: 'alive' }
  | { type: 'phase'; phase: EmbedPhase; detail: string }
  | { type: 'download'; file: string; loaded: number; total: number | null; bytesDone: number; bytesTotal: number | null }
  | { type: 'probe'; done: number; total: number; probeId: string; ms: number }
  | { type: 'session'; done: number; total: number; ms: number }
  | { type: 'done'; record: EmbeddingRecord; label: string; provider: string; threads: number; wallMs: number; downloadMs: number; embedMs: number }
  | { type: 'error'; message: string };

/** A failure that is the tab running out of memory (wasm heap, array buffers, onnxruntime aborts). */
export const isOutOfMemory = (msg: string) => /out of memory|allocation failed|memory access out of bounds|Aborted\(\)/i.test(msg);

/** The default refusal threshold: WASM has a 4 GB heap, and the weights share it with ORT's copies. */
export const MAX_WEIGHT_BYTES = 1.5e9;

export const formatBytes = (n: number) =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
