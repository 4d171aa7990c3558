// Probe sets: loading, validation and identity (METHOD.md section 1). The sha256 of the canonical
// JSON of the whole file goes into the spec, so any edit to a probe changes every spec hash.
import { canonicalHash } from '../canonical-json';
import v1 from './v1.json';

export const PROBE_DOMAINS = ['facts', 'everyday', 'code', 'arithmetic', 'reasoning', 'dialogue', 'instructions'] as const;
export type ProbeDomain = (typeof PROBE_DOMAINS)[number];

export interface Probe {
  id: string;
  domain: ProbeDomain;
  context: string;
  target: string;
}

export interface ProbeSet {
  format: 'able-probes/1';
  id: string;
  license: string;
  description: string;
  probes: Probe[];
}

export interface ProbeSetLimits {
  minProbes: number;
  maxProbes: number;
  minWords: number;
  maxWords: number;
}

export const V1_LIMITS: ProbeSetLimits = { minProbes: 128, maxProbes: 256, minWords: 6, maxWords: 24 };

/**
 * Validates a parsed probe-set file; errors name the probe and field. `countWords` is the word
 * segmentation of METHOD.md section 2 (passed in so this module stays independent of src/text).
 */
export function validateProbeSet(
  raw: unknown,
  countWords: (text: string) => number,
  limits: ProbeSetLimits = V1_LIMITS,
): ProbeSet {
  if (typeof raw !== 'object' || raw === null) throw new Error('probe set: expected an object');
  const s = raw as Record<string, unknown>;
  if (s.format !== 'able-probes/1') throw new Error('probe set format: expected "able-probes/1"');
  if (typeof s.id !== 'string' || s.id === '') throw new Error('probe set id: expected a non-empty string');
  if (!Array.isArray(s.probes)) throw new Error('probe set probes: expected an array');
  const n = s.probes.length;
  if (n < limits.minProbes || n > limits.maxProbes) {
    throw new Error(`probe set probes: ${n} probes, expected ${limits.minProbes} to ${limits.maxProbes}`);
  }
  const seen = new Set<string>();
  s.probes.forEach((p: Record<string, unknown>, i: number) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error(`probe ${i}: expected an object`);
    const at = `probe ${i} (${String(p.id)})`;
    if (typeof p.id !== 'string' || p.id === '') throw new Error(`${at} id: expected a non-empty string`);
    if (seen.has(p.id)) throw new Error(`${at} id: duplicate`);
    seen.add(p.id);
    if (!PROBE_DOMAINS.includes(p.domain as ProbeDomain)) {
      throw new Error(`${at} domain: "${String(p.domain)}" is not one of ${PROBE_DOMAINS.join(', ')}`);
    }
    if (typeof p.context !== 'string' || p.context.trim() !== p.context) {
      throw new Error(`${at} context: expected a string without leading or trailing whitespace`);
    }
    // The target continues the context, so it carries its own leading whitespace.
    if (typeof p.target !== 'string' || !/^\s/.test(p.target) || p.target.trim() === '') {
      throw new Error(`${at} target: expected leading whitespace followed by text`);
    }
    const w = countWords(p.context);
    if (w < limits.minWords || w > limits.maxWords) {
      throw new Error(`${at} context: ${w} words, expected ${limits.minWords} to ${limits.maxWords}`);
    }
  });
  return s as unknown as ProbeSet;
}

/** sha256 hex of the canonical JSON of the probe-set file. */
export function probeSetHash(set: ProbeSet): Promise<string> {
  return canonicalHash(set);
}

export const PROBE_SET_V1 = v1 as ProbeSet;

/** The probe-set part of a spec: `makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1) })`. */
export async function probeSetRef(set: ProbeSet): Promise<{ id: string; sha256: string }> {
  return { id: set.id, sha256: await probeSetHash(set) };
}
