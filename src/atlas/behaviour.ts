// The lineage lab's behavioural tables (lab/behaviour.json, written by reference/lab/make_lab.py kl) as
// pairwise baselines for `able atlas eval`: models of one tokenizer group compared by their next-token
// distributions, a stronger output-based baseline than one target log-probability per probe.
import type { PairTable } from './eval';

interface BehaviourGroup {
  models: string[];
  klSym: number[][];
  probeTopKSymKl: number[][];
}

/** Table name -> the group table key it is read from; similarity is minus the symmetric KL. */
export const BEHAVIOUR_BASELINES = { 'output-kl': 'klSym', 'output-topk': 'probeTopKSymKl' } as const;

function square(name: string, m: unknown, n: number): number[][] {
  if (!Array.isArray(m) || m.length !== n || m.some((r) => !Array.isArray(r) || r.length !== n || r.some((x) => typeof x !== 'number')))
    throw new Error(`behaviour: ${name} is not a ${n} x ${n} table of numbers`);
  return m as number[][];
}

/**
 * One PairTable per baseline over all groups; pairs across groups (different tokenizers) have no
 * value (NaN), which the relation task refuses to score.
 */
export function behaviourTables(json: unknown): Record<keyof typeof BEHAVIOUR_BASELINES, PairTable> {
  const groups = (json as { groups?: unknown })?.groups;
  if (!groups || typeof groups !== 'object') throw new Error('behaviour: no "groups" object');
  const entries = Object.entries(groups as Record<string, BehaviourGroup>);
  const ids = entries.flatMap(([g, v]) => {
    if (!Array.isArray(v?.models) || v.models.some((m) => typeof m !== 'string')) throw new Error(`behaviour: groups.${g}.models is not a list of ids`);
    return v.models;
  });
  if (new Set(ids).size !== ids.length) throw new Error('behaviour: a model id appears in two groups');
  const at = new Map(ids.map((id, i) => [id, i]));
  const out = {} as Record<keyof typeof BEHAVIOUR_BASELINES, PairTable>;
  for (const [name, key] of Object.entries(BEHAVIOUR_BASELINES) as [keyof typeof BEHAVIOUR_BASELINES, keyof BehaviourGroup][]) {
    const similarity = ids.map(() => new Array<number>(ids.length).fill(Number.NaN));
    for (const [g, v] of entries) {
      const t = square(`groups.${g}.${key}`, v[key], v.models.length);
      v.models.forEach((a, i) => {
        v.models.forEach((b, j) => {
          similarity[at.get(a)!][at.get(b)!] = -t[i][j];
        });
      });
    }
    out[name] = { ids, similarity };
  }
  return out;
}
