// The embedding pipeline both faces run: a model's files -> openModel -> embedModel on a runtime ->
// an embedding record (docs/FORMATS.md). The CLI passes Node file sources and onnxruntime-node, the
// tab browser Files and onnxruntime-web; the steps, the spec check and the identity rule are here once.

import { sha256 } from '@noble/hashes/sha2.js';
import type { Runtime } from '../engine/runtime.ts';
import { type ArchSpec, type AttributionSessionOptions, createAttributionSession, type LoadedModel } from '../models/index.ts';
import { type ByteSource, freeBytes } from '../weights/source.ts';
import { sha256Hex } from './canonical-json.ts';
import { type EmbedProgress, embedModel, type ProbeRaw, type RowsPort } from './embed.ts';
import type { EmbeddingRecord, ModelIdentity } from './embedding-file.ts';
import { checkMemory, type WeightPath } from './memory.ts';
import { type OpenModelOptions, openModel } from './open-model.ts';
import { PROBE_SET_V1, type ProbeSet, probeSetRef } from './probes/index.ts';
import { type AbleSpec, type AttributionMethod, assertComparable, CURRENT_METHOD_VERSION, makeSpec, type MethodVersion, parseAttribution, specHash } from './spec.ts';

const base = (name: string) => name.split(/[\\/]/).pop() ?? name;

/**
 * A local model's identity: a GGUF file by its sha256 (named `name`, default the file's name); a
 * model folder, named `name`, by the sha256 of the lines "<shard>:<sha256 of shard>\n" over its
 * safetensors files in name order. Files are hashed in chunks (incremental SHA-256 of @noble/hashes, the
 * same in Node and the tab): a whole-file read fails past 2 GiB in Node and would double a tab's memory.
 */
export async function localIdentity(files: ByteSource[], name?: string): Promise<ModelIdentity> {
  const gguf = files.find((f) => base(f.name).toLowerCase().endsWith('.gguf'));
  if (gguf) return { file: name ?? base(gguf.name), sha256: await sha256OfSource(gguf) };
  if (name === undefined) throw new Error('a model folder needs a name for its identity');
  const shards = files.filter((f) => base(f.name).endsWith('.safetensors')).sort((a, b) => (base(a.name) < base(b.name) ? -1 : 1));
  let lines = '';
  for (const f of shards) lines += `${base(f.name)}:${await sha256OfSource(f)}\n`;
  return { file: name, sha256: await sha256Hex(lines) };
}

const HASH_CHUNK = 64 * 2 ** 20;
const HASH_SYNC_CHUNK = 8 * 2 ** 20;

/**
 * SHA-256 of a whole byte source, read 64 MiB at a time; where the source reads synchronously (the
 * tab's worker), 8 MiB at a time, each piece freed once hashed. The tab's reads still stay resident
 * until a GC, which is why runPipeline hashes before the sessions (docs/benchmarks.md, tab memory).
 */
