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
export function padCase(c: GoldenCase, T: number): { ids: Int32Array; mask: Float32Array } {
  const ids = new Int32Array(T);
  const mask = new Float32Array(T);
  c.ids.forEach((id, i) => {
    ids[i] = id;
    mask[i] = c.targetMask[i] ? 1 : 0;
  });
  return { ids, mask };
}
