// The attribution graph of one model: token ids -> f (sum of target log-probs, or of expected
// log-probs) and df/dX, for B scaled (and optionally offset) copies of the input embeddings at once
// (IG steps, SmoothGrad samples), all in one ONNX graph.
import { causalMask, type DType, Graph, grad, linear, op, primitives, type RopeTables, ropeTables, softcap, type Tensor } from '../engine/index.ts';
import type { ForwardContext } from './family.ts';
import { invFreq } from './layers.ts';
import type { LoadedModel } from './load.ts';

/** The largest float32 table handed to a runtime whole when its weights are made on demand (tests lower it). */
export const TABLE_BLOCK = { bytes: 64 * 2 ** 20 };

export interface AttributionGraphOptions {
  /** Static sequence length (pad shorter inputs at the end; mask them out of targetMask). */
  T: number;
  /** Batch rows: one embedding scale alpha[b] each. */
  B: number;
  /**
   * Each batch row its own token sequence: ids [B, T], and targets per row (several probes in one
   * call). Default false: one sequence shared by the B rows (IG steps, SmoothGrad samples). With a
   * few short probes per call the matmuls get B*T rows instead of T, which is what makes them
   * efficient (docs/benchmarks.md: probe batching).
   */
  rowIds?: boolean;
  dtype?: 'float32' | 'float64';
  /** Also output logits [T, V] of batch row 0 (for parity tests; V is large). */
  logits?: boolean;
  /**
   * Compute the head only at (at most) this many target positions instead of all T: the graph then
   * takes targetSelect [K, T] (row k one-hot at the position predicting the k-th target token),
   * targetIds int64 [K] and targetWeight [K] (1 for used rows) in place of targetMask (the session
   * builds them from targetMask). Same f and grad; the [B, T, V] logits are never formed, which
   * is most of the work for large vocabularies (Gemma 3: V = 262144).
   */
  maxTargets?: number;
  /** Output grad (default true); false gives the forward-only twin the benchmarks time it against. */
  backward?: boolean;
  /**
   * Also take offset [B, T, D]: X[b] = alpha[b] E + offset[b] (IG from a baseline c: offset[b] =
   * (1 - alpha[b]) c; SmoothGrad: alpha 1, offset noise). Default false: no such input.
   */
  offset?: boolean;
  /** What f sums over the target-predicting positions (default 'target-logprob'); see AttributionObjective. */
  objective?: AttributionObjective;
}

/**
 * 'target-logprob' (method v1): log p(target token). 'expected-logprob': sum_v p_v log p_v of the
 * model's own next-token distribution there (minus its entropy; the target ids are not used).
 */
export type AttributionObjective = 'target-logprob' | 'expected-logprob';

/**
 * Inputs:  ids int64 [T] ([B, T] with rowIds); alpha [B]; offset [B, T, D] (with offset: true); targetMask [T] (weight
 *          of position i - 1 in f: 1 where ids[i] is a target token, 0 at i = 0 and on padding).
 *          (With maxTargets: targetSelect, targetIds, targetWeight instead of targetMask; no
 *          targetIds for 'expected-logprob'.) With rowIds each of these gains a leading B axis.
 * Outputs: f [B] = sum over those positions of weight * (log softmax(logits[i-1])[ids[i]], or
 *          sum_v p_v log p_v for 'expected-logprob'); grad [B, T, D] = df/dX at
 *          X = alpha[b] E (+ offset[b]); embeds [T, D] = E ([B, T, D] with rowIds); logits [T, V] (opt).
 * E is the input-embedding matrix as the first layer sees it: for Gemma it includes the
 * sqrt(hidden) scale (as transformers' embedding module does); for GPT-2 it excludes positions.
 */
