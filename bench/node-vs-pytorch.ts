// node-vs-pytorch: `able embed`'s per-probe compute (Node, onnxruntime) against the PyTorch
// reference implementation of the same method (reference/real_gguf.py, eager float32, weights
// dequantized by transformers) on the same GGUF, the same probes (v1 spread: i * 161 / N) and the
// same thread count (1; ABLE_BENCH_THREADS), one after the other. Plus achieved FLOP/s of the Node run (matmul FLOPs of
// forward + backward-to-input, bench/lib/flops.ts) against this machine's float32 matmul peak
// measured here (onnxruntime MatMul 256x2048x2048 with a constant, prepacked B; best of reps).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Graph, op, primitives, toOnnx } from '../src/engine/index.ts';
import { nodeRuntime } from '../src/platform/node/runtime-node.ts';
import { type Benchmark, type BenchRow, measure, summarize } from './lib/measure.ts';
import { refPython } from './lib/ref-python.ts';
import { embedMemoryChild, modelPath } from './model-memory.ts';

/** Best float32 matmul throughput (FLOP/s) of onnxruntime-node at `threads`. */
export async function matmulPeak(threads: number, reps: number): Promise<{ flops: number; ms: number }> {
  const [M, K, N] = [256, 2048, 2048];
  const g = new Graph(primitives);
  const a = g.input('a', 'float32', [M, K]);
  const w = new Float32Array(K * N).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  g.output('y', op.matmul(a, g.weight('w', 'float32', [K, N], { bytes: new Uint8Array(w.buffer) })));
  const s = await nodeRuntime.createSession(toOnnx(g), { threads });
  const x = new Float32Array(M * K).fill(0.25);
  const t = await measure(() => s.run({ a: { dtype: 'float32', dims: [M, K], data: x } }), Math.max(reps, 5));
  await s.release();
  return { flops: (2 * M * K * N) / (t.min / 1000), ms: t.min };
}

const MODELS: [string, string][] = [
  ['smollm2', 'SmolLM2-135M-Instruct.Q4_1.gguf'],
  ['gemma3', 'gemma-3-270m-q4_k_m.gguf'],
];

export const nodeVsPytorch: Benchmark = {
  name: 'node-vs-pytorch',
  summary: 'able embed (Node) / PyTorch reference per-probe compute, same model, probes, threads; achieved FLOP/s / matmul peak',
  async run(ctx) {
    // 1 by default: on a shared, oversubscribed machine PyTorch's spinning OpenMP threads lose far
    // more than onnxruntime's (a quick run at load 15 on 2 cores gave PyTorch 11.8 s per probe),
    // which would flatter the ratio. ABLE_BENCH_THREADS sets another count for both sides.
    const threads = Math.min(Number(process.env.ABLE_BENCH_THREADS ?? 1), cpus().length);
    // 48: enough for full calls of several probes each (docs/benchmarks.md: probe batching); ~1 min of PyTorch per model
    const n = Number(process.env.ABLE_BENCH_PROBES ?? (ctx.quick ? 8 : 48));
    const rows: BenchRow[] = [];
    const peak = await matmulPeak(threads, ctx.reps);
    ctx.log(`  float32 matmul peak (onnxruntime, ${threads} threads): ${(peak.flops / 1e9).toFixed(1)} GFLOP/s`);
    const py = refPython();
    for (const [name, file] of MODELS.slice(0, ctx.quick ? 1 : 2)) {
      const path = modelPath(file);
      if (!path) {
        ctx.log(`  ${file}: not found, skipped`);
        continue;
      }
      const node = embedMemoryChild(path, ['--spread', String(n), '--threads', String(threads)]);
      // able embed --prepack yes: faster per probe, +2x f32 weights of memory
      const packed = embedMemoryChild(path, ['--spread', String(n), '--threads', String(threads), '--prepack', '1']);
      const packedMs = packed.probeTimingsMs.reduce((a, b) => a + b, 0);
      // one probe per call, as before probe batching
      const single = embedMemoryChild(path, ['--spread', String(n), '--threads', String(threads), '--batch-tokens', '1']);
      const singleMs = single.probeTimingsMs.reduce((a, b) => a + b, 0);
      const nodeMs = node.probeTimingsMs.reduce((a, b) => a + b, 0);
      const nodeLoadS = node.phases.find((p) => p.phase === 'model opened')?.s ?? 0;
      const flops = node.probeFlops.reduce((a, b) => a + b, 0);
      const achieved = flops / (nodeMs / 1000);
      rows.push({
        bench: 'node-vs-pytorch',
        case: `${name}, ${n} probes, gxi, ${threads} threads`,
        subject: 'achieved FLOP/s',
        reference: 'matmul peak',
        unit: 'GFLOP/s',
        subjectMs: summarize([achieved / 1e9]),
        referenceMs: summarize([peak.flops / 1e9]),
        ratio: achieved / peak.flops,
        ratioMin: achieved / peak.flops,
        notes: `goal >= 0.30; ${(flops / n / 1e9).toFixed(2)} GFLOP per probe (matmuls, fwd + bwd to input)`,
      });
      if (!py) {
        ctx.log('  no reference python ($ABLE_REF_PYTHON, $ABLE_PYTHON_VENV, .cache/refvenv or /tmp/refvenv): PyTorch side skipped');
        continue;
      }
      const out = mkdtempSync(join(tmpdir(), 'able-bench-py-'));
      try {
        const script = fileURLToPath(new URL('../reference/real_gguf.py', import.meta.url));
        execFileSync(py, [script, out, '--models-dir', dirname(path), '--only', name, '--limit', String(n), '--spread', '--threads', String(threads)], {
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { ...process.env, OMP_NUM_THREADS: String(threads) },
        });
        const ref = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8'));
        const pyMs = ref.timings.methodS.gxi * 1000;
        rows.push({
          bench: 'node-vs-pytorch',
          case: `${name}, ${n} probes, gxi, ${threads} threads`,
          subject: 'Node compute',
          reference: 'PyTorch compute',
          subjectMs: summarize([nodeMs]),
          referenceMs: summarize([pyMs]),
          ratio: nodeMs / pyMs,
          ratioMin: nodeMs / pyMs,
          notes: `goal <= 0.5; with loading: Node ${(nodeLoadS + (node.sessionMs.reduce((a, b) => a + b, 0) + nodeMs) / 1000).toFixed(1)} s, PyTorch ${ref.timings.totalS.toFixed(1)} s`,
        });
        rows.push({
          bench: 'node-vs-pytorch',
          case: `${name}, ${n} probes, gxi, ${threads} threads`,
          subject: 'Node compute, 1 probe per call',
          reference: 'PyTorch compute',
          subjectMs: summarize([singleMs]),
          referenceMs: summarize([pyMs]),
          ratio: singleMs / pyMs,
          ratioMin: singleMs / pyMs,
          notes: `--batch-tokens 1 (before probe batching); batched / this ${(nodeMs / singleMs).toFixed(2)}`,
        });
        rows.push({
          bench: 'node-vs-pytorch',
          case: `${name}, ${n} probes, gxi, ${threads} threads`,
          subject: 'Node compute, --prepack yes',
          reference: 'PyTorch compute',
          subjectMs: summarize([packedMs]),
          referenceMs: summarize([pyMs]),
          ratio: packedMs / pyMs,
          ratioMin: packedMs / pyMs,
          notes: `goal <= 0.5; peak RSS ${packed.peakMiB} MiB vs ${node.peakMiB} MiB without prepacking`,
        });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    return { rows };
  },
};
