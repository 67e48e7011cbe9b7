/**
 * Kronecker GP for function-valued targets: f(x, t) ~ GP(0, σf² k_x(x, x') k_t(t, t')), observed on a grid of G
 * argument values with i.i.d. noise σn² plus a curve-level noise σc² k_t (a whole curve off by a smooth deviation, e.g.
 * a batch effect). On n training curves the covariance is (σf² K_x + σc² I) ⊗ K_t + σn² I (nG x nG), but it is never
 * formed: with σf² K_x + σc² I = U_x diag(λ) U_xᵀ and K_t = U_t diag(μ) U_tᵀ,
 *
 *   (K + σn² I)⁻¹ = (U_x ⊗ U_t) diag(1 / (λ_a μ_b + σn²)) (U_x ⊗ U_t)ᵀ,
 *
 * so the marginal likelihood, its gradient, the posterior mean and variance cost O(n³ + G³ + n²G + nG²)
 * (Saatçi 2012; Stegle et al. 2011; the functional-output kernel regression of Kusaba, Iwayama & Yoshida 2025 has the
 * same structure). Hyperparameters (ARD or isotropic lengthscales on the standardised inputs, the argument lengthscale,
 * signal and noise variance) maximise the marginal likelihood with analytic gradients (bounded L-BFGS in log space).
 *
 * Targets are standardised per grid point (mean curve removed, divided by the per-point std), which keeps the Kronecker
 * structure. Missing grid values (curves that do not reach the whole grid) are imputed by the posterior mean and the
 * hyperparameters refitted (two EM-style rounds). Calibration: exact leave-one-curve-out residuals (the T x T diagonal
 * blocks of the inverse are U_t diag(Σ_a U_x,ia² / S_ab) U_tᵀ), one variance scale per argument band, fitted on the
 * training curves only (models/calibrate.ts).
 */
import type { Matrix } from '../features/types';
import { fitStandardizer, standardize, type Standardizer } from '../features/standardize';
import { minimizeLbfgsb } from '../linalg/lbfgsb';
import { matmul, matmulABt, transpose } from '../linalg/dense';
import { kernelCode, kval, kvalGrad, scaledSqDist, type KernelName } from '../models/kernels';
import { calibrationScale } from '../models/calibrate';
import { checkAbort, checkShapes, notFitted, takeRows, yieldToEventLoop } from '../models/common';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from '../models/types';
import { symEig } from './eig';
import { bandsOf, columnStats, curveCovFromFactors, type FunctionalModel } from './common';

const LOG2PI = Math.log(2 * Math.PI);
const BOUNDS = { ls: [1e-2, 1e3], sf2: [1e-2, 1e2], lt: [1e-2, 10], sn2: [1e-6, 1], sc2: [1e-6, 1] } as const;

export interface KronOptions {
  grid: ArrayLike<number>;
  kernel?: KernelName;
  /** Kernel over the argument (default matern52). */
  argumentKernel?: KernelName;
  ard?: boolean;
  calibrate?: boolean;
  /** Number of argument bands with their own calibration scale (default min(G, 5)). */
  bands?: number;
  maxIter?: number;
  seed?: number;
  /** Start the hyperparameter search here (log parameters) with one start only (used by the cross-fitted calibration). */
  init?: Float64Array;
}

/** The data of one marginal-likelihood evaluation (all standardised). */
export interface KronProblem {
  X: Float64Array; // n x d
  n: number;
  d: number;
  Y: Float64Array; // n x G
  tg: Float64Array; // G, scaled argument
  G: number;
  code: number;
  tcode: number;
  ard: boolean;
}

/** Parameter layout: [log ℓ_x (d or 1), log σf², log ℓ_t, log σn², log σc²]. */
export function kronParamCount(p: KronProblem): number {
  return (p.ard ? p.d : 1) + 4;
}

export interface KronFactors {
  lam: Float64Array;
  Ux: Float64Array;
  mu: Float64Array;
  Ut: Float64Array;
  Kt: Float64Array;
  /** α reshaped n x G. */
  A: Float64Array;
  sn2: number;
  sf2: number;
  /** Curve-level noise variance (σc² I ⊗ K_t). */
  sc2: number;
  invLs: Float64Array;
  lt: number;
}

