/**
 * Applicability domain: whether a candidate lies far outside the measured data. Far from every measured row a model's
 * prediction falls back to its prior (a GP's mean reverts to the data mean with the prior's spread), so such a
 * suggestion is exploration, and the user should be told.
 */
import type { Matrix } from '../features/types';
import { fitStandardizer } from '../features/standardize';

function nearestDistance(Z: Float64Array, n: number, d: number, x: ArrayLike<number>, skip = -1): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    let s = 0;
    for (let k = 0; k < d && s < best; k++) {
      const t = Z[i * d + k] - x[k];
      s += t * t;
    }
    if (s < best) best = s;
  }
  return Math.sqrt(best);
}

/**
 * For each point (raw feature values, same columns as `trainX`): true when its nearest measured row, in training-
 * standardised feature space, is more than `factor` times the 95th percentile of the measured rows' own
 * nearest-neighbour distances (computed on at most `sample` rows).
 */
export function outsideDomain(trainX: Matrix, points: ArrayLike<number>[], factor = 2, sample = 500): boolean[] {
  const { rows: n, cols: d } = trainX;
  if (n < 3 || points.length === 0) return points.map(() => false);
  const s = fitStandardizer(trainX);
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) Z[i * d + k] = (trainX.data[i * d + k] - s.mean[k]) / s.std[k];
  const step = Math.max(1, Math.floor(n / sample));
  const nn: number[] = [];
  for (let i = 0; i < n; i += step) nn.push(nearestDistance(Z, n, d, Z.subarray(i * d, (i + 1) * d), i));
  nn.sort((a, b) => a - b);
  const threshold = factor * nn[Math.min(nn.length - 1, Math.floor(0.95 * (nn.length - 1)))];
  const z = new Float64Array(d);
  return points.map((p) => {
    for (let k = 0; k < d; k++) z[k] = (p[k] - s.mean[k]) / s.std[k];
    return nearestDistance(Z, n, d, z) > threshold;
  });
}
