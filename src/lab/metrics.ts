// The method ablation's metrics (docs/method.md), fixed before any result was seen:
//   M1 quantization robustness: per real base, cosine to each re-quantization, and whether every
//      re-quantization is nearer than every fine-tune and merge;
//   M2 behavioural fidelity: Spearman of embedding distance against the lab's symmetric KL;
//   M3 lineage: within-family ROC-AUC of direct lineage against the family's other pairs.
// All take a similarity over the same ids (cosine of vectors, or minus a divergence for baselines).
import { cosineMatrix } from '../atlas/knn';
import { rocAuc, spearman } from '../atlas/metrics';

export interface LabModel {
  id: string;
  family: string;
  lineage: { parent: string; type: string }[];
}

export interface Similarity {
  ids: string[];
  /** row-major n x n */
  sim: Float64Array;
}

/** The cosine of every pair (the project's one cosine matrix, src/atlas/knn.ts). */
export function similarityOf(vectors: Map<string, ArrayLike<number>>): Similarity {
  return { ids: [...vectors.keys()], sim: cosineMatrix([...vectors.values()]) };
}

/** sim(a, b) by id; NaN when either is not covered. */
export function lookup(s: Similarity): (a: string, b: string) => number {
  const at = new Map(s.ids.map((id, i) => [id, i]));
  const n = s.ids.length;
  return (a, b) => {
    const i = at.get(a);
    const j = at.get(b);
    return i === undefined || j === undefined ? Number.NaN : s.sim[i * n + j];
  };
}

const QUANTS = ['q8_0', 'q5_1', 'q5_0', 'q4_0'] as const;

export interface M1Base {
  base: string;
  /** cosine of the base to each re-quantization present (q8_0, q5_1, q5_0, q4_0) */
  quant: Partial<Record<(typeof QUANTS)[number], number>>;
  /** cosine of the base to each of its fine-tunes and merges (transitively derived) */
  derived: Record<string, number>;
  /** the nearest fine-tune or merge (the largest similarity among them) */
  nearestDerived: number | null;
  /** share of the base's fine-tunes and merges nearer to it than its Q4_0 */
  derivedNearerThanQ4_0: number | null;
  /** every re-quantization nearer than every fine-tune and merge */
  quantsFirst: boolean | null;
}

/** A real base: a lab model whose parent is outside the lab (its hub id), by re-quantization. */
export function realBases(models: LabModel[]): string[] {
  const ids = new Set(models.map((m) => m.id));
  return models.filter((m) => m.lineage.some((l) => l.type === 'quantization' && !ids.has(l.parent))).map((m) => m.id);
}

/** Models reached from `root` by following child edges of the given types (transitively). */
function descendants(models: LabModel[], root: string, types: string[]): string[] {
  const out = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    for (const m of models)
      if (!out.has(m.id) && m.lineage.some((l) => l.parent === p && types.includes(l.type))) {
        out.add(m.id);
        stack.push(m.id);
      }
  }
  return [...out];
}

export function m1(models: LabModel[], s: Similarity): M1Base[] {
  const at = lookup(s);
  return realBases(models)
    .filter((b) => s.ids.includes(b))
    .map((base) => {
      const quantIds = models.filter((m) => m.lineage.some((l) => l.parent === base && l.type === 'quantization')).map((m) => m.id);
      const quant: M1Base['quant'] = {};
      for (const q of QUANTS) {
        const id = quantIds.find((x) => x.endsWith(`-${q}`));
        if (id && s.ids.includes(id)) quant[q] = at(base, id);
      }
      const derived = descendants(models, base, ['fine-tune', 'merge']).filter((id) => s.ids.includes(id));
      const dSims = derived.map((id) => at(base, id));
      const qSims = Object.values(quant);
      const nearestDerived = dSims.length ? Math.max(...dSims) : null;
      return {
        base,
        quant,
        derived: Object.fromEntries(derived.map((id, i) => [id, dSims[i]])),
        nearestDerived,
        derivedNearerThanQ4_0: quant.q4_0 === undefined || !dSims.length ? null : dSims.filter((d) => d > quant.q4_0!).length / dSims.length,
        quantsFirst: qSims.length && nearestDerived !== null ? Math.min(...qSims) > nearestDerived : null,
      };
    });
}

export interface M2Result {
  spearman: number;
  pairs: number;
}

/**
 * Spearman between similarity and minus the symmetric KL (so +1 is perfect fidelity) over the pairs
 * of each KL group that both have a similarity.
 */
export function m2(s: Similarity, groups: { models: string[]; klSym: number[][] }[]): M2Result {
  const at = lookup(s);
  const x: number[] = [];
  const y: number[] = [];
  for (const g of groups)
    for (let i = 0; i < g.models.length; i++)
      for (let j = i + 1; j < g.models.length; j++) {
        const v = at(g.models[i], g.models[j]);
        if (Number.isFinite(v)) {
          x.push(v);
          y.push(-g.klSym[i][j]);
        }
      }
  return { spearman: x.length >= 3 ? spearman(x, y) : Number.NaN, pairs: x.length };
}

export interface M3Family {
  family: string;
  auc: number;
  positives: number;
  negatives: number;
}

/** Direct lineage: an edge between the two in either direction, of any type but 'same-family'. */
function direct(models: Map<string, LabModel>, a: string, b: string): boolean {
  const edge = (x: string, y: string) => models.get(x)?.lineage.some((l) => l.parent === y && l.type !== 'same-family') ?? false;
  return edge(a, b) || edge(b, a);
}

export function m3(models: LabModel[], s: Similarity): M3Family[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const at = lookup(s);
  const families = [...new Set(models.filter((m) => s.ids.includes(m.id)).map((m) => m.family))];
  return families.map((family) => {
    const ids = s.ids.filter((id) => byId.get(id)?.family === family);
    const scores: number[] = [];
    const positive: boolean[] = [];
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const v = at(ids[i], ids[j]);
        if (!Number.isFinite(v)) continue;
        scores.push(v);
        positive.push(direct(byId, ids[i], ids[j]));
      }
    const positives = positive.filter(Boolean).length;
    return { family, auc: rocAuc(scores, positive), positives, negatives: positive.length - positives };
  });
}

/** Whether each model of `a` is nearer to each of `b` than to any model of another family (the Qwen siblings). */
export function siblingsNearest(models: LabModel[], s: Similarity, a: string, b: string): { nearer: boolean; sibling: number; nearestOther: number } {
  const at = lookup(s);
  const family = models.find((m) => m.id === a)?.family;
  const others = s.ids.filter((id) => models.find((m) => m.id === id)?.family !== family);
  const sibling = at(a, b);
  const nearestOther = Math.max(...others.flatMap((o) => [at(a, o), at(b, o)]).filter(Number.isFinite));
  return { nearer: sibling > nearestOther, sibling, nearestOther };
}