export function buildAttributionGraph(model: LoadedModel, opts: AttributionGraphOptions): Graph {
  const { T, B } = opts;
  const dtype: DType = opts.dtype ?? 'float32';
  const { spec, family } = model;
  if (!Number.isInteger(T) || T < 2) throw new Error(`buildAttributionGraph: T must be an integer >= 2, got ${T}`);
  if (!Number.isInteger(B) || B < 1) throw new Error(`buildAttributionGraph: B must be a positive integer, got ${B}`);
  const g = new Graph(primitives);
  const rowIds = opts.rowIds === true;
  // leading axis of the per-sequence inputs: none when the B rows share one sequence
  const seq = (...dims: number[]) => (rowIds ? [B, ...dims] : dims);
  const ids = g.input('ids', 'int64', seq(T));
  const K = opts.maxTargets;
  if (K !== undefined && (!Number.isInteger(K) || K < 1 || K > T - 1))
    throw new Error(`buildAttributionGraph: maxTargets must be an integer in [1, T-1], got ${K}`);
  if (K !== undefined && opts.logits) throw new Error('buildAttributionGraph: logits output needs all positions (no maxTargets)');
  const alpha = g.input('alpha', dtype, [B]);
  const offset = opts.offset ? g.input('offset', dtype, [B, T, model.spec.hidden]) : null;
  const objective = opts.objective ?? 'target-logprob';
  if (objective !== 'target-logprob' && objective !== 'expected-logprob')
    throw new Error(`buildAttributionGraph: objective must be 'target-logprob' or 'expected-logprob', got '${objective}'`);
  const expected = objective === 'expected-logprob';

  const raw = new Map<string, Tensor>();
  const rawWeight = (name: string) => {
    let t = raw.get(name);
    if (!t) {
      const s = model.tensors.get(name);
      if (!s) throw new Error(`${spec.architecture}: tensor '${name}' was not loaded`);
      t = g.weight(name, s.dtype, s.shape, 'bytes' in s ? { bytes: s.bytes } : 'lazy' in s ? { lazy: s.lazy } : { file: s.file });
      raw.set(name, t);
    }
    return t;
  };
  const cast = new Map<string, Tensor>();
  const w = (name: string) => {
    let t = cast.get(name);
    if (!t) {
      t = op.cast(rawWeight(name), dtype);
      cast.set(name, t);
    }
    return t;
  };
  const ropes = new Map<string, RopeTables>();
  const masks = new Map<string, Tensor>();
  const ctx: ForwardContext = {
    g,
    spec,
    T,
    B,
    dtype,
    w,
    rope(which) {
      const r = which === 'local' && spec.ropeLocal ? spec.ropeLocal : spec.rope;
      if (!r) throw new Error(`${spec.architecture} has no rotary embedding`);
      let t = ropes.get(which);
      if (!t) {
        t = ropeTables(g, { T, rotaryDim: r.rotaryDim, invFreq: invFreq(r), float32Angles: true, dtype });
        ropes.set(which, t);
      }
      return t;
    },
    mask(window) {
      const key = String(window);
      let m = masks.get(key);
      if (!m) {
        m = causalMask(g, T, window ?? undefined);
        masks.set(key, m);
      }
      return m;
    },
  };

  // A table made on demand (the tab) and larger than TABLE_BLOCK.bytes goes to the runtime as row
  // blocks: onnxruntime-web takes each weight whole, so the float32 copy handed over beside its heap
  // is one block, not Gemma 3's 640 MiB embedding table (docs/benchmarks.md, tab memory).
  const blocks = new Map<string, { t: Tensor; start: number }[] | null>();
  const tableBlocks = (name: string) => {
    if (blocks.has(name)) return blocks.get(name)!;
    const s = model.tensors.get(name);
    let out: { t: Tensor; start: number }[] | null = null;
    if (s && 'lazy' in s && s.lazy.rows && s.shape.length === 2 && s.lazy.byteLength > TABLE_BLOCK.bytes) {
      const [V, D] = s.shape;
      const n = Math.ceil(V / Math.ceil(s.lazy.byteLength / TABLE_BLOCK.bytes));
      out = [];
      for (let start = 0; start < V; start += n) {
        const count = Math.min(n, V - start);
        out.push({ t: g.weight(`${name}.rows${start}`, s.dtype, [count, D], { lazy: s.lazy.rows(start, count) }), start });
      }
    }
    blocks.set(name, out);
    return out;
  };
  // the head's weight, whole or by row blocks; `part` maps one block (or the whole) to its logits, joined on `axis`
  const headLogits = (part: (W: Tensor) => Tensor, axis: number) => {
    const name = family.lmHeadName(spec);
    const bs = tableBlocks(name);
    return bs ? op.concat(bs.map((b) => part(op.cast(b.t, dtype))), axis) : part(w(name));
  };

  // E: rows of the (stored-dtype) table, cast after the gather so the table is never converted here.
  // By blocks: each id's row from its block (ids / rows-per-block picks it), zeros from the others.
  const embedBlocks = tableBlocks(family.embedName(spec));
  let E0: Tensor;
  if (embedBlocks) {
    const n = embedBlocks.length > 1 ? embedBlocks[1].start : Number.MAX_SAFE_INTEGER;
    const which = op.div(ids, g.scalar(n, 'int64'));
    const parts = embedBlocks.map(({ t, start }, b) => {
      const inBlock = op.equal(which, g.scalar(b, 'int64'));
      const local = op.where(inBlock, op.sub(ids, g.scalar(start, 'int64')), g.scalar(0, 'int64'));
      return op.where(op.reshape(inBlock, [...seq(T), 1]), op.gather(t, local), g.scalar(0, t.dtype));
    });
    E0 = parts.reduce((a, b) => op.add(a, b));
  } else E0 = op.gather(rawWeight(family.embedName(spec)), ids);
  let E = op.cast(E0, dtype);
  if (spec.embedScale !== 1) E = op.mul(E, g.scalar(spec.embedScale, dtype));
  const scaled = op.mul(rowIds ? E : op.reshape(E, [1, T, spec.hidden]), op.reshape(alpha, [B, 1, 1]));
  const X = offset ? op.add(scaled, offset) : scaled;

  const hidden = family.forward(ctx, X);
  const head = (h: Tensor) => {
    const l = headLogits((W) => linear(h, W), -1);
    return spec.finalSoftcap ? softcap(l, spec.finalSoftcap) : l;
  };

  // per-position term [B, P] from log-probs [B, P, V]; `targets` (int64 [P], [B, P] with rowIds) only for target-logprob
  const score = (logp: Tensor, targets: () => Tensor) => {
    const [, P] = logp.shape as number[];
    if (expected) return op.reduceSum(op.mul(op.exp(logp), logp), [-1], false);
    const idx = op.expand(op.reshape(targets(), [rowIds ? B : 1, P, 1]), [B, P, 1]);
    return op.reshape(op.gatherElements(logp, idx, -1), [B, P]);
  };

  let f: Tensor;
  let logits: Tensor | null = null;
  if (K === undefined) {
    // f[b] = sum_i targetMask[i] * log softmax(logits[b, i-1])[ids[i]], i = 1..T-1
    const targetMask = g.input('targetMask', dtype, seq(T));
    logits = head(hidden);
    const logp = op.logSoftmax(op.slice(logits, 1, 0, T - 1), -1);
    const next = () => op.slice(ids, rowIds ? 1 : 0, 1, T);
    f = op.reduceSum(op.mul(score(logp, next), op.slice(targetMask, rowIds ? 1 : 0, 1, T)), [1], false);
  } else {
    // the same sum over K selected positions: hidden rows picked by a one-hot [K, T] matmul. The head
    // runs transposed, logits^T [V, B*K] = W h^T, so the forward reads the [V, D] head weight in
    // place as MLAS's A operand; as the B operand (h W^T) it is re-packed on every call when
    // prepacking is off (0.67 GB for Gemma 3's tied 262,144 x 640 table). The backward
    // (dh = g W) still packs it. log-softmax and the pick run over axis 0: no Transpose follows the
    // Gemm, which ORT would fuse back into the B-operand form. docs/benchmarks.md has the figures.
    const select = g.input('targetSelect', dtype, seq(K, T));
    const targetIds = expected ? null : g.input('targetIds', 'int64', seq(K));
    const weight = g.input('targetWeight', dtype, seq(K));
    if (expected) {
      // the expected log-prob sums over the whole distribution: log-softmax along the last axis, as
      // float32 sums down axis 0 of the transposed head lose ~1e-5 relative (the ablation's path only)
      const logp = op.logSoftmax(head(op.matmul(select, hidden)), -1);
      f = op.reduceSum(op.mul(score(logp, () => targetIds as Tensor), weight), [1], false);
    } else {
      const h = op.reshape(op.matmul(select, hidden), [B * K, spec.hidden]);
      let logitsT = headLogits((W) => op.gemm(W, h, null, { transB: true }), 0);
      if (spec.finalSoftcap) logitsT = softcap(logitsT, spec.finalSoftcap);
      const logp = op.logSoftmax(logitsT, 0);
      const at = op.reshape(rowIds ? (targetIds as Tensor) : op.expand(op.reshape(targetIds as Tensor, [1, K]), [B, K]), [1, B * K]);
      f = op.reduceSum(op.mul(op.reshape(op.gatherElements(logp, at, 0), [B, K]), weight), [1], false);
    }
  }

  g.output('f', f);
  if (opts.backward !== false) g.output('grad', grad(f, [X])[0]);
  g.output('embeds', E);
  if (opts.logits && logits) g.output('logits', op.reshape(op.slice(logits, 0, 0, 1), [T, spec.vocabSize]));
  return g;
}
