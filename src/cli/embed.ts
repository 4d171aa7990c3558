// `able embed`: one model's ABLE embedding, from a hub id, a model folder or a GGUF file.
import { readdirSync, type Stats, statSync } from 'node:fs';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { BATCH_TOKENS, type ProbeRaw, type RowsPort } from '../able/embed.ts';
import type { ArchSpec, AttributionObjective, WeightStore } from '../models/index.ts';
import { type EmbeddingRecord, embeddingToBin, embeddingToJson, type ModelIdentity } from '../able/embedding-file.ts';
import { runPipeline } from '../able/pipeline.ts';
import { PROBE_SET_V1, type ProbeSet, probeSetRef } from '../able/probes/index.ts';
import { type AttributionMethod, CURRENT_METHOD_VERSION, DEFAULT_IG_STEPS, makeSpec, type MethodVersion, parseMethodVersion, specHash } from '../able/spec.ts';
import { chooseThreads } from '../able/threads.ts';
import { hubOptionsFromEnv, NodeHubCache } from '../platform/node/hub-cache-node.ts';
import { NodeFileSource } from '../platform/node/node-source.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { HubClient } from '../weights/hub.ts';
import { BlobSource, type ByteSource } from '../weights/index.ts';
import { flag, positional } from './args.ts';
import { readProbes, registerAtlasBuild } from './atlas-commands.ts';
import { commands } from './commands.ts';
import { checkWritable, replaceFiles } from './node-files.ts';
import { progressBar } from './progress.ts';
import { WeightFile } from './weight-file.ts';

export interface EmbedCliOptions {
  method: AttributionMethod;
  /** the method version (`--spec v1|v2`; default the current one) */
  version?: MethodVersion;
  probes: ProbeSet;
  threads?: number;
  where?: string;
  /** For local files: the name stored as the model's identity (default: the file or folder name). */
  name?: string;
  quiet?: boolean;
  /** Let ORT prepack matmul weights: faster per probe, two more float32 copies of the weights. */
  prepack?: boolean;
  /** tokens per call for gxi and grad-norm: short probes run several to a call (default BATCH_TOKENS) */
  batchTokens?: number;
  /** bytes the run may use (default: the machine's total memory) */
  memoryBytes?: number;
  /** each probe's raw engine output (`able lab ablate` derives its attribution variants from it) */
  onProbe?: (r: ProbeRaw) => void;
  /** the lab's ablation: the objective the gradients are taken of (default v1's target log-prob) */
  objective?: AttributionObjective;
  /** the lab: rewrites the weights as they are read (stability: adds noise), or reads one (the embedding table) */
  transformStore?: (s: WeightStore, spec: ArchSpec) => WeightStore;
  /** the lab's own batch rows (IG from a non-zero baseline, SmoothGrad): see RowsPort */
  rows?: RowsPort;
}

