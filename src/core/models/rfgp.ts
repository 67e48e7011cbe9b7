/**
 * Random-feature GP (PHYSBO/COMBO style): kernel hyperparameters (ARD lengthscales, signal and noise variance) are
 * learnt by maximising the exact GP marginal likelihood on a random subset of ≤ `subsetSize` rows; the model itself
 * is Bayesian linear regression on `features` random Fourier features of that kernel, fitted on all rows (cost
 * O(n·p²)), so prediction and Thompson sampling over huge candidate pools are cheap (weight-space posterior).
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { fitStandardizer, standardize, type Standardizer } from '../features/standardize';
import { solveUpperTInPlace, dot } from '../linalg/dense';
import { Rng } from '../linalg/random';
import { fitBlr, fitBlrChunkedSteps, predictBlr, runSteps, runStepsAsync, type BlrOptions, type BlrPosterior } from './blr';
import { blrLooResiduals, calibrationScale } from './calibrate';
import { appendTrainingRows, assertFiniteX, checkAbort, checkShapes, emptyPrediction, f64, kernelSummary, notFitted, outputColumn, toArray, yieldToEventLoop } from './common';
import { optimiseGpHyperparameters } from './gp';
import { kernelCode, KERNELS, type KernelName } from './kernels';
import { readyTf, getTfBackend } from './tf';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

/**
 * Calibration bounds of rf-gp: wider below than the shared [0.5, 10]. The noise floor σn² ≥ σf²/√p (see `condition`)
 * deliberately over-states the noise when the true noise is small; on large data the leave-one-out residuals then ask
 * for a scale well below 0.5 (a 1M-row file with noise 0.1 had std 0.91 and covered 100% with the shared clamp).
 */
export const RF_CALIBRATION_BOUNDS = [0.05, 10] as const;

/** `calibrationScale` of calibrate.ts with rf-gp's bounds. */
export function rfCalibrationScale(z: ArrayLike<number>): number {
  return calibrationScale(z, RF_CALIBRATION_BOUNDS);
}

export interface RfGpOptions {
  kernel?: KernelName;
  ard?: boolean;
  /** Number of random Fourier features (default 1000). */
  features?: number;
  restarts?: number;
  seed?: number;
  /** Rows used for the marginal-likelihood hyperparameter search (default 300). */
  subsetSize?: number;
  accelerate?: boolean;
  /** Scale predictive std so hat-matrix leave-one-out 90% intervals on the training rows cover 90% (default true). */
  calibrate?: boolean;
}

interface RfOutput {
  rows: number[];
  y: Float64Array;
  yMean: number;
  yStd: number;
  theta: Float64Array;
  gpNlml: number;
  // derived
  invLs: Float64Array;
  sf2: number;
  sn2: number;
  post: BlrPosterior;
  /** Calibration scale (std multiplier; 1 = uncalibrated). */
  cal: number;
}

interface RfState {
  kernel: KernelName;
  ard: boolean;
  features: number;
  seed: number;
  xs: { mean: number[]; std: number[] };
  d: number;
  X: number[];
  outputs: {
    rows: number[];
    y: number[];
    yMean: number;
    yStd: number;
    theta: number[];
    gpNlml: number;
    cal?: number;
    sw2?: number;
    sn2?: number;
  }[];
}

export class RfGpModel implements Model {
  readonly type = 'rf-gp';
  private readonly kernel: KernelName;
  private readonly code: number;
  private readonly ard: boolean;
  private readonly p: number;
  private readonly restarts: number;
  private seed: number;
  private readonly opts: RfGpOptions;
  private xs: Standardizer | null = null;
  private Xs: Float64Array | null = null;
  private d = 0;
  /** Base spectral draws (p x d) and phases (p), shared by all outputs; scaled by each output's lengthscales. */
  private W: Float64Array = new Float64Array(0);
  private b: Float64Array = new Float64Array(0);
  private outputs: RfOutput[] = [];

