// The in-tab embedding, as the worker runs it: files (local or from the hub) -> the core pipeline
// (src/able/pipeline.ts) on onnxruntime-web. The CLI's `able embed` runs the same pipeline with Node
// file access, so the vector equals the Node result (e2e/embed.spec.ts).
import pkg from '../../../package.json';
import type { ModelIdentity } from '../../able/embedding-file';
import { checkedSpec, runPipeline, specInputs } from '../../able/pipeline';
import { configureOrt } from '../../platform/web/ort';
import { webRuntime } from '../../platform/web/runtime-web';
import { HubClient } from '../../weights/hub';
import { MemoryHubCache } from '../../weights/hub-cache-memory';
import { BlobSource } from '../../weights/source';
import { OpfsHubCache } from '../../platform/web/hub-cache-browser';
import { type EmbedEvent, type EmbedRequest, formatBytes, isOutOfMemory } from './messages';
import { withFloat32Weights } from './upcast';

const base = (name: string) => name.split(/[\\/]/).pop() ?? name;
const isWeights = (name: string) => /\.(safetensors|gguf)$/i.test(name);

/**
 * What the tab may use: three quarters of the memory the browser reports (navigator.deviceMemory,
 * which Chromium caps at 8 GB; 4 GB where it reports nothing). The model's estimate
 * (src/able/memory.ts) is checked against it before any weight is read.
 */
function tabMemoryLimit(): { bytes: number; what: string } {
  const gb = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 4;
  return { bytes: 0.75 * gb * 2 ** 30, what: `this tab's share (3/4) of the ${gb} GB the browser reports` };
}

function refuseIfTooLarge(bytes: number, limit: number, what: string): void {
  if (bytes > limit)
    throw new Error(
      `${what} ${formatBytes(bytes)} of weights; this tab refuses models over ${formatBytes(limit)} ` +
        '(WebAssembly has a 4 GB heap that the weights share with onnxruntime\'s working copies). Use `able embed` in Node instead.',
    );
}

async function webgpuAvailable(): Promise<boolean> {
  const gpu = (globalThis.navigator as any)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

/** Rewrites failures a user cannot act on as they stand. */
export function explainError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (isOutOfMemory(msg))
    return `the tab ran out of memory while running the model (${msg}); try a smaller model or \`able embed\` in Node`;
  return msg;
}

