/**
 * The target-side GP of the `prediction` strategy: an exact GP whose covariance adds a linear term on the source
 * predictions to the usual stationary kernel on the descriptors,
 *
 *   k(x, x') = σf² · k_ν(x_desc, x'_desc; ℓ) + Σ_j w_j · s_j(x) · s_j(x') + σn² δ,
 *
 * with s_j the (standardised) prediction of source j. Every weight w_j is learnt with the other hyperparameters by
 * maximising the marginal likelihood (analytic gradient; bounded L-BFGS in log space), so a useless source is switched
 * off (w_j → its lower bound). The input matrix is [descriptors | source predictions]: the last `nLinear` columns feed
 * the linear term. Hyperpriors as the engine's gp (log ℓ ~ N(√2 + ½ log d + log √12, 3), log σf² ~ N(0, 1),
 * log σn² ~ N(−4, 1)) plus a wide log w ~ N(−2, 3²). Predictive std is calibrated with the closed-form leave-one-out
 * residuals of the training rows. Self-contained (does not touch src/core/models/gp.ts).
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { fitStandardizer, standardize, type Standardizer } from '../features/standardize';
import { choleskyJitter, invertLower, solveLowerInPlace, solveUpperTInPlace } from '../linalg/dense';
import { minimizeLbfgsb } from '../linalg/lbfgsb';
import { Rng } from '../linalg/random';
import { calibrationScale } from '../models/calibrate';
import { checkAbort, checkShapes, emptyPrediction, f64, notFitted, outputColumn, toArray } from '../models/common';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from '../models/types';

export type TgpKernel = 'rbf' | 'matern32' | 'matern52';

export interface TransferGpOptions {
  /** Trailing columns of X that enter the linear term (source predictions). */
  nLinear: number;
  kernel?: TgpKernel;
  ard?: boolean;
  restarts?: number;
  seed?: number;
  calibrate?: boolean;
  /**
   * The source predictions are also extra dimensions of the stationary kernel, each with its own lengthscale (learnt;
   * ℓ → large switches it off), so the GP can use them non-linearly (e.g. metals at 0 eV in both source and target).
   * Default false (models saved before this option have no source lengthscales).
   */
  sourceKernel?: boolean;
  /** Hyperparameters are optimised on a seeded subset of at most this many rows (default 300, as the engine's gp). */
  maxOptRows?: number;
}

const LOG_BOUNDS = { ls: [Math.log(1e-2), Math.log(1e3)], sf: [Math.log(1e-2), Math.log(1e2)], w: [Math.log(1e-6), Math.log(1e2)], sn: [Math.log(1e-6), Math.log(1)] };
const W_PRIOR = { mean: -2, sd: 3 };
/** log ℓ of a source dimension (standardised prediction): centred on 1.5, wide enough to reach "off" (ℓ ≫ 1). */
const LS_SRC_PRIOR = { mean: Math.log(1.5), sd: 2 };
const LS_SRC_BOUNDS = [Math.log(5e-2), Math.log(1e3)];

/** k(r²) and dk/d(r²) for the three kernels. */
export function kernelValue(kernel: TgpKernel, r2: number): [number, number] {
  if (kernel === 'rbf') {
    const k = Math.exp(-0.5 * r2);
    return [k, -0.5 * k];
  }
  const r = Math.sqrt(Math.max(r2, 0));
  if (kernel === 'matern32') {
    const e = Math.exp(-Math.sqrt(3) * r);
    return [(1 + Math.sqrt(3) * r) * e, -1.5 * e];
  }
  const s5 = Math.sqrt(5) * r;
  const e = Math.exp(-s5);
  return [(1 + s5 + (5 * r2) / 3) * e, (-5 / 6) * (1 + s5) * e];
}

/** One output's problem in standardised units: Xd (n × d), S (n × m), y (n). */
export interface TgpProblem {
  Xd: Float64Array;
  S: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  m: number;
  kernel: TgpKernel;
  ard: boolean;
  /** The source predictions are also extra input dimensions of the stationary kernel, each with its own lengthscale. */
  sk?: boolean;
}

