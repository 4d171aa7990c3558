// The web-platform globals the core (engine, weights, text, models, able, atlas) may use: those that
// Node 20 and browsers both provide. tsconfig.core.json gives the core these and no DOM or Node
// types, so a `document`, `window` or `node:fs` in the core fails to typecheck.

type BufferSource = ArrayBufferView | ArrayBuffer;
type BlobPart = BufferSource | Blob | string;

interface Blob {
  readonly size: number;
  readonly type: string;
  slice(start?: number, end?: number, contentType?: string): Blob;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}
declare var Blob: { prototype: Blob; new (parts?: BlobPart[], options?: { type?: string }): Blob };
interface File extends Blob {
  readonly name: string;
}

interface Headers {
  get(name: string): string | null;
}
interface ReadableStreamReaderLike {
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; value?: undefined }>;
  releaseLock(): void;
}
interface Response {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: { cancel(): Promise<void>; getReader(): ReadableStreamReaderLike } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  json(): Promise<any>;
  text(): Promise<string>;
  blob(): Promise<Blob>;
}
interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  redirect?: 'follow' | 'error' | 'manual';
  signal?: unknown;
}
declare function fetch(input: string, init?: RequestInit): Promise<Response>;

declare var TextEncoder: { new (): { encode(input?: string): Uint8Array } };
declare var TextDecoder: {
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): { decode(input?: BufferSource, options?: { stream?: boolean }): string };
};
declare var performance: { now(): number };
declare var crypto: { subtle: { digest(algorithm: 'SHA-256', data: BufferSource): Promise<ArrayBuffer> } };
declare function atob(data: string): string;
declare function btoa(data: string): string;

// WebAssembly, as far as src/atlas/row-dots.ts uses it (Node and browsers both have it).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}
