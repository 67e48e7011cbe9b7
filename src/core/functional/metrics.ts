/** Metrics of out-of-fold curve predictions: over all observed points, per curve, and per grid point. */
import { computeMetrics } from '../models/metrics';
import type { TargetMetrics } from '../run/manifest';

export interface FunctionalMetrics extends TargetMetrics {
  /**
   * Mean and median over curves (≥ 3 observed points) of the per-curve R² (about the curve's own mean); the mean clips
   * each curve's R² at −1 so that nearly flat curves (tiny own variance) do not dominate it.
   */
  curve_r2_mean: number;
  curve_r2_median: number;
  /** Mean over curves of the per-curve RMSE. */
  curve_rmse_mean: number;
  points: number;
  curves: number;
}

/** Per-curve R² (NaN for curves with < 3 observed points or no spread). */
export function perCurveR2(Y: ArrayLike<number>, mean: ArrayLike<number>, n: number, G: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    let c = 0, s = 0;
    for (let t = 0; t < G; t++) if (Number.isFinite(Y[i * G + t])) { s += Y[i * G + t]; c++; }
    if (c < 3) continue;
    const m = s / c;
    let sse = 0, sst = 0;
    for (let t = 0; t < G; t++) {
      const y = Y[i * G + t];
      if (!Number.isFinite(y)) continue;
      sse += (y - mean[i * G + t]) ** 2;
      sst += (y - m) ** 2;
    }
    if (sst > 0) out[i] = 1 - sse / sst;
  }
  return out;
}

function median(a: number[]): number {
  if (a.length === 0) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

export function functionalMetrics(Y: ArrayLike<number>, mean: ArrayLike<number>, std: ArrayLike<number>, n: number, G: number): FunctionalMetrics {
  const v = new Float64Array(n * G);
  for (let i = 0; i < n * G; i++) v[i] = std[i] * std[i];
  const m = computeMetrics(Y, mean, v);
  const r2 = Array.from(perCurveR2(Y, mean, n, G)).filter(Number.isFinite);
  const rm: number[] = [];
  for (let i = 0; i < n; i++) {
    let c = 0, se = 0;
    for (let t = 0; t < G; t++) if (Number.isFinite(Y[i * G + t])) { se += (Y[i * G + t] - mean[i * G + t]) ** 2; c++; }
    if (c) rm.push(Math.sqrt(se / c));
  }
  let points = 0;
  for (let i = 0; i < n * G; i++) if (Number.isFinite(Y[i])) points++;
  return {
    ...m,
    curve_r2_mean: r2.length ? r2.reduce((a, b) => a + Math.max(b, -1), 0) / r2.length : NaN,
    curve_r2_median: median(r2),
    curve_rmse_mean: rm.length ? rm.reduce((a, b) => a + b, 0) / rm.length : NaN,
    points,
    curves: n,
  };
}

/** RMSE and 90% coverage per grid point (error as a function of the argument). */
export function errorByArgument(Y: ArrayLike<number>, mean: ArrayLike<number>, std: ArrayLike<number>, n: number, G: number): { rmse: number[]; coverage90: number[] } {
  const rmse: number[] = [];
  const cov: number[] = [];
  for (let t = 0; t < G; t++) {
    let c = 0, se = 0, inside = 0;
    for (let i = 0; i < n; i++) {
      const y = Y[i * G + t];
      if (!Number.isFinite(y)) continue;
      const e = y - mean[i * G + t];
      se += e * e;
      if (Math.abs(e) <= 1.6448536269514722 * std[i * G + t]) inside++;
      c++;
    }
    rmse.push(c ? Math.sqrt(se / c) : NaN);
    cov.push(c ? inside / c : NaN);
  }
  return { rmse, coverage90: cov };
}
