/**
 * Exact Gaussian process regression (zero mean on standardised outputs; inputs standardised with the shared
 * standardiser). Kernels rbf / matern32 / matern52, ARD or isotropic lengthscales, signal variance and Gaussian noise.
 * Hyperparameters maximise the log marginal likelihood (analytic gradients, bounded L-BFGS in log-space, restarts).
 * Several outputs are independent GPs (own hyperparameters, own observed rows).
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { fitStandardizer, standardize, type Standardizer } from '../features/standardize';
import {
  choleskyOrThrow,
  cholSolve,
  dot,
  solveLowerInPlace,
  matmulABt,
} from '../linalg/dense';
import { minimizeLbfgsb } from '../linalg/lbfgsb';
import { Rng } from '../linalg/random';
import { gpKernelCode, crossKernel, kvalGrad, sqDist, GP_KERNELS, TANIMOTO, type GpKernelName } from './kernels';
import { KernelRowStream } from './kernel-rows';
import {
  assertFiniteX,
  checkAbort,
  checkShapes,
  emptyPrediction,
  f64,
  kernelSummary,
  notFitted,
  outputColumn,
  takeRows,
  toArray,
  yieldToEventLoop,
} from './common';
import { calibrationScale, CALIBRATION_MIN_ROWS } from './calibrate';
import { assignFolds } from './cv';
import { InvFactorNorms, solveLowerRowsBlocked } from './fastvar';
import { readyTf, getTfBackend, type Tf } from './tf';
import { GpObjective, GP_BOUNDS, type GpProblem } from './gp-objective';
import { gpStart, type GpStartArgs, type GpStartResult } from '../parallel/tasks';
import { getHelper, LONG_TASK_TIMEOUT_MS, PARALLEL_KERNELS, PARALLEL_OBJECTIVE, toShared } from '../parallel/pool';

export { GpObjective, GP_BOUNDS };
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

export interface GpOptions {
  kernel?: GpKernelName;
  ard?: boolean;
  /** Optimiser starts (default 3): the first from a fixed sensible point, the rest random (seeded). */
  restarts?: number;
  seed?: number;
  /** Maximum L-BFGS iterations per start (default 80). */
  maxIter?: number;
  /**
   * Above this many rows, restarts run on a random subset of this size and the best start is then polished on all
   * rows (default 300). The final model is always conditioned on every row.
   */
  subsetSize?: number;
  /** Max L-BFGS iterations of the final polish on all rows when subsetting (default 8). */
  polishIter?: number;
  /**
   * The full-data polish runs only up to this many rows (default 1000; each full evaluation costs O(n³)); above it the
   * covariance is instead rescaled by its closed-form maximum-likelihood amplitude.
   */
  polishMaxRows?: number;
  /** Use the TensorFlow.js float32 matmul for pool variances when a fast backend is ready (default true). */
  accelerate?: boolean;
  /** Log-normal hyperpriors on lengthscales and noise (MAP); false = plain maximum likelihood (default true). */
  prior?: boolean;
  /** Scale the predictive std so leave-one-out 90% intervals on the training rows cover 90% (default true). */
  calibrate?: boolean;
}

/**
 * Calibration residuals: closed-form LOO (R&W eq. 5.12) unless there are fewer than 10 training rows per
 * hyperparameter (n ≤ 1000): then the full-data hyperparameters partly fit the noise, the LOO residuals are as
 * over-confident as the posterior, and cross-fitted residuals (inner 5-fold, hyperparameters re-fitted without the
 * scored rows) are used instead (≈ 5 one-start fits extra).
 */
export function crossFitCalibration(lengthscales: number, n: number): boolean {
  return n <= 1000 && lengthscales + 2 > n / 10;
}

/** Default largest n for the full-data hyperparameter polish (see GpOptions.polishMaxRows). */
export const POLISH_MAX_ROWS = 1000;

/** Float32 pool variances below this fraction of σf² are recomputed exactly in float64. */
const RECHECK = 1e-4;

/**
 * Without an explicit `ard`, a GP fits one lengthscale per feature only up to this many features; above it one shared
 * lengthscale (isotropic). On 200 rows × 135 Magpie descriptors ARD was both slower (≈ 10×) and less accurate out of
 * fold (MAE 0.71 vs 0.65 eV) than isotropic — see docs/models.md "High dimension".
 */
export const ARD_DEFAULT_MAX_FEATURES = 32;

/** An explicit `ard: true` above ARD_DEFAULT_MAX_FEATURES starts from the isotropic optimum, with one ARD start when n·d exceeds this. */
export const ARD_ONE_START_SIZE = 20000;

/** Where an optimiser iteration happened, for progress messages. */
export interface GpSearchStage {
  /** e.g. "isotropic start", "start", "polish on all rows". */
  stage: string;
  /** 1-based start number and the number of starts (starts that run in parallel report the first of the pair). */
  start: number;
  starts: number;
  parallel?: boolean;
  rows: number;
}

