// The benchmark runner behind `npm run bench` and `able bench`: runs the named benchmarks, prints
// a table of ratios (each against a reference measured in the same run) and writes the results
// as JSON under test-results/bench/ (git-ignored).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dequant } from './dequant.ts';
import { embedReal } from './embed-real.ts';
import { engineGradOverhead } from './engine-grad-overhead.ts';
import { type Benchmark, type BenchResult, type BenchRow, peakRssMiB } from './lib/measure.ts';
import { ortWebVsNode } from './ort-web-vs-node.ts';
import { mapFrame } from './map-frame.ts';
import { mapKnn } from './map-knn.ts';
import { modelMemory } from './model-memory.ts';
import { nodeVsPytorch } from './node-vs-pytorch.ts';
import { symbolicVsStatic } from './symbolic-vs-static.ts';
import { tabEmbed } from './tab-embed.ts';

export const BENCHMARKS: Benchmark[] = [
  modelMemory,
  nodeVsPytorch,
  mapKnn,
  mapFrame,
  tabEmbed,
  engineGradOverhead,
  ortWebVsNode,
  symbolicVsStatic,
  embedReal,
  dequant,
];

export interface BenchOptions {
  quick: boolean;
  /** Benchmark names to run (default: all). */
  only?: string[];
  /** Timed repetitions per measurement (default 5, --quick 2). */
  reps?: number;
  /** JSON output path (default test-results/bench/<date-time>.json). */
  out?: string;
  log?: (line: string) => void;
}

export const BENCH_HELP = [
  'Options:',
  '  --quick          smaller graphs, fewer cases and repetitions (under a minute on 2 idle cores)',
  '  --only NAME[,NAME]  run only these benchmarks (their entries replace those in the results file)',
  '  --reps N         timed repetitions per measurement, after one warm-up (default 5; --quick 2)',
  '  --out FILE       where to write the JSON results (default bench/results.json)',
  '',
  'Benchmarks:',
  ...BENCHMARKS.map((b) => `  ${b.name.padEnd(22)}${b.summary}`),
].join('\n');

export function parseBenchArgs(args: string[]): BenchOptions {
  const o: BenchOptions = { quick: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = value().split(',');
    else if (a === '--reps') {
      o.reps = Number(value());
      if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error(`--reps must be a positive integer, got ${args[i]}`);
    } else if (a === '--out') o.out = value();
    else throw new Error(`unknown option ${a}`);
  }
  for (const n of o.only ?? [])
    if (!BENCHMARKS.some((b) => b.name === n)) throw new Error(`no benchmark '${n}' (have: ${BENCHMARKS.map((b) => b.name).join(', ')})`);
  return o;
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export function formatTable(rows: BenchRow[]): string {
  const head = ['benchmark', 'case', 'subject / reference', 'ratio', 'ratio(min)', 'subject', 'reference', 'unit', 'goal / notes'];
  const body = rows.map((r) => [
    r.bench,
    r.case,
    `${r.subject} / ${r.reference}`,
    r.ratio.toFixed(2),
    r.ratioMin.toFixed(2),
    fmtMs(r.subjectMs.median),
    fmtMs(r.referenceMs.median),
    r.unit ?? 'ms',
    r.notes?.startsWith('goal') ? r.notes.split(';')[0] : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 && i <= 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Runs the benchmarks; returns the process exit code (1 if any benchmark failed). */
export async function runBench(o: BenchOptions): Promise<number> {
  const log = o.log ?? ((l: string) => console.log(l));
  const reps = o.reps ?? (o.quick ? 2 : 5);
  const chosen = BENCHMARKS.filter((b) => !o.only || o.only.includes(b.name));
  const started = new Date();
  const load = [loadavg()];
  log(`able bench${o.quick ? ' --quick' : ''}: ${chosen.length} benchmark(s), ${reps} timed repetitions after 1 warm-up`);
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results: Record<string, BenchResult & { error?: string; wallS: number; date?: string; loadAverage?: number[][] }> = {};
  let failed = 0;
  for (const b of chosen) {
    log(`\n[${b.name}] ${b.summary}`);
    const t0 = performance.now();
    const date = new Date().toISOString();
    const load0 = loadavg();
    try {
      const r = await b.run({ quick: o.quick, reps, log });
      results[b.name] = { ...r, peakRssMiB: peakRssMiB(), wallS: (performance.now() - t0) / 1000, date, loadAverage: [load0, loadavg()] };
      if (r.skipped) log(`  skipped: ${r.skipped}`);
    } catch (e) {
      failed++;
      const error = e instanceof Error ? e.message : String(e);
      results[b.name] = { rows: [], error, peakRssMiB: peakRssMiB(), wallS: (performance.now() - t0) / 1000 };
      log(`  FAILED: ${error}`);
    }
    log(`  ${results[b.name].wallS.toFixed(1)} s; peak RSS of this process so far ${results[b.name].peakRssMiB} MiB`);
  }
  load.push(loadavg());
  const rows = chosen.flatMap((b) => results[b.name].rows);
  log(`\n${formatTable(rows)}`);
  log(`\nratio = median(subject) / median(reference), both timed in this run; ratio(min) uses minima.`);
  log(`load average at start ${load[0].map((x) => x.toFixed(2)).join(' ')}, at end ${load[1].map((x) => x.toFixed(2)).join(' ')}`);

  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const out = o.out ?? join(repoRoot, 'bench', 'results.json');
  mkdirSync(join(out, '..'), { recursive: true });
  const version = (pkg: string) => {
    try {
      return JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
    } catch {
      return 'unknown';
    }
  };
  const ortVersions = { node: version('onnxruntime-node'), web: version('onnxruntime-web') };
  // --only: the other benchmarks' entries of an existing results file are kept (each entry has
  // its own date and load average; the top-level ones are this run's)
  let kept: Record<string, unknown> = {};
  if (o.only && existsSync(out)) {
    try {
      const old = JSON.parse(readFileSync(out, 'utf8'));
      if (old.format === 'able-bench/1') kept = Object.fromEntries(Object.entries(old.results ?? {}).map(([k, v]) => [k, { date: old.date, loadAverage: old.machine?.loadAverage, ...(v as object) }]));
    } catch {
      kept = {};
    }
  }
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        format: 'able-bench/1',
        date: started.toISOString(),
        quick: o.quick,
        reps,
        machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, onnxruntime: ortVersions, loadAverage: load },
        wallS: (Date.now() - started.getTime()) / 1000,
        results: { ...kept, ...results },
      },
      null,
      1,
    )}\n`,
  );
  log(`results: ${out}`);
  return failed ? 1 : 0;
}
