// `able atlas eval`, the pure part (METHOD.md section 8): relation prediction and benchmark score
// prediction from a representation of each model, for ABLE and its baselines on the same models.
import { isKnownFamily } from './family';
import { cosineMatrix } from './knn';
import { BENCHMARKS, type BenchmarkScores } from './leaderboard';
import type { RelationType } from './manifest';
import { bestThreshold, looKnnPredict, looRidgePredictMany, mae, rocAuc, spearman } from './metrics';

export interface EvalModel {
  id: string;
  family: string;
  architecture: string | null;
  lineage: { parent: string; type: RelationType }[];
  benchmarks: BenchmarkScores | null;
}

export type PairType = RelationType | 'unrelated';
export type Vectors = ArrayLike<number>[];

/**
 * A representation known only through its pairs: similarity[i][j] of models ids[i] and ids[j] (e.g.
 * minus a symmetric KL divergence of their next-token distributions). Baselines that are no vectors
 * (the lab's behavioural tables) enter the relation task this way; they have no benchmark task.
 */
export interface PairTable {
  ids: string[];
  similarity: number[][];
}
export type Representation = Map<string, ArrayLike<number>> | PairTable;

const covers = (r: Representation, id: string) => (r instanceof Map ? r.has(id) : r.ids.includes(id));

function tableSimilarity(t: PairTable, ids: string[]): Float64Array {
  const at = new Map(t.ids.map((id, i) => [id, i]));
  const n = ids.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = t.similarity[at.get(ids[i])!][at.get(ids[j])!];
      if (!Number.isFinite(v)) throw new Error(`eval: the pair table has no value for ${ids[i]} and ${ids[j]}`);
      out[i * n + j] = v;
    }
  return out;
}

export interface EvalOptions {
  /** center each dimension over the evaluated models, then unit-normalize (same for every representation) */
  center: boolean;
  folds: number; // pair folds for the relation threshold
  knnK: number;
  ridgeLambda: number;
  minModels: number; // below this a task is skipped
}
export const DEFAULT_EVAL: EvalOptions = { center: true, folds: 5, knnK: 5, ridgeLambda: 1, minModels: 4 };

/**
 * Relation of an unordered pair: the type of a direct lineage edge between them (either direction),
 * else 'same-family' when both carry the same known family, else 'unrelated'.
 */
export function pairTypes(models: EvalModel[]): PairType[] {
  const edge = new Map<string, RelationType>();
  for (const m of models) for (const l of m.lineage) edge.set(`${m.id}\n${l.parent}`, l.type);
  const out: PairType[] = [];
  for (let i = 0; i < models.length; i++)
    for (let j = i + 1; j < models.length; j++) {
      const a = models[i];
      const b = models[j];
      const t = edge.get(`${a.id}\n${b.id}`) ?? edge.get(`${b.id}\n${a.id}`);
      if (t) out.push(t);
      else out.push(a.family === b.family && isKnownFamily(a.family) ? 'same-family' : 'unrelated');
    }
  return out;
}

/** Centers each dimension over the models (optional) and scales every vector to unit length. */
export function prepare(vectors: Vectors, center: boolean): Float64Array[] {
  const d = vectors[0]?.length ?? 0;
  const mean = new Float64Array(d);
  if (center) for (const v of vectors) for (let k = 0; k < d; k++) mean[k] += v[k] / vectors.length;
  return vectors.map((v) => {
    const out = new Float64Array(d);
    let s = 0;
    for (let k = 0; k < d; k++) {
      out[k] = v[k] - mean[k];
      s += out[k] * out[k];
    }
    const norm = Math.sqrt(s);
    if (norm > 0) for (let k = 0; k < d; k++) out[k] /= norm;
    return out;
  });
}

export interface RelationResult {
  pairs: number;
  countByType: Partial<Record<PairType, number>>;
  /** related (any type) vs unrelated, scored by cosine */
  auc: number;
  /** each relation type vs unrelated */
  aucByType: Partial<Record<RelationType, number>>;
  /** share of that type's pairs classified right (related: predicted related), threshold chosen on the other folds */
  accuracyByType: Partial<Record<PairType, number>>;
  balancedAccuracy: number;
}

