// embed-memory: where `able embed`'s memory goes, phase by phase, on one GGUF file. Runs the real
// pipeline (openModel + embedModel + createAttributionSession, the CLI's code) on a probe subset
// that keeps every length bucket the full v1 set uses (so each session is the size the full run
// builds) and prints RSS / JS-heap / ArrayBuffer bytes after each phase and the peak RSS.
//   npx tsx bench/embed-memory.ts FILE.gguf [--per-bucket k | --spread N] [--threads N]
//       [--weights file|memory] [--prepack 1] [--mem-pattern 1] [--arena 0] [--batch-tokens N] [--out result.json]
// --per-bucket: probes per length bucket (default: as many as one call batches, at least 2, so the
// largest call of the full run is built and run).
// --spread N: probes i * 161 / N of v1 instead (reference/real_gguf.py --spread --limit N takes the
// same ones), for timing against PyTorch. The JSON also has the matmul FLOPs of each probe's
// forward + backward-to-input (bench/lib/flops.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BATCH_TOKENS, bucketFor, embedModel } from '../src/able/embed.ts';
import { openModel } from '../src/able/open-model.ts';
import { PROBE_SET_V1, type ProbeSet } from '../src/able/probes/index.ts';
import { flag, positional } from '../src/cli/args.ts';
import { NodeFileSource } from '../src/platform/node/node-source.ts';
import { WeightFile } from '../src/cli/weight-file.ts';
import { EMBED_SESSION_OPTIONS } from '../src/cli/embed.ts';
import { nodeRuntime } from '../src/platform/node/runtime-node.ts';
import { selectTokens } from '../src/able/targets.ts';
import { attributionFlops } from './lib/flops.ts';
import { createAttributionSession } from '../src/models/index.ts';

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const path = positional(args);
if (!path) throw new Error('usage: embed-memory.ts FILE.gguf [--per-bucket k] [--threads N] [--out FILE]');
const batchTokens = Number(flag(args, '--batch-tokens') ?? BATCH_TOKENS);
const perBucketArg = flag(args, '--per-bucket');
const perBucket = (T: number) => (perBucketArg ? Number(perBucketArg) : Math.max(2, Math.floor(batchTokens / T)));
const threads = flag(args, '--threads') ? Number(flag(args, '--threads')) : undefined;

// Linux: resident anonymous (heap, ORT buffers) vs file-backed (mapped weights) pages.
function procStatus(): { anonMiB?: number; fileMiB?: number } {
  if (!existsSync('/proc/self/status')) return {};
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? Number.NaN);
  return { anonMiB: Math.round(kb('RssAnon') / 1024), fileMiB: Math.round(kb('RssFile') / 1024) };
}

const t0 = performance.now();
const phases: { phase: string; s: number; rssMiB: number; peakMiB: number; heapMiB: number; arrayBuffersMiB: number; anonMiB?: number; fileMiB?: number }[] = [];
const mark = (phase: string) => {
  const m = process.memoryUsage();
  const p = {
    phase,
    s: (performance.now() - t0) / 1000,
    rssMiB: Math.round(m.rss / MiB),
    peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    heapMiB: Math.round(m.heapUsed / MiB),
    arrayBuffersMiB: Math.round(m.arrayBuffers / MiB),
    ...procStatus(),
  };
  phases.push(p);
  console.log(
    `${p.phase.padEnd(34)} ${p.s.toFixed(1).padStart(6)} s  rss ${String(p.rssMiB).padStart(6)}  peak ${String(p.peakMiB).padStart(6)}  heap ${String(p.heapMiB).padStart(5)}  arrayBuffers ${String(p.arrayBuffersMiB).padStart(6)} MiB  anon ${p.anonMiB ?? '?'}  file ${p.fileMiB ?? '?'}`,
  );
};