export function nParams(p: Pick<TgpProblem, 'd' | 'm' | 'ard' | 'sk'>): number {
  return (p.ard ? p.d : 1) + 1 + p.m + 1 + (p.sk ? p.m : 0);
}

function lsPriorMean(d: number): number {
  return Math.SQRT2 + 0.5 * Math.log(Math.max(d, 1)) + 0.5 * Math.log(12);
}

/** 1/ℓ² of the source dimensions (empty without `sk`). */
function srcInvl2(p: Pick<TgpProblem, 'd' | 'm' | 'ard' | 'sk'>, theta: ArrayLike<number>): Float64Array {
  const o = (p.ard ? p.d : 1) + 1 + p.m + 1;
  return p.sk ? Float64Array.from({ length: p.m }, (_, q) => Math.exp(-2 * theta[o + q])) : new Float64Array(0);
}

/**
 * Covariance matrix (n × n) for log-hyperparameters θ = [log ℓ (d or 1), log σf², log w (m), log σn², log ℓ_s (m, with
 * `sk`)]: σf²·k_ν(r²) with r² = Σ_k Δx_k²/ℓ_k² (+ Σ_q Δs_q²/ℓ_s,q² with `sk`), + Σ_q w_q s_q s_q' + σn² δ.
 */
export function covariance(p: TgpProblem, theta: ArrayLike<number>): Float64Array {
  const { n, d, m, Xd, S } = p;
  const nl = p.ard ? d : 1;
  const invl2 = new Float64Array(d);
  for (let k = 0; k < d; k++) invl2[k] = Math.exp(-2 * theta[p.ard ? k : 0]);
  const sl2 = srcInvl2(p, theta);
  const stat = d > 0 || sl2.length > 0;
  const sf2 = Math.exp(theta[nl]);
  const w = Array.from({ length: m }, (_, j) => Math.exp(theta[nl + 1 + j]));
  const sn2 = Math.exp(theta[nl + 1 + m]);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const t = Xd[i * d + k] - Xd[j * d + k];
        r2 += t * t * invl2[k];
      }
      for (let q = 0; q < sl2.length; q++) {
        const t = S[i * m + q] - S[j * m + q];
        r2 += t * t * sl2[q];
      }
      let v = stat ? sf2 * kernelValue(p.kernel, r2)[0] : 0;
      for (let q = 0; q < m; q++) v += w[q] * S[i * m + q] * S[j * m + q];
      if (i === j) v += sn2;
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}

