/**
 * Variance calibration fitted on TRAINING rows only. Each model computes leave-one-out (or held-out) standardised
 * residuals z_i = (y_i − μ_{−i}) / σ_{−i} (σ = predictive std of an observation); the scale
 *
 *   s = quantile_0.9(|z|) / 1.6449, clamped to [0.5, 10],
 *
 * makes the central 90% interval μ ± 1.6449·s·σ cover 90% of those residuals. Predictive and latent std are multiplied
 * by s at predict time. Quantile: linear interpolation between order statistics (type 7). With fewer than
 * `CALIBRATION_MIN_ROWS` residuals the 0.9 quantile is too noisy and s = 1.
 */
import { Z90 } from './metrics';

export const CALIBRATION_MIN_ROWS = 20;
export const CALIBRATION_BOUNDS = [0.5, 10] as const;

/** s from standardised residuals z (non-finite entries ignored), clamped to `bounds`. */
export function calibrationScale(z: ArrayLike<number>, bounds: readonly [number, number] = CALIBRATION_BOUNDS): number {
  const a: number[] = [];
  for (let i = 0; i < z.length; i++) if (Number.isFinite(z[i])) a.push(Math.abs(z[i]));
  if (a.length < CALIBRATION_MIN_ROWS) return 1;
  a.sort((x, y) => x - y);
  const h = 0.9 * (a.length - 1);
  const lo = Math.floor(h);
  const q = a[lo] + (h - lo) * ((a[Math.min(lo + 1, a.length - 1)] ?? a[lo]) - a[lo]);
  const s = q / Z90;
  if (!Number.isFinite(s)) return 1;
  return Math.min(bounds[1], Math.max(bounds[0], s));
}

/**
 * Leave-one-out standardised residuals of Bayesian linear regression from its hat matrix: with h_ii = φ_iᵀA⁻¹φ_i/σn²
 * (= latent variance / σn²), y_i − μ_{−i} = (y_i − ŷ_i)/(1 − h_ii) and σ²_{−i} = σn²/(1 − h_ii), so
 * z_i = (y_i − ŷ_i) / √(σn² − φ_iᵀA⁻¹φ_i) — the same identity as the GP's eq. 5.12 with K = σw²ΦΦᵀ + σn²I.
 * Rows with 1 − h_ii < 1e-9 (numerically interpolated) are skipped (NaN).
 */
export function blrLooResiduals(y: ArrayLike<number>, fitted: ArrayLike<number>, latent: ArrayLike<number>, sn2: number): Float64Array {
  const z = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const den = sn2 - latent[i];
    z[i] = den > 1e-9 * sn2 ? (y[i] - fitted[i]) / Math.sqrt(den) : NaN;
  }
  return z;
}
