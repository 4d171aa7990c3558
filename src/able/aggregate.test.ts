import { describe, expect, it } from 'vitest';
import { aggregateEmbedding, buildEmbedding, cosine, normalizeL1, normalizeL2Words, probeWordAttributions, reaggregate } from './aggregate';

describe('normalization (METHOD.md section 6)', () => {
  it('L1 per probe, signed', () => {
    expect(Array.from(normalizeL1([1, -3], 'p1', 'm'))).toEqual([0.25, -0.75]);
  });

  it('concatenates in order and scales to unit L2', () => {
    // probe a: [1, -3] -> [0.25, -0.75]; probe b: [2] -> [1]; ||[0.25, -0.75, 1]|| = sqrt(1.625)
    const v = buildEmbedding(
      [
        { probeId: 'a', words: [1, -3] },
        { probeId: 'b', words: [2] },
      ],
      'm',
      1,
    );
    const n = Math.sqrt(1.625);
    expect(v).toBeInstanceOf(Float32Array);
    expect(Array.from(v)).toEqual([0.25 / n, -0.75 / n, 1 / n].map(Math.fround));
  });

  it('an all-zero or non-finite probe is an error naming probe and model', () => {
    const zero = () => buildEmbedding([{ probeId: 'p1', words: [1] }, { probeId: 'p7', words: [0, 0] }], 'org/tiny', 1);
    expect(zero).toThrow('model org/tiny, probe p7: all word attributions are zero');
    expect(() => normalizeL1([1, Number.NaN], 'p3', 'org/tiny')).toThrow('model org/tiny, probe p3: non-finite word attribution at word 1');
  });

  it('v2: L2 per probe times sqrt(word count), signed; zero and non-finite probes refused alike', () => {
    // [3, -4]: L2 5, two words -> [3, -4] / 5 * sqrt(2)
    expect(Array.from(normalizeL2Words([3, -4], 'p1', 'm'))).toEqual([(3 / 5) * Math.SQRT2, (-4 / 5) * Math.SQRT2]);
    // probe a [3, -4] -> [0.6, -0.8] sqrt2 (squared norm 2); probe b [2] -> [1] (squared norm 1): total sqrt(3)
    const v = buildEmbedding([{ probeId: 'a', words: [3, -4] }, { probeId: 'b', words: [2] }], 'm', 2);
    expect(Array.from(v)).toEqual([0.6 * Math.SQRT2, -0.8 * Math.SQRT2, 1].map((x) => Math.fround(x / Math.sqrt(3))));
    expect(() => buildEmbedding([{ probeId: 'p7', words: [0, 0] }], 'org/tiny', 2)).toThrow('model org/tiny, probe p7: all word attributions are zero');
    expect(() => normalizeL2Words([Number.POSITIVE_INFINITY], 'p3', 'org/tiny')).toThrow('probe p3: non-finite word attribution at word 0');
  });

  it('reaggregate: a stored vector of either version gives the other version exactly', () => {
    const probes = [
      { probeId: 'a', words: [0.3, -1.2, 2.5] },
      { probeId: 'b', words: [-0.01, 0.02] },
      { probeId: 'c', words: [7] },
    ];
    const v1 = buildEmbedding(probes, 'm', 1);
    const v2 = buildEmbedding(probes, 'm', 2);
    const close = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));
    expect(close(reaggregate(v1, [3, 2, 1], 2, 'm'), v2)).toBeLessThan(1e-7);
    expect(close(reaggregate(v2, [3, 2, 1], 1, 'm'), v1)).toBeLessThan(1e-7);
    // the versions differ: probe b is small in L1 and L2 alike, but v2 weighs probe a by sqrt(3)
    expect(close(v1, v2)).toBeGreaterThan(0.05);
    expect(() => reaggregate(v1, [3, 2], 2, 'm')).toThrow('vector has 6 entries, the probe set\'s words are 5');
  });

  it('cosine by hand', () => {
    expect(cosine([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 15);
    expect(cosine([1, 2, 3], [-1, -2, -3])).toBeCloseTo(-1, 15);
    expect(() => cosine([1], [1, 2])).toThrow('dimensions differ');
  });
});

describe('probe word attributions (METHOD.md section 5 through src/text/words)', () => {
  it('drops special and target tokens, shares straddling tokens by overlap, sends whitespace tokens forward', () => {
    // context "Hi, big cat" words: Hi[0,2) ,[2,3) big[4,7) cat[8,11); target " sat" [11,15)
    const context = 'Hi, big cat';
    const spans: ([number, number] | null)[] = [null, [0, 3], [3, 4], [4, 6], [6, 11], [11, 15]];
    const attr = [100, 3, 5, 2, 8, 1000];
    // [0,3) overlaps Hi by 2 and , by 1 -> Hi 2, "," 1; [3,4) is whitespace -> next word starting at >= 4: big;
    // [4,6) -> big; [6,11) overlaps big by 1, cat by 3 (space at 7 is no word) -> big 2, cat 6.
    expect(Array.from(probeWordAttributions(context, spans, attr, 'px'))).toEqual([2, 1, 5 + 2 + 2, 6]);
  });
});

describe('aggregateEmbedding', () => {
  it('aligns, L1-normalizes per probe, concatenates and L2-normalizes', () => {
    const probes = [
      { id: 'a', context: 'Hi, big cat' }, // words Hi , big cat
      { id: 'b', context: 'One two' }, // words One two
    ];
    const results = [
      { spans: [null, [0, 3], [3, 4], [4, 6], [6, 11], [11, 15]] as ([number, number] | null)[], tokenAttr: [100, 3, 5, 2, 8, 1000] },
      { spans: [[0, 3], [3, 7], [7, 12]] as [number, number][], tokenAttr: [1, -1, 50] },
    ];
    // a: [2, 1, 9, 6] / 18; b: [1, -1] / 2 (the target token [7,12) is ignored)
    const raw = [2 / 18, 1 / 18, 9 / 18, 6 / 18, 0.5, -0.5];
    const n = Math.hypot(...raw);
    expect(Array.from(aggregateEmbedding(probes, results, 'm', 1))).toEqual(raw.map((x) => Math.fround(x / n)));
    expect(() => aggregateEmbedding(probes, results.slice(0, 1), 'm', 1)).toThrow('1 probe results for 2 probes');
    const zero = [results[0], { spans: results[1].spans, tokenAttr: [0, 0, 50] }];
    expect(() => aggregateEmbedding(probes, zero, 'org/x', 2)).toThrow('model org/x, probe b: all word attributions are zero');
  });
});