export interface GpHyperSearch extends GpProblem {
  restarts: number;
  /** Explicit starting points (log-hyperparameters); the default is the fixed sensible start plus random ones. */
  starts?: Float64Array[];
  /** Called when a stage of the search begins (for progress messages). */
  where?: (w: GpSearchStage) => void;
  seed: number;
  maxIter?: number;
  subsetSize?: number;
  polishIter?: number;
  polishMaxRows?: number;
  accelerate: boolean;
  prior?: boolean;
  report: (v: number) => void;
  signal?: AbortSignal;
}

/** Maximises the log marginal likelihood from several starts; returns log-hyperparameters and the NLML. */
export async function optimiseGpHyperparameters(a: GpHyperSearch): Promise<{ x: Float64Array; f: number }> {
  const { X, n, d, y, report, signal } = a;
  const fastTf = (size: number): Tf | null => {
    if (!a.accelerate || size < 200) return null;
    const r = readyTf();
    return r && r.backend !== 'cpu' ? r.tf : null;
  };
  {
    const rng = new Rng(a.seed);
    const subsetSize = a.subsetSize ?? 300;
    const maxIter = a.maxIter ?? 60;
    let objX = X;
    let objY = y;
    let objN = n;
    if (n > subsetSize) {
      const perm = rng.permutation(n).subarray(0, subsetSize).sort();
      objX = takeRows({ rows: n, cols: d, data: X }, perm).data;
      objY = Float64Array.from(perm, (i) => y[i]);
      objN = subsetSize;
    }
    // The starts run in float64 throughout (no float32 gradient), so a start gives the same answer on either thread:
    // this thread takes the even starts, the helper thread (when there is one) the odd ones, concurrently.
    const obj = new GpObjective(objX, objN, d, objY, a.code, a.ard, null, a.prior ?? true);
    const { lower, upper } = obj.bounds();
    const D = obj.D;
    // explicit starts first, then the fixed sensible start and random ones up to `restarts`
    const starts: Float64Array[] = (a.starts ?? []).map((x) => Float64Array.from(x));
    for (let r = 0; starts.length < a.restarts; r++) {
      const x0 = new Float64Array(obj.dim);
      const base = Math.log(Math.sqrt(d));
      for (let k = 0; k < D; k++) x0[k] = r === 0 ? base : base + (rng.uniform() * 2 - 1) * 1.5;
      x0[D] = r === 0 ? 0 : Math.log(0.3) + rng.uniform() * Math.log(10);
      x0[D + 1] = r === 0 ? Math.log(0.1) : Math.log(1e-4) + rng.uniform() * Math.log(5e3);
      starts.push(x0);
    }
    const helper = objN >= 32 ? getHelper() : null;
    const abort = helper ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    const shared = helper ? { X: toShared(objX), y: toShared(objY) } : { X: objX, y: objY };
    const startArgs = (x0: Float64Array): GpStartArgs => ({
      ...shared,
      n: objN,
      d,
      code: a.code,
      ard: a.ard,
      prior: a.prior ?? true,
      x0,
      lower,
      upper,
      maxIter,
      abort,
    });
    const onIteration = (f: number): boolean => {
      report(f);
      if (signal?.aborted && abort) Atomics.store(abort, 0, 1);
      return signal?.aborted === true;
    };
    const nStarts = starts.length;
    const stageName = a.ard || a.code === TANIMOTO ? 'start' : 'isotropic start';
    const results: (GpStartResult | null)[] = new Array(nStarts).fill(null);
    for (let r = 0; r < nStarts; ) {
      checkAbort(signal);
      if (helper && r + 1 < nStarts) {
        a.where?.({ stage: stageName, start: r + 1, starts: nStarts, parallel: true, rows: objN });
        // two starts at once, one per thread
        helper.post('gpStart', startArgs(starts[r + 1]));
        try {
          results[r] = gpStart({ ...startArgs(starts[r]), abort: undefined }, onIteration);
        } finally {
          results[r + 1] = helper.wait('gpStart', LONG_TASK_TIMEOUT_MS);
        }
        r += 2;
      } else {
        // a lone start: both threads share each evaluation instead
        a.where?.({ stage: stageName, start: r + 1, starts: nStarts, rows: objN });
        results[r] = gpStart(startArgs(starts[r]), onIteration, PARALLEL_OBJECTIVE);
        r += 1;
      }
      checkAbort(signal);
      await yieldToEventLoop();
    }
    let best: { x: Float64Array; f: number } | null = null;
    for (const res of results) if (res && Number.isFinite(res.f) && (!best || res.f < best.f)) best = { x: res.x, f: res.f };
    if (!best) {
      throw new MiError('GP hyperparameter optimisation failed', { code: 'gp-optimise-failed' });
    }
    if (objN < n && n <= (a.polishMaxRows ?? POLISH_MAX_ROWS) && (a.polishIter ?? 8) > 0) {
      a.where?.({ stage: 'polish on all rows', start: 1, starts: 1, rows: n });
      const full = new GpObjective(X, n, d, y, a.code, a.ard, fastTf(n), a.prior ?? true, PARALLEL_OBJECTIVE);
      const polish = minimizeLbfgsb((x, g) => full.evaluate(x, g), best.x, {
        lower,
        upper,
        maxIter: a.polishIter ?? 8,
        pgtol: 1e-4,
        ftol: 1e-8,
        fdecrease5: 1e-2,
        onIteration: (_it, f) => {
          report(f);
          return signal?.aborted === true;
        },
      });
      checkAbort(signal);
      best = Number.isFinite(polish.f) ? { x: polish.x, f: polish.f } : { x: best.x, f: full.evaluate(best.x) };
    }
    return best;
  }
}