/** Negative log marginal likelihood + negative log hyperprior, and its gradient w.r.t. θ (written into g). */
export function objective(p: TgpProblem, theta: ArrayLike<number>, g?: Float64Array): number {
  const { n, d, m, Xd, S, y } = p;
  const nl = p.ard ? d : 1;
  const K = covariance(p, theta);
  const ch = choleskyJitter(K, n);
  if (!ch) return Infinity;
  const L = ch.L;
  const alpha = Float64Array.from(y);
  solveLowerInPlace(L, n, alpha);
  let quad = 0;
  for (let i = 0; i < n; i++) quad += alpha[i] * alpha[i];
  solveUpperTInPlace(L, n, alpha);
  let logdet = 0;
  for (let i = 0; i < n; i++) logdet += Math.log(L[i * n + i]);
  let f = 0.5 * quad + logdet + 0.5 * n * Math.log(2 * Math.PI);
  // hyperpriors
  const mu = lsPriorMean(d);
  for (let k = 0; k < nl; k++) f += (theta[k] - mu) ** 2 / (2 * 3);
  f += theta[nl] ** 2 / 2;
  for (let q = 0; q < m; q++) f += (theta[nl + 1 + q] - W_PRIOR.mean) ** 2 / (2 * W_PRIOR.sd ** 2);
  f += (theta[nl + 1 + m] + 4) ** 2 / 2;
  const sl2 = srcInvl2(p, theta);
  const so = nl + 2 + m;
  for (let q = 0; q < sl2.length; q++) f += (theta[so + q] - LS_SRC_PRIOR.mean) ** 2 / (2 * LS_SRC_PRIOR.sd ** 2);
  if (!g) return f;
  // W = K⁻¹ − ααᵀ ; dNLML/dθ = ½ tr(W ∂K/∂θ)
  const M = invertLower(L, n);
  const Wm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += M[k * n + i] * M[k * n + j];
      const v = s - alpha[i] * alpha[j];
      Wm[i * n + j] = v;
      Wm[j * n + i] = v;
    }
  }
  g.fill(0);
  const invl2 = new Float64Array(d);
  for (let k = 0; k < d; k++) invl2[k] = Math.exp(-2 * theta[p.ard ? k : 0]);
  const sf2 = Math.exp(theta[nl]);
  const diff = new Float64Array(d);
  const sdiff = new Float64Array(sl2.length);
  const stat = d > 0 || sl2.length > 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const wij = Wm[i * n + j] * (i === j ? 0.5 : 1); // ½ tr over the symmetric pair
      if (stat) {
        let r2d = 0;
        for (let k = 0; k < d; k++) {
          const t = Xd[i * d + k] - Xd[j * d + k];
          diff[k] = t * t * invl2[k];
          r2d += diff[k];
        }
        let r2 = r2d;
        for (let q = 0; q < sl2.length; q++) {
          const t = S[i * m + q] - S[j * m + q];
          sdiff[q] = t * t * sl2[q];
          r2 += sdiff[q];
        }
        const [kv, dk] = kernelValue(p.kernel, r2);
        g[nl] += wij * sf2 * kv;
        if (i !== j) {
          const c = wij * sf2 * dk * -2;
          if (d > 0) {
            if (p.ard) for (let k = 0; k < d; k++) g[k] += c * diff[k];
            else g[0] += c * r2d;
          }
          for (let q = 0; q < sl2.length; q++) g[so + q] += c * sdiff[q];
        }
      }
      for (let q = 0; q < m; q++) g[nl + 1 + q] += wij * S[i * m + q] * S[j * m + q];
    }
  }
  for (let q = 0; q < m; q++) g[nl + 1 + q] *= Math.exp(theta[nl + 1 + q]);
  let tr = 0;
  for (let i = 0; i < n; i++) tr += Wm[i * n + i];
  g[nl + 1 + m] = 0.5 * tr * Math.exp(theta[nl + 1 + m]);
  // priors
  for (let k = 0; k < nl; k++) g[k] += (theta[k] - mu) / 3;
  g[nl] += theta[nl];
  for (let q = 0; q < m; q++) g[nl + 1 + q] += (theta[nl + 1 + q] - W_PRIOR.mean) / W_PRIOR.sd ** 2;
  g[nl + 1 + m] += theta[nl + 1 + m] + 4;
  for (let q = 0; q < sl2.length; q++) g[so + q] += (theta[so + q] - LS_SRC_PRIOR.mean) / LS_SRC_PRIOR.sd ** 2;
  return f;
}

interface OutputFit {
  theta: number[];
  /** Training rows used (standardised X columns, for prediction), y standardised. */
  rows: number[];
  ymean: number;
  ystd: number;
  alpha: Float64Array;
  L: Float64Array;
  cal: number;
  objective: number;
}

interface TgpState {
  opts: TransferGpOptions;
  xs: { mean: number[]; std: number[] };
  X: number[];
  n: number;
  cols: number;
  T: number;
  fits: { theta: number[]; rows: number[]; ymean: number; ystd: number; y: number[]; cal: number; objective: number }[];
}

export class TransferGpModel implements Model {
  readonly type = 'transfer-gp';
  private xs: Standardizer | null = null;
  private Xs: Matrix | null = null;
  private fits: OutputFit[] = [];
  private T = 0;

  constructor(private readonly opts: TransferGpOptions) {}

  private problem(rows: number[], y: Float64Array): TgpProblem {
    const Xs = this.Xs!;
    const m = this.opts.nLinear;
    const d = Xs.cols - m;
    const n = rows.length;
    const Xd = new Float64Array(n * d);
    const S = new Float64Array(n * m);
    rows.forEach((r, i) => {
      for (let k = 0; k < d; k++) Xd[i * d + k] = Xs.data[r * Xs.cols + k];
      for (let q = 0; q < m; q++) S[i * m + q] = Xs.data[r * Xs.cols + d + q];
    });
    return { Xd, S, y, n, d, m, kernel: this.opts.kernel ?? 'matern52', ard: this.opts.ard ?? false, sk: this.opts.sourceKernel === true && m > 0 };
  }