export function relationTask(sim: Float64Array, n: number, types: PairType[], folds: number): RelationResult {
  const scores: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) scores.push(sim[i * n + j]);
  const related = types.map((t) => t !== 'unrelated');
  const countByType: Partial<Record<PairType, number>> = {};
  for (const t of types) countByType[t] = (countByType[t] ?? 0) + 1;
  const aucByType: Partial<Record<RelationType, number>> = {};
  for (const t of Object.keys(countByType) as PairType[]) {
    if (t === 'unrelated') continue;
    const keep = types.map((x) => x === t || x === 'unrelated');
    aucByType[t] = rocAuc(
      scores.filter((_, p) => keep[p]),
      types.filter((_, p) => keep[p]).map((x) => x === t),
    );
  }
  // Pair p belongs to fold p mod folds; its prediction uses the threshold fitted on the other folds.
  const predicted = new Array<boolean>(scores.length);
  for (let f = 0; f < folds; f++) {
    const train = scores.map((_, p) => p % folds !== f);
    const t = bestThreshold(
      scores.filter((_, p) => train[p]),
      related.filter((_, p) => train[p]),
    );
    for (let p = f; p < scores.length; p += folds) predicted[p] = scores[p] >= t;
  }
  const correct: Partial<Record<PairType, number>> = {};
  types.forEach((t, p) => {
    if (predicted[p] === related[p]) correct[t] = (correct[t] ?? 0) + 1;
  });
  const accuracyByType: Partial<Record<PairType, number>> = {};
  for (const t of Object.keys(countByType) as PairType[]) accuracyByType[t] = (correct[t] ?? 0) / countByType[t]!;
  let tp = 0;
  let tn = 0;
  const nPos = related.filter(Boolean).length;
  related.forEach((r, p) => {
    if (r && predicted[p]) tp++;
    if (!r && !predicted[p]) tn++;
  });
  return {
    pairs: scores.length,
    countByType,
    auc: rocAuc(scores, related),
    aucByType,
    accuracyByType,
    balancedAccuracy: (tp / nPos + tn / (scores.length - nPos)) / 2,
  };
}

export interface RegressionScore {
  spearman: number;
  mae: number;
}
export interface BenchmarkResult {
  models: number;
  knn: Record<string, RegressionScore>;
  ridge: Record<string, RegressionScore>;
  /** MAE of predicting the mean of the other models: the floor any representation should beat */
  meanMae: Record<string, number>;
}

export function benchmarkTask(X: Float64Array[], y: BenchmarkScores[], opts: EvalOptions): BenchmarkResult {
  const n = X.length;
  const sim = cosineMatrix(X); // X is unit length, so this is also the Gram matrix
  const res: BenchmarkResult = { models: n, knn: {}, ridge: {}, meanMae: {} };
  const names = [...BENCHMARKS, 'avg'] as const;
  const ridges = looRidgePredictMany(
    sim,
    names.map((b) => y.map((s) => s[b])),
    opts.ridgeLambda,
  );
  for (const [t, b] of names.entries()) {
    const truth = y.map((s) => s[b]);
    const total = truth.reduce((s, v) => s + v, 0);
    const knn = looKnnPredict(sim, truth, opts.knnK);
    const ridge = ridges[t];
    res.knn[b] = { spearman: spearman(knn, truth), mae: mae(knn, truth) };
    res.ridge[b] = { spearman: spearman(ridge, truth), mae: mae(ridge, truth) };
    res.meanMae[b] = mae(
      truth.map((v) => (total - v) / (n - 1)),
      truth,
    );
  }
  return res;
}

export interface RepresentationResult {
  relation: RelationResult | null;
  benchmarks: BenchmarkResult | null;
}
export interface EvalSection {
  models: string[];
  representations: Record<string, RepresentationResult>;
}