export async function runEmbed(req: EmbedRequest, post: (e: EmbedEvent) => void): Promise<void> {
  const t0 = performance.now();
  post({ type: 'phase', phase: 'check', detail: 'checking the spec and the files' });
  // The atlas's spec says how to embed (probe set, attribution, method version), so the result is comparable with it.
  const inputs = await specInputs(req.atlasSpec);
  const { method, version } = inputs;
  let probes = inputs.probes;
  let expect = req.atlasSpecHash ? { specHash: req.atlasSpecHash, label: 'the atlas' } : undefined;
  // bench/tab-embed.ts times a probe subset (another spec, so no atlas to match); Vite drops this in production
  if (import.meta.env.MODE === 'e2e' && req.probeIds) {
    const ids = new Set(req.probeIds);
    probes = { ...probes, probes: probes.probes.filter((p) => ids.has(p.id)) };
    expect = undefined;
  }
  await checkedSpec(probes, method, expect, version);

  let files: File[] | Blob[];
  let names: string[];
  let identity: ModelIdentity | null = null;
  let label: string;
  let downloadMs = 0;
  const src = req.source;
  if (src.kind === 'files') {
    files = src.files;
    names = src.files.map((f) => base(f.name));
    label = src.name;
    const weights = src.files.filter((f) => isWeights(f.name));
    if (weights.length === 0) throw new Error('no weights among the chosen files: choose a .gguf file, or a folder with config.json and *.safetensors');
    const hasGguf = weights.some((f) => /\.gguf$/i.test(f.name));
    if (!hasGguf && !names.includes('config.json')) throw new Error('no config.json among the chosen files (it must sit beside the .safetensors weights)');
    if (!hasGguf && !names.includes('tokenizer.json'))
      throw new Error("no tokenizer.json among the chosen files: the model's own tokenizer.json is needed to align tokens to words");
    refuseIfTooLarge(
      weights.reduce((n, f) => n + f.size, 0),
      req.maxWeightBytes,
      'the chosen files hold',
    );
  } else {
    const cache = OpfsHubCache.available() ? new OpfsHubCache() : new MemoryHubCache();
    const loaded = new Map<string, number>();
    let bytesTotal: number | null = null;
    const client = new HubClient({
      cache,
      endpoint: src.endpoint || undefined,
      onProgress: (p) => {
        loaded.set(p.file, p.loaded);
        const bytesDone = [...loaded.values()].reduce((n, x) => n + x, 0);
        post({ type: 'download', file: p.file, loaded: p.loaded, total: p.total, bytesDone, bytesTotal });
      },
    });
    post({ type: 'phase', phase: 'download', detail: `listing ${src.ref}` });
    const listing = await client.list(src.ref);
    // Size check before any download: the GGUF file asked for, else every safetensors file listed.
    const weightEntries = listing.files.filter((f) => (src.gguf ? f.path === src.gguf : f.path.endsWith('.safetensors')));
    const weightBytes = weightEntries.reduce((n, f) => n + (f.size ?? 0), 0);
    refuseIfTooLarge(weightBytes, req.maxWeightBytes, `${listing.repoId} holds`);
    bytesTotal = weightBytes || null;
    post({ type: 'phase', phase: 'download', detail: `downloading ${listing.repoId} at ${listing.sha.slice(0, 10)}` });
    const t1 = performance.now();
    const m = await client.model({ repoId: listing.repoId, revision: listing.sha }, src.gguf ? { gguf: src.gguf } : {});
    downloadMs = performance.now() - t1;
    names = [...m.files.keys()];
    files = [...m.files.values()];
    label = m.repoId;
    identity = { hubId: m.repoId, revision: m.sha };
    if (!src.gguf && !m.files.has('tokenizer.json'))
      throw new Error(`${m.repoId} has no tokenizer.json: the model's own tokenizer.json is needed to align tokens to words`);
  }

  const providers = req.backend === 'wasm' || !(await webgpuAvailable()) ? ['wasm'] : ['webgpu', 'wasm'];
  // The worker has its own copy of onnxruntime-web: configured as the page's, with the page's threads.
  configureOrt({ threads: req.threads });
  const { record, embedMs } = await runPipeline({
    files: files.map((f, i) => new BlobSource(f, names[i])),
    // A GGUF file keeps its own name as its identity; a folder takes the name chosen for it.
    identity: identity ?? { name: names.some((n) => /\.gguf$/i.test(n)) ? undefined : label },
    label,
    runtime: webRuntime(providers),
    probes,
    method,
    version,
    expect,
    memoryLimit: tabMemoryLimit(),
    // no prepacked (re-laid-out) copy of each matmul weight in the WASM heap, and on WASM no float32
    // copy of the model in the JS heap: each session dequantizes as it copies in (docs/benchmarks.md)
    sessionOptions: { prepack: false },
    // half of Node's tokens per call: the activations share the 4 GiB WASM heap with the weights
    // (SmolLM2 renderer peak 1,433 MiB at 128, 1,340 at 64; docs/benchmarks.md)
    batchTokens: 64,
    lazyWeights: providers[0] === 'wasm',
    prepareModel: providers[0] === 'webgpu' ? withFloat32Weights : undefined,
    describe: (p) => {
      const provider = p === 'webgpu' ? 'webgpu' : 'wasm';
      return {
        engine: { name: pkg.name, version: pkg.version, provider },
        computed: {
          where: `browser tab (onnxruntime-web ${provider}${provider === 'wasm' ? `, ${req.threads} thread${req.threads > 1 ? 's' : ''}` : ''})`,
          date: new Date().toISOString(),
          wallTimeS: Math.round(performance.now() - t0) / 1000,
        },
      };
    },
    onPhase: (phase, detail) => post({ type: 'phase', phase, detail }),
    onSession: (T) => post({ type: 'phase', phase: 'session', detail: `building the graph for length ${T} (${providers.join(' > ')})` }),
    onProgress: (p, buckets) => {
      if (p.phase === 'probe') post({ type: 'probe', done: p.done, total: p.total, probeId: p.probeId, ms: p.ms });
      else post({ type: 'session', done: buckets, total: buckets, ms: p.ms });
    },
  });
  const provider = record.engine.provider;
  const wallMs = performance.now() - t0;
  post({ type: 'done', record, label, provider, threads: req.threads, wallMs, downloadMs, embedMs });
}