  async fit(X: Matrix, Y: Matrix, o: FitOptions): Promise<void> {
    checkShapes(X, Y);
    if (this.opts.nLinear > X.cols) throw new MiError('transfer-gp: more linear columns than inputs', { code: 'shape-mismatch' });
    this.xs = fitStandardizer(X);
    this.Xs = standardize(X, this.xs);
    this.T = Y.cols;
    this.fits = [];
    const seed = o.seed ?? this.opts.seed ?? 0;
    for (let t = 0; t < Y.cols; t++) {
      checkAbort(o.signal);
      const col = outputColumn(Y, t);
      const rows = Array.from(col.rows);
      if (rows.length === 0) throw new MiError(`transfer-gp: target ${t + 1} has no observed rows`, { code: 'no-rows' });
      const full = this.problem(rows, col.y);
      const maxOpt = this.opts.maxOptRows ?? 300;
      const rng = new Rng(seed * 9176 + t);
      let opt = full;
      if (rows.length > maxOpt) {
        const pick = Array.from(rng.permutation(rows.length).subarray(0, maxOpt)).sort((a, b) => a - b);
        opt = this.problem(pick.map((i) => rows[i]), Float64Array.from(pick, (i) => col.y[i]));
      }
      const theta = optimise(opt, this.opts.restarts ?? 2, rng, o);
      this.fits.push(this.condition(full, rows, theta, col.mean, col.std));
      await new Promise((r) => setImmediate(r));
    }
  }

  private condition(p: TgpProblem, rows: number[], theta: number[], ymean: number, ystd: number): OutputFit {
    const K = covariance(p, theta);
    const ch = choleskyJitter(K, p.n);
    if (!ch) throw new MiError('transfer-gp: covariance matrix is not positive definite even with jitter', { code: 'not-positive-definite', hint: 'remove duplicated rows with different targets' });
    const alpha = Float64Array.from(p.y);
    solveLowerInPlace(ch.L, p.n, alpha);
    solveUpperTInPlace(ch.L, p.n, alpha);
    let cal = 1;
    if ((this.opts.calibrate ?? true) && p.n >= 20) {
      const M = invertLower(ch.L, p.n);
      const z = new Float64Array(p.n);
      for (let i = 0; i < p.n; i++) {
        let kii = 0;
        for (let k = i; k < p.n; k++) kii += M[k * p.n + i] ** 2;
        // LOO: y_i − μ_{−i} = α_i / [K⁻¹]_ii, σ²_{−i} = 1/[K⁻¹]_ii
        z[i] = alpha[i] / kii / Math.sqrt(1 / kii);
      }
      cal = calibrationScale(z);
    }
    return { theta, rows, ymean, ystd, alpha, L: ch.L, cal, objective: objective(p, theta) };
  }