/**
 * Closed-form leave-one-out standardised residuals of a conditioned GP (Rasmussen & Williams eq. 5.12):
 * y_i − μ_{−i} = [K⁻¹y]_i / [K⁻¹]_ii and σ²_{−i} = 1 / [K⁻¹]_ii, so z_i = [K⁻¹y]_i / √[K⁻¹]_ii; [K⁻¹]_ii is the
 * squared norm of column i of L⁻¹ (O(n³/6) for the triangular inverse). Above `maxRows` rows only an evenly spaced
 * subset of `maxRows` residuals is computed, each by one forward solve L v = e_i started at i (O((n − i)²/2)).
 */
export function looResiduals(
  o: { n: number; L: Float64Array; alpha: Float64Array; norms?: InvFactorNorms },
  maxRows = 1000,
): Float64Array {
  const { n, L, alpha } = o;
  if (n > maxRows) {
    const z = new Float64Array(maxRows);
    const v = new Float64Array(n);
    for (let r = 0; r < maxRows; r++) {
      const i = Math.floor((r * n) / maxRows);
      // v = L⁻¹ e_i: zero above i
      let ss = 0;
      for (let k = i; k < n; k++) {
        const rk = k * n;
        v[k] = ((k === i ? 1 : 0) - dot(L, rk + i, v, i, k - i)) / L[rk + k];
        ss += v[k] * v[k];
      }
      z[r] = alpha[i] / Math.sqrt(ss);
    }
    return z;
  }
  const M = PARALLEL_KERNELS.invertLower(L, n);
  o.norms?.setInverseFactor(M); // reused by the float32 pool-variance path (saves a second triangular inverse)
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) diag[i] += M[rk + i] * M[rk + i];
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = alpha[i] / Math.sqrt(diag[i]);
  return z;
}

/** Everything needed to predict for one output column. */
interface GpOutput {
  rows: Int32Array;
  y: Float64Array;
  yMean: number;
  yStd: number;
  theta: Float64Array;
  nlml: number;
  // derived (not saved)
  n: number;
  Z: Float64Array; // scaled training inputs (n x d)
  invLs: Float64Array; // 1 / lengthscale per input dimension
  sf2: number;
  sn2: number;
  L: Float64Array;
  alpha: Float64Array;
  jitter: number;
  norms: InvFactorNorms;
  /** Calibration scale s (predictive and latent std are multiplied by s; 1 = uncalibrated). */
  cal: number;
  /** Isotropic kernels: normalised mean |∂μ/∂x_k| over training rows (computed on first summary()). */
  sensitivity?: Float64Array;
}

interface GpState {
  kernel: GpKernelName;
  ard: boolean;
  restarts: number;
  seed: number;
  xs: { mean: number[]; std: number[] };
  d: number;
  X: number[];
  outputs: { rows: number[]; y: number[]; yMean: number; yStd: number; theta: number[]; nlml: number; cal?: number }[];
}

export class GpModel implements Model {
  readonly type = 'gp';
  private readonly kernel: GpKernelName;
  private readonly code: number;
  /** Resolved in fit() when the options leave it open (by the number of features). */
  private ard: boolean;
  private readonly restarts: number;
  private readonly seed: number;
  private readonly opts: GpOptions;
  private xs: Standardizer | null = null;
  private Xs: Float64Array | null = null;
  private d = 0;
  private outputs: GpOutput[] = [];
  /** Diagnostics of the last predict(): rows computed with float32 matmuls, rows re-done in float64. */
  readonly stats = { float32Rows: 0, rechecked: 0 };

  constructor(opts: GpOptions = {}) {
    this.opts = opts;
    this.kernel = opts.kernel ?? 'matern52';
    this.code = gpKernelCode(this.kernel);
    this.ard = opts.ard ?? true;
    this.restarts = Math.max(1, Math.floor(opts.restarts ?? 3));
    this.seed = opts.seed ?? 0;
  }