/** stat that follows links; null when nothing (or a dangling link) is there. */
function localStat(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/**
 * Whether an argument that names no existing file is a mistyped path rather than a hub id: it
 * starts like a path, has a file extension, or more than one "/" before any @revision.
 */
export function looksLikePath(input: string): boolean {
  const base = input.split(/[@:]/)[0];
  return (
    /^(\.{1,2}[\\/]|[\\/]|~)/.test(input) ||
    input.includes('\\') ||
    base.split('/').length > 2 ||
    /\.(gguf|safetensors|json|bin|pt|pth)$/i.test(base)
  );
}

/** Local path or hub id -> the files as byte sources and, for the hub, the model's identity. */
async function resolveInput(
  input: string,
  quiet: boolean,
): Promise<{ files: ByteSource[]; identity: ModelIdentity | { name: string }; label: string }> {
  const local = localStat(input);
  if (local) {
    // Only regular files (a FIFO would block the read forever); in a folder, whatever is not a
    // readable regular file (a dangling link, a socket) is ignored: the model may not need it.
    let paths: string[];
    if (local.isDirectory()) paths = readdirSync(input).map((n) => join(input, n)).filter((p) => localStat(p)?.isFile());
    else if (local.isFile()) paths = [input];
    else throw new Error(`${input}: not a regular file or folder`);
    const files = await Promise.all(paths.map((p) => NodeFileSource.open(p)));
    return { files, identity: { name: basename(input) }, label: basename(input) };
  }
  if (looksLikePath(input)) throw new Error(`${input}: file not found`);
  if (!/^[\w.-]+\/[\w.-]+(@[\w./-]+)?(:[\w.-]+\.gguf)?$/.test(input)) {
    throw new Error(`"${input}" is neither an existing file or folder nor a hub id (org/name[@revision][:file.gguf])`);
  }
  const [ref, gguf] = input.split(':');
  const env = hubOptionsFromEnv();
  const bar = quiet ? null : progressBar('download');
  const client = new HubClient({
    ...env,
    cache: new NodeHubCache(env.cacheDir),
    onProgress: (p) => bar?.update(p.loaded, p.total ?? p.loaded, p.file),
  });
  const m = await client.model(ref, gguf ? { gguf } : {});
  bar?.end();
  const files = [...m.files].map(([path, blob]) => new BlobSource(blob, path));
  return { files, identity: { hubId: m.repoId, revision: m.sha }, label: m.repoId };
}

/**
 * onnxruntime options of `able embed` (docs/benchmarks.md): the weights are a mapped file, so no
 * prepacked copies; no memory pattern, whose one planned block for a call's activations peaked
 * ~190 MiB higher than the arena's reuse at 128 tokens per call (SmolLM2).
 */
export const EMBED_SESSION_OPTIONS = { prepack: false, memPattern: false } as const;

/** Embeds one model; returns the embedding record ready to write. */
export async function embedFromInput(input: string, o: EmbedCliOptions): Promise<EmbeddingRecord> {
  const t0 = Date.now();
  const { files, identity, label } = await resolveInput(input, o.quiet ?? false);
  const bar = o.quiet ? null : progressBar('embed');
  // The float32 weights go to a scratch file ORT maps (weight-file.ts), not into the JS heap.
  const weightFile = WeightFile.create();
  try {
    const { record } = await runPipeline({
      wrapStore: (s, spec) => weightFile.wrap(o.transformStore ? o.transformStore(s, spec) : s),
      sessionOptions: { ...EMBED_SESSION_OPTIONS, ...(o.prepack !== undefined ? { prepack: o.prepack } : {}), objective: o.objective },
      batchTokens: o.batchTokens,
      files,
      identity: o.name && 'name' in identity ? { name: o.name } : identity,
      label,
      runtime: nodeRuntime,
      probes: o.probes,
      method: o.method,
      version: o.version,
      threads: o.threads,
      // the machine's memory: a model that cannot fit is refused before its weights are read
      memoryLimit: { bytes: o.memoryBytes ?? totalmem(), what: o.memoryBytes ? '--memory-limit' : "this machine's memory" },
      describe: () => ({
        engine: { name: pkg.name, version: pkg.version, provider: 'cpu' },
        computed: {
          where: o.where ?? `able embed (onnxruntime-node) on ${hostname()}`,
          date: new Date().toISOString(),
          wallTimeS: (Date.now() - t0) / 1000,
          peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        },
      }),
      onProbe: o.onProbe,
      rows: o.rows,
      // every tensor is written by the first graph: close the file (and collect the loading's garbage)
      onSession: () => weightFile.close(),
      onProgress: (p, sessions) =>
        bar?.update(p.done, p.total, p.phase === 'session' ? `(graph for length bucket ${sessions})` : p.probeId),
    });
    bar?.end();
    return record;
  } finally {
    weightFile.remove();
  }
}

function yesNo(args: string[], name: string): boolean | undefined {
  const v = flag(args, name);
  if (v === undefined || v === 'yes' || v === 'no') return v === undefined ? undefined : v === 'yes';
  throw new Error(`${name} must be yes or no, got "${v}"`);
}

/** --memory-limit 6G / 512M / bytes */
export function memoryLimitArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(v.trim());
  if (!m || Number(m[1]) <= 0) throw new Error(`--memory-limit: "${v}" is not a size such as 6G or 512M`);
  return Math.round(Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()));
}

/** --method / --steps / --probes / --threads / --prepack / --batch-tokens / --memory-limit, shared by `embed` and `atlas build`. */
export function embedOptionsFromArgs(args: string[]): EmbedCliOptions {
  const methodName = flag(args, '--method') ?? 'gxi';
  const stepsArg = flag(args, '--steps');
  let method: AttributionMethod;
  if (methodName === 'gxi' || methodName === 'grad-norm') {
    if (stepsArg) throw new Error('--steps applies to --method ig only');
    method = { kind: methodName };
  } else if (methodName === 'ig') {
    const steps = stepsArg ? Number(stepsArg) : DEFAULT_IG_STEPS;
    if (!Number.isInteger(steps) || steps < 1 || steps > 256) throw new Error(`--steps must be an integer from 1 to 256, got "${stepsArg}"`);
    method = { kind: 'ig', steps };
  } else throw new Error(`--method must be gxi, ig or grad-norm, got "${methodName}"`);
  const probesPath = flag(args, '--probes');
  const probes = probesPath ? readProbes(probesPath) : PROBE_SET_V1;
  const threadsArg = flag(args, '--threads');
  let threads: number | undefined;
  if (threadsArg !== undefined) {
    const t = chooseThreads(threadsArg, availableParallelism(), 1, '--threads');
    if (t.note) console.error(t.note);
    threads = t.threads;
  }
  const specArg = flag(args, '--spec');
  const batchArg = flag(args, '--batch-tokens');
  const batchTokens = batchArg === undefined ? undefined : Number(batchArg);
  if (batchTokens !== undefined && !(Number.isInteger(batchTokens) && batchTokens >= 1 && batchTokens <= 4096))
    throw new Error(`--batch-tokens must be an integer from 1 to 4096, got "${batchArg}"`);
  return {
    method,
    version: specArg === undefined ? undefined : parseMethodVersion(specArg),
    probes,
    threads,
    where: flag(args, '--where'),
    name: flag(args, '--name'),
    prepack: yesNo(args, '--prepack'),
    batchTokens,
    memoryBytes: memoryLimitArg(flag(args, '--memory-limit')),
  };
}

