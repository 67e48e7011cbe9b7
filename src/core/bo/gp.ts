/**
 * A small exact GP used inside the BO module where a fast, refit-free update matters (unit tests, simulation
 * fallback, benchmarks before the real models exist). Matérn-5/2 kernel with one lengthscale per feature group
 * (isotropic on standardised inputs), hyperparameters by grid search on the profile marginal likelihood.
 * It implements the `Model` contract plus `conditionOn(X, Y)` (same hyperparameters, data appended).
 */
import type { Matrix } from '../features/types';
import { fitStandardizer, type Standardizer } from '../features/standardize';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from '../models/types';
import { Rng } from './rng';

function cholesky(A: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= L[j * n + k] * L[j * n + k];
    if (!(s > 0)) return undefined;
    const d = Math.sqrt(s);
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / d;
    }
  }
  return L;
}

function solveLower(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

function solveUpperT(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

const SQRT5 = Math.sqrt(5);
function matern52(r: number): number {
  const t = SQRT5 * r;
  return (1 + t + (t * t) / 3) * Math.exp(-t);
}

interface OutputFit {
  rows: number[]; // training rows used (finite y)
  ymean: number;
  ystd: number;
  lengthscale: number;
  noise: number; // noise / signal ratio
  signal: number; // signal variance (standardised units)
  L: Float64Array;
  alpha: Float64Array;
}

export class SimpleGP implements Model {
  readonly type = 'bo-simple-gp';
  private xs: Standardizer | undefined;
  private Xs: Float64Array = new Float64Array(0); // standardised training inputs
  private n = 0;
  private d = 0;
  private Yraw: Float64Array = new Float64Array(0);
  private T = 0;
  private fits: OutputFit[] = [];
  private nll = 0;

  constructor(private readonly opts: { lengthscales?: number[]; noises?: number[] } = {}) {}

  async fit(X: Matrix, Y: Matrix, _opts: FitOptions): Promise<void> {
    this.setData(X, Y);
    this.fits = [];
    this.nll = 0;
    for (let t = 0; t < this.T; t++) {
      let best: OutputFit | undefined;
      let bestNll = Infinity;
      const d = Math.max(1, this.d);
      const ls = this.opts.lengthscales ?? [0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 4].map((v) => v * Math.sqrt(d));
      const noises = this.opts.noises ?? [1e-4, 1e-3, 1e-2, 0.05, 0.2, 0.5];
      for (const l of ls) {
        for (const nz of noises) {
          const f = this.factor(t, l, nz, undefined);
          if (f && f.nll < bestNll) {
            bestNll = f.nll;
            best = f.fit;
          }
        }
      }
      if (!best) throw new Error('GP fit failed: kernel matrix not positive definite');
      this.fits.push(best);
      this.nll += bestNll;
    }
  }

  private setData(X: Matrix, Y: Matrix): void {
    this.xs = fitStandardizer(X);
    this.n = X.rows;
    this.d = X.cols;
    this.Xs = new Float64Array(X.rows * X.cols);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) this.Xs[i * this.d + j] = (X.data[i * X.cols + j] - this.xs.mean[j]) / this.xs.std[j];
    this.Yraw = Y.data.slice();
    this.T = Y.cols;
  }

  private dist(a: Float64Array, ai: number, b: Float64Array, bi: number): number {
    let s = 0;
    for (let j = 0; j < this.d; j++) {
      const u = a[ai * this.d + j] - b[bi * this.d + j];
      s += u * u;
    }
    return Math.sqrt(s);
  }

  /** Factorises output t with lengthscale l and noise ratio nz; signal variance by profile likelihood unless given. */
  private factor(t: number, l: number, nz: number, fixed?: { ymean: number; ystd: number; signal: number }): { fit: OutputFit; nll: number } | undefined {
    const rows: number[] = [];
    for (let i = 0; i < this.n; i++) if (Number.isFinite(this.Yraw[i * this.T + t])) rows.push(i);
    const m = rows.length;
    let ymean = 0;
    let ystd = 1;
    if (fixed) {
      ymean = fixed.ymean;
      ystd = fixed.ystd;
    } else if (m > 0) {
      for (const i of rows) ymean += this.Yraw[i * this.T + t];
      ymean /= m;
      let v = 0;
      for (const i of rows) v += (this.Yraw[i * this.T + t] - ymean) ** 2;
      ystd = Math.sqrt(v / m) || 1;
    }
    const K = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b <= a; b++) {
        const k = matern52(this.dist(this.Xs, rows[a], this.Xs, rows[b]) / l);
        K[a * m + b] = k;
        K[b * m + a] = k;
      }
      K[a * m + a] += nz + 1e-8;
    }
    const L = cholesky(K, m);
    if (!L) return undefined;
    const y = new Float64Array(m);
    rows.forEach((i, a) => (y[a] = (this.Yraw[i * this.T + t] - ymean) / ystd));
    const z = solveLower(L, m, y);
    let quad = 0;
    for (let a = 0; a < m; a++) quad += z[a] * z[a];
    let logdet = 0;
    for (let a = 0; a < m; a++) logdet += 2 * Math.log(L[a * m + a]);
    const signal = fixed ? fixed.signal : Math.max(quad / Math.max(1, m), 1e-6);
    const nll = 0.5 * m * Math.log(signal) + 0.5 * logdet + (0.5 * quad) / signal;
    const alpha = solveUpperT(L, m, z);
    return { fit: { rows, ymean, ystd, lengthscale: l, noise: nz, signal, L, alpha }, nll };
  }

  /** Same hyperparameters, data appended (exact GP conditioning; used for kriging-believer fantasies). */
  conditionOn(X: Matrix, Y: Matrix): SimpleGP {
    const g = new SimpleGP(this.opts);
    g.xs = this.xs;
    g.d = this.d;
    g.T = this.T;
    g.n = this.n + X.rows;
    g.Xs = new Float64Array(g.n * g.d);
    g.Xs.set(this.Xs);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < g.d; j++) g.Xs[(this.n + i) * g.d + j] = (X.data[i * X.cols + j] - this.xs!.mean[j]) / this.xs!.std[j];
    g.Yraw = new Float64Array(g.n * g.T);
    g.Yraw.set(this.Yraw);
    g.Yraw.set(Y.data.subarray(0, X.rows * g.T), this.n * g.T);
    g.fits = this.fits.map((f, t) => {
      const r = g.factor(t, f.lengthscale, f.noise, f);
      if (!r) throw new Error('GP conditioning failed');
      return r.fit;
    });
    g.nll = this.nll;
    return g;
  }

  private standardizeRow(X: Matrix, i: number, out: Float64Array): void {
    for (let j = 0; j < this.d; j++) out[j] = (X.data[i * X.cols + j] - this.xs!.mean[j]) / this.xs!.std[j];
  }

  predict(X: Matrix): Prediction {
    const rows = X.rows;
    const T = this.T;
    const mean = new Float64Array(rows * T);
    const latentVariance = new Float64Array(rows * T);
    const variance = new Float64Array(rows * T);
    const xr = new Float64Array(this.d);
    for (let t = 0; t < T; t++) {
      const f = this.fits[t];
      const m = f.rows.length;
      const k = new Float64Array(m);
      for (let i = 0; i < rows; i++) {
        this.standardizeRow(X, i, xr);
        let mu = 0;
        for (let a = 0; a < m; a++) {
          k[a] = matern52(this.dist(xr, 0, this.Xs, f.rows[a]) / f.lengthscale);
          mu += k[a] * f.alpha[a];
        }
        const v = solveLower(f.L, m, k);
        let vv = 0;
        for (let a = 0; a < m; a++) vv += v[a] * v[a];
        const lat = Math.max(1e-12, f.signal * (1 - vv));
        const s2 = f.ystd * f.ystd;
        mean[i * T + t] = f.ymean + f.ystd * mu;
        latentVariance[i * T + t] = lat * s2;
        variance[i * T + t] = (lat + f.signal * f.noise) * s2;
      }
    }
    return { mean, variance, latentVariance, rows, outputs: T };
  }

  /** Joint posterior samples of output 0 on X (latent function). */
  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    const f = this.fits[0];
    const m = f.rows.length;
    const r = X.rows;
    const Xq = new Float64Array(r * this.d);
    const xr = new Float64Array(this.d);
    for (let i = 0; i < r; i++) {
      this.standardizeRow(X, i, xr);
      Xq.set(xr, i * this.d);
    }
    const V: Float64Array[] = [];
    const mu = new Float64Array(r);
    for (let i = 0; i < r; i++) {
      const k = new Float64Array(m);
      let s = 0;
      for (let a = 0; a < m; a++) {
        k[a] = matern52(this.dist(Xq, i, this.Xs, f.rows[a]) / f.lengthscale);
        s += k[a] * f.alpha[a];
      }
      mu[i] = s;
      V.push(solveLower(f.L, m, k));
    }
    const C = new Float64Array(r * r);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let a = 0; a < m; a++) dot += V[i][a] * V[j][a];
        const c = f.signal * (matern52(this.dist(Xq, i, Xq, j) / f.lengthscale) - dot);
        C[i * r + j] = c;
        C[j * r + i] = c;
      }
    }
    let Lc: Float64Array | undefined;
    for (let jitter = 1e-8; !Lc && jitter < 1; jitter *= 10) {
      const A = C.slice();
      for (let i = 0; i < r; i++) A[i * r + i] += jitter * f.signal;
      Lc = cholesky(A, r);
    }
    const rng = new Rng(seed);
    const out: Float64Array[] = [];
    for (let s = 0; s < count; s++) {
      const z = new Float64Array(r);
      for (let i = 0; i < r; i++) z[i] = rng.normal();
      const y = new Float64Array(r);
      for (let i = 0; i < r; i++) {
        let v = mu[i];
        for (let k = 0; k <= i; k++) v += Lc![i * r + k] * z[k];
        y[i] = f.ymean + f.ystd * v;
      }
      out.push(y);
    }
    return out;
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = {};
    this.fits.forEach((f, t) => {
      hp[`lengthscale_${t}`] = f.lengthscale;
      hp[`noise_ratio_${t}`] = f.noise;
      hp[`signal_${t}`] = f.signal;
    });
    return { type: this.type, hyperparameters: hp, objective: this.nll };
  }

  save(): SavedModel {
    return { type: this.type, version: 1, state: { fits: this.fits.map((f) => ({ lengthscale: f.lengthscale, noise: f.noise })) } };
  }
}