mark('start');
// --weights memory: the old path (float32 tensors in the JS heap, copied into ORT); default file.
const inMemory = flag(args, '--weights') === 'memory';
// the CLI's options unless told otherwise
const prepack = flag(args, '--prepack') === '1';
const memPattern = flag(args, '--mem-pattern') === '1';
const wf = inMemory ? null : WeightFile.create();
const opened = await openModel([await NodeFileSource.open(path)], wf ? { wrapStore: (s) => wf.wrap(s) } : {});
wf?.close();
mark('model opened');
let f32Bytes = 0;
for (const [, shape] of opened.model.family.tensors(opened.spec)) f32Bytes += 4 * shape.reduce((a, b) => a * b, 1);
console.log(`float32 weight bytes: ${(f32Bytes / MiB).toFixed(0)} MiB`);

const byBucket = new Map<number, ProbeSet['probes']>();
for (const p of PROBE_SET_V1.probes) {
  const T = bucketFor(opened.tokenizer.encode(p.context + p.target).ids.length);
  byBucket.set(T, [...(byBucket.get(T) ?? []), p]);
}
console.log(`buckets of v1: ${[...byBucket].map(([T, ps]) => `T=${T}: ${ps.length}`).join(', ')}`);
const spread = flag(args, '--spread') ? Number(flag(args, '--spread')) : 0;
const all = PROBE_SET_V1.probes;
const probes: ProbeSet = {
  ...PROBE_SET_V1,
  probes: spread
    ? Array.from({ length: spread }, (_, i) => all[Math.floor((i * all.length) / spread)])
    : [...byBucket].flatMap(([T, ps]) => ps.slice(0, perBucket(T))),
};
const Ks = new Map<number, number>();
const flops = probes.probes.map((p) => {
  const enc = opened.tokenizer.encode(p.context + p.target);
  const T = bucketFor(enc.ids.length);
  // the session's K is the bucket's largest target count: take the probe's own as a lower bound
  const K = Math.max(Ks.get(T) ?? 0, selectTokens(enc.spans, p.context.length, p.id).target.length);
  Ks.set(T, K);
  return { T, K };
});
mark('probes tokenized');

const res = await embedModel({
  modelName: 'embed-memory',
  tokenizer: opened.tokenizer,
  hiddenSize: opened.spec.hidden,
  probes,
  method: { kind: 'gxi' },
  batchTokens,
  sessions: async (shape) => {
    const T = shape.T;
    mark(`before session T=${T} B=${shape.B}`);
    const s = await createAttributionSession(nodeRuntime, opened.model, { ...EMBED_SESSION_OPTIONS, ...shape, threads, prepack, memPattern, ...(flag(args, '--arena') === '0' ? { arena: false } : {}) });
    mark(`session T=${T} created (${(s.createMs / 1000).toFixed(1)} s)`);
    return {
      ...s,
      release: async () => {
        mark(`bucket T=${T} run`);
        await s.release();
        mark(`session T=${T} released`);
      },
    };
  },
});
mark('done');
const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(
  `peak RSS ${peakMiB} MiB = ${((peakMiB * MiB) / f32Bytes).toFixed(2)}x float32 weights; ${probes.probes.length} probes, ` +
    `per probe ${(res.probeTimingsMs.reduce((a, b) => a + b, 0) / res.probeTimingsMs.length).toFixed(0)} ms, sessions ${res.sessionMs.map((m) => (m / 1000).toFixed(1)).join(' + ')} s`,
);
const out = flag(args, '--out');
if (out)
  writeFileSync(
    out,
    JSON.stringify({
      file: path,
      f32Bytes,
      peakMiB,
      phases,
      probeIds: probes.probes.map((p) => p.id),
      probeFlops: flops.map(({ T }) => attributionFlops(opened.model, T, Ks.get(T)!)), probeTimingsMs: res.probeTimingsMs, sessionMs: res.sessionMs, targetLogProbs: res.targetLogProbs, vector: Array.from(res.vector) }),
  );