export async function sha256OfSource(src: ByteSource): Promise<string> {
  const h = sha256.create();
  const step = src.readSync ? HASH_SYNC_CHUNK : HASH_CHUNK;
  for (let off = 0; off < src.size; off += step) {
    const n = Math.min(step, src.size - off);
    if (src.readSync) {
      const bytes = src.readSync(off, n);
      h.update(bytes);
      freeBytes(bytes);
    } else h.update(await src.read(off, n));
  }
  return Array.from(h.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The spec a method and probe set give, refused up front when it is not the one expected (an atlas's). */
export async function checkedSpec(
  probes: ProbeSet,
  method: AttributionMethod,
  expect?: { specHash: string; label: string },
  version?: MethodVersion,
): Promise<{ spec: AbleSpec; specHash: string }> {
  const spec = makeSpec({ probeSet: await probeSetRef(probes), attribution: method, version });
  const hash = await specHash(spec);
  if (expect) assertComparable({ specHash: hash, label: 'this embedding' }, expect);
  return { spec, specHash: hash };
}

export type PipelinePhase = 'open' | 'hash';

export interface PipelineOptions {
  files: ByteSource[];
  /** A hub model's identity; for local files the name its identity is stored under (see localIdentity). */
  identity: ModelIdentity | { name?: string };
  /** The model's name in messages and in the per-model fallback of aggregation. */
  label: string;
  runtime: Runtime;
  probes: ProbeSet;
  method: AttributionMethod;
  /** The method version (default: the current one). */
  version?: MethodVersion;
  /** onnxruntime intra-op threads (Node; the web binding reads env.wasm.numThreads). */
  threads?: number;
  /** The memory this run may use (the machine's, the tab's); a model estimated above it is refused before loading. */
  memoryLimit?: { bytes: number; what: string };
  /** Refuse before any work when the spec differs (an atlas's spec hash and a label for the error). */
  expect?: { specHash: string; label: string };
  /** Wraps the weight store before loading (the CLI moves the tensors into a mapped file: src/cli/weight-file.ts). */
  wrapStore?: OpenModelOptions['wrapStore'];
  /** GGUF weights dequantized on demand per session, not held as float32 (see OpenModelOptions.lazyWeights). */
  lazyWeights?: boolean;
  /** ORT session options beyond threads (the CLI turns prepacking off: docs/benchmarks.md). */
  sessionOptions?: Pick<AttributionSessionOptions, 'prepack' | 'arena' | 'memPattern' | 'objective'>;
  /** Rewrites the loaded model before any graph is built (the tab upcasts float16 weights for WebGPU). */
  prepareModel?: (m: LoadedModel) => LoadedModel;
  /** The record's engine name/version and computed fields, given the provider that ran the graphs. */
  describe: (provider: string) => Pick<EmbeddingRecord, 'engine' | 'computed'>;
  onPhase?: (phase: PipelinePhase, detail: string) => void;
  /** Before each graph is built: its length T and how many graphs so far, this one included. */
  onSession?: (T: number, count: number) => void;
  onProgress?: (p: EmbedProgress, sessions: number) => void;
  /** Each probe's raw gradients and embeddings (the lab's ablation derives its variants from them). */
  onProbe?: (r: ProbeRaw) => void;
  /** The lab's own batch rows (IG from a non-zero baseline, SmoothGrad): see RowsPort. */
  rows?: RowsPort;
  /** Tokens per call for one-row methods (see embedModel; default BATCH_TOKENS). */
  batchTokens?: number;
}

/** Where this run keeps the weights, for the memory estimate (see WeightPath). */
function weightPath(o: PipelineOptions, spec: ArchSpec): WeightPath {
  const prepack = o.sessionOptions?.prepack !== false;
  if (o.lazyWeights && spec.source === 'gguf' && !prepack) return 'on-demand';
  if (o.wrapStore !== undefined && !o.sessionOptions?.prepack) return 'mapped';
  return prepack ? 'js' : 'js-unpacked';
}

export async function runPipeline(o: PipelineOptions): Promise<{ record: EmbeddingRecord; embedMs: number }> {
  const checked = await checkedSpec(o.probes, o.method, o.expect, o.version);

  o.onPhase?.('open', 'reading the weights and the tokenizer');
  const limit = o.memoryLimit;
  const opened = await openModel(o.files, {
    wrapStore: o.wrapStore,
    lazyWeights: o.lazyWeights,
    checkSpec: limit ? (spec) => checkMemory(spec, limit, { weights: weightPath(o, spec) }) : undefined,
  });
  const model = o.prepareModel ? o.prepareModel(opened.model) : opened.model;
  // Before the sessions: the tab's file reads stay resident until a GC, and the sessions' large
  // allocations bring one; hashed after them, they raised its peak by the file's size (bench tab-embed).
  let identity: ModelIdentity;
  if ('hubId' in o.identity || 'file' in o.identity) identity = o.identity;
  else {
    o.onPhase?.('hash', 'hashing the weights for the model identity');
    identity = await localIdentity(o.files, o.identity.name);
  }
  let sessions = 0;
  const t0 = performance.now();
  const res = await embedModel({
    modelName: o.label,
    tokenizer: opened.tokenizer,
    hiddenSize: opened.spec.hidden,
    probes: o.probes,
    method: o.method,
    version: o.version,
    sessions: (shape) => {
      sessions++;
      o.onSession?.(shape.T, sessions);
      return createAttributionSession(o.runtime, model, { ...shape, threads: o.threads, ...o.sessionOptions });
    },
    onProgress: (p) => o.onProgress?.(p, sessions),
    onProbe: o.onProbe,
    rows: o.rows,
    batchTokens: o.batchTokens,
  });
  const embedMs = performance.now() - t0;
  if (res.specHash !== checked.specHash) throw new Error(`spec hash changed while embedding (${res.specHash} vs ${checked.specHash})`);

  const { engine, computed } = o.describe(res.provider);
  const record: EmbeddingRecord = {
    format: 'able-embedding/1',
    spec: res.spec,
    specHash: res.specHash,
    model: identity,
    engine,
    computed,
    probeTimingsMs: res.probeTimingsMs.map((t) => Math.round(t * 10) / 10),
    targetLogProbs: res.targetLogProbs,
    dim: res.vector.length,
    vector: res.vector,
  };
  return { record, embedMs };
}

/** The probe sets this build carries, by the sha256 a spec names them with. */
const KNOWN_PROBE_SETS: ProbeSet[] = [PROBE_SET_V1];

/**
 * What a spec asks to compute: its probe set (one this build carries, matched by sha256), its
 * attribution method and its method version. No spec: the defaults (probe set v1, gxi, the current version).
 */
export async function specInputs(
  spec: AbleSpec | null | undefined,
): Promise<{ probes: ProbeSet; method: AttributionMethod; version: MethodVersion }> {
  if (!spec) return { probes: PROBE_SET_V1, method: { kind: 'gxi' }, version: CURRENT_METHOD_VERSION };
  for (const set of KNOWN_PROBE_SETS) {
    const ref = await probeSetRef(set);
    if (ref.sha256 === spec.probeSet.sha256) return { probes: set, method: parseAttribution(spec.attribution), version: spec.methodVersion };
  }
  throw new Error(
    `spec.probeSet: probe set "${spec.probeSet.id}" (sha256 ${spec.probeSet.sha256.slice(0, 12)}…) is not one this build carries ` +
      `(${KNOWN_PROBE_SETS.map((s) => s.id).join(', ')}); use \`able embed --probes FILE\` with that probe set`,
  );
}
