// ort-web-vs-node: the price of running in a browser tab. The same forward+backward graph
// (SmolLM2-135M shape, 4 layers) on onnxruntime-web's WASM backend in Node vs onnxruntime-node,
// at 1 and 2 threads (both runtimes at the same count), each pair timed in one child process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Benchmark, type BenchRow, row, type Timing } from './lib/measure.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const child = fileURLToPath(new URL('./ort-web-child.ts', import.meta.url));

interface ChildResult {
  threads: number;
  nodes: number;
  node: Timing;
  web: Timing;
  webProvider: string;
  createMs: { node: number; web: number };
  gradRelDiff: number;
  peakRssMiB: number;
}

function runChild(args: (string | number)[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args.map(String)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`ort-web child exited ${code}: ${err.trim().slice(-500)}`));
      else resolve(JSON.parse(line));
    });
  });
}

export const ortWebVsNode: Benchmark = {
  name: 'ort-web-vs-node',
  summary: 'fwd+bwd (4 layers) on onnxruntime-web WASM in Node vs onnxruntime-node, 1 and 2 threads',
  async run(ctx) {
    const layers = ctx.quick ? 2 : 4;
    const T = 32;
    const rows: BenchRow[] = [];
    for (const threads of ctx.quick ? [1] : [1, 2]) {
      const r = await runChild([threads, layers, T, ctx.reps]);
      if (r.gradRelDiff > 1e-3) throw new Error(`web and node gradients differ (relative ${r.gradRelDiff.toExponential(2)})`);
      ctx.log(
        `  ${threads} thread(s): node ${r.node.median.toFixed(0)} ms, web/${r.webProvider} ${r.web.median.toFixed(0)} ms; ` +
          `grad rel diff ${r.gradRelDiff.toExponential(1)}; child peak RSS ${r.peakRssMiB} MiB`,
      );
      rows.push(
        row('ort-web-vs-node', `${layers} layers, T=${T}, ${threads} thread${threads > 1 ? 's' : ''}`, [`web/${r.webProvider}`, r.web], ['node', r.node], `${r.nodes} nodes; session create web ${r.createMs.web.toFixed(0)} ms vs node ${r.createMs.node.toFixed(0)} ms; child peak RSS ${r.peakRssMiB} MiB`),
      );
    }
    return { rows };
  },
};
