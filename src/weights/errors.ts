/**
 * Bad input, said as "where: what went wrong", so callers (CLI, app) can show it without a stack
 * trace and tests can match on the place.
 */
export class InputError extends Error {
  constructor(
    /** The file, URL or config the problem is in. */
    readonly where: string,
    /** What went wrong, where: e.g. "tensor 'lm_head.weight' data_offsets [0,8] exceed ...". */
    readonly detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}

/** One error class for every problem with a weights file. */
export class WeightsError extends InputError {
  override readonly name = 'WeightsError';
  /** The file (or URL) the problem is in. */
  get file(): string {
    return this.where;
  }
}
