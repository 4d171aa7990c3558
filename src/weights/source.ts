import { WeightsError } from './errors.ts';

/**
 * Random access to the bytes of one weights file. Readers only ever ask for ranges, so a
 * browser File, an HTTP server that honours Range requests and a Node file (src/cli/node-source.ts)
 * all work the same and a multi-GB file is never loaded whole.
 */
export interface ByteSource {
  /** File name or URL, used in error messages. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes starting at `offset`; rejects with WeightsError past the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * The same, synchronously, where the platform can (a Blob in a worker, by FileReaderSync): the
   * tab's weights made on demand re-read their quantized blocks instead of keeping them. Fresh
   * bytes each call, never a view of a shared buffer: the caller frees them once dequantized.
   */
  readSync?(offset: number, length: number): Uint8Array;
}

/**
 * Frees bytes no one else holds (readSync's, a fresh dequantized array) now rather than at a later
 * GC, by detaching their buffer (ES2024 ArrayBuffer.prototype.transfer; a no-op where it is missing).
 */
export function freeBytes(a: ArrayBufferView): void {
  (a.buffer as { transfer?: (length: number) => ArrayBuffer }).transfer?.(0);
}

/** Throws unless [offset, offset+length) lies inside the source. */
export function checkRange(source: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new WeightsError(source.name, `invalid read range offset=${offset} length=${length}`);
  }
  if (offset + length > source.size) {
    throw new WeightsError(
      source.name,
      `read of ${length} bytes at offset ${offset} goes past the end of the file (size ${source.size})`,
    );
  }
}

/** Bytes already in memory. `read` returns views, not copies: callers must not write to them. */
export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
  ) {
    this.size = bytes.byteLength;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}

type SyncReader = new () => { readAsArrayBuffer(blob: Blob): ArrayBuffer };

/** A Blob or a browser File (a File is a Blob with a name). */
export class BlobSource implements ByteSource {
  readonly size: number;
  readonly name: string;
  readonly readSync?: (offset: number, length: number) => Uint8Array;
  constructor(
    private readonly blob: Blob,
    name?: string,
  ) {
    this.size = blob.size;
    this.name = name ?? (blob as Partial<File>).name ?? 'blob';
    // only workers have FileReaderSync
    const Reader = (globalThis as { FileReaderSync?: SyncReader }).FileReaderSync;
    if (Reader)
      this.readSync = (offset, length) => {
        checkRange(this, offset, length);
        const buf = new Reader().readAsArrayBuffer(this.blob.slice(offset, offset + length));
        if (buf.byteLength !== length) throw new WeightsError(this.name, `short read: got ${buf.byteLength} of ${length} bytes at offset ${offset}`);
        return new Uint8Array(buf);
      };
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    const buf = await this.blob.slice(offset, offset + length).arrayBuffer();
    if (buf.byteLength !== length) {
      throw new WeightsError(this.name, `short read: got ${buf.byteLength} of ${length} bytes at offset ${offset}`);
    }
    return new Uint8Array(buf);
  }
}

/**
 * A file on an HTTP server that honours `Range` (the Hugging Face hub, a CDN, a local test server).
 * Create with `HttpRangeSource.open(url)`, which learns the size from the first response.
 */
export class HttpRangeSource implements ByteSource {
  constructor(
    readonly name: string,
    readonly size: number,
    private readonly url: string,
    private readonly fetchFn: typeof fetch = globalThis.fetch.bind(globalThis),
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Learns the size with a one-byte range request (HEAD sizes can be wrong behind redirects). */
  static async open(
    url: string,
    options: { fetch?: typeof fetch; headers?: Record<string, string>; name?: string } = {},
  ): Promise<HttpRangeSource> {
    const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    const headers = options.headers ?? {};
    const name = options.name ?? url;
    const res = await fetchFn(url, { headers: { ...headers, Range: 'bytes=0-0' } });
    if (res.status !== 206 && res.status !== 200) {
      throw new WeightsError(name, `HTTP ${res.status} ${res.statusText} when opening`);
    }
    let size: number;
    const contentRange = res.headers.get('content-range');
    const m = contentRange ? /\/(\d+)\s*$/.exec(contentRange) : null;
    if (res.status === 206 && m) size = Number(m[1]);
    else if (res.status === 200 && res.headers.get('content-length') !== null)
      size = Number(res.headers.get('content-length'));
    else throw new WeightsError(name, 'server gave no file size (no Content-Range or Content-Length)');
    await res.body?.cancel();
    return new HttpRangeSource(name, size, url, fetchFn, headers);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    if (length === 0) return new Uint8Array(0);
    const res = await this.fetchFn(this.url, {
      headers: { ...this.headers, Range: `bytes=${offset}-${offset + length - 1}` },
    });
    if (res.status !== 206) {
      await res.body?.cancel();
      throw new WeightsError(
        this.name,
        `HTTP ${res.status} for range ${offset}-${offset + length - 1} (the server must honour Range requests)`,
      );
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength !== length) {
      throw new WeightsError(this.name, `short read: got ${bytes.byteLength} of ${length} bytes at offset ${offset}`);
    }
    return bytes;
  }
}