commands.push({
  name: 'embed',
  summary: 'compute the ABLE embedding of one model (hub id, model folder or GGUF file)',
  help: [
    'Usage: able embed <hub-id[@revision][:file.gguf] | path/to/model-dir | file.gguf> [options]',
    '',
    `  --spec v1|v2                method version (default v${CURRENT_METHOD_VERSION}, the shipped atlas's; docs/method.md)`,
    '  --method gxi|ig|grad-norm   attribution method (default gxi)',
    `  --steps m                   integrated-gradient steps for ig (default ${DEFAULT_IG_STEPS})`,
    '  --probes FILE               probe set JSON (default: the built-in v1)',
    '  --out FILE                  output (default <model>.<spec hash>.able.json; .bin writes the binary form)',
    '  --threads N                 onnxruntime intra-op threads (at most the cores)',
    '  --prepack yes|no            yes: onnxruntime prepacks the matmul weights, faster per probe but',
    '                              two more float32 copies of the weights in memory (default no;',
    '                              docs/benchmarks.md). The weights are kept in a scratch file under',
    '                              ABLE_TMPDIR (default the OS temp folder), deleted at the end.',
    `  --batch-tokens N            gxi, grad-norm: short probes run several to a call, about N tokens`,
    `                              per call (default ${BATCH_TOKENS}; 1: one probe per call). Faster; more`,
    '                              activation memory. The vector is the same within float32 rounding.',
    "  --memory-limit SIZE         refuse a model estimated to need more (default: the machine's memory)",
    '  --where TEXT                provenance note stored in the file (default: host name)',
    '  --name NAME                 identity name for a local model (default: its file or folder name)',
    '',
    'Hub downloads honour HF_ENDPOINT and HF_TOKEN and are cached in ABLE_HUB_CACHE (default ~/.cache/able-atlas/hub).',
  ].join('\n'),
  async run(args) {
    const input = positional(args);
    if (!input) throw new Error('give a hub id, a model folder or a .gguf file (see able embed --help)');
    const opts = embedOptionsFromArgs(args);
    const outArg = flag(args, '--out');
    // Before any work: the output must be writable (the default name lands in the working folder).
    await checkWritable(outArg ?? join('.', 'x.able.json'), outArg ? '--out' : 'output folder');
    const rec = await embedFromInput(input, opts);
    const name = ('hubId' in rec.model ? rec.model.hubId : rec.model.file).replace(/[^\w.-]+/g, '_');
    const out = outArg ?? `${name}.${rec.specHash.slice(0, 12)}.able.json`;
    // Temp file, fsync, rename: a failed write leaves a previous file at `out` as it was.
    await replaceFiles([{ path: out, data: out.endsWith('.bin') ? embeddingToBin(rec) : embeddingToJson(rec, { base64: true }) }]);
    console.log(
      `${out}: dimension ${rec.dim}, ${rec.computed.wallTimeS.toFixed(1)} s wall, provider ${rec.engine.provider}, ` +
        `peak RSS ${rec.computed.peakRssMiB} MiB, spec ${rec.specHash.slice(0, 12)} (${rec.spec.attribution})`,
    );
    return 0;
  },
});

// `able atlas build`: each manifest entry is embedded from its hub id (or a local `path` it names).
registerAtlasBuild(async (args) => {
  const opts = { ...embedOptionsFromArgs(args), quiet: true };
  const spec = makeSpec({ probeSet: await probeSetRef(opts.probes), attribution: opts.method, version: opts.version });
  return {
    specHash: await specHash(spec),
    embedOne: (entry) => {
      const path = (entry as { path?: string }).path;
      return embedFromInput(path ?? entry.id, path ? { ...opts, name: entry.id } : opts);
    },
  };
});
