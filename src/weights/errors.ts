/**
 * One error class for every problem with a weights file, so callers (CLI, app) can show
 * "file: what went wrong" without a stack trace and tests can match on the file name.
 */
export class WeightsError extends Error {
  override readonly name = 'WeightsError';
  constructor(
    /** The file (or URL) the problem is in. */
    readonly file: string,
    /** What went wrong, where: e.g. "tensor 'lm_head.weight' data_offsets [0,8] exceed ...". */
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}
