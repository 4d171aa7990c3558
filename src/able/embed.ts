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
    /** [T], or [B, T] for a session made with rowIds (one probe per row) */
    ids: Int32Array,
    /** shaped as ids */
    targetMask: Float32Array,
    alpha: Float32Array,
    /** [B, T, H], only for a session made with offsets (see SessionFactory) */
    offset?: Float32Array,
  ): Promise<{ f: Float32Array; grad: Float32Array; embeds: Float32Array }>;
  provider: string;
  createMs: number;
  release(): Promise<void>;
}
/**
 * T: the padded length; B: batch rows. maxTargets: the most target tokens of any probe it will run
 * (the vocabulary head runs only there). offset: the graph takes X = alpha E + offset (only asked
 * for by a RowsPort that uses offsets). rowIds: each row its own probe (ids and targets [B, T]).
 */
export interface SessionShape {
  T: number;
  B: number;
  maxTargets: number;
  offset?: boolean;
  rowIds?: boolean;
}
export type SessionFactory = (shape: SessionShape) => Promise<AttributionSession>;

/**
 * Tokens per call when a method has one row per probe (gxi, grad-norm): short probes are run
 * several to a call, so each matmul has ~this many rows. Unpacked matmuls of 16 rows run at a
 * third of their speed at 128 (docs/benchmarks.md: probe batching); activations grow with it.
 */
export const BATCH_TOKENS = 128;

/**
 * Batch rows other than the method's, for the lab's ablation (IG from a non-zero baseline,
 * SmoothGrad): `rows` gradient rows per probe at X = alpha[r] E + offset[r], and the token
 * attribution they give. The batch is rows + 1: a last row at alpha 1 without offset gives f.
 */
