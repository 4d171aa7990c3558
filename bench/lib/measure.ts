// Timing helpers: one warm-up call, then N timed repetitions; median and min. Benchmarks report
// ratios of two such measurements taken in the same process, because the shared machine's load
// moves absolute times from one run to the next far more than it moves ratios.

export interface Timing {
  /** Milliseconds of each timed repetition (warm-up excluded). */
  samples: number[];
  median: number;
  min: number;
}

export function summarize(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { samples, median, min: s[0] };
}

/** Runs fn once untimed (warm-up: lazy allocations, JIT, ORT's first-run planning), then `reps` times. */
export async function measure(fn: () => unknown | Promise<unknown>, reps: number, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/**
 * Times two functions in alternation (warm-up of each, then reps rounds of a,b or b,a in turn),
 * so that the load other processes put on the shared machine drifts over both alike: timing all
 * of one and then all of the other lets a load change masquerade as a ratio.
 */
export async function measurePair(
  a: () => unknown | Promise<unknown>,
  b: () => unknown | Promise<unknown>,
  reps: number,
): Promise<[Timing, Timing]> {
  await a();
  await b();
  const sa: number[] = [];
  const sb: number[] = [];
  const timeInto = async (fn: () => unknown, into: number[]) => {
    const t0 = performance.now();
    await fn();
    into.push(performance.now() - t0);
  };
  for (let i = 0; i < reps; i++) {
    if (i % 2 === 0) {
      await timeInto(a, sa);
      await timeInto(b, sb);
    } else {
      await timeInto(b, sb);
      await timeInto(a, sa);
    }
  }
  return [summarize(sa), summarize(sb)];
}

/** This process's peak resident set so far, MiB (ru_maxrss never goes down). */
export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * One line of the results table: `subject` timed against `reference`, both in this run.
 * ratio = subject.median / reference.median (ratioMin: the same with minima).
 */
export interface BenchRow {
  bench: string;
  case: string;
  subject: string;
  reference: string;
  subjectMs: Timing;
  referenceMs: Timing;
  ratio: number;
  ratioMin: number;
  /** Extra facts of the case (node counts, throughputs, thread counts). */
  notes?: string;
  /** Unit of subjectMs/referenceMs when they are not milliseconds (MiB, GFLOP/s): single values then. */
  unit?: string;
}

export function row(bench: string, kase: string, subject: [string, Timing], reference: [string, Timing], notes?: string): BenchRow {
  return {
    bench,
    case: kase,
    subject: subject[0],
    reference: reference[0],
    subjectMs: subject[1],
    referenceMs: reference[1],
    ratio: subject[1].median / reference[1].median,
    ratioMin: subject[1].min / reference[1].min,
    notes,
  };
}

export interface BenchContext {
  quick: boolean;
  /** Timed repetitions per measurement (after one warm-up). */
  reps: number;
  log: (line: string) => void;
}

export interface BenchResult {
  rows: BenchRow[];
  /** Set when the benchmark could not run here (missing model file, ...): why. */
  skipped?: string;
  peakRssMiB: number;
}

export interface Benchmark {
  name: string;
  summary: string;
  run(ctx: BenchContext): Promise<Omit<BenchResult, 'peakRssMiB'>>;
}
