// The fuzz loop shared by `npm test` (2,000 cases per target) and `npm run fuzz` (100,000+): every
// case is classified as accepted, refused with a clear error (counted by kind: the message with
// numbers and quoted parts blanked) or a crash (a TypeError, RangeError or other engine error, a
// non-Error throw, or a broken invariant: exactly what a user should never see). A case slower than
// caseTimeoutMs is a hang; the script runs each target in a worker with a memory cap and a watchdog
// so an endless loop or a runaway allocation is caught too.
import fc from 'fast-check';

export interface FuzzTarget<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Resolves when the input is accepted; throws a specific Error when it is refused. */
  run(input: T): Promise<void> | void;
  /** The input is never refused (a decoder that falls back to defaults): every case must be accepted. */
  neverRefuses?: boolean;
  /** A short description of an input for the report. */
  show?(input: T): string;
}

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export interface Finding {
  kind: string;
  message: string;
  input: string;
  ms?: number;
  /** the case's index under the run's seed (test/fuzz/replay.ts NAME INDEX SEED replays it) */
  index?: number;
}

export interface FuzzReport {
  target: string;
  cases: number;
  accepted: number;
  errorKinds: Record<string, number>;
  crashes: Finding[];
  hangs: Finding[];
  ms: number;
  peakRssMiB: number;
}

const ENGINE_ERRORS = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError', 'InvariantError'];

/** Why a thrown value is a crash rather than a refusal (null when it is a proper refusal). */
export function crashKind(e: unknown): string | null {
  if (!(e instanceof Error)) return `non-Error throw (${typeof e})`;
  const ctor = e.constructor?.name ?? e.name;
  if (ENGINE_ERRORS.includes(ctor) || ENGINE_ERRORS.includes(e.name)) return ctor;
  if (/Maximum call stack|Invalid array length|Array buffer allocation failed|out of memory|is not a function|Cannot read propert/i.test(e.message))
    return 'engine message';
  return null;
}

/**
 * The message's shape, so kinds are countable: quoted text (with its escapes: a corrupt file's key
 * or tensor name), byte dumps (GGUF's "magic bytes are 47 47 4d 4c"), numbers and long tokens
 * blanked, whitespace runs (a name's newlines) collapsed.
 */
export const errorKind = (e: Error): string =>
  e.message
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, 'Q')
    .replace(/\b[0-9a-f]{2}(?: [0-9a-f]{2})+\b/gi, 'B')
    .replace(/0x[0-9a-f]+|-?\d+(\.\d+)?(e[-+]?\d+)?/gi, 'N')
    .replace(/\S{40,}/g, 'X')
    .replace(/\s+/g, ' ')
    .slice(0, 160);

const showDefault = (x: unknown): string => {
  if (x instanceof Uint8Array) return `${x.length} bytes: ${Buffer.from(x.subarray(0, 48)).toString('hex')}…`;
  try {
    return JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 300) ?? String(x);
  } catch {
    return String(x).slice(0, 300);
  }
};

export async function fuzz<T>(
  target: FuzzTarget<T>,
  o: { numRuns: number; seed?: number; caseTimeoutMs?: number; onProgress?: (cases: number) => void; onCase?: (index: number, input: T) => void },
): Promise<FuzzReport> {
  const rep: FuzzReport = { target: target.name, cases: 0, accepted: 0, errorKinds: {}, crashes: [], hangs: [], ms: 0, peakRssMiB: 0 };
  const limit = o.caseTimeoutMs ?? 2000;
  const show = target.show ?? showDefault;
  const t0 = performance.now();
  const sampleRss = () => {
    rep.peakRssMiB = Math.max(rep.peakRssMiB, Math.round(process.memoryUsage().rss / 2 ** 20));
  };
  await fc.check(
    fc.asyncProperty(target.arbitrary, async (input) => {
      o.onCase?.(rep.cases, input);
      const c0 = performance.now();
      try {
        await target.run(input);
        rep.accepted++;
      } catch (e) {
        const crash = crashKind(e);
        if (crash) {
          if (rep.crashes.length < 50)
            rep.crashes.push({ kind: crash, message: (e as Error)?.message ?? String(e), input: show(input), index: rep.cases });
        } else {
          const k = errorKind(e as Error);
          rep.errorKinds[k] = (rep.errorKinds[k] ?? 0) + 1;
        }
      }
      const ms = performance.now() - c0;
      if (ms > limit && rep.hangs.length < 50) rep.hangs.push({ kind: 'slow case', message: `${ms.toFixed(0)} ms`, input: show(input), ms, index: rep.cases });
      rep.cases++;
      if (rep.cases % 200 === 0) {
        sampleRss();
        o.onProgress?.(rep.cases);
      }
      return true;
    }),
    { numRuns: o.numRuns, seed: o.seed ?? 42, endOnFailure: true },
  );
  sampleRss();
  rep.ms = performance.now() - t0;
  return rep;
}
