// dequant: GGUF dequantization throughput (src/weights/dequant.ts) for Q4_K, Q6_K and Q8_0 vs a
// plain float32 copy of the same number of output bytes in this process (the memcpy-like floor).
// When the reference Python exists (bench/lib/ref-python.ts), gguf-py's numpy dequantization of the same bytes is timed
// in a subprocess against a numpy copy there; its ratio is in-process too, but absolute times
// across the two processes are not comparable (load differs from moment to moment).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dequantizeInto } from '../src/weights/dequant.ts';
import { GGML_TYPES, GGMLType } from '../src/weights/ggml-types.ts';
import { type Benchmark, type BenchRow, measurePair, row, type Timing } from './lib/measure.ts';
import { refPython } from './lib/ref-python.ts';

const PYTHON = refPython();
const script = fileURLToPath(new URL('./gguf_dequant.py', import.meta.url));

/** Byte offsets of each block's float16 scale fields; set to finite values so no NaN/Inf flows. */
const SCALE_FIELDS: Record<string, number[]> = { Q8_0: [0], Q4_K: [0, 2], Q6_K: [208] };

/** Random blocks of `type` (deterministic), `elements` dequantized values in all. */
export function randomBlocks(type: number, elements: number): Uint8Array {
  const info = GGML_TYPES.get(type)!;
  const blocks = elements / info.blockSize;
  const bytes = new Uint8Array(blocks * info.typeSize);
  let seed = 987654321;
  for (let i = 0; i < bytes.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    bytes[i] = seed >>> 24;
  }
  for (let b = 0; b < blocks; b++)
    for (const off of SCALE_FIELDS[info.name]) {
      // float16 0x2E66 ~ 0.1
      bytes[b * info.typeSize + off] = 0x66;
      bytes[b * info.typeSize + off + 1] = 0x2e;
    }
  return bytes;
}

const perCall = (t: Timing, k: number): Timing => ({ samples: t.samples.map((x) => x / k), median: t.median / k, min: t.min / k });
const mbps = (bytes: number, t: Timing) => (bytes / 2 ** 20 / (t.median / 1000)).toFixed(0);

export const dequant: Benchmark = {
  name: 'dequant',
  summary: 'dequantize Q4_K/Q6_K/Q8_0 vs a float32 copy of the same output size (+ gguf-py numpy)',
  async run(ctx) {
    const elements = (ctx.quick ? 1 : 8) * 2 ** 20;
    const reps = Math.max(ctx.reps * 3, 6);
    // One copy takes a few ms, so a single lost time slice would double it; timing COPIES copies
    // at once (then dividing) puts the reference on the subject's time scale.
    const COPIES = 10;
    const rows: BenchRow[] = [];
    const files: string[] = [];
    const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'test-results', 'bench');
    mkdirSync(dir, { recursive: true });
    const out = new Float32Array(elements);
    const floats = Float32Array.from({ length: elements }, (_, i) => Math.sin(i));
    const copyOut = new Float32Array(elements);
    const sums = new Map<string, number>();
    for (const name of ['Q4_K', 'Q6_K', 'Q8_0'] as const) {
      const type = GGMLType[name];
      const src = randomBlocks(type, elements);
      // Alternating with the copy, so both see the same load.
      const [t, copies] = await measurePair(
        () => dequantizeInto(type, src, out),
        () => {
          for (let k = 0; k < COPIES; k++) copyOut.set(floats);
        },
        reps,
      );
      const copy = perCall(copies, COPIES);
      let sum = 0;
      for (let i = 0; i < out.length; i++) sum += out[i];
      if (!Number.isFinite(sum)) throw new Error(`${name}: non-finite output from finite scales`);
      sums.set(name, sum);
      ctx.log(`  ${name}: ${mbps(elements * 4, t)} MiB/s of float32 out (copy: ${mbps(elements * 4, copy)} MiB/s)`);
      rows.push(
        row('dequant', `${name}, ${elements / 2 ** 20}M values`, ['ours (TS)', t], ['float32 copy (TS)', copy], `${mbps(elements * 4, t)} vs ${mbps(elements * 4, copy)} MiB/s out`),
      );
      const file = join(dir, `dequant-${name}.bin`);
      writeFileSync(file, src);
      files.push(`${name}=${file}`);
    }
    if (!PYTHON) {
      for (const f of files) rmSync(f.split('=')[1], { force: true });
      ctx.log('  gguf-py reference skipped: no reference python ($ABLE_REF_PYTHON, $ABLE_PYTHON_VENV, .cache/refvenv or /tmp/refvenv)');
      return { rows };
    }
    const py = spawnSync(PYTHON, [script, String(reps), ...files], { encoding: 'utf8', timeout: 300_000 });
    for (const f of files) rmSync(f.split('=')[1], { force: true });
    if (py.status !== 0) throw new Error(`gguf-py reference failed: ${py.stderr.trim().slice(-500)}`);
    const ref = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as {
      numpy: string;
      types: Record<string, { elements: number; sum: number; dequant: Timing; copy: Timing }>;
    };
    for (const [name, r] of Object.entries(ref.types)) {
      const ours = rows.find((x) => x.case.startsWith(`${name},`))!;
      const sum = sums.get(name)!;
      if (!(Math.abs(sum - r.sum) <= 1e-6 * Math.max(1, Math.abs(r.sum)) * Math.sqrt(r.elements)))
        throw new Error(`${name}: gguf-py dequantizes these bytes to a different sum (${r.sum} vs ours ${sum})`);
      ctx.log(`  gguf-py ${name}: ${mbps(r.elements * 4, r.dequant)} MiB/s (numpy copy ${mbps(r.elements * 4, r.copy)} MiB/s)`);
      rows.push(
        row('dequant', `${name}, ${r.elements / 2 ** 20}M values`, ['gguf-py numpy', r.dequant], ['numpy float32 copy', r.copy], `numpy ${ref.numpy}, subprocess`),
      );
      rows.push(
        row('dequant', `${name}, ${r.elements / 2 ** 20}M values`, ['ours (TS)', ours.subjectMs], ['gguf-py numpy', r.dequant], 'cross-process: indicative only'),
      );
    }
    return { rows };
  },
};
