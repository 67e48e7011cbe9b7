import type { Matrix } from './types';

/** Column means and standard deviations fitted on training rows only; re-applied to folds, pools and new data. */
export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
}

/** Fits per-column mean/std (population std; 1 for constant or all-NaN columns so transforms stay finite). NaNs are skipped. */
export function fitStandardizer(X: Matrix): Standardizer {
  const { rows, cols, data } = X;
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  const count = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j];
      if (Number.isNaN(v)) continue;
      count[j]++;
      const d = v - mean[j];
      mean[j] += d / count[j];
      std[j] += d * (v - mean[j]); // Welford: running sum of squares
    }
  }
  for (let j = 0; j < cols; j++) {
    const s = count[j] > 0 ? Math.sqrt(std[j] / count[j]) : 0;
    std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  return { mean, std };
}

export function standardize(X: Matrix, s: Standardizer): Matrix {
  const out = new Float64Array(X.data.length);
  const { rows, cols, data } = X;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = (data[i * cols + j] - s.mean[j]) / s.std[j];
  return { rows, cols, data: out };
}

export function unstandardize(X: Matrix, s: Standardizer): Matrix {
  const out = new Float64Array(X.data.length);
  const { rows, cols, data } = X;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j] * s.std[j] + s.mean[j];
  return { rows, cols, data: out };
}
