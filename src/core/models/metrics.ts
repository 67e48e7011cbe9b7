import type { TargetMetrics } from '../run/manifest';

/** z such that P(|Z| ≤ z) = 0.90 for a standard normal. */
export const Z90 = 1.6448536269514722;

/**
 * Regression metrics for one target over rows where y, mean and variance are finite (variance = predictive
 * variance of an observation). NLPD is the mean Gaussian negative log predictive density per point (nats);
 * coverage90 is the fraction of y inside mean ± 1.645·std; Spearman ρ uses average ranks for ties.
 */
export function computeMetrics(y: ArrayLike<number>, mean: ArrayLike<number>, variance: ArrayLike<number>): TargetMetrics {
  const idx: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]) && Number.isFinite(mean[i]) && Number.isFinite(variance[i])) idx.push(i);
  const n = idx.length;
  if (n === 0) return { mae: NaN, rmse: NaN, r2: NaN, spearman: NaN, nlpd: NaN, coverage90: NaN };
  let ae = 0, se = 0, ybar = 0, nlpd = 0, covered = 0;
  for (const i of idx) ybar += y[i];
  ybar /= n;
  let ss = 0;
  for (const i of idx) {
    const e = y[i] - mean[i];
    ae += Math.abs(e);
    se += e * e;
    ss += (y[i] - ybar) ** 2;
    const v = Math.max(variance[i], 1e-300);
    nlpd += 0.5 * Math.log(2 * Math.PI * v) + (e * e) / (2 * v);
    if (Math.abs(e) <= Z90 * Math.sqrt(v)) covered++;
  }
  const r2 = ss > 0 ? 1 - se / ss : NaN;
  const ys = idx.map((i) => y[i]);
  const ms = idx.map((i) => mean[i]);
  return { mae: ae / n, rmse: Math.sqrt(se / n), r2, spearman: spearman(ys, ms), nlpd: nlpd / n, coverage90: covered / n };
}

/** Average ranks (1-based), ties get the mean of their positions. */
export function ranks(v: number[]): number[] {
  const order = v.map((x, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Array<number>(v.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

export function pearson(a: number[], b: number[]): number {
  const n = a.length;
  if (n < 2) return NaN;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

export function spearman(a: number[], b: number[]): number {
  return pearson(ranks(a), ranks(b));
}