/** Unit-variance kernel matrix of the scaled inputs plus r² and gradient factors. */
function kernelX(p: KronProblem, invLs: Float64Array, withGrad: boolean): { K: Float64Array; g?: Float64Array } {
  const { n, d, X } = p;
  const K = new Float64Array(n * n);
  const g = withGrad ? new Float64Array(n * n) : undefined;
  const kg = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = 1;
    if (g) g[i * n + i] = 0;
    for (let j = 0; j < i; j++) {
      kvalGrad(p.code, scaledSqDist(X, i * d, X, j * d, d, invLs, p.ard), kg);
      K[i * n + j] = K[j * n + i] = kg[0];
      if (g) g[i * n + j] = g[j * n + i] = kg[1];
    }
  }
  return { K, g };
}

function kernelT(tg: Float64Array, G: number, lt: number, code: number): { K: Float64Array; g: Float64Array; r2: Float64Array } {
  const K = new Float64Array(G * G);
  const g = new Float64Array(G * G);
  const r2 = new Float64Array(G * G);
  const kg = new Float64Array(2);
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const r = (tg[a] - tg[b]) / lt;
      kvalGrad(code, r * r, kg);
      K[a * G + b] = kg[0];
      g[a * G + b] = kg[1];
      r2[a * G + b] = r * r;
    }
  }
  return { K, g, r2 };
}

/** Ỹ = U_xᵀ Y U_t. */
function rotate(Ux: Float64Array, Y: Float64Array, Ut: Float64Array, n: number, G: number): Float64Array {
  return matmul(matmul(transpose(Ux, n, n), Y, n, n, G), Ut, n, G, G);
}

/**
 * Negative log marginal likelihood (+ a weak log-normal prior on the input lengthscales) and its gradient with
 * respect to the log parameters. Also returns the factors for prediction.
 */
export function kronNll(p: KronProblem, x: Float64Array, grad?: Float64Array, prior = true): { f: number; factors: KronFactors } {
  const { n, d, G } = p;
  const nls = p.ard ? d : 1;
  const invLs = new Float64Array(nls);
  for (let k = 0; k < nls; k++) invLs[k] = Math.exp(-x[k]);
  const sf2 = Math.exp(x[nls]);
  const lt = Math.exp(x[nls + 1]);
  const sn2 = Math.exp(x[nls + 2]);
  const sc2 = Math.exp(x[nls + 3]);
  const kx = kernelX(p, invLs, grad !== undefined);
  const Kx = kx.K;
  for (let i = 0; i < n * n; i++) Kx[i] *= sf2;
  // curve-level noise σc² I ⊗ K_t (a whole curve off by a smooth deviation, e.g. batch effects) joins K_x's diagonal
  const Kxc = Float64Array.from(Kx);
  for (let i = 0; i < n; i++) Kxc[i * n + i] += sc2;
  const kt = kernelT(p.tg, G, lt, p.tcode);
  const ex = symEig(Kxc, n);
  const et = symEig(kt.K, G);
  const lam = ex.values.map((v) => Math.max(v, 0));
  const mu = et.values.map((v) => Math.max(v, 0));
  const Yt = rotate(ex.vectors, p.Y, et.vectors, n, G);
  let f = 0.5 * n * G * LOG2PI;
  const At = new Float64Array(n * G);
  let sumInvS = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < G; b++) {
      const s = lam[a] * mu[b] + sn2;
      const yt = Yt[a * G + b];
      f += 0.5 * (yt * yt / s + Math.log(s));
      At[a * G + b] = yt / s;
      sumInvS += 1 / s;
    }
  }
  // A = U_x Ã U_tᵀ
  const A = matmulABt(matmul(ex.vectors, At, n, n, G), et.vectors, n, G, G);
  const med = Math.log(Math.sqrt(Math.max(1, d)));
  if (prior) for (let k = 0; k < nls; k++) f += 0.5 * ((x[k] - med) / 3) ** 2;
  const factors: KronFactors = { lam, Ux: ex.vectors, mu, Ut: et.vectors, Kt: kt.K, A, sn2, sf2, invLs, lt, sc2 };
  if (!grad) return { f, factors };
  // x-gradient: ½ Σ ∂K_x ∘ (M_x − B_x), M_x = U_x diag(w_x) U_xᵀ, B_x = A K_t Aᵀ
  const AKt = matmul(A, kt.K, n, G, G);
  const Bx = matmulABt(AKt, A, n, G, n);
  const wx = new Float64Array(n);
  const wt = new Float64Array(G);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < G; b++) {
      const s = lam[a] * mu[b] + sn2;
      wx[a] += mu[b] / s;
      wt[b] += lam[a] / s;
    }
  }
  const Ux = ex.vectors;
  const UxW = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let a = 0; a < n; a++) UxW[i * n + a] = Ux[i * n + a] * wx[a];
  const Mx = matmulABt(UxW, Ux, n, n, n);
  const Gx = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) Gx[i] = 0.5 * (Mx[i] - Bx[i]);
  let gsf = 0;
  for (let i = 0; i < n * n; i++) gsf += Gx[i] * Kx[i];
  grad.fill(0);
  grad[nls] = gsf;
  let gsc = 0;
  for (let i = 0; i < n; i++) gsc += Gx[i * n + i];
  grad[nls + 3] = sc2 * gsc;
  const gfx = kx.g as Float64Array;
  if (p.ard) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const w = 2 * Gx[i * n + j] * sf2 * gfx[i * n + j];
        if (w === 0) continue;
        for (let k = 0; k < d; k++) {
          const t = (p.X[i * d + k] - p.X[j * d + k]) * invLs[k];
          grad[k] += w * t * t;
        }
      }
    }
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        s += 2 * Gx[i * n + j] * sf2 * gfx[i * n + j] * scaledSqDist(p.X, i * d, p.X, j * d, d, invLs, false);
      }
    }
    grad[0] = s;
  }
  if (prior) for (let k = 0; k < nls; k++) grad[k] += (x[k] - med) / 9;
  // t-gradient: ½ Σ ∂K_t ∘ (M_t − B_t), B_t = Aᵀ K_x A
  const KxA = matmul(Kxc, A, n, n, G);
  const Bt = matmul(transpose(A, n, G), KxA, G, n, G);
  const Ut = et.vectors;
  const UtW = new Float64Array(G * G);
  for (let i = 0; i < G; i++) for (let b = 0; b < G; b++) UtW[i * G + b] = Ut[i * G + b] * wt[b];
  const Mt = matmulABt(UtW, Ut, G, G, G);
  let glt = 0;
  for (let i = 0; i < G * G; i++) glt += 0.5 * (Mt[i] - Bt[i]) * kt.g[i] * kt.r2[i];
  grad[nls + 1] = glt;
  let sumA2 = 0;
  for (let i = 0; i < n * G; i++) sumA2 += A[i] * A[i];
  grad[nls + 2] = 0.5 * sn2 * (sumInvS - sumA2);
  return { f, factors };
}