  async fit(X: Matrix, Y: Matrix, fitOpts: FitOptions): Promise<void> {
    checkShapes(X, Y);
    const seed = fitOpts.seed ?? this.seed;
    if (this.code === TANIMOTO) assertNonNegative(X);
    // Tanimoto works on the raw counts (standardising would make them negative and change the similarity)
    this.xs = this.code === TANIMOTO ? identityStandardizer(X.cols) : fitStandardizer(X);
    const Xs = standardize(X, this.xs);
    this.Xs = Xs.data;
    this.d = X.cols;
    this.ard = this.code !== TANIMOTO && (this.opts.ard ?? X.cols <= ARD_DEFAULT_MAX_FEATURES);
    this.outputs = [];
    let iteration = 0;
    let stageIter = 0;
    let stage = '';
    let task = '';
    const where = (w: GpSearchStage): void => {
      stageIter = 0;
      stage = describeStage(w);
    };
    // fraction: against the iteration budget (starts × max iterations + polish), an upper bound on the work
    const highDimArd = this.ard && X.cols > ARD_DEFAULT_MAX_FEATURES;
    const budget =
      Y.cols * (this.restarts * (this.opts.maxIter ?? 60) * (highDimArd ? 2 : 1) + (this.opts.polishIter ?? 8)) * 1.3;
    const report = (value: number): void => {
      iteration++;
      stageIter++;
      fitOpts.onProgress?.({
        phase: 'fit',
        iteration,
        value,
        fraction: Math.min(0.99, iteration / budget),
        message: `${task}${stage}, iteration ${stageIter}, −log likelihood ${value.toFixed(1)}`,
      });
    };
    if (this.opts.ard === undefined && !this.ard && this.code !== TANIMOTO) {
      fitOpts.onProgress?.({
        phase: 'note',
        iteration: 0,
        value: NaN,
        message: `${X.cols} features: one shared lengthscale (isotropic kernel; \`ard: true\` fits one per feature)`,
      });
    }
    const accelerate = this.opts.accelerate ?? true;
    if (accelerate && X.rows >= 200) {
      try {
        await getTfBackend();
      } catch {
        /* float64 path */
      }
    }
    for (let t = 0; t < Y.cols; t++) {
      checkAbort(fitOpts.signal);
      const col = outputColumn(Y, t);
      const n = col.rows.length;
      if (n === 0) throw new MiError(`target column ${t + 1} has no observed values`, { code: 'no-observations' });
      const Xt = takeRows(Xs, col.rows);
      task = Y.cols > 1 ? `target ${t + 1} of ${Y.cols}, ` : '';
      const theta = await this.optimise(Xt.data, n, col.y, seed + 7919 * t, report, fitOpts.signal, where, this.restarts);
      let out = this.condition(col.rows, col.y, col.mean, col.std, theta.x, theta.f);
      if (n > (this.opts.subsetSize ?? 300) && n > (this.opts.polishMaxRows ?? POLISH_MAX_ROWS)) {
        // Hyperparameters came from a subset only (no full-data polish at this size): rescale the covariance by its
        // closed-form maximum-likelihood amplitude c = yᵀK⁻¹y / n (K → cK, i.e. σf² and σn² both × c).
        const c = dot(col.y, 0, out.alpha, 0, n) / n;
        if (Number.isFinite(c) && c > 0 && Math.abs(Math.log(c)) > 0.05) {
          const th = Float64Array.from(theta.x);
          const D = this.ard ? this.d : 1;
          th[D] = Math.min(Math.log(GP_BOUNDS.signal[1]), Math.max(Math.log(GP_BOUNDS.signal[0]), th[D] + Math.log(c)));
          th[D + 1] = Math.min(Math.log(GP_BOUNDS.noise[1]), Math.max(Math.log(GP_BOUNDS.noise[0]), th[D + 1] + Math.log(c)));
          out = this.condition(col.rows, col.y, col.mean, col.std, th, theta.f);
        }
      }
      if ((this.opts.calibrate ?? true) && n >= CALIBRATION_MIN_ROWS) {
        out.cal = calibrationScale(
          crossFitCalibration(this.ard ? this.d : 1, n)
            ? await this.crossFitResiduals(Xt.data, col.rows, col.y, seed + 7919 * t, fitOpts.signal, (g, v) =>
                fitOpts.onProgress?.({
                  phase: 'calibrate',
                  iteration: g,
                  value: v,
                  message: `${task}calibrating the intervals: refit ${g} of 5 without its held-out rows, −log likelihood ${v.toFixed(1)}`,
                }),
              )
            : looResiduals(out),
        );
      }
      this.outputs.push(out);
    }
  }

