// Types of the golden fixtures reference/golden.py writes (test/fixtures/tiny/<variant>/golden.json),
// and the comparisons the parity tests make. Pure functions: the tests read the files.

export interface GoldenCase {
  id: string;
  ids: number[];
  targetMask: boolean[];
  f: number;
  logits: { logsumexp: number[]; max: number[]; argmax: number[]; next: number[]; sample: number[][] };
  embeddings: number[][];
  grad: number[][];
  gxi: number[];
}

export interface Golden {
  variant: string;
  architecture: string;
  logitsSampleIds: number[];
  cases: GoldenCase[];
}

export interface CaseFigures {
  logitsMaxAbsErr: number;
  fAbsErr: number;
  gradCosine: number;
  gradMaxRelErr: number;
  embedsMaxAbsErr: number;
  gxiMaxAbsErr: number;
}

/** Our logits [T, V] (first T rows used) against the fixture's summary of PyTorch's. */
export function logitsError(logits: Float32Array, V: number, c: GoldenCase, sampleIds: number[]): number {
  const T = c.ids.length;
  let err = 0;
  const upd = (a: number, b: number) => {
    err = Math.max(err, Math.abs(a - b));
  };
  for (let t = 0; t < T; t++) {
    const row = logits.subarray(t * V, (t + 1) * V);
    let mx = -Infinity;
    for (let v = 0; v < V; v++) mx = Math.max(mx, row[v]);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(row[v] - mx);
    upd(mx, c.logits.max[t]);
    upd(mx + Math.log(s), c.logits.logsumexp[t]);
    for (let j = 0; j < sampleIds.length; j++) upd(row[sampleIds[j]], c.logits.sample[t][j]);
    if (t < T - 1) upd(row[c.ids[t + 1]], c.logits.next[t]);
  }
  return err;
}

/** grad, embeds [T, D] (first T rows of a possibly padded run) against the fixture. */
export function compareCase(
  out: { f: number; grad: Float32Array; embeds: Float32Array; logits?: Float32Array },
  c: GoldenCase,
  D: number,
  V: number,
  sampleIds: number[],
): CaseFigures {
  const T = c.ids.length;
  let dot = 0;
  let na = 0;
  let nb = 0;
  let gmax = 0;
  let gerr = 0;
  let eerr = 0;
  let xerr = 0;
  for (let t = 0; t < T; t++) {
    let gxi = 0;
    for (let d = 0; d < D; d++) {
      const a = out.grad[t * D + d];
      const b = c.grad[t][d];
      dot += a * b;
      na += a * a;
      nb += b * b;
      gmax = Math.max(gmax, Math.abs(b));
      gerr = Math.max(gerr, Math.abs(a - b));
      eerr = Math.max(eerr, Math.abs(out.embeds[t * D + d] - c.embeddings[t][d]));
      gxi += a * out.embeds[t * D + d];
    }
    xerr = Math.max(xerr, Math.abs(gxi - c.gxi[t]));
  }
  return {
    logitsMaxAbsErr: out.logits ? logitsError(out.logits, V, c, sampleIds) : Number.NaN,
    fAbsErr: Math.abs(out.f - c.f),
    gradCosine: dot / Math.sqrt(na * nb),
    gradMaxRelErr: gerr / gmax,
    embedsMaxAbsErr: eerr,
    gxiMaxAbsErr: xerr,
  };
}

/** ids and target mask padded at the end to length T. */
export function padCase(c: Pick<GoldenCase, 'ids' | 'targetMask'>, T: number): { ids: Int32Array; mask: Float32Array } {
  const ids = new Int32Array(T);
  const mask = new Float32Array(T);
  c.ids.forEach((id, i) => {
    ids[i] = id;
    mask[i] = c.targetMask[i] ? 1 : 0;
  });
  return { ids, mask };
}

/** A case of golden-v2.json (reference/golden_v2.py): f and df/dX of B rows, X[b] = alpha[b] E + offset[b]. */
export interface GoldenV2Case {
  id: string;
  ids: number[];
  targetMask: boolean[];
  objective: 'target-logprob' | 'expected-logprob';
  alpha: number[];
  /** [B][T][D], absent for offset 0. */
  offset?: number[][][];
  f: number[];
  grad: number[][][];
}

export interface GoldenV2 {
  variant: string;
  cases: GoldenV2Case[];
}

/** Rows [B][n][D] of a case into a flat [B, T, D] array, zero-padded at the end of each row. */
export function padRows(rows: number[][][], T: number, D: number): Float32Array {
  const out = new Float32Array(rows.length * T * D);
  rows.forEach((row, b) => {
    row.forEach((v, t) => {
      out.set(v, (b * T + t) * D);
    });
  });
  return out;
}

export interface RowFigures {
  /** max over rows of |f - f_ref| / max(1, |f_ref|) */
  fRelErr: number;
  /** max |grad - grad_ref| / max |grad_ref| over the case's positions of all rows */
  gradRelErr: number;
  /** max |grad| at padded positions (must be 0) */
  padMaxAbs: number;
}

/** Our f [B] and grad [B, T, D] (padded T) against a golden-v2 case. */
export function compareRows(out: { f: Float32Array; grad: Float32Array }, c: GoldenV2Case, T: number, D: number): RowFigures {
  const n = c.ids.length;
  let fRelErr = 0;
  let err = 0;
  let scale = 0;
  let padMaxAbs = 0;
  c.f.forEach((ref, b) => {
    fRelErr = Math.max(fRelErr, Math.abs(out.f[b] - ref) / Math.max(1, Math.abs(ref)));
    for (let t = 0; t < T; t++)
      for (let d = 0; d < D; d++) {
        const a = out.grad[(b * T + t) * D + d];
        if (t >= n) padMaxAbs = Math.max(padMaxAbs, Math.abs(a));
        else {
          err = Math.max(err, Math.abs(a - c.grad[b][t][d]));
          scale = Math.max(scale, Math.abs(c.grad[b][t][d]));
        }
      }
  });
  return { fRelErr, gradRelErr: err / scale, padMaxAbs };
}