  constructor(opts: RfGpOptions = {}) {
    this.opts = opts;
    this.kernel = opts.kernel ?? 'matern52';
    this.code = kernelCode(this.kernel);
    this.ard = opts.ard ?? true;
    this.p = Math.max(8, Math.floor(opts.features ?? 1000));
    this.restarts = Math.max(1, Math.floor(opts.restarts ?? 2));
    this.seed = opts.seed ?? 0;
  }

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    checkShapes(X, Y);
    this.seed = opts.seed ?? this.seed;
    this.xs = fitStandardizer(X);
    this.Xs = standardize(X, this.xs).data;
    this.d = X.cols;
    this.drawSpectrum();
    if (this.opts.accelerate ?? true) {
      try {
        await getTfBackend();
      } catch {
        /* float64 path */
      }
    }
    this.outputs = [];
    let iteration = 0;
    for (let t = 0; t < Y.cols; t++) {
      checkAbort(opts.signal);
      const col = outputColumn(Y, t);
      const n = col.rows.length;
      if (n === 0) throw new MiError(`target column ${t + 1} has no observed values`, { code: 'no-observations' });
      const Xt = new Float64Array(n * this.d);
      for (let i = 0; i < n; i++) Xt.set(this.Xs.subarray(col.rows[i] * this.d, (col.rows[i] + 1) * this.d), i * this.d);
      const best = await optimiseGpHyperparameters({
        X: Xt,
        n,
        d: this.d,
        y: col.y,
        code: this.code,
        ard: this.ard,
        restarts: this.restarts,
        seed: this.seed + 7919 * t,
        maxIter: 60,
        subsetSize: this.opts.subsetSize ?? 300,
        polishIter: 0,
        accelerate: this.opts.accelerate ?? true,
        report: (value) => opts.onProgress?.({ phase: 'fit', iteration: ++iteration, value }),
        signal: opts.signal,
      });
      await yieldToEventLoop();
      // at large n the weight-space fit runs chunk by chunk (about a second each at p = 1000): progress in words, cancel
      // and the event loop stay alive between chunks
      const stage = { gram: 'random-feature Gram', calibration: 'calibrating the intervals: leave-one-out residuals' };
      // the two passes (Gram, then calibration) share the fraction, so the progress never moves backwards
      const cal = this.opts.calibrate ?? true;
      this.outputs.push(
        await runStepsAsync(this.conditionSteps(Array.from(col.rows), col.y, col.mean, col.std, best.x, best.f, cal), {
          signal: opts.signal,
          onStep: (st) => opts.onProgress?.({ phase: 'weights', iteration: st.rows, value: NaN, fraction: cal ? (st.stage === 'gram' ? 0 : 0.5) + (0.5 * st.rows) / st.of : st.rows / st.of, message: `${stage[st.stage]} over ${st.rows.toLocaleString('en-US')} of ${st.of.toLocaleString('en-US')} rows${Y.cols > 1 ? ` (target ${t + 1} of ${Y.cols})` : ''}` }),
        }),
      );
    }
  }

  private drawSpectrum(): void {
    const { p, d } = this;
    const rng = new Rng(this.seed ^ 0x5eed);
    this.W = new Float64Array(p * d);
    this.b = new Float64Array(p);
    // spectral density: Gaussian (rbf) or multivariate Student-t with 2ν degrees of freedom (Matérn ν = 3/2, 5/2)
    const dof = this.kernel === 'matern32' ? 3 : this.kernel === 'matern52' ? 5 : 0;
    for (let j = 0; j < p; j++) {
      let scale = 1;
      if (dof) {
        let chi = 0;
        for (let k = 0; k < dof; k++) chi += rng.normal() ** 2;
        scale = Math.sqrt(dof / chi);
      }
      for (let k = 0; k < d; k++) this.W[j * d + k] = rng.normal() * scale;
      this.b[j] = rng.uniform() * 2 * Math.PI;
    }
  }

  /** Features φ(x) = sqrt(2σf²/p) cos(W (x/ℓ) + b) for c standardised rows starting at row r0 of Xs. */
  private features(Xs: Float64Array, r0: number, c: number, o: { invLs: Float64Array; sf2: number }, out: Float64Array): void {
    const { p, d, W, b } = this;
    const amp = Math.sqrt((2 * o.sf2) / p);
    const z = new Float64Array(d);
    for (let i = 0; i < c; i++) {
      for (let k = 0; k < d; k++) z[k] = Xs[(r0 + i) * d + k] * o.invLs[k];
      for (let j = 0; j < p; j++) out[i * p + j] = amp * Math.cos(dot(W, j * d, z, 0, d) + b[j]);
    }
  }

  private condition(rows: number[], y: Float64Array, yMean: number, yStd: number, theta: Float64Array, gpNlml: number, calibrate = false, frozen?: { sw2: number; sn2: number }): RfOutput {
    return runSteps(this.conditionSteps(rows, y, yMean, yStd, theta, gpNlml, calibrate, frozen));
  }

  /** The weight-space fit on all rows, as steps (one per chunk of rows at large n; none at small n). */
  private *conditionSteps(
    rows: number[],
    y: Float64Array,
    yMean: number,
    yStd: number,
    theta: Float64Array,
    gpNlml: number,
    calibrate = false,
    frozen?: { sw2: number; sn2: number },
  ): Generator<{ stage: 'gram' | 'calibration'; rows: number; of: number }, RfOutput> {
    const d = this.d;
    const D = this.ard ? d : 1;
    const invLs = new Float64Array(d);
    for (let k = 0; k < d; k++) invLs[k] = Math.exp(-theta[this.ard ? k : 0]);
    const sf2 = Math.exp(theta[D]);
    const sn2 = Math.exp(theta[D + 1]);
    const n = rows.length;
    const Xs = this.Xs as Float64Array;
    const Xt = new Float64Array(n * d);
    for (let i = 0; i < n; i++) Xt.set(Xs.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
    const o = { invLs, sf2 };
    // n > p: never hold the n x p feature matrix (800 MB at 100k rows): G = ΦᵀΦ and Φᵀy are summed over chunks, and
    // the calibration's fitted values are computed chunk by chunk too. Small n: one matrix (n·p ≤ p²).
    const chunked = n > this.p;
    const Phi = chunked ? null : new Float64Array(n * this.p);
    if (Phi) this.features(Xt, 0, n, o, Phi);
    const fill = (r0: number, c: number, out: Float64Array): void => this.features(Xt, r0, c, o, out);
    // The subset GP fixes the kernel (lengthscales, signal); the feature-space amplitude and the noise are then
    // re-estimated by evidence on all rows (a subset GP in many dimensions can badly underestimate the noise).
    // Noise floor: p random features reproduce the kernel only up to an error of order σf²/√p per Gram entry
    // (Rahimi & Recht). Below that level the feature model cannot tell signal from approximation error; with a
    // smaller noise the weight posterior interpolates that error with huge, coherent weights, and predictions away
    // from the training rows (heavy-tailed inputs, short lengthscales, large σf²) blow up instead of reverting to
    // the prior mean (ZoMBI thermoelectric: out-of-fold means of 8 for targets in 0–2). So σn² ≥ σf²/√p.
    const floor = Math.max(1e-6, sf2 / Math.sqrt(this.p));
    const blrOpts: BlrOptions = frozen
      ? { ...frozen, evidence: false, primal: true }
      : { sw2: 1, sn2: Math.max(sn2, floor), evidence: true, maxIter: 8, minNoise: floor, primal: true };
    let post: BlrPosterior;
    if (Phi) post = fitBlr(Phi, n, this.p, y, blrOpts);
    else {
      const g = fitBlrChunkedSteps(fill, n, this.p, y, blrOpts);
      let r = g.next();
      for (; !r.done; r = g.next()) yield { stage: 'gram', rows: r.value, of: n };
      post = r.value;
    }
    let cal = 1;
    if (calibrate) {
      const fitted = new Float64Array(n);
      const lat = new Float64Array(n);
      // float64: 1 − h_ii needs the precision
      if (Phi) predictBlr(post, Phi, n, fitted, lat, null);
      else {
        const chunk = 2048;
        const F = new Float64Array(chunk * this.p);
        for (let r0 = 0; r0 < n; r0 += chunk) {
          const c = Math.min(chunk, n - r0);
          fill(r0, c, F);
          predictBlr(post, F, c, fitted.subarray(r0, r0 + c), lat.subarray(r0, r0 + c), null);
          yield { stage: 'calibration', rows: r0 + c, of: n };
        }
      }
      cal = rfCalibrationScale(blrLooResiduals(y, fitted, lat, post.sn2));
    }
    return { rows, y, yMean, yStd, theta, gpNlml, invLs, sf2, sn2, post, cal };
  }

  predict(X: Matrix): Prediction {
    if (!this.xs || !this.outputs.length) throw notFitted('rf-gp');
    if (X.cols !== this.d) throw new MiError(`rf-gp predict: expected ${this.d} features, got ${X.cols}`, { code: 'shape-mismatch' });
    const T = this.outputs.length;
    const m = X.rows;
    const pred = emptyPrediction(m, T);
    const Xq = standardize(X, this.xs).data;
    const r = readyTf();
    const tf = (this.opts.accelerate ?? true) && r && r.backend !== 'cpu' && m * this.p * this.p > 5e7 ? r.tf : null;
    const chunk = 1024;
    const F = new Float64Array(chunk * this.p);
    const mean = new Float64Array(chunk);
    const lat = new Float64Array(chunk);
    this.outputs.forEach((o, t) => {
      const y2 = o.yStd * o.yStd * o.cal * o.cal;
      for (let r0 = 0; r0 < m; r0 += chunk) {
        const c = Math.min(chunk, m - r0);
        this.features(Xq, r0, c, o, F);
        predictBlr(o.post, F, c, mean, lat, tf);
        for (let i = 0; i < c; i++) {
          const idx = (r0 + i) * T + t;
          pred.mean[idx] = o.yMean + o.yStd * mean[i];
          pred.latentVariance[idx] = Math.max(lat[i], 1e-12 * o.sf2) * y2;
          pred.variance[idx] = (Math.max(lat[i], 1e-12 * o.sf2) + o.post.sn2) * y2;
        }
      }
    });
    return pred;
  }

  /**
   * A new model conditioned on the training rows plus (X, Y) with the same kernel, random features, σw², σn²,
   * standardisation and calibration scale (exact weight-space posterior on the union). The receiver is unchanged.
   */
  conditionOn(X: Matrix, Y: Matrix): RfGpModel {
    if (!this.xs || !this.Xs || !this.outputs.length) throw notFitted('rf-gp');
    if (X.cols !== this.d || Y.rows !== X.rows || Y.cols !== this.outputs.length)
      throw new MiError(`rf-gp conditionOn: expected X with ${this.d} columns and Y with ${this.outputs.length}`, { code: 'shape-mismatch' });
    assertFiniteX(X);
    const m = new RfGpModel({ ...this.opts, kernel: this.kernel, ard: this.ard, features: this.p, seed: this.seed });
    m.xs = this.xs;
    m.d = this.d;
    m.W = this.W;
    m.b = this.b;
    const aug = appendTrainingRows(this.Xs, this.d, this.xs, X, Y, this.outputs);
    m.Xs = aug.Xs;
    m.outputs = this.outputs.map((o, t) => {
      const { rows, y } = aug.targets[t];
      const frozen = { sw2: o.post.sw2, sn2: o.post.sn2 };
      return { ...m.condition(rows, y, o.yMean, o.yStd, o.theta, o.gpNlml, false, frozen), cal: o.cal };
    });
    return m;
  }

  /** Thompson samples via the weight posterior w ~ N(m, A⁻¹): exact for the random-feature model, any pool size. */
  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    if (!this.xs || !this.outputs.length) throw notFitted('rf-gp');
    const o = this.outputs[0];
    const p = this.p;
    const rng = new Rng(seed);
    const weights: Float64Array[] = [];
    for (let s = 0; s < count; s++) {
      const z = new Float64Array(p);
      for (let j = 0; j < p; j++) z[j] = rng.normal();
      solveUpperTInPlace(o.post.L, p, z); // L⁻ᵀ z ~ N(0, A⁻¹)
      for (let j = 0; j < p; j++) z[j] = o.post.m[j] + o.cal * z[j]; // calibrated spread
      weights.push(z);
    }
    const m = X.rows;
    const Xq = standardize(X, this.xs).data;
    const out = Array.from({ length: count }, () => new Float64Array(m));
    const chunk = 1024;
    const F = new Float64Array(chunk * p);
    for (let r0 = 0; r0 < m; r0 += chunk) {
      const c = Math.min(chunk, m - r0);
      this.features(Xq, r0, c, o, F);
      for (let s = 0; s < count; s++) for (let i = 0; i < c; i++) out[s][r0 + i] = o.yMean + o.yStd * dot(F, i * p, weights[s], 0, p);
    }
    return out;
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = {};
    const rel = new Array<number>(this.d).fill(0);
    let objective = 0;
    this.outputs.forEach((o, t) => {
      const sfx = kernelSummary(hp, rel, o, o.post.sn2, this.ard, t, this.outputs.length);
      hp[`weight_prior_variance${sfx}`] = o.post.sw2;
      objective += o.post.nlml;
    });
    hp.features = this.p;
    return { type: 'rf-gp', hyperparameters: hp, featureRelevance: rel, objective };
  }

  save(): SavedModel {
    if (!this.xs || !this.Xs) throw notFitted('rf-gp');
    const state: RfState = {
      kernel: this.kernel,
      ard: this.ard,
      features: this.p,
      seed: this.seed,
      xs: { mean: toArray(this.xs.mean), std: toArray(this.xs.std) },
      d: this.d,
      X: toArray(this.Xs),
      outputs: this.outputs.map((o) => ({ rows: o.rows, y: toArray(o.y), yMean: o.yMean, yStd: o.yStd, theta: toArray(o.theta), gpNlml: o.gpNlml, cal: o.cal, sw2: o.post.sw2, sn2: o.post.sn2 })),
    };
    return { type: 'rf-gp', version: 1, state };
  }

  static load(saved: SavedModel, opts: RfGpOptions = {}): RfGpModel {
    const s = saved.state as RfState;
    if (!KERNELS.includes(s.kernel)) throw new MiError(`saved rf-gp: unknown kernel ${s.kernel}`, { code: 'bad-saved-model' });
    const m = new RfGpModel({ ...opts, kernel: s.kernel, ard: s.ard, features: s.features, seed: s.seed });
    m.xs = { mean: f64(s.xs.mean), std: f64(s.xs.std) };
    m.Xs = f64(s.X);
    m.d = s.d;
    m.drawSpectrum();
    m.outputs = s.outputs.map((o) => ({
      ...m.condition(o.rows, f64(o.y), o.yMean, o.yStd, f64(o.theta), o.gpNlml, false, o.sw2 && o.sn2 ? { sw2: o.sw2, sn2: o.sn2 } : undefined),
      cal: o.cal ?? 1,
    }));
    return m;
  }
}