  /**
   * The hyperparameter search. An ARD kernel above ARD_DEFAULT_MAX_FEATURES features (only when the user asked for
   * it) starts from the isotropic optimum — found cheaply, on cached squared distances — and, when n·d is large, from
   * there alone: its own random starts rarely beat that start and each costs O(n²d) per iteration.
   */
  private async optimise(
    X: Float64Array,
    n: number,
    y: Float64Array,
    seed: number,
    report: (v: number) => void,
    signal: AbortSignal | undefined,
    where: ((w: GpSearchStage) => void) | undefined,
    restarts: number,
  ): Promise<{ x: Float64Array; f: number }> {
    const d = this.d;
    const base = { X, n, d, y, ...this.searchSettings(), seed, report, signal, where };
    if (!this.ard || d <= ARD_DEFAULT_MAX_FEATURES) return optimiseGpHyperparameters({ ...base, restarts });
    const iso = await optimiseGpHyperparameters({ ...base, ard: false, restarts });
    const x0 = new Float64Array(d + 2).fill(iso.x[0]);
    x0[d] = iso.x[1];
    x0[d + 1] = iso.x[2];
    return optimiseGpHyperparameters({ ...base, starts: [x0], restarts: n * d > ARD_ONE_START_SIZE ? 1 : restarts, seed: seed + 1 });
  }

  /** Hyperparameter-search settings shared by the main fit and the cross-fitted calibration refits. */
  private searchSettings() {
    return {
      code: this.code,
      ard: this.ard,
      maxIter: this.opts.maxIter,
      subsetSize: this.opts.subsetSize,
      polishIter: this.opts.polishIter,
      polishMaxRows: this.opts.polishMaxRows,
      accelerate: this.opts.accelerate ?? true,
      prior: this.opts.prior ?? true,
    };
  }