  predict(X: Matrix): Prediction {
    if (!this.xs || !this.Xs) throw notFitted('transfer-gp');
    if (X.cols !== this.Xs.cols) throw new MiError(`transfer-gp predict: expected ${this.Xs.cols} features, got ${X.cols}`, { code: 'shape-mismatch' });
    const Z = standardize(X, this.xs);
    const T = this.T;
    const pred = emptyPrediction(X.rows, T);
    const m = this.opts.nLinear;
    const d = Z.cols - m;
    const kernel = this.opts.kernel ?? 'matern52';
    const ard = this.opts.ard ?? false;
    this.fits.forEach((fit, t) => {
      const nl = ard ? d : 1;
      const th = fit.theta;
      const invl2 = Array.from({ length: d }, (_, k) => Math.exp(-2 * th[ard ? k : 0]));
      const sf2 = Math.exp(th[nl]);
      const w = Array.from({ length: m }, (_, q) => Math.exp(th[nl + 1 + q]));
      const sn2 = Math.exp(th[nl + 1 + m]);
      const sl2 = srcInvl2({ d, m, ard, sk: this.opts.sourceKernel === true && m > 0 }, th);
      const stat = d > 0 || sl2.length > 0;
      const n = fit.rows.length;
      const kstar = new Float64Array(n);
      const Xs = this.Xs!;
      for (let a = 0; a < X.rows; a++) {
        for (let i = 0; i < n; i++) {
          const r = fit.rows[i];
          let r2 = 0;
          for (let k = 0; k < d; k++) {
            const u = Z.data[a * Z.cols + k] - Xs.data[r * Xs.cols + k];
            r2 += u * u * invl2[k];
          }
          for (let q = 0; q < sl2.length; q++) {
            const u = Z.data[a * Z.cols + d + q] - Xs.data[r * Xs.cols + d + q];
            r2 += u * u * sl2[q];
          }
          let v = stat ? sf2 * kernelValue(kernel, r2)[0] : 0;
          for (let q = 0; q < m; q++) v += w[q] * Z.data[a * Z.cols + d + q] * Xs.data[r * Xs.cols + d + q];
          kstar[i] = v;
        }
        let mu = 0;
        for (let i = 0; i < n; i++) mu += kstar[i] * fit.alpha[i];
        solveLowerInPlace(fit.L, n, kstar);
        let s = 0;
        for (let i = 0; i < n; i++) s += kstar[i] * kstar[i];
        let kss = stat ? sf2 : 0;
        for (let q = 0; q < m; q++) kss += w[q] * Z.data[a * Z.cols + d + q] ** 2;
        const lat = Math.max(kss - s, 1e-12);
        const sc = fit.ystd ** 2 * fit.cal ** 2;
        pred.mean[a * T + t] = fit.ymean + fit.ystd * mu;
        pred.latentVariance[a * T + t] = lat * sc;
        pred.variance[a * T + t] = (lat + sn2) * sc;
      }
    });
    return pred;
  }

  /** Learnt source weights (standardised units) of output 0: w_j of the linear term, one per source column. */
  sourceWeights(t = 0): number[] {
    const fit = this.fits[t];
    if (!fit || !this.Xs) return [];
    const m = this.opts.nLinear;
    const d = this.Xs.cols - m;
    const nl = (this.opts.ard ?? false) ? d : 1;
    return Array.from({ length: m }, (_, q) => Math.exp(fit.theta[nl + 1 + q]));
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = {};
    if (this.Xs) {
      const m = this.opts.nLinear;
      const d = this.Xs.cols - m;
      const ard = this.opts.ard ?? false;
      const nl = ard ? d : 1;
      this.fits.forEach((f, t) => {
        const sfx = t === 0 ? '' : `#${t + 1}`;
        hp[`lengthscales${sfx}`] = f.theta.slice(0, nl).map(Math.exp);
        hp[`signal_variance${sfx}`] = Math.exp(f.theta[nl]);
        hp[`source_weights${sfx}`] = f.theta.slice(nl + 1, nl + 1 + m).map(Math.exp);
        hp[`noise_variance${sfx}`] = Math.exp(f.theta[nl + 1 + m]);
        if (this.opts.sourceKernel === true && m > 0) hp[`source_lengthscales${sfx}`] = f.theta.slice(nl + 2 + m, nl + 2 + 2 * m).map(Math.exp);
        hp[`noise_std${sfx}`] = Math.sqrt(Math.exp(f.theta[nl + 1 + m])) * f.ystd;
        hp[`calibration_scale${sfx}`] = f.cal;
      });
    }
    const f0 = this.fits[0];
    return { type: 'transfer-gp', hyperparameters: hp, ...(f0 ? { objective: f0.objective } : {}) };
  }

  save(): SavedModel {
    if (!this.xs || !this.Xs) throw notFitted('transfer-gp');
    const Xs = this.Xs;
    const state: TgpState = {
      opts: this.opts,
      xs: { mean: toArray(this.xs.mean), std: toArray(this.xs.std) },
      X: Array.from(Xs.data),
      n: Xs.rows,
      cols: Xs.cols,
      T: this.T,
      fits: this.fits.map((f) => ({
        theta: f.theta,
        rows: f.rows,
        ymean: f.ymean,
        ystd: f.ystd,
        y: Array.from(f.alpha.length ? recoverY(f) : []),
        cal: f.cal,
        objective: f.objective,
      })),
    };
    return { type: 'transfer-gp', version: 1, state };
  }