export class KroneckerGpModel implements Model, FunctionalModel {
  readonly type = 'kronecker-gp';
  private readonly grid: Float64Array;
  private readonly code: number;
  private readonly tcode: number;
  private readonly ard: boolean;
  private xs: Standardizer | null = null;
  private Xs: Float64Array | null = null;
  private d = 0;
  private n = 0;
  private ym: Float64Array = new Float64Array(0);
  private ysd: Float64Array = new Float64Array(0);
  private tg = new Float64Array(0);
  private fac: KronFactors | null = null;
  private AKt: Float64Array = new Float64Array(0);
  private cal = new Float64Array(0);
  private objective = NaN;
  /** Best log hyperparameters of the last fit (warm start for ARD and the cross-fitted calibration). */
  xBest: Float64Array = new Float64Array(0);

  constructor(private readonly opts: KronOptions) {
    this.grid = Float64Array.from(opts.grid);
    this.code = kernelCode(opts.kernel ?? 'matern52');
    this.tcode = kernelCode(opts.argumentKernel ?? 'matern52');
    this.ard = opts.ard ?? true;
  }

  get outputs(): number {
    return this.grid.length;
  }

  async fit(X: Matrix, Y: Matrix, fo: FitOptions): Promise<void> {
    checkShapes(X, Y);
    const G = this.grid.length;
    if (Y.cols !== G) throw new Error(`kronecker-gp: Y has ${Y.cols} columns but the grid has ${G} points`);
    this.xs = fitStandardizer(X);
    this.Xs = standardize(X, this.xs).data;
    this.d = X.cols;
    this.n = X.rows;
    const n = this.n;
    const { mean, std } = columnStats(Y);
    this.ym = mean;
    this.ysd = std;
    const t0 = this.grid[0];
    const span = this.grid[G - 1] - t0 || 1;
    this.tg = this.grid.map((t) => (t - t0) / span);
    const Ys = new Float64Array(n * G);
    const observed = new Uint8Array(n * G);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < G; b++) {
        const v = Y.data[i * G + b];
        if (Number.isFinite(v)) {
          Ys[i * G + b] = (v - mean[b]) / std[b];
          observed[i * G + b] = 1;
        }
      }
    }
    const missing = observed.some((o) => o === 0);
    const p: KronProblem = { X: this.Xs, n, d: this.d, Y: Ys, tg: this.tg, G, code: this.code, tcode: this.tcode, ard: this.ard };
    const np = kronParamCount(p);
    const nls = np - 4;
    const lower = new Float64Array(np);
    const upper = new Float64Array(np);
    for (let k = 0; k < nls; k++) {
      lower[k] = Math.log(BOUNDS.ls[0]);
      upper[k] = Math.log(BOUNDS.ls[1]);
    }
    lower[nls] = Math.log(BOUNDS.sf2[0]);
    upper[nls] = Math.log(BOUNDS.sf2[1]);
    lower[nls + 1] = Math.log(BOUNDS.lt[0]);
    upper[nls + 1] = Math.log(BOUNDS.lt[1]);
    lower[nls + 2] = Math.log(BOUNDS.sn2[0]);
    upper[nls + 2] = Math.log(BOUNDS.sn2[1]);
    lower[nls + 3] = Math.log(BOUNDS.sc2[0]);
    upper[nls + 3] = Math.log(BOUNDS.sc2[1]);
    const starts: number[][] = this.opts.init ? [] : [
      [Math.log(Math.sqrt(Math.max(1, this.d))), 0, Math.log(0.3), Math.log(0.05), Math.log(0.02)],
      [Math.log(3 * Math.sqrt(Math.max(1, this.d))), 0, Math.log(1), Math.log(0.2), Math.log(0.1)],
    ];
    let best: { x: Float64Array; f: number } | null = null;
    let iteration = 0;
    let isoInit: Float64Array | undefined;
    if (this.ard && !this.opts.init && this.d > 1) {
      // ARD starts from the isotropic optimum (cheap: 4 parameters), then one ARD search
      const iso = new KroneckerGpModel({ ...this.opts, ard: false, calibrate: false });
      await iso.fit(X, Y, { seed: fo.seed, signal: fo.signal });
      const xi = iso.xBest;
      isoInit = new Float64Array(np);
      for (let k = 0; k < nls; k++) isoInit[k] = xi[0];
      isoInit[nls] = xi[1];
      isoInit[nls + 1] = xi[2];
      isoInit[nls + 2] = xi[3];
      isoInit[nls + 3] = xi[4];
    }
    const rounds = missing ? 3 : 1;
    for (let round = 0; round < rounds; round++) {
      const init0 = this.opts.init ?? isoInit;
      const inits = round === 0 && init0 ? [Float64Array.from(init0)] : round === 0 ? starts.map((s) => {
        const x = new Float64Array(np);
        for (let k = 0; k < nls; k++) x[k] = s[0];
        x[nls] = s[1];
        x[nls + 1] = s[2];
        x[nls + 2] = s[3];
        x[nls + 3] = s[4];
        return x;
      }) : [best!.x];
      let roundBest: { x: Float64Array; f: number } | null = null;
      for (const x0 of inits) {
        checkAbort(fo.signal);
        const res = minimizeLbfgsb((x, g) => kronNll(p, x, g).f, x0, {
          lower, upper, maxIter: round === 0 ? (this.opts.maxIter ?? (isoInit ? 60 : 80)) : 30,
          onIteration: (_it, f) => {
            iteration++;
            fo.onProgress?.({ phase: 'fit', iteration, value: f });
            return fo.signal?.aborted === true;
          },
        });
        if (!roundBest || res.f < roundBest.f) roundBest = { x: res.x, f: res.f };
        await yieldToEventLoop();
      }
      best = roundBest;
      if (round + 1 < rounds) {
        // impute missing values by the posterior mean of the latent curve: f̂ = Y − σn² α
        const { factors } = kronNll(p, best!.x);
        for (let i = 0; i < n * G; i++) if (!observed[i]) p.Y[i] = p.Y[i] - factors.sn2 * factors.A[i];
      }
    }
    checkAbort(fo.signal);
    const { f, factors } = kronNll(p, best!.x, undefined, false);
    this.objective = f;
    this.fac = factors;
    this.AKt = matmul(factors.A, factors.Kt, n, G, G);
    this.xBest = best!.x;
    // calibration per argument band: exact leave-one-curve-out residuals, or cross-fitted ones (hyperparameters
    // refitted without the scored curves) when there are fewer than 10 curves per hyperparameter, as for the scalar GP
    this.cal = new Float64Array(G).fill(1);
    if (this.opts.calibrate ?? true) {
      const z = np + 2 > n / 10 && n >= 10 ? await this.crossFitZ(X, Y, observed, best!.x, fo) : this.looZ(observed);
      const bands = bandsOf(G, this.opts.bands ?? Math.min(G, 5));
      for (const [b0, b1] of bands) {
        const zs: number[] = [];
        for (let i = 0; i < n; i++) for (let b = b0; b < b1; b++) if (observed[i * G + b]) zs.push(z[i * G + b]);
        const s = calibrationScale(zs);
        for (let b = b0; b < b1; b++) this.cal[b] = s;
      }
    }
  }

  /** Standardised residuals of held-out curves from an inner 5-fold split, hyperparameters re-fitted per fold. */
  private async crossFitZ(X: Matrix, Y: Matrix, observed: Uint8Array, x0: Float64Array, fo: FitOptions): Promise<Float64Array> {
    const n = X.rows;
    const G = this.grid.length;
    const z = new Float64Array(n * G).fill(NaN);
    const folds = 5;
    const perm = Array.from({ length: n }, (_, i) => i);
    let s = (this.opts.seed ?? 0) + 977;
    for (let i = n - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) >>> 0;
      const j = s % (i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let f = 0; f < folds; f++) {
      checkAbort(fo.signal);
      const test = perm.filter((_, k) => k % folds === f);
      const train = perm.filter((_, k) => k % folds !== f);
      const inner = new KroneckerGpModel({ ...this.opts, calibrate: false, init: x0, maxIter: 15 });
      await inner.fit(takeRows(X, train), takeRows(Y, train), { seed: fo.seed, signal: fo.signal });
      const p = inner.predict(takeRows(X, test));
      test.forEach((row, k) => {
        for (let t = 0; t < G; t++) {
          if (!observed[row * G + t]) continue;
          z[row * G + t] = (Y.data[row * G + t] - p.mean[k * G + t]) / Math.sqrt(p.variance[k * G + t]);
        }
      });
    }
    return z;
  }

  /** Exact leave-one-curve-out standardised residuals (n x G) in standardised units. */
  private looZ(observed: Uint8Array): Float64Array {
    const fac = this.fac!;
    const n = this.n;
    const G = this.grid.length;
    const z = new Float64Array(n * G).fill(NaN);
    const v = new Float64Array(G);
    const tmp = new Float64Array(G);
    for (let i = 0; i < n; i++) {
      v.fill(0);
      for (let a = 0; a < n; a++) {
        const u2 = fac.Ux[i * n + a] ** 2;
        if (u2 === 0) continue;
        for (let b = 0; b < G; b++) v[b] += u2 / (fac.lam[a] * fac.mu[b] + fac.sn2);
      }
      // C_i⁻¹ = U_t diag(1/v) U_tᵀ; r = C_i⁻¹ α_i; var_t = Σ_b U_t,tb² / v_b
      for (let b = 0; b < G; b++) {
        let s = 0;
        for (let t = 0; t < G; t++) s += fac.Ut[t * G + b] * fac.A[i * G + t];
        tmp[b] = s / v[b];
      }
      for (let t = 0; t < G; t++) {
        if (!observed[i * G + t]) continue;
        let r = 0;
        let vv = 0;
        for (let b = 0; b < G; b++) {
          r += fac.Ut[t * G + b] * tmp[b];
          vv += fac.Ut[t * G + b] ** 2 / v[b];
        }
        z[i * G + t] = vv > 0 ? r / Math.sqrt(vv) : NaN;
      }
    }
    return z;
  }

  /** K* (m x n) between new standardised rows and the training rows, with σf². */
  private crossK(X: Matrix): Float64Array {
    const fac = this.fac!;
    const Xn = standardize(X, this.xs!).data;
    const m = X.rows;
    const n = this.n;
    const d = this.d;
    const Xs = this.Xs!;
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        out[i * n + j] = fac.sf2 * kval(this.code, scaledSqDist(Xn, i * d, Xs, j * d, d, fac.invLs, this.ard));
      }
    }
    return out;
  }

  predict(X: Matrix): Prediction {
    if (!this.fac) throw notFitted(this.type);
    const fac = this.fac;
    const m = X.rows;
    const n = this.n;
    const G = this.grid.length;
    const Ks = this.crossK(X);
    const M = matmul(Ks, this.AKt, m, n, G);
    const P = matmul(Ks, fac.Ux, m, n, n);
    // var_mt = σf² − Σ_b (Σ_a P_ma² / S_ab) R_tb², R = U_t diag(μ)
    const PW = new Float64Array(m * G);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < n; a++) {
        const p2 = P[i * n + a] ** 2;
        if (p2 === 0) continue;
        for (let b = 0; b < G; b++) PW[i * G + b] += p2 / (fac.lam[a] * fac.mu[b] + fac.sn2);
      }
    }
    const R2 = new Float64Array(G * G);
    for (let t = 0; t < G; t++) for (let b = 0; b < G; b++) R2[t * G + b] = (fac.Ut[t * G + b] * fac.mu[b]) ** 2;
    const red = matmulABt(PW, R2, m, G, G);
    const mean = new Float64Array(m * G);
    const variance = new Float64Array(m * G);
    const latentVariance = new Float64Array(m * G);
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < G; t++) {
        const k = i * G + t;
        const sc = this.ysd[t] * this.cal[t];
        const lv = Math.max(fac.sf2 - red[k], 0);
        mean[k] = this.ym[t] + this.ysd[t] * M[k];
        latentVariance[k] = lv * sc * sc;
        variance[k] = (lv + fac.sc2 + fac.sn2) * sc * sc;
      }
    }
    return { mean, variance, latentVariance, rows: m, outputs: G };
  }

  /** Joint latent covariance over the grid (G x G, original units) of each row of X. */
  curveCovariance(X: Matrix): Float64Array[] {
    const fac = this.fac!;
    const m = X.rows;
    const n = this.n;
    const G = this.grid.length;
    const Ks = this.crossK(X);
    const P = matmul(Ks, fac.Ux, m, n, n);
    const out: Float64Array[] = [];
    const R = new Float64Array(G * G);
    for (let t = 0; t < G; t++) for (let b = 0; b < G; b++) R[t * G + b] = fac.Ut[t * G + b] * fac.mu[b];
    const scale = new Float64Array(G);
    for (let t = 0; t < G; t++) scale[t] = this.ysd[t] * this.cal[t];
    for (let i = 0; i < m; i++) {
      const w = new Float64Array(G);
      for (let a = 0; a < n; a++) {
        const p2 = P[i * n + a] ** 2;
        if (p2 === 0) continue;
        for (let b = 0; b < G; b++) w[b] += p2 / (fac.lam[a] * fac.mu[b] + fac.sn2);
      }
      const C = curveCovFromFactors(R, w, G);
      for (let t = 0; t < G; t++) for (let s = 0; s < G; s++) C[t * G + s] = (fac.sf2 * fac.Kt[t * G + s] - C[t * G + s]) * scale[t] * scale[s];
      out.push(C);
    }
    return out;
  }

  summary(): ModelSummary {
    const fac = this.fac;
    if (!fac) return { type: this.type, hyperparameters: {} };
    const ls = Array.from(fac.invLs, (v) => 1 / v);
    const span = this.grid[this.grid.length - 1] - this.grid[0] || 1;
    const rel = Array.from(fac.invLs);
    const s = rel.reduce((a, b) => a + b, 0) || 1;
    return {
      type: this.type,
      hyperparameters: {
        lengthscales: ls,
        argument_lengthscale: fac.lt * span,
        signal_variance: fac.sf2,
        noise_variance: fac.sn2,
        curve_noise_variance: fac.sc2,
        calibration_scale: Array.from(this.cal),
      },
      featureRelevance: this.ard ? rel.map((r) => r / s) : undefined,
      objective: this.objective,
    };
  }

  save(): SavedModel {
    return {
      type: this.type,
      version: 1,
      state: {
        grid: Array.from(this.grid), ard: this.ard, kernel: this.opts.kernel ?? 'matern52', argumentKernel: this.opts.argumentKernel ?? 'matern52',
        xs: this.xs && { mean: Array.from(this.xs.mean), std: Array.from(this.xs.std) }, Xs: this.Xs && Array.from(this.Xs), n: this.n, d: this.d,
        ym: Array.from(this.ym), ysd: Array.from(this.ysd), cal: Array.from(this.cal),
        fac: this.fac && {
          lam: Array.from(this.fac.lam), Ux: Array.from(this.fac.Ux), mu: Array.from(this.fac.mu), Ut: Array.from(this.fac.Ut), Kt: Array.from(this.fac.Kt),
          A: Array.from(this.fac.A), sn2: this.fac.sn2, sc2: this.fac.sc2, sf2: this.fac.sf2, invLs: Array.from(this.fac.invLs), lt: this.fac.lt,
        },
      },
    };
  }
}