  /**
   * Cross-fitted standardised residuals: 5 inner folds of the training rows; for each, the hyperparameters are
   * re-fitted (one start) on the other folds, the GP is conditioned on them and predicts the held-out fold. Unlike LOO
   * with the full-data hyperparameters, the scored rows never influenced the hyperparameters.
   */
  private async crossFitResiduals(
    Xt: Float64Array,
    rows: Int32Array,
    y: Float64Array,
    seed: number,
    signal?: AbortSignal,
    onRefit?: (g: number, value: number) => void,
  ): Promise<Float64Array> {
    const n = rows.length;
    const d = this.d;
    const folds = assignFolds(n, 5, seed + 4241);
    const z = new Float64Array(n);
    for (let g = 0; g < 5; g++) {
      checkAbort(signal);
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < n; i++) (folds[i] === g ? b : a).push(i);
      const ya = Float64Array.from(a, (i) => y[i]);
      const th = await this.optimise(
        takeRows({ rows: n, cols: d, data: Xt }, a).data,
        a.length,
        ya,
        seed + 31 * g,
        (v) => onRefit?.(g + 1, v),
        signal,
        undefined,
        1,
      );
      const o = this.condition(Int32Array.from(a, (i) => rows[i]), ya, 0, 1, th.x, th.f);
      const Xb = takeRows({ rows: n, cols: d, data: Xt }, b).data;
      const pred = emptyPrediction(b.length, 1);
      this.predictOutput(o, Xb, b.length, 0, 1, pred);
      b.forEach((i, k) => (z[i] = (y[i] - pred.mean[k]) / Math.sqrt(pred.variance[k])));
      await yieldToEventLoop();
    }
    return z;
  }

  /** Factorises K for the final hyperparameters (same code path after fit and after load). */
  private condition(
    rows: Int32Array,
    y: Float64Array,
    yMean: number,
    yStd: number,
    theta: Float64Array,
    nlml: number,
  ): GpOutput {
    const d = this.d;
    const Xs = this.Xs as Float64Array;
    const n = rows.length;
    const D = this.ard ? d : 1;
    const invLs = new Float64Array(d);
    // Tanimoto has no lengthscale: its (ignored) log-lengthscale stays at the prior mean; Z = the raw counts
    for (let k = 0; k < d; k++) invLs[k] = this.code === TANIMOTO ? 1 : Math.exp(-theta[this.ard ? k : 0]);
    const sf2 = Math.exp(theta[D]);
    const sn2 = Math.exp(theta[D + 1]);
    const Z = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) Z[i * d + k] = Xs[rows[i] * d + k] * invLs[k];
    const K = new Float64Array(n * n);
    crossKernel(this.code, Z, n, Z, n, d, K);
    for (let i = 0; i < n * n; i++) K[i] *= sf2;
    for (let i = 0; i < n; i++) K[i * n + i] += sn2;
    const ch = choleskyOrThrow(K, n, 'GP covariance matrix', PARALLEL_KERNELS);
    const alpha = cholSolve(ch.L, n, y);
    return {
      rows,
      y,
      yMean,
      yStd,
      theta,
      nlml,
      n,
      Z,
      invLs,
      sf2,
      sn2,
      L: ch.L,
      alpha,
      jitter: ch.jitter,
      norms: new InvFactorNorms(ch.L, n),
      cal: 1,
    };
  }

  /**
   * A new GP conditioned on the training rows plus (X, Y) with the same hyperparameters, standardisation and
   * calibration scale: exact posterior update by extending the Cholesky factor block-wise
   * (L' = [[L, 0], [B, C]], B = K₂₁L⁻ᵀ, CCᵀ = K₂₂ − BBᵀ; O(n²k) instead of refactorising). The receiver is unchanged.
   */
  conditionOn(X: Matrix, Y: Matrix): GpModel {
    if (!this.xs || !this.Xs || !this.outputs.length) throw notFitted('gp');
    if (X.cols !== this.d)
      throw new MiError(`gp conditionOn: expected ${this.d} features, got ${X.cols}`, { code: 'shape-mismatch' });
    if (Y.rows !== X.rows || Y.cols !== this.outputs.length)
      throw new MiError(
        `gp conditionOn: Y must be ${X.rows} x ${this.outputs.length}, got ${Y.rows} x ${Y.cols}`,
        { code: 'shape-mismatch' },
      );
    assertFiniteX(X);
    const d = this.d;
    const n0 = this.Xs.length / d;
    const m = new GpModel({ ...this.opts, kernel: this.kernel, ard: this.ard, restarts: this.restarts, seed: this.seed });
    m.xs = this.xs;
    m.d = d;
    const Xn = standardize(X, this.xs).data;
    const Xs = new Float64Array(this.Xs.length + Xn.length);
    Xs.set(this.Xs);
    Xs.set(Xn, this.Xs.length);
    m.Xs = Xs;
    const T = this.outputs.length;
    m.outputs = this.outputs.map((o, t) => {
      const idx: number[] = [];
      for (let i = 0; i < X.rows; i++) if (Number.isFinite(Y.data[i * T + t])) idx.push(i);
      const k = idx.length;
      if (k === 0) return o; // nothing new for this output: share the (immutable) factorisation
      const n = o.n;
      const N = n + k;
      const Zn = new Float64Array(k * d);
      for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) Zn[a * d + j] = Xn[idx[a] * d + j] * o.invLs[j];
      // B rows: L⁻¹ k(x_new, X_train)
      const B = new Float64Array(k * n);
      crossKernel(this.code, Zn, k, o.Z, n, d, B);
      for (let i = 0; i < k * n; i++) B[i] *= o.sf2;
      solveLowerRowsBlocked(o.L, n, B, k);
      const S = new Float64Array(k * k);
      crossKernel(this.code, Zn, k, Zn, k, d, S);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) S[a * k + b] = o.sf2 * S[a * k + b] - dot(B, a * n, B, b * n, n);
        S[a * k + a] += o.sn2 + o.jitter;
      }
      const C = choleskyOrThrow(S, k, 'GP covariance matrix (conditioned rows)').L;
      const L = new Float64Array(N * N);
      for (let i = 0; i < n; i++) L.set(o.L.subarray(i * n, i * n + i + 1), i * N);
      for (let a = 0; a < k; a++) {
        L.set(B.subarray(a * n, (a + 1) * n), (n + a) * N);
        L.set(C.subarray(a * k, a * k + a + 1), (n + a) * N + n);
      }
      const rows = new Int32Array(N);
      rows.set(o.rows);
      const y = new Float64Array(N);
      y.set(o.y);
      const Z = new Float64Array(N * d);
      Z.set(o.Z);
      Z.set(Zn, n * d);
      for (let a = 0; a < k; a++) {
        rows[n + a] = n0 + idx[a];
        y[n + a] = (Y.data[idx[a] * T + t] - o.yMean) / o.yStd;
      }
      return {
        ...o,
        rows,
        y,
        n: N,
        Z,
        L,
        alpha: cholSolve(L, N, y),
        norms: new InvFactorNorms(L, N),
      };
    });
    return m;
  }

  predict(X: Matrix): Prediction {
    if (!this.xs || !this.outputs.length) throw notFitted('gp');
    if (X.cols !== this.d)
      throw new MiError(`gp predict: expected ${this.d} features, got ${X.cols}`, { code: 'shape-mismatch' });
    const T = this.outputs.length;
    const m = X.rows;
    const pred = emptyPrediction(m, T);
    const Xq = standardize(X, this.xs).data;
    this.stats.float32Rows = 0;
    this.stats.rechecked = 0;
    for (let t = 0; t < T; t++) this.predictOutput(this.outputs[t], Xq, m, t, T, pred);
    return pred;
  }

  private predictOutput(o: GpOutput, Xq: Float64Array, m: number, t: number, T: number, pred: Prediction): void {
    const { n, Z, invLs, sf2, sn2, L, alpha, yMean, yStd } = o;
    const d = this.d;
    // float32 path only pays off when the pool is larger than the training set (it first inverts L: n³/6)
    const accel = (this.opts.accelerate ?? true) && n >= 128 && m >= n && m * n * n > 5e7 ? readyTf() : null;
    const useTf = accel && accel.backend !== 'cpu' ? accel.tf : null;
    // float32 blocks of ~0.6–1 M entries: 1024 rows for large n measured ~10% faster than 2048 (n = 1000), while
    // 2048 stays slightly better at n = 300
    const chunk = useTf ? (n >= 768 ? 1024 : 2048) : 256;
    if (useTf) this.stats.float32Rows += m;
    const rows = new KernelRowStream({ code: this.code, Xq, m, d, invLs, Z, n, sf2, alpha, chunk, float32: useTf !== null });
    const V = useTf ? null : new Float64Array(chunk * n);
    const s = new Float64Array(chunk);
    const y2 = yStd * yStd;
    const c2 = o.cal * o.cal;
    try {
      for (let ch = rows.next(); ch; ch = rows.next()) {
        const { r0, c, K: Ks, mu } = ch;
        if (useTf) o.norms.sumSquares32(useTf, Ks, c, s, ch.K32);
        else o.norms.sumSquares64(Ks, c, s, V as Float64Array);
        for (let i = 0; i < c; i++) {
          let lat = sf2 - s[i];
          if (useTf && lat < RECHECK * sf2) {
            this.stats.rechecked++;
            // float32 cancellation guard: recompute close-to-data rows exactly in float64
            const v = Ks.slice(i * n, (i + 1) * n);
            solveLowerInPlace(L, n, v);
            lat = sf2 - dot(v, 0, v, 0, n);
          }
          lat = Math.max(lat, 1e-12 * sf2);
          const idx = (r0 + i) * T + t;
          pred.mean[idx] = yMean + yStd * mu[i];
          pred.latentVariance[idx] = lat * y2 * c2;
          pred.variance[idx] = (lat + sn2) * y2 * c2;
        }
      }
    } finally {
      rows.close();
    }
  }

  /** Joint posterior samples of the latent function for output 0 (joint within blocks of ≤ 2000 rows). */
  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    if (!this.xs || !this.outputs.length) throw notFitted('gp');
    const o = this.outputs[0];
    const { n, Z, invLs, sf2, L, alpha, yMean, yStd } = o;
    const d = this.d;
    const m = X.rows;
    const Xq = standardize(X, this.xs).data;
    const rng = new Rng(seed);
    const samples = Array.from({ length: count }, () => new Float64Array(m));
    const block = 2000;
    for (let r0 = 0; r0 < m; r0 += block) {
      const c = Math.min(block, m - r0);
      const Zq = new Float64Array(c * d);
      for (let i = 0; i < c; i++) for (let k = 0; k < d; k++) Zq[i * d + k] = Xq[(r0 + i) * d + k] * invLs[k];
      const Ks = new Float64Array(c * n);
      crossKernel(this.code, Zq, c, Z, n, d, Ks);
      for (let i = 0; i < c * n; i++) Ks[i] *= sf2;
      const mu = new Float64Array(c);
      for (let i = 0; i < c; i++) mu[i] = dot(Ks, i * n, alpha, 0, n);
      solveLowerRowsBlocked(L, n, Ks, c);
      const VtV = matmulABt(Ks, Ks, c, n, c);
      const C = new Float64Array(c * c);
      crossKernel(this.code, Zq, c, Zq, c, d, C);
      for (let i = 0; i < c * c; i++) C[i] = sf2 * C[i] - VtV[i];
      for (let i = 0; i < c; i++) C[i * c + i] += 1e-10 * sf2;
      const ch = choleskyOrThrow(C, c, 'GP posterior covariance');
      const z = new Float64Array(c);
      for (const smp of samples) {
        for (let i = 0; i < c; i++) z[i] = rng.normal();
        for (let i = 0; i < c; i++) smp[r0 + i] = yMean + yStd * (mu[i] + o.cal * dot(ch.L, i * c, z, 0, i + 1));
      }
    }
    return samples;
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = {};
    const relevance = new Array<number>(this.d).fill(0);
    let objective = 0;
    this.outputs.forEach((o, t) => {
      const sfx = kernelSummary(hp, relevance, o, o.sn2, this.ard, t, this.outputs.length);
      if (this.code === TANIMOTO) delete hp[`lengthscales${sfx}`];
      else if (!this.ard && this.d > 1) {
        // one shared lengthscale says nothing about single features: use the posterior mean's sensitivity instead
        o.sensitivity ??= meanSensitivity(this.code, o);
        const T = this.outputs.length;
        for (let k = 0; k < this.d; k++) relevance[k] += (o.sensitivity[k] - 1 / this.d) / T;
      }
      if (o.jitter > 0) hp[`jitter${sfx}`] = o.jitter;
      objective += o.nlml;
    });
    return { type: 'gp', hyperparameters: hp, featureRelevance: relevance, objective };
  }

  save(): SavedModel {
    if (!this.xs || !this.Xs) throw notFitted('gp');
    const state: GpState = {
      kernel: this.kernel,
      ard: this.ard,
      restarts: this.restarts,
      seed: this.seed,
      xs: { mean: toArray(this.xs.mean), std: toArray(this.xs.std) },
      d: this.d,
      X: toArray(this.Xs),
      outputs: this.outputs.map((o) => ({
        rows: toArray(o.rows),
        y: toArray(o.y),
        yMean: o.yMean,
        yStd: o.yStd,
        theta: toArray(o.theta),
        nlml: o.nlml,
        cal: o.cal,
      })),
    };
    return { type: 'gp', version: 1, state };
  }

  static load(saved: SavedModel, opts: GpOptions = {}): GpModel {
    const s = saved.state as GpState;
    if (!GP_KERNELS.includes(s.kernel))
      throw new MiError(`saved gp: unknown kernel ${s.kernel}`, { code: 'bad-saved-model' });
    const m = new GpModel({ ...opts, kernel: s.kernel, ard: s.ard, restarts: s.restarts, seed: s.seed });
    m.xs = { mean: f64(s.xs.mean), std: f64(s.xs.std) };
    m.Xs = f64(s.X);
    m.d = s.d;
    m.outputs = s.outputs.map((o) => ({
      ...m.condition(Int32Array.from(o.rows), f64(o.y), o.yMean, o.yStd, f64(o.theta), o.nlml),
      cal: o.cal ?? 1,
    }));
    return m;
  }
}