export interface RowsPort {
  rows: number;
  /** whether make() gives offsets; only then is the graph built with an offset input */
  offset: boolean;
  /** alpha [rows] and, with offsets, offset [rows, T, H] for probe `index` (its n = ids.length real tokens first) */
  make(index: number, ids: readonly number[], T: number, H: number): { alpha: Float32Array; offset?: Float32Array };
  /** token attributions [n] from grad [rows, n, H], E [n, H] and the offset cut alike to [rows, n, H] */
  attribute(grad: Float32Array, emb: Float32Array, offset: Float32Array | undefined, n: number, H: number): Float64Array;
}

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
  /** [rows, n, H]: df/dX per batch row (ig: its m steps; a RowsPort: its rows), cut to the n real positions */
  grad: Float32Array;
  rows: number;
  /** [n, H]: the input embeddings E */
  emb: Float32Array;
  n: number;
  H: number;
  /** f at alpha = 1 */
  logProb: number;
  /** [n]: the token attributions the vector is made of (the method's, or the RowsPort's) */
  tokenAttr: Float64Array;
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
  /** The lab's own batch rows; the vector then holds their attribution, under the spec of `method`. */
  rows?: RowsPort;
  /** Tokens per call for one-row methods (default BATCH_TOKENS; T or less: one probe per call). */
  batchTokens?: number;
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
  const port = opts.rows;
  // gradient rows: gxi's one row is the f row itself; ig's and a port's come before it
  const R = port ? port.rows : steps || 1;
  const B = port ? R + 1 : alpha.length;
  const results: ProbeTokenResult[] = new Array(prepared.length);
  const logProbs: number[] = new Array(prepared.length);
  const timings: number[] = new Array(prepared.length);
  const sessionMs: number[] = [];
  let provider = '';
  let done = 0;

  // one-row methods run several probes per call, one per batch row
  const batchTokens = opts.batchTokens ?? BATCH_TOKENS;
  if (!Number.isInteger(batchTokens) || batchTokens < 1) throw new Error(`batchTokens must be a positive integer, got ${batchTokens}`);
  const perRow = !port && steps === 0;

  for (const T of [...byBucket.keys()].sort((a, b) => a - b)) {
    const t0 = now();
    const members = byBucket.get(T)!;
    const maxTargets = Math.max(...members.map((i) => prepared[i].target.length));
    const P = perRow ? Math.max(1, Math.min(members.length, Math.floor(batchTokens / T))) : 1;
    const shape: SessionShape = perRow && P > 1 ? { T, B: P, maxTargets, rowIds: true } : { T, B, maxTargets, ...(port?.offset ? { offset: true } : {}) };
    const session = await opts.sessions(shape);
    sessionMs.push(session.createMs ?? now() - t0);
    provider = session.provider;
    opts.onProgress?.({ done, total: prepared.length, probeId: '', ms: now() - t0, phase: 'session' });
    try {
      for (let c = 0; c < members.length; c += P) {
        const chunk = members.slice(c, c + P);
        const t1 = now();
        // rows past the chunk's probes stay all padding: no targets, so f 0 and no gradient
        const ids = new Int32Array(P * T);
        const mask = new Float32Array(P * T);
        chunk.forEach((i, r) => {
          ids.set(prepared[i].ids, r * T);
          for (const j of prepared[i].target) mask[r * T + j] = 1;
        });
        const rows = port ? portRows(port, chunk[0], prepared[chunk[0]].ids, T, H, B) : { alpha: P > 1 ? new Float32Array(P).fill(1) : alpha };
        const out = rows.offset ? await session.run(ids, mask, rows.alpha, rows.offset) : await session.run(ids, mask, rows.alpha);
        const ms = (now() - t1) / chunk.length;
        chunk.forEach((i, r) => {
          const p = prepared[i];
          const n = p.ids.length;
          // Only the real (unpadded) positions matter; padding sits at the end.
          const grad = P > 1 ? out.grad.subarray(r * T * H, (r * T + n) * H) : sliceRows(out.grad, R, T, n, H);
          const emb = out.embeds.subarray(r * T * H, (r * T + n) * H);
          const attr = port
            ? port.attribute(grad, emb, rows.offset && sliceRows(rows.offset, R, T, n, H), n, H)
            : tokenAttributions(method, grad, emb, n, H);
          results[i] = { spans: p.spans, tokenAttr: attr };
          logProbs[i] = P > 1 ? out.f[r] : out.f[B - 1];
          opts.onProbe?.({ index: i, probe: p.probe, spans: p.spans, grad, rows: R, emb, n, H, logProb: logProbs[i], tokenAttr: attr });
          timings[i] = ms;
          done++;
          opts.onProgress?.({ done, total: prepared.length, probeId: p.probe.id, ms, phase: 'probe' });
        });
      }
    } finally {
      await session.release();
    }
  }

  const vector = aggregateEmbedding(probes.probes, results, modelName, spec.methodVersion);
  return { spec, specHash: await specHash(spec), vector, targetLogProbs: logProbs, probeTimingsMs: timings, provider, sessionMs };
}

/** A port's rows for one probe, checked, plus the f row (alpha 1, offset 0) last. */
function portRows(port: RowsPort, i: number, ids: number[], T: number, H: number, B: number): { alpha: Float32Array; offset?: Float32Array } {
  const r = port.make(i, ids, T, H);
  const R = port.rows;
  if (r.alpha.length !== R) throw new Error(`rows port: ${r.alpha.length} alphas, expected ${R}`);
  if (port.offset !== (r.offset !== undefined)) throw new Error(`rows port: offset ${port.offset ? 'missing' : 'given, but the port said it uses none'}`);
  if (r.offset && r.offset.length !== R * T * H) throw new Error(`rows port: offset has ${r.offset.length} values, expected ${R}*${T}*${H}`);
  const alpha = new Float32Array(B);
  alpha.set(r.alpha);
  alpha[R] = 1;
  if (!r.offset) return { alpha };
  const offset = new Float32Array(B * T * H);
  offset.set(r.offset);
  return { alpha, offset };
}

/** The first B rows of [*, T, H], each cut to its first n positions: [B, n, H]. */
function sliceRows(a: Float32Array, B: number, T: number, n: number, H: number): Float32Array {
  const out = new Float32Array(B * n * H);
  for (let b = 0; b < B; b++) out.set(a.subarray(b * T * H, b * T * H + n * H), b * n * H);
  return out;
}