/** Runs both tasks for each representation on the same models (the intersection of those given). */
export function evaluateSection(
  models: EvalModel[],
  reps: Record<string, Representation>,
  opts: EvalOptions = DEFAULT_EVAL,
  /** within one family: a pair counts as related only through a direct lineage edge */
  directOnly = false,
): EvalSection {
  const kept = models.filter((m) => Object.values(reps).every((r) => covers(r, m.id)));
  const out: EvalSection = { models: kept.map((m) => m.id), representations: {} };
  const types = pairTypes(kept).map((t) => (directOnly && t === 'same-family' ? 'unrelated' : t));
  const scored = kept.filter((m) => m.benchmarks !== null);
  const enough = kept.length >= opts.minModels && types.some((t) => t !== 'unrelated') && types.includes('unrelated');
  for (const [name, r] of Object.entries(reps)) {
    if (!(r instanceof Map)) {
      const sim = tableSimilarity(
        r,
        kept.map((m) => m.id),
      );
      out.representations[name] = { relation: enough ? relationTask(sim, kept.length, types, opts.folds) : null, benchmarks: null };
      continue;
    }
    const X = prepare(
      kept.map((m) => r.get(m.id)!),
      opts.center,
    );
    const relation = enough ? relationTask(cosineMatrix(X), kept.length, types, opts.folds) : null;
    const Xs = prepare(
      scored.map((m) => r.get(m.id)!),
      opts.center,
    );
    const benchmarks =
      scored.length >= Math.max(opts.minModels, opts.knnK + 1)
        ? benchmarkTask(
            Xs,
            scored.map((m) => m.benchmarks!),
            opts,
          )
        : null;
    out.representations[name] = { relation, benchmarks };
  }
  return out;
}

export interface RoutingInput {
  /** correctness[q][m] in {0, 1}, m indexing `models` */
  correctness: number[][];
  models: string[];
}
export type RoutingResult =
  | { status: 'not supplied'; reason: string }
  | { status: 'baselines only'; queries: number; bestSingle: { model: string; accuracy: number }; oracleAccuracy: number; note: string };

/**
 * Routing (METHOD.md section 8). Per-query correctness data (EmbedLLM, RouterBench) is on the HF hub
 * only and not available here, so only the reference points are computed when data is supplied:
 * the best single model and the oracle. An embedding-based router is not implemented yet.
 */
export function routingTask(input: RoutingInput | null): RoutingResult {
  if (!input || input.correctness.length === 0)
    return { status: 'not supplied', reason: 'no per-query correctness data was given (--routing FILE)' };
  const q = input.correctness.length;
  const acc = input.models.map((_, m) => input.correctness.reduce((s, row) => s + row[m], 0) / q);
  const best = acc.reduce((b, a, m) => (a > acc[b] ? m : b), 0);
  const oracle = input.correctness.filter((row) => row.some((c) => c > 0)).length / q;
  return {
    status: 'baselines only',
    queries: q,
    bestSingle: { model: input.models[best], accuracy: acc[best] },
    oracleAccuracy: oracle,
    note: 'embedding-based router not implemented',
  };
}

export interface EvalReport {
  format: 'able-atlas-eval/1';
  options: EvalOptions;
  /** ABLE vs the output-based baseline (target log-probabilities) on all models having both (ABLE alone without it) */
  all: EvalSection;
  /** per architecture: ABLE, output and parameter-based vectors on models having all three */
  byArchitecture: Record<string, EvalSection>;
  /** per family: direct lineage pairs (fine-tune, merge, quantization, adapter) vs the family's other pairs */
  byFamily: Record<string, EvalSection>;
  routing: RoutingResult;
}

