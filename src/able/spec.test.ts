import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from './canonical-json';
import { type AbleSpec, assertComparable, makeSpec, parseAttribution, specHash, validateSpec } from './spec';

const ZERO = '0'.repeat(64);

describe('canonical JSON and sha256', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 'é', y: null }], c: true } })).toBe(
      '{"a":{"c":true,"d":[1,{"y":null,"z":"é"}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite number at $.a');
    expect(() => canonicalJson([() => 1])).toThrow('unsupported function at $[0]');
  });
  it('sha256 matches the FIPS 180-2 test vector', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('spec hash', () => {
  const base = makeSpec({ probeSet: { id: 'v1', sha256: ZERO }, version: 1 });

  it('equals the sha256 of the canonical JSON computed by Python (json.dumps sort_keys, compact)', async () => {
    expect(canonicalJson(base)).toBe(
      '{"alignment":"char-overlap","attribution":"gxi","dtype":"float32","methodVersion":1,' +
        `"normalization":"l1-per-probe+l2","probeSet":{"id":"v1","sha256":"${ZERO}"}}`,
    );
    expect(await specHash(base)).toBe('60a1feb5c8f3045471564dad8c21a98df05f8ac3add29bb7d8eac1b6beb79faa');
    // v2, the default: only methodVersion and normalization differ
    const v2 = makeSpec({ probeSet: { id: 'v1', sha256: ZERO } });
    expect(canonicalJson(v2)).toBe(
      '{"alignment":"char-overlap","attribution":"gxi","dtype":"float32","methodVersion":2,' +
        `"normalization":"l2-per-probe+sqrt-words+l2","probeSet":{"id":"v1","sha256":"${ZERO}"}}`,
    );
    expect(await specHash(v2)).toBe('3b4fc65247d6d2f7f27897c4ddc059a4582ef2351b8154cc2e00db22695556f0');
  });

  it('is stable under key order and repeated calls', async () => {
    const reordered = JSON.parse(JSON.stringify({ ...base, probeSet: { sha256: ZERO, id: 'v1' } })) as AbleSpec;
    const h = await specHash(base);
    expect(await specHash(reordered)).toBe(h);
    expect(await specHash(base)).toBe(h);
  });

  it('changes when any field changes', async () => {
    const h = await specHash(base);
    const variants: AbleSpec[] = [
      { ...base, probeSet: { id: 'v2', sha256: ZERO } },
      { ...base, probeSet: { id: 'v1', sha256: `1${ZERO.slice(1)}` } },
      { ...base, attribution: 'ig(16)' },
      { ...base, attribution: 'ig(32)' },
      { ...base, attribution: 'grad-norm' },
      { ...base, dtype: 'float64' },
      { ...base, alignment: 'x' as 'char-overlap' },
      { ...base, normalization: 'x' as 'l1-per-probe+l2' },
      { ...base, methodVersion: 2, normalization: 'l2-per-probe+sqrt-words+l2' },
    ];
    const hashes = await Promise.all(variants.map(specHash));
    for (const v of hashes) expect(v).not.toBe(h);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('names attributions and parses them back', () => {
    expect(makeSpec({ probeSet: { id: 'v1', sha256: ZERO }, attribution: { kind: 'ig', steps: 16 } }).attribution).toBe('ig(16)');
    expect(parseAttribution('ig(8)')).toEqual({ kind: 'ig', steps: 8 });
    expect(parseAttribution('grad-norm')).toEqual({ kind: 'grad-norm' });
    expect(() => parseAttribution('ig(0)')).toThrow('unknown attribution');
    expect(() => parseAttribution('saliency')).toThrow('unknown attribution "saliency"');
  });

  it('validation names the offending field', () => {
    expect(validateSpec(base)).toBe(base);
    expect(() => validateSpec({ ...base, dtype: 'int8' })).toThrow('spec.dtype');
    expect(() => validateSpec({ ...base, probeSet: { id: 'v1', sha256: 'abc' } })).toThrow('spec.probeSet.sha256');
    expect(() => validateSpec({ ...base, attribution: 'ig' })).toThrow('spec.attribution');
    expect(() => validateSpec({ ...base, methodVersion: 3 })).toThrow('spec.methodVersion: expected 1 or 2, got 3');
    // a version with the other version's normalization is refused, not half-read
    expect(() => validateSpec({ ...base, methodVersion: 2 })).toThrow('spec.normalization: method version 2 expects "l2-per-probe+sqrt-words+l2"');
    const v2 = makeSpec({ probeSet: { id: 'v1', sha256: ZERO } });
    expect(validateSpec(v2)).toBe(v2);
    expect(() => validateSpec({ ...base, extra: 1 })).toThrow('spec.extra: unknown field');
  });
});

describe('assertComparable', () => {
  it('accepts equal spec hashes and refuses different ones with a clear message', () => {
    const a = { specHash: 'a'.repeat(64), label: 'model A' };
    expect(() => assertComparable(a, { specHash: 'a'.repeat(64) })).not.toThrow();
    expect(() => assertComparable(a, { specHash: 'b'.repeat(64), label: 'model B' })).toThrow(
      /not comparable: model A has spec aaaaaaaaaaaa…, model B has spec bbbbbbbbbbbb…/,
    );
  });
});
