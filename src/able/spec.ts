// The ABLE spec (METHOD.md section 7): every choice that changes the numbers. Two embeddings are
// comparable only when the sha256 of their canonical spec JSON is equal.
import { canonicalHash } from './canonical-json';

export type AttributionMethod =
  | { kind: 'gxi' }
  | { kind: 'ig'; steps: number }
  | { kind: 'grad-norm' };

/**
 * A method version fixes the aggregation after the word attributions (docs/method.md):
 * v1 (METHOD.md): each probe's word attributions / their L1 norm, concatenated, unit L2;
 * v2: each probe's word attributions / their L2 norm * sqrt(the probe's word count), concatenated, unit L2.
 */
export type MethodVersion = 1 | 2;
export const NORMALIZATION = { 1: 'l1-per-probe+l2', 2: 'l2-per-probe+sqrt-words+l2' } as const;
export type Normalization = (typeof NORMALIZATION)[MethodVersion];
/** What `able embed`, the atlas and the tab compute unless told otherwise. */
export const CURRENT_METHOD_VERSION: MethodVersion = 2;

/** Spec as stored in files: attribution is the string name ('gxi' | 'ig(16)' | 'grad-norm'). */
export interface AbleSpec {
  methodVersion: MethodVersion;
  probeSet: { id: string; sha256: string };
  attribution: string;
  alignment: 'char-overlap';
  normalization: Normalization;
  dtype: 'float32' | 'float64';
}

/** `--spec v1` / `v2` (or `1` / `2`). */
export function parseMethodVersion(name: string): MethodVersion {
  const m = /^v?([12])$/.exec(name.trim());
  if (!m) throw new Error(`unknown method version "${name}": expected v1 or v2`);
  return Number(m[1]) as MethodVersion;
}

export const DEFAULT_IG_STEPS = 16;

export function attributionName(method: AttributionMethod): string {
  if (method.kind === 'ig') {
    if (!Number.isInteger(method.steps) || method.steps < 1) {
      throw new Error(`ig steps must be a positive integer, got ${method.steps}`);
    }
    return `ig(${method.steps})`;
  }
  return method.kind;
}

export function parseAttribution(name: string): AttributionMethod {
  if (name === 'gxi' || name === 'grad-norm') return { kind: name };
  const m = /^ig\((\d+)\)$/.exec(name);
  if (m) {
    const steps = Number(m[1]);
    if (steps >= 1) return { kind: 'ig', steps };
  }
  throw new Error(`unknown attribution "${name}": expected gxi, ig(<steps>) or grad-norm`);
}

export function makeSpec(opts: {
  probeSet: { id: string; sha256: string };
  attribution?: AttributionMethod;
  dtype?: AbleSpec['dtype'];
  version?: MethodVersion;
}): AbleSpec {
  const version = opts.version ?? CURRENT_METHOD_VERSION;
  return {
    methodVersion: version,
    probeSet: { id: opts.probeSet.id, sha256: opts.probeSet.sha256 },
    attribution: attributionName(opts.attribution ?? { kind: 'gxi' }),
    alignment: 'char-overlap',
    normalization: NORMALIZATION[version],
    dtype: opts.dtype ?? 'float32',
  };
}

/** Checks the shape of a spec read from a file; the error names the offending field. */
export function validateSpec(spec: unknown, where = 'spec'): AbleSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new Error(`${where}: expected an object`);
  }
  const s = spec as Record<string, unknown>;
  if (s.methodVersion !== 1 && s.methodVersion !== 2) {
    throw new Error(`${where}.methodVersion: expected 1 or 2, got ${JSON.stringify(s.methodVersion)}`);
  }
  const ps = s.probeSet as Record<string, unknown> | undefined;
  if (typeof ps !== 'object' || ps === null) throw new Error(`${where}.probeSet: expected an object`);
  if (typeof ps.id !== 'string' || ps.id === '') throw new Error(`${where}.probeSet.id: expected a non-empty string`);
  if (typeof ps.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(ps.sha256)) {
    throw new Error(`${where}.probeSet.sha256: expected 64 lowercase hex digits`);
  }
  if (typeof s.attribution !== 'string') throw new Error(`${where}.attribution: expected a string`);
  try {
    parseAttribution(s.attribution);
  } catch (e) {
    throw new Error(`${where}.attribution: ${(e as Error).message}`);
  }
  if (s.alignment !== 'char-overlap') throw new Error(`${where}.alignment: expected "char-overlap"`);
  const norm = NORMALIZATION[s.methodVersion];
  if (s.normalization !== norm) throw new Error(`${where}.normalization: method version ${s.methodVersion} expects "${norm}"`);
  if (s.dtype !== 'float32' && s.dtype !== 'float64') throw new Error(`${where}.dtype: expected "float32" or "float64"`);
  const extra = Object.keys(s).filter(
    (k) => !['methodVersion', 'probeSet', 'attribution', 'alignment', 'normalization', 'dtype'].includes(k),
  );
  if (extra.length > 0) throw new Error(`${where}.${extra[0]}: unknown field`);
  return s as unknown as AbleSpec;
}

export function specHash(spec: AbleSpec): Promise<string> {
  return canonicalHash(spec);
}

/** Refuses to compare embeddings computed under different specs. */
export function assertComparable(
  a: { specHash: string; label?: string },
  b: { specHash: string; label?: string },
): void {
  if (a.specHash !== b.specHash) {
    const la = a.label ?? 'first embedding';
    const lb = b.label ?? 'second embedding';
    throw new Error(
      `embeddings are not comparable: ${la} has spec ${a.specHash.slice(0, 12)}…, ${lb} has spec ` +
        `${b.specHash.slice(0, 12)}… (different probe set, attribution, alignment, normalization or dtype); ` +
        'recompute one of them under the other spec',
    );
  }
}
