// The thread count the engine may use, from a user's setting (CLI --threads, the tab's ?threads=).
// Nonsense is refused with a message; more than the hardware has is clamped to it (a million threads
// would make the runtime allocate a million stacks before doing anything).

export interface ThreadChoice {
  threads: number;
  /** Why the asked value was not used as is (null when it was, or when nothing was asked). */
  note: string | null;
}

export class ThreadsError extends Error {
  override readonly name = 'ThreadsError';
}

/**
 * `asked`: the raw setting (undefined/null/'' when absent); `hardware`: logical cores the machine
 * reports; `fallback`: the count used when nothing is asked.
 */
export function chooseThreads(asked: string | number | null | undefined, hardware: number, fallback: number, where = 'threads'): ThreadChoice {
  const cores = Number.isSafeInteger(hardware) && hardware >= 1 ? hardware : 1;
  if (asked === undefined || asked === null || asked === '') return { threads: Math.max(1, Math.min(fallback, cores)), note: null };
  const s = String(asked).trim();
  const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new ThreadsError(`${where}: "${String(asked)}" is not a whole number of threads >= 1`);
  if (n > cores) return { threads: cores, note: `${where}: ${n} asked, this machine has ${cores} cores; using ${cores}` };
  return { threads: n, note: null };
}
