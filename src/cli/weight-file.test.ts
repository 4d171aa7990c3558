// The CLI's file-backed weights (weight-file.ts): ORT maps the scratch file instead of copying
// buffers. Same numbers as in-memory weights (bitwise, same ORT options), PyTorch parity of the
// tiny fixtures without prepacking (the CLI's default), and the scratch folder goes away.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { Graph, op, primitives, toOnnx } from '../engine/index.ts';
import { archSpecFromConfig, createAttributionSession, type LoadedModel, loadModel, safetensorsStore } from '../models/index.ts';
import { compareCase, type Golden, padCase } from '../models/tiny-fixtures.ts';
import { BytesSource, openSafetensors } from '../weights/index.ts';
import { WeightFile } from './weight-file.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/tiny');

async function load(variant: string, wf?: WeightFile): Promise<{ model: LoadedModel; golden: Golden }> {
  const d = join(DIR, variant);
  const st = await openSafetensors(new BytesSource(`${variant}/model.safetensors`, new Uint8Array(readFileSync(join(d, 'model.safetensors')))));
  const store = safetensorsStore([st]);
  const model = await loadModel(archSpecFromConfig(JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'))), wf ? wf.wrap(store) : store);
  return { model, golden: JSON.parse(readFileSync(join(d, 'golden.json'), 'utf8')) };
}

describe('file-backed weights', () => {
  for (const variant of ['llama', 'gemma3', 'qwen2']) {
    it(`${variant}: same outputs as in-memory weights, PyTorch parity without prepacking`, async () => {
      const wf = WeightFile.create();
      try {
        const mem = await load(variant);
        const file = await load(variant, wf);
        wf.close();
        for (const t of file.model.tensors.values()) {
          expect('file' in t && t.file.offset % 65536).toBe(0);
        }
        const { golden } = mem;
        const T = Math.max(...golden.cases.map((c) => c.ids.length)) + 2;
        const D = mem.model.spec.hidden;
        for (const prepack of [true, false]) {
          const a = await createAttributionSession(nodeRuntime, mem.model, { T, B: 2, prepack });
          const b = await createAttributionSession(nodeRuntime, file.model, { T, B: 2, prepack });
          for (const c of golden.cases) {
            const { ids, mask } = padCase(c, T);
            const x = await a.run(ids, mask, Float32Array.of(1, 0.5));
            const y = await b.run(ids, mask, Float32Array.of(1, 0.5));
            expect(y.f).toEqual(x.f);
            expect(y.grad).toEqual(x.grad);
            expect(y.embeds).toEqual(x.embeds);
            const fig = compareCase({ f: y.f[0], grad: y.grad.subarray(0, T * D), embeds: y.embeds }, c, D, mem.model.spec.vocabSize, golden.logitsSampleIds);
            expect(fig.gradCosine).toBeGreaterThanOrEqual(0.9999);
            expect(fig.fAbsErr).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(c.f)));
            expect(fig.embedsMaxAbsErr).toBeLessThanOrEqual(1e-6);
          }
          await a.release();
          await b.release();
        }
      } finally {
        wf.remove();
      }
      expect(existsSync(wf.dir)).toBe(false);
    });
  }

  it('writes each tensor at an aligned offset with its exact bytes', () => {
    const wf = WeightFile.create();
    try {
      const a = wf.put({ dtype: 'float32', shape: [3], bytes: new Uint8Array(Float32Array.of(1, 2, 3).buffer) });
      const b = wf.put({ dtype: 'float16', shape: [2], bytes: Uint8Array.of(0, 0x3c, 0, 0xc0) });
      wf.close();
      expect('file' in a && a.file).toEqual({ path: wf.path, offset: 0, length: 12 });
      expect('file' in b && b.file).toEqual({ path: wf.path, offset: 65536, length: 4 });
      const bytes = readFileSync(wf.path);
      expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 3))).toEqual([1, 2, 3]);
      expect(Array.from(bytes.subarray(65536, 65540))).toEqual([0, 0x3c, 0, 0xc0]);
      expect(() => wf.put({ dtype: 'float32', shape: [1], bytes: new Uint8Array(4) })).toThrow('already closed');
    } finally {
      wf.remove();
    }
  });

  it('toOnnx refuses file weights from two folders; the web runtime cannot load them', () => {
    const g = new Graph(primitives);
    const x = g.input('x', 'float32', [2]);
    const a = g.weight('a', 'float32', [2], { file: { path: '/one/w.bin', offset: 0, length: 8 } });
    const b = g.weight('b', 'float32', [2], { file: { path: '/two/w.bin', offset: 0, length: 8 } });
    g.output('y', op.add(op.add(x, a), b));
    expect(() => toOnnx(g)).toThrow('file weights in two folders (/one, /two)');
    expect(() => g.weight('c', 'float32', [3], { file: { path: '/one/w.bin', offset: 0, length: 8 } })).toThrow('weight c: 8 bytes for float32[3]');
  });
});

// The real CLI, killed in the middle of `able embed` on the tiny Llama: the scratch folder must go.
describe('scratch weights removed when the CLI is killed', () => {
  const work = mkdtempSync(join(tmpdir(), 'able-wf-signal-'));
  const model = join(work, 'tiny-llama');
  mkdirSync(model);
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(DIR, 'llama', f), join(model, f));
  const tok = JSON.parse(readFileSync(join(DIR, 'llama/meta.json'), 'utf8')).tokenizer;
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(DIR, 'tokenizers', tok, f), join(model, f));
  const bin = join(import.meta.dirname, '../../bin/able.mjs');

  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    it(`${signal} during the run`, async () => {
      const scratch = mkdtempSync(join(work, 'tmp-'));
      const child = spawn(process.execPath, [bin, 'embed', model, '--out', join(work, `${signal}.able.json`), '--quiet'], {
        env: { ...process.env, ABLE_TMPDIR: scratch },
        stdio: 'ignore',
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, sig) => r({ code, signal: sig })));
      // wait until the weights file is being written, then kill
      let seen: string[] = [];
      while (child.exitCode === null && seen.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        seen = readdirSync(scratch).filter((d) => d.startsWith('able-weights-') && existsSync(join(scratch, d, 'weights.bin')));
      }
      expect(seen).toHaveLength(1);
      child.kill(signal);
      // killed by the signal itself (re-raised after the cleanup), not a normal end of the run
      expect(await exited).toEqual({ code: null, signal });
      expect(readdirSync(scratch)).toEqual([]);
      rmSync(scratch, { recursive: true });
    }, 60_000);
});
