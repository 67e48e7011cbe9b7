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

/** A suggestion's applicability-domain verdict: `inDomain` false with the reasons in words. */
export interface DomainVerdict {
  inDomain: boolean;
  reason: string;
}

export interface DomainCheckInput {
  /** Training features (raw, as given to the model) and their names. */
  trainX: Matrix;
  featureNames: string[];
  /** Training targets (n x T, NaN = missing), names and units. */
  trainY: Matrix;
  targetNames: string[];
  units?: (string | undefined)[];
  /** Candidates: raw features, predicted means and predictive std per target. */
  points: ArrayLike<number>[];
  means: ArrayLike<number>[];
  stds: ArrayLike<number>[];
  /** A descriptor counts as out of range beyond this fraction of its training range (default 0.1). */
  rangeTolerance?: number;
}

function short(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

/**
 * Why a candidate lies outside the data, for `suggestions.csv` (`in_domain`, `domain_reason`): a descriptor outside
 * its training range by more than `rangeTolerance` of that range (the worst one is named), a prediction outside the
 * observed target range by more than its own σ (extrapolated values such as a negative ZT), or a nearest measured row
 * more than twice the usual spacing away (`outsideDomain`). No reason → in domain.
 */
export function domainVerdicts(a: DomainCheckInput): DomainVerdict[] {
  const { trainX, trainY, points } = a;
  const n = trainX.rows;
  const d = trainX.cols;
  const T = trainY.cols;
  const tol = a.rangeTolerance ?? 0.1;
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++) {
      const v = trainX.data[i * d + k];
      if (v < lo[k]) lo[k] = v;
      if (v > hi[k]) hi[k] = v;
    }
  const ylo = new Float64Array(T).fill(Infinity);
  const yhi = new Float64Array(T).fill(-Infinity);
  for (let i = 0; i < trainY.rows; i++)
    for (let t = 0; t < T; t++) {
      const v = trainY.data[i * T + t];
      if (!Number.isFinite(v)) continue;
      if (v < ylo[t]) ylo[t] = v;
      if (v > yhi[t]) yhi[t] = v;
    }
  const far = outsideDomain(trainX, points);
  return points.map((p, c) => {
    const reasons: string[] = [];
    let worst = -1;
    let worstExcess = 0;
    let outside = 0;
    for (let k = 0; k < d; k++) {
      const x = p[k];
      const range = hi[k] - lo[k];
      const gap = Math.max(lo[k] - x, x - hi[k]);
      if (!(gap > 0)) continue;
      const excess = range > 0 ? gap / range : Infinity;
      if (excess <= tol) continue;
      outside++;
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = k;
      }
    }
    if (worst >= 0) {
      const name = a.featureNames[worst] ?? `feature ${worst + 1}`;
      const by = Number.isFinite(worstExcess) ? `by ${Math.round(worstExcess * 100)}% of that range` : '(constant in the training data)';
      reasons.push(
        `descriptor ${name} = ${short(p[worst])} outside training range [${short(lo[worst])}, ${short(hi[worst])}] ${by}` +
          (outside > 1 ? ` (and ${outside - 1} more descriptor(s) out of range)` : ''),
      );
    }
    for (let t = 0; t < T; t++) {
      const mu = a.means[c]?.[t];
      const sd = a.stds[c]?.[t];
      if (mu === undefined || sd === undefined || !Number.isFinite(mu) || !Number.isFinite(ylo[t])) continue;
      const s = Number.isFinite(sd) ? sd : 0;
      if (mu > yhi[t] + s || mu < ylo[t] - s) {
        const u = a.units?.[t] ? ` ${a.units[t]}` : '';
        reasons.push(
          `prediction ${a.targetNames[t] ?? `target ${t + 1}`} = ${short(mu)}${u} outside observed target range [${short(ylo[t])}, ${short(yhi[t])}]${u} by more than σ = ${short(s)}${u}`,
        );
      }
    }
    if (far[c]) reasons.push('nearest measured row more than twice the usual spacing away');
    return { inDomain: reasons.length === 0, reason: reasons.join('; ') };
  });
}