export function runEval(args: {
  models: EvalModel[];
  able: Map<string, ArrayLike<number>>;
  /** output-based baseline (targetLogProbs); absent when the embedding files are not at hand */
  output?: Map<string, ArrayLike<number>>;
  params?: Map<string, ArrayLike<number>>;
  /** pairwise baselines (same-tokenizer behavioural tables); used within families, on the models they cover */
  pairwise?: Record<string, PairTable>;
  routing?: RoutingInput | null;
  options?: Partial<EvalOptions>;
}): EvalReport {
  const opts = { ...DEFAULT_EVAL, ...args.options };
  const base: Record<string, Map<string, ArrayLike<number>>> = { able: args.able };
  if (args.output) base.output = args.output;
  const all = evaluateSection(args.models, base, opts);
  const byArchitecture: Record<string, EvalSection> = {};
  if (args.params) {
    const archs = [...new Set(args.models.map((m) => m.architecture ?? '?'))].sort();
    for (const a of archs) {
      const group = args.models.filter((m) => (m.architecture ?? '?') === a && args.params!.has(m.id));
      if (group.length < opts.minModels) continue;
      byArchitecture[a] = evaluateSection(group, { ...base, params: args.params }, opts);
    }
  }
  // Across families relation prediction is easy; within one family the question is whether the
  // embedding finds a model's direct parents and children among its other relatives.
  const byFamily: Record<string, EvalSection> = {};
  for (const f of [...new Set(args.models.map((m) => m.family))].sort()) {
    const group = args.models.filter((m) => m.family === f);
    if (group.length < opts.minModels) continue;
    // A behavioural table enters a family's section when it covers the family (else ABLE would be
    // scored on fewer models than it has); all representations are scored on the same models.
    const tables = Object.entries(args.pairwise ?? {}).filter(([, t]) => group.every((m) => t.ids.includes(m.id)));
    byFamily[f] = evaluateSection(group, { ...base, ...Object.fromEntries(tables) }, opts, true);
  }
  return {
    format: 'able-atlas-eval/1',
    options: opts,
    all,
    byArchitecture,
    byFamily,
    routing: routingTask(args.routing ?? null),
  };
}

const f3 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(3));

/** A short markdown summary of a report. */
export function evalMarkdown(r: EvalReport): string {
  const lines: string[] = [];
  const section = (title: string, s: EvalSection) => {
    const names = Object.keys(s.representations);
    lines.push(`## ${title} (${s.models.length} models)`, '');
    const rel = s.representations[names[0]]?.relation;
    if (rel) {
      const types = Object.keys(rel.countByType) as PairType[];
      lines.push(`Relation prediction (${rel.pairs} pairs: ${types.map((t) => `${t} ${rel.countByType[t]}`).join(', ')})`, '');
      lines.push(`| representation | ROC-AUC | balanced acc. | ${types.map((t) => `acc. ${t}`).join(' | ')} |`);
      lines.push(`|---|---|---|${types.map(() => '---').join('|')}|`);
      for (const n of names) {
        const x = s.representations[n].relation!;
        lines.push(`| ${n} | ${f3(x.auc)} | ${f3(x.balancedAccuracy)} | ${types.map((t) => f3(x.accuracyByType[t])).join(' | ')} |`);
      }
      lines.push('');
    } else lines.push('Relation prediction: not enough models or no related pairs.', '');
    const bm = s.representations[names[0]]?.benchmarks;
    if (bm) {
      const bs = [...BENCHMARKS, 'avg'];
      lines.push(`Benchmark prediction, leave-one-out (${bm.models} models): Spearman / MAE`, '');
      lines.push(`| representation | method | ${bs.join(' | ')} |`, `|---|---|${bs.map(() => '---').join('|')}|`);
      for (const n of names)
        for (const meth of ['knn', 'ridge'] as const) {
          const x = s.representations[n].benchmarks![meth];
          lines.push(`| ${n} | ${meth} | ${bs.map((b) => `${f3(x[b].spearman)} / ${f3(x[b].mae)}`).join(' | ')} |`);
        }
      lines.push(`| (mean of others) | - | ${bs.map((b) => `- / ${f3(bm.meanMae[b])}`).join(' | ')} |`, '');
    }
  };
  lines.push('# ABLE atlas evaluation', '');
  section('All models: ABLE vs output-based baseline', r.all);
  for (const [a, s] of Object.entries(r.byArchitecture)) section(`${a}: ABLE vs output vs parameters`, s);
  for (const [f, s] of Object.entries(r.byFamily ?? {}))
    section(`Within family ${f}: direct lineage pairs vs other pairs of the family (unrelated = no direct edge)`, s);
  lines.push(
    '## Routing',
    '',
    r.routing.status === 'not supplied'
      ? `Not supplied: ${r.routing.reason}.`
      : `${r.routing.queries} queries: best single model ${r.routing.bestSingle.model} ${f3(r.routing.bestSingle.accuracy)}, oracle ${f3(r.routing.oracleAccuracy)} (${r.routing.note}).`,
    '',
  );
  return lines.join('\n');
}
