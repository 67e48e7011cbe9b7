/**
 * Several objectives. All functions work in utility space (every objective maximised; callers negate minimised ones).
 *
 * - `paretoFront`: indices of non-dominated points.
 * - `hypervolume2d`: dominated area above a reference point.
 * - `ehvi2d`: exact expected hypervolume improvement for independent Gaussian objectives. The region not dominated
 *   by the front (and above the reference point) is split into vertical strips [a_i, a_{i+1}] × [b_i, ∞) with the
 *   front sorted by f1 ascending; HVI(y) = Σ_i (min(y1, a_{i+1}) − a_i)⁺ · (y2 − b_i)⁺, and by independence each term
 *   factorises into a difference of two one-dimensional EIs times a one-dimensional EI.
 * - `chebyshev`: augmented Chebyshev scalarisation (ParEGO, Knowles 2006) of normalised utilities with weights w.
 */
import { expectedImprovement } from './acquisition';
import type { Rng } from './rng';

/** Indices of the non-dominated rows of points (n x m, maximisation); rows with non-finite values are ignored. */
export function paretoFront(points: number[][]): number[] {
  const idx: number[] = [];
  const ok = points.map((p) => p.every((v) => Number.isFinite(v)));
  for (let i = 0; i < points.length; i++) {
    if (!ok[i]) continue;
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (i === j || !ok[j]) continue;
      let geAll = true;
      let gtAny = false;
      for (let k = 0; k < points[i].length; k++) {
        if (points[j][k] < points[i][k]) {
          geAll = false;
          break;
        }
        if (points[j][k] > points[i][k]) gtAny = true;
      }
      // a duplicate of an earlier point counts as dominated so the front has unique points
      if (geAll && (gtAny || j < i)) dominated = true;
    }
    if (!dominated) idx.push(i);
  }
  return idx;
}

/** The front relevant for a reference point: non-dominated points strictly above ref, sorted by f1 ascending. */
function sortedFront(front: number[][], ref: [number, number]): number[][] {
  const pts = front.filter((p) => p[0] > ref[0] && p[1] > ref[1]);
  const nd = paretoFront(pts).map((i) => pts[i]);
  return nd.sort((a, b) => a[0] - b[0]);
}

export function hypervolume2d(front: number[][], ref: [number, number]): number {
  const p = sortedFront(front, ref);
  let hv = 0;
  let prevX = ref[0];
  // with f1 ascending, f2 is descending; strip between consecutive f1 values has height (max f2 to the right) − ref2
  for (let i = 0; i < p.length; i++) {
    hv += (p[i][0] - prevX) * (p[i][1] - ref[1]);
    prevX = p[i][0];
  }
  return hv;
}

/** Precomputed strips for fast EHVI over many candidates. */
export interface EhviStrips {
  a: Float64Array; // lower x of strip i
  u: Float64Array; // upper x of strip i (Infinity for the last)
  b: Float64Array; // lower y of strip i
}

export function ehviStrips(front: number[][], ref: [number, number]): EhviStrips {
  const p = sortedFront(front, ref);
  const k = p.length;
  const a = new Float64Array(k + 1);
  const u = new Float64Array(k + 1);
  const b = new Float64Array(k + 1);
  for (let i = 0; i <= k; i++) {
    a[i] = i === 0 ? ref[0] : p[i - 1][0];
    u[i] = i < k ? p[i][0] : Infinity;
    b[i] = i < k ? p[i][1] : ref[1];
  }
  return { a, u, b };
}

/** Exact EHVI of y ~ N(mu, diag(v)) (2 objectives, maximisation). */
export function ehvi2dStrips(strips: EhviStrips, mu1: number, v1: number, mu2: number, v2: number): number {
  let total = 0;
  for (let i = 0; i < strips.a.length; i++) {
    const e2 = expectedImprovement(mu2, v2, strips.b[i]);
    if (e2 === 0) continue;
    const e1 = expectedImprovement(mu1, v1, strips.a[i]) - (strips.u[i] === Infinity ? 0 : expectedImprovement(mu1, v1, strips.u[i]));
    total += Math.max(0, e1) * e2;
  }
  return total;
}

export function ehvi2d(front: number[][], ref: [number, number], mu: [number, number], variance: [number, number]): number {
  return ehvi2dStrips(ehviStrips(front, ref), mu[0], variance[0], mu[1], variance[1]);
}

/** Reference point: per objective, the worst observed utility minus 10% of the observed range (nadir-based). */
export function referencePoint(points: number[][]): number[] {
  const m = points[0]?.length ?? 0;
  const ref: number[] = [];
  for (let k = 0; k < m; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      if (!Number.isFinite(p[k])) continue;
      lo = Math.min(lo, p[k]);
      hi = Math.max(hi, p[k]);
    }
    const span = hi > lo ? hi - lo : Math.max(1, Math.abs(lo));
    ref.push(lo - 0.1 * span);
  }
  return ref;
}

/** Augmented Chebyshev scalarisation: min_k w_k·ŷ_k + rho·Σ w_k·ŷ_k with ŷ normalised to [0,1] by (lo, hi). */
export function chebyshev(y: ArrayLike<number>, w: number[], lo: number[], hi: number[], rho = 0.05): number {
  let mn = Infinity;
  let sum = 0;
  for (let k = 0; k < w.length; k++) {
    const n = (y[k] - lo[k]) / (hi[k] - lo[k] || 1);
    const t = w[k] * n;
    mn = Math.min(mn, t);
    sum += t;
  }
  return mn + rho * sum;
}

/** Monte-Carlo estimate of HVI for testing: mean over samples of hypervolume gain. */
export function ehvi2dMonteCarlo(front: number[][], ref: [number, number], mu: [number, number], sd: [number, number], n: number, rng: Rng): { mean: number; stderr: number } {
  const base = hypervolume2d(front, ref);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const y = [mu[0] + sd[0] * rng.normal(), mu[1] + sd[1] * rng.normal()];
    const g = hypervolume2d([...front, y], ref) - base;
    s += g;
    s2 += g * g;
  }
  const mean = s / n;
  return { mean, stderr: Math.sqrt(Math.max(0, s2 / n - mean * mean) / n) };
}