/** "optimiser start 2 of 3 on 300 rows", "optimiser starts 1–2 of 3 in parallel …", "polishing on all 646 rows". */
function describeStage(w: GpSearchStage): string {
  if (w.stage.startsWith('polish')) return `polishing the hyperparameters on all ${w.rows} rows`;
  const iso = w.stage.startsWith('isotropic') ? 'isotropic ' : '';
  const which = w.parallel ? `starts ${w.start}–${w.start + 1} of ${w.starts} (two threads)` : `start ${w.start} of ${w.starts}`;
  return `${iso}optimiser ${which} on ${w.rows} rows`;
}

/**
 * Feature relevance of an isotropic GP: mean over (at most 300 evenly spaced) training rows of |∂μ/∂x_k| with x in
 * standardised units, normalised to sum 1. ∂k(x_i, x_j)/∂x_ik = −σf²·g(r²)·(z_ik − z_jk)/ℓ with g the kernel's gradient
 * factor (kvalGrad), so the gradient at row i is −σf²/ℓ·(z_i Σ_j w_j − Σ_j w_j z_j) with w_j = α_j g_ij: O(n·d) per row.
 */
function meanSensitivity(code: number, o: { n: number; Z: Float64Array; invLs: Float64Array; alpha: Float64Array }): Float64Array {
  const { n, Z, alpha } = o;
  const d = o.invLs.length;
  const rows = Math.min(n, 300);
  const acc = new Float64Array(d);
  const kg = new Float64Array(2);
  const wz = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const i = Math.floor((r * n) / rows);
    wz.fill(0);
    let wsum = 0;
    for (let j = 0; j < n; j++) {
      kvalGrad(code, sqDist(Z, i * d, Z, j * d, d), kg);
      const w = alpha[j] * kg[1];
      if (w === 0) continue;
      wsum += w;
      for (let k = 0; k < d; k++) wz[k] += w * Z[j * d + k];
    }
    for (let k = 0; k < d; k++) acc[k] += Math.abs(Z[i * d + k] * wsum - wz[k]);
  }
  let tot = 0;
  for (let k = 0; k < d; k++) tot += acc[k];
  for (let k = 0; k < d; k++) acc[k] = tot > 0 ? acc[k] / tot : 1 / d;
  return acc;
}

function identityStandardizer(d: number): Standardizer {
  return { mean: new Float64Array(d), std: new Float64Array(d).fill(1) };
}

/** The Tanimoto kernel is defined for non-negative features (fingerprint counts) only. */
function assertNonNegative(X: Matrix): void {
  for (let i = 0; i < X.rows; i++)
    for (let k = 0; k < X.cols; k++)
      if (X.data[i * X.cols + k] < 0)
        throw new MiError(`kernel tanimoto needs non-negative features, but feature ${k + 1} of row ${i + 1} is ${X.data[i * X.cols + k]}`, {
          code: 'tanimoto-negative',
          hint: 'use tanimoto with count fingerprints (descriptors: [morgan]) only, or another kernel (matern52)',
        });
}
