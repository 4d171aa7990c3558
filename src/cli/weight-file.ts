// Node: a model's weights written once, tensor by tensor, into one scratch file that onnxruntime
// memory-maps, instead of float32 copies held in the JS heap that ORT then copies again into its
// own initializers. Each tensor is dequantized, written and dropped, so loading holds one tensor at
// a time; every session (one per length bucket) maps the same file, whose pages are clean page
// cache the kernel can reclaim under pressure. docs/benchmarks.md has the measurements.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { StoredTensor, WeightStore } from '../models/index.ts';

/** ORT maps spans from an aligned offset; 64 KiB covers every page size / allocation granularity. */
const ALIGN = 64 * 1024;

// Scratch files not yet removed. A signal's default action ends the process without 'exit'
// listeners running, so while any file lives, SIGINT / SIGTERM / SIGHUP remove them all and then
// re-raise the signal with the default action restored (same exit status as without us).
const live = new Set<WeightFile>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
function onSignal(signal: NodeJS.Signals): void {
  for (const f of [...live]) f.remove();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

export class WeightFile {
  private size = 0;
  private fd: number | null;
  private readonly cleanup = () => this.remove();

  private constructor(
    readonly dir: string,
    readonly path: string,
  ) {
    this.fd = openSync(path, 'w');
    process.once('exit', this.cleanup);
    if (live.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
    live.add(this);
  }

  /** A fresh folder under ABLE_TMPDIR (default: the OS temp folder), which must be on disk, not tmpfs. */
  static create(): WeightFile {
    const base = process.env.ABLE_TMPDIR || tmpdir();
    const dir = mkdtempSync(join(base, 'able-weights-'));
    return new WeightFile(dir, join(dir, 'weights.bin'));
  }

  /** Bytes written so far (with alignment padding). */
  get bytes(): number {
    return this.size;
  }

  /** The store's tensors, each written here on first read and handed on as a file span. */
  wrap(store: WeightStore): WeightStore {
    return { file: store.file, names: () => store.names(), get: async (name) => this.put(await store.get(name)) };
  }

  put(t: StoredTensor): StoredTensor {
    if (!('bytes' in t)) return t;
    if (this.fd === null) throw new Error(`${this.path}: weight file already closed`);
    const offset = Math.ceil(this.size / ALIGN) * ALIGN;
    let done = 0;
    try {
      while (done < t.bytes.byteLength) done += writeSync(this.fd, t.bytes, done, t.bytes.byteLength - done, offset + done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
        throw new Error(`${this.dir}: no room for the model's float32 weights (${(offset / 2 ** 30).toFixed(1)} GiB written): set ABLE_TMPDIR to a folder with room`);
      throw e;
    }
    this.size = offset + t.bytes.byteLength;
    return { dtype: t.dtype, shape: t.shape, file: { path: this.path, offset, length: t.bytes.byteLength } };
  }

  /** Done writing (sessions read the file by path). */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    collectGarbage();
  }

  /** Deletes the folder (live sessions keep their mappings until released). Also runs at exit
   * (normal or by an uncaught exception) and on SIGINT, SIGTERM and SIGHUP. */
  remove(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
    process.off('exit', this.cleanup);
    live.delete(this);
    if (live.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
  }
}

/**
 * The tensors just written are garbage now, but V8 may not collect them for the whole run (its
 * heap is small; they are external ArrayBuffers): SmolLM2's last ~140 MiB of float32 stayed
 * resident beside the sessions (docs/benchmarks.md). One full collection once loading is done.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
