// `npm test` runs 2,000 cases per fuzz target (issue 13); `npm run fuzz` runs 100,000+.
import { describe, expect, it } from 'vitest';
import { fuzz } from './runner.ts';
import { TARGETS } from './targets.ts';

const N = Number(process.env.ABLE_FUZZ_CASES ?? 2000);

describe('fuzz (2,000 cases per target)', () => {
  for (const t of TARGETS)
    it(`${t.name}: no crash, no hang`, async () => {
      const rep = await fuzz(t, { numRuns: N, seed: 20261204 });
      expect(rep.cases).toBe(N);
      expect(rep.crashes, JSON.stringify(rep.crashes.slice(0, 3), null, 1)).toEqual([]);
      expect(rep.hangs, JSON.stringify(rep.hangs.slice(0, 3), null, 1)).toEqual([]);
      // the mutations reach both sides: some inputs are accepted, several kinds of refusal are seen
      if (t.neverRefuses) expect(rep.accepted).toBe(N);
      else {
        expect(rep.accepted).toBeGreaterThan(0);
        expect(Object.keys(rep.errorKinds).length).toBeGreaterThan(1);
      }
    });
});