  static load(saved: SavedModel): TransferGpModel {
    const s = saved.state as TgpState;
    const m = new TransferGpModel(s.opts);
    m.xs = { mean: f64(s.xs.mean), std: f64(s.xs.std) };
    m.Xs = { rows: s.n, cols: s.cols, data: f64(s.X) };
    m.T = s.T;
    m.fits = s.fits.map((f) => m.condition(m.problem(f.rows, f64(f.y)), f.rows, f.theta, f.ymean, f.ystd));
    m.fits.forEach((f, t) => (f.cal = s.fits[t].cal));
    return m;
  }
}

/** y = K α, recomputed from the factor: y = L Lᵀ α. */
function recoverY(f: OutputFit): Float64Array {
  const n = f.rows.length;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i; k < n; k++) s += f.L[k * n + i] * f.alpha[k];
    u[i] = s;
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += f.L[i * n + k] * u[k];
    y[i] = s;
  }
  return y;
}

function optimise(p: TgpProblem, restarts: number, rng: Rng, o: FitOptions): number[] {
  const np = nParams(p);
  const nl = p.ard ? p.d : 1;
  const lower = new Float64Array(np);
  const upper = new Float64Array(np);
  for (let k = 0; k < nl; k++) [lower[k], upper[k]] = LOG_BOUNDS.ls;
  [lower[nl], upper[nl]] = LOG_BOUNDS.sf;
  for (let q = 0; q < p.m; q++) [lower[nl + 1 + q], upper[nl + 1 + q]] = LOG_BOUNDS.w;
  [lower[nl + 1 + p.m], upper[nl + 1 + p.m]] = LOG_BOUNDS.sn;
  const so = nl + 2 + p.m;
  if (p.sk) for (let q = 0; q < p.m; q++) [lower[so + q], upper[so + q]] = LS_SRC_BOUNDS;
  const starts: Float64Array[] = [];
  const x0 = new Float64Array(np);
  for (let k = 0; k < nl; k++) x0[k] = Math.log(Math.sqrt(Math.max(p.d, 1)));
  x0[nl] = Math.log(p.m > 0 ? 0.5 : 1);
  for (let q = 0; q < p.m; q++) x0[nl + 1 + q] = Math.log(0.5 / p.m);
  x0[nl + 1 + p.m] = Math.log(0.1);
  if (p.sk) for (let q = 0; q < p.m; q++) x0[so + q] = Math.log(1.5);
  starts.push(x0);
  for (let r = 1; r < Math.max(1, restarts); r++) {
    const x = new Float64Array(np);
    for (let k = 0; k < np; k++) x[k] = lower[k] + (upper[k] - lower[k]) * (0.25 + 0.5 * rng.uniform());
    for (let k = 0; k < nl; k++) x[k] = x0[k] + rng.normal();
    if (p.sk) for (let q = 0; q < p.m; q++) x[so + q] = x0[so + q] + rng.normal();
    starts.push(x);
  }
  let best: { x: Float64Array; f: number } | null = null;
  let it = 0;
  for (const s of starts) {
    checkAbort(o.signal);
    const r = minimizeLbfgsb((x, g) => objective(p, x, g), s, {
      lower,
      upper,
      maxIter: 80,
      fdecrease5: 0.01,
      onIteration: (_i, f) => {
        o.onProgress?.({ phase: 'fit', iteration: ++it, value: f });
        return o.signal?.aborted ?? false;
      },
    });
    if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = { x: r.x, f: r.f };
  }
  checkAbort(o.signal);
  if (!best) throw new MiError('transfer-gp: hyperparameter optimisation failed (non-finite marginal likelihood)', { code: 'fit-failed', hint: 'check for duplicated rows or constant targets' });
  return Array.from(best.x);
}
