/** Shared helpers of the functional-output models. */
import type { Matrix } from '../features/types';
import { Rng } from '../linalg/random';
import type { Model, Prediction } from '../models/types';

/** A model of a function target on a fixed grid that can also give the joint covariance of each predicted curve. */
export interface FunctionalModel extends Model {
  /** Latent covariance over the grid (G x G row-major, original units) of each row of X. */
  curveCovariance(X: Matrix): Float64Array[];
}

export function isFunctionalModel(m: Model): m is FunctionalModel {
  return typeof (m as Partial<FunctionalModel>).curveCovariance === 'function';
}

/** Per-column mean and population std over finite entries (std 1 for constant or empty columns). */
export function columnStats(Y: Matrix): { mean: Float64Array; std: Float64Array } {
  const { rows, cols, data } = Y;
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let t = 0; t < cols; t++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + t];
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    }
    const m = c ? s / c : 0;
    let v2 = 0;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + t];
      if (Number.isFinite(v)) v2 += (v - m) ** 2;
    }
    const sd = c > 1 ? Math.sqrt(v2 / c) : 0;
    mean[t] = m;
    std[t] = sd > 1e-12 * Math.max(1, Math.abs(m)) ? sd : 1;
  }
  return { mean, std };
}

/** `count` contiguous bands [start, end) over G grid points. */
export function bandsOf(G: number, count: number): [number, number][] {
  const k = Math.max(1, Math.min(G, Math.floor(count)));
  const out: [number, number][] = [];
  for (let b = 0; b < k; b++) out.push([Math.floor((b * G) / k), Math.floor(((b + 1) * G) / k)]);
  return out;
}

/** Per-sample curve covariance of a model with independent outputs: the latent variances on the diagonal. */
export function diagonalCurveCovariance(p: Prediction): Float64Array[] {
  const G = p.outputs;
  const out: Float64Array[] = [];
  for (let i = 0; i < p.rows; i++) {
    const C = new Float64Array(G * G);
    for (let t = 0; t < G; t++) C[t * G + t] = p.latentVariance[i * G + t];
    out.push(C);
  }
  return out;
}

/** R diag(w) Rᵀ for R (G x G row-major). */
export function curveCovFromFactors(R: Float64Array, w: Float64Array, G: number): Float64Array {
  const C = new Float64Array(G * G);
  for (let t = 0; t < G; t++) {
    for (let s = 0; s <= t; s++) {
      let v = 0;
      for (let b = 0; b < G; b++) v += R[t * G + b] * w[b] * R[s * G + b];
      C[t * G + s] = v;
      C[s * G + t] = v;
    }
  }
  return C;
}

/** Lower Cholesky factor of a PSD matrix with growing jitter (never fails: falls back to the diagonal). */
export function psdCholesky(C: Float64Array, G: number): Float64Array {
  let maxDiag = 0;
  for (let t = 0; t < G; t++) maxDiag = Math.max(maxDiag, C[t * G + t]);
  for (let jitter = 1e-10 * (maxDiag || 1); jitter < (maxDiag || 1); jitter *= 10) {
    const L = new Float64Array(G * G);
    let ok = true;
    for (let j = 0; j < G && ok; j++) {
      let s = C[j * G + j] + jitter;
      for (let k = 0; k < j; k++) s -= L[j * G + k] ** 2;
      if (!(s > 0)) {
        ok = false;
        break;
      }
      const ljj = Math.sqrt(s);
      L[j * G + j] = ljj;
      for (let i = j + 1; i < G; i++) {
        let v = C[i * G + j];
        for (let k = 0; k < j; k++) v -= L[i * G + k] * L[j * G + k];
        L[i * G + j] = v / ljj;
      }
    }
    if (ok) return L;
  }
  const L = new Float64Array(G * G);
  for (let t = 0; t < G; t++) L[t * G + t] = Math.sqrt(Math.max(C[t * G + t], 0));
  return L;
}

/** `count` joint samples (each of length G) of a curve with mean `mean` and covariance C. */
export function sampleCurves(mean: ArrayLike<number>, C: Float64Array, G: number, count: number, rng: Rng): Float64Array[] {
  const L = psdCholesky(C, G);
  const out: Float64Array[] = [];
  const z = new Float64Array(G);
  for (let s = 0; s < count; s++) {
    for (let t = 0; t < G; t++) z[t] = rng.normal();
    const y = new Float64Array(G);
    for (let t = 0; t < G; t++) {
      let v = mean[t];
      for (let k = 0; k <= t; k++) v += L[t * G + k] * z[k];
      y[t] = v;
    }
    out.push(y);
  }
  return out;
}
