// One model's ABLE embedding (METHOD.md sections 3-6): tokenize each probe, run the
// forward+backward graph, turn gradients into token attributions, align to words, normalize.
// Runs the same in Node and in a browser tab: the session factory and the clock are passed in.
import type { Tokenizer } from '../text/tokenizer';
import { aggregateEmbedding, type ProbeTokenResult } from './aggregate';
import { igAlphas, tokenAttributions } from './attribution';
import type { Probe, ProbeSet } from './probes/index';
import { probeSetRef } from './probes/index';
import { type AbleSpec, type AttributionMethod, makeSpec, type MethodVersion, specHash } from './spec';
import { selectTokens } from './targets';

/** A compiled attribution graph for a fixed length T and batch B (see src/models). */
export interface AttributionSession {
  run(
    ids: Int32Array,
    targetMask: Float32Array,
    alpha: Float32Array,
  ): Promise<{ f: Float32Array; grad: Float32Array; embeds: Float32Array }>;
  provider: string;
  createMs: number;
  release(): Promise<void>;
}
/** maxTargets: the most target tokens of any probe it will run (the vocabulary head runs only there). */
export type SessionFactory = (T: number, B: number, maxTargets: number) => Promise<AttributionSession>;

export interface EmbedProgress {
  done: number;
  total: number;
  probeId: string;
  ms: number;
  phase: 'session' | 'probe';
}

/** One probe's raw engine output, for tools that derive more than the spec's attribution (the lab's ablation). */
export interface ProbeRaw {
  index: number;
  probe: Probe;
  spans: ProbeTokenResult['spans'];
  /** [rows, n, H]: df/dX per batch row (ig: its m steps), cut to the n real positions */
  grad: Float32Array;
  rows: number;
  /** [n, H]: the input embeddings E */
  emb: Float32Array;
  n: number;
  H: number;
  /** f at alpha = 1 */
  logProb: number;
}

export interface EmbedResult {
  spec: AbleSpec;
  specHash: string;
  vector: Float32Array;
  targetLogProbs: number[];
  probeTimingsMs: number[];
  provider: string;
  sessionMs: number[];
}

/** Static length buckets: few sessions (each costs seconds to create), little padding. */
export const LENGTH_BUCKETS = [16, 32, 64, 128, 256, 512];
export function bucketFor(n: number): number {
  const b = LENGTH_BUCKETS.find((x) => x >= n);
  if (b === undefined) throw new Error(`${n} tokens exceed the longest supported length ${LENGTH_BUCKETS.at(-1)}`);
  return b;
}

interface Prepared {
  probe: Probe;
  ids: number[];
  spans: ProbeTokenResult['spans'];
  target: number[];
}

export async function embedModel(opts: {
  modelName: string;
  tokenizer: Tokenizer;
  sessions: SessionFactory;
  hiddenSize: number;
  probes: ProbeSet;
  method: AttributionMethod;
  /** The aggregation's method version (default: the current one). */
  version?: MethodVersion;
  onProgress?: (p: EmbedProgress) => void;
  onProbe?: (r: ProbeRaw) => void;
  now?: () => number;
}): Promise<EmbedResult> {
  const { tokenizer, probes, method, modelName } = opts;
  const now = opts.now ?? (() => performance.now());
  const spec = makeSpec({ probeSet: await probeSetRef(probes), attribution: method, version: opts.version });
  const H = opts.hiddenSize;

  const prepared: Prepared[] = probes.probes.map((probe) => {
    const enc = tokenizer.encode(probe.context + probe.target);
    const { target } = selectTokens(enc.spans, probe.context.length, probe.id);
    return { probe, ids: enc.ids, spans: enc.spans, target };
  });

  // Group by bucket and run one bucket at a time, releasing each session before the next,
  // so a model's weights are held by one session at most.
  const byBucket = new Map<number, number[]>();
  prepared.forEach((p, i) => {
    const T = bucketFor(p.ids.length);
    byBucket.set(T, [...(byBucket.get(T) ?? []), i]);
  });

  // For ig one extra batch row at alpha = 1 gives f itself (the output-based baseline) for free.
  const steps = method.kind === 'ig' ? method.steps : 0;
  const alpha = Float32Array.from([...(steps ? igAlphas(steps) : []), 1]);
  const B = alpha.length;
  const results: ProbeTokenResult[] = new Array(prepared.length);
  const logProbs: number[] = new Array(prepared.length);
  const timings: number[] = new Array(prepared.length);
  const sessionMs: number[] = [];
  let provider = '';
  let done = 0;

  for (const T of [...byBucket.keys()].sort((a, b) => a - b)) {
    const t0 = now();
    const maxTargets = Math.max(...byBucket.get(T)!.map((i) => prepared[i].target.length));
    const session = await opts.sessions(T, B, maxTargets);
    sessionMs.push(session.createMs ?? now() - t0);
    provider = session.provider;
    opts.onProgress?.({ done, total: prepared.length, probeId: '', ms: now() - t0, phase: 'session' });
    try {
      for (const i of byBucket.get(T)!) {
        const p = prepared[i];
        const t1 = now();
        const ids = new Int32Array(T);
        ids.set(p.ids);
        const mask = new Float32Array(T);
        for (const j of p.target) mask[j] = 1;
        const out = await session.run(ids, mask, alpha);
        const n = p.ids.length;
        // Only the real (unpadded) positions matter; padding sits at the end.
        const grad = sliceRows(out.grad, steps || 1, T, n, H);
        const emb = out.embeds.subarray(0, n * H);
        const attr = tokenAttributions(method, grad, emb, n, H);
        results[i] = { spans: p.spans, tokenAttr: attr };
        logProbs[i] = out.f[B - 1];
        opts.onProbe?.({ index: i, probe: p.probe, spans: p.spans, grad, rows: steps || 1, emb, n, H, logProb: logProbs[i] });
        timings[i] = now() - t1;
        done++;
        opts.onProgress?.({ done, total: prepared.length, probeId: p.probe.id, ms: timings[i], phase: 'probe' });
      }
    } finally {
      await session.release();
    }
  }

  const vector = aggregateEmbedding(probes.probes, results, modelName, spec.methodVersion);
  return { spec, specHash: await specHash(spec), vector, targetLogProbs: logProbs, probeTimingsMs: timings, provider, sessionMs };
}

/** The first B rows of [*, T, H], each cut to its first n positions: [B, n, H]. */
function sliceRows(a: Float32Array, B: number, T: number, n: number, H: number): Float32Array {
  const out = new Float32Array(B * n * H);
  for (let b = 0; b < B; b++) out.set(a.subarray(b * T * H, b * T * H + n * H), b * n * H);
  return out;
}
