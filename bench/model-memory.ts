// model-memory: peak RSS of `able embed`'s pipeline per real model, against the model's float32
// weight bytes (the goal: <= 2x). Each model runs in its own child process (bench/embed-memory.ts,
// the CLI's code path: weights in a mapped scratch file, no prepacking) on 2 probes per length
// bucket of v1, so every session the full run builds is built; peak RSS is the child's ru_maxrss.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Benchmark, type BenchRow, summarize } from './lib/measure.ts';

export const REAL_MODELS = [
  'SmolLM2-135M-Instruct.Q4_1.gguf',
  'gemma-3-270m-q4_k_m.gguf',
  'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf',
  'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf',
];

export function modelPath(file: string): string | null {
  const dirs = [process.env.ABLE_MODELS_DIR, '/tmp/models'].filter((d): d is string => !!d);
  for (const d of dirs) if (existsSync(join(d, file))) return join(d, file);
  return null;
}

export interface EmbedMemoryResult {
  f32Bytes: number;
  peakMiB: number;
  probeTimingsMs: number[];
  sessionMs: number[];
  probeFlops: number[];
  phases: { phase: string; s: number }[];
  /** the probes run (their ids) and the embedding */
  probeIds: string[];
  vector: number[];
}

/** Runs bench/embed-memory.ts on one model in a child process; its JSON result. */
export function embedMemoryChild(file: string, args: string[]): EmbedMemoryResult {
  const dir = mkdtempSync(join(tmpdir(), 'able-bench-'));
  try {
    const out = join(dir, 'result.json');
    const script = fileURLToPath(new URL('./embed-memory.ts', import.meta.url));
    execFileSync(process.execPath, ['--import', 'tsx', script, file, ...args, '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MiB = 1024 * 1024;

export const modelMemory: Benchmark = {
  name: 'model-memory',
  summary: 'peak RSS of able embed (child process per model) / float32 weight bytes, per real model',
  async run(ctx) {
    const rows: BenchRow[] = [];
    // 1.5B is the "fits on this machine" check; its ratio is reported too, but only in full runs.
    // ABLE_BENCH_MODELS=name,name (prefixes of the file names) picks a subset, e.g. to leave out
    // the 1.5B model while a full `able embed` of it runs beside the bench.
    const pick = process.env.ABLE_BENCH_MODELS?.split(',').map((m) => m.trim().toLowerCase());
    const files = pick ? REAL_MODELS.filter((f) => pick.some((m) => f.toLowerCase().startsWith(m))) : REAL_MODELS.slice(0, ctx.quick ? 1 : 4);
    for (const f of files) {
      const path = modelPath(f);
      if (!path) {
        ctx.log(`  ${f}: not in $ABLE_MODELS_DIR or /tmp/models, skipped`);
        continue;
      }
      // full runs: each bucket's call filled as the full set fills it (embed-memory's default)
      const r = embedMemoryChild(path, ctx.quick ? ['--per-bucket', '1'] : []);
      const f32MiB = r.f32Bytes / MiB;
      const wall = r.phases.at(-1)?.s ?? 0;
      ctx.log(`  ${f}: peak RSS ${r.peakMiB} MiB, float32 weights ${f32MiB.toFixed(0)} MiB (${(r.peakMiB / f32MiB).toFixed(2)}x), ${wall.toFixed(1)} s`);
      rows.push({
        bench: 'model-memory',
        case: `${f.replace(/\.gguf$/, '')}, ${r.probeTimingsMs.length} probes`,
        subject: 'peak RSS',
        reference: 'f32 weights',
        unit: 'MiB',
        subjectMs: summarize([r.peakMiB]),
        referenceMs: summarize([f32MiB]),
        ratio: r.peakMiB / f32MiB,
        ratioMin: r.peakMiB / f32MiB,
        notes: `goal <= 2; sessions ${r.sessionMs.map((m) => (m / 1000).toFixed(1)).join(' + ')} s, wall ${wall.toFixed(1)} s`,
      });
    }
    return { rows };
  },
};
