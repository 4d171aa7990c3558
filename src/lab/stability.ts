// `able lab stability`, the pure part: embedding change against relative weight noise eps, its
// log-log slope (least squares), and where the lab's real relations fall on the same axes (their
// relative weight change, their embedding distance to the base).
export interface StabilityPoint {
  eps: number;
  seed: number;
  /** ||v_eps - v_0|| of unit vectors (= sqrt(2 (1 - cos))) */
  distance: number;
}

/** ||a - b||: for unit vectors sqrt(2 (1 - cos)). */
export function embeddingDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** Least-squares slope and intercept of log10(distance) on log10(eps) over points with distance > 0. */
export function logLogFit(points: { eps: number; distance: number }[]): { slope: number; intercept: number; n: number } {
  const p = points.filter((q) => q.distance > 0 && q.eps > 0).map((q) => [Math.log10(q.eps), Math.log10(q.distance)]);
  const n = p.length;
  if (n < 2) return { slope: Number.NaN, intercept: Number.NaN, n };
  const mx = p.reduce((s, [x]) => s + x, 0) / n;
  const my = p.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of p) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, n };
}
