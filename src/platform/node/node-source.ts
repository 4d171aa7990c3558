import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { WeightsError } from '../../weights/errors.ts';
import { type ByteSource, checkRange } from '../../weights/source.ts';

/** A local file read by range (positional reads, nothing loaded whole). */
export class NodeFileSource implements ByteSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private readonly path: string,
  ) {}

  static async open(path: string): Promise<NodeFileSource> {
    // stat before open: opening a FIFO for reading blocks until a writer comes
    if (!(await stat(path)).isFile()) throw new WeightsError(basename(path), 'not a regular file');
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      return new NodeFileSource(basename(path), size, path);
    } finally {
      await fh.close();
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    // Open per read: no handle to leak, and reads are few and large.
    const fh = await open(this.path, 'r');
    try {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(out, done, length - done, offset + done);
        if (bytesRead === 0) {
          throw new WeightsError(this.name, `short read: got ${done} of ${length} bytes at offset ${offset}`);
        }
        done += bytesRead;
      }
      return out;
    } finally {
      await fh.close();
    }
  }
}
