/**
 * Bayesian ridge regression: linear in the standardised inputs, weight prior N(0, σw² I) and noise σn² chosen by
 * maximising the evidence (MacKay updates). Predictive variance = xᵀ Σ_w x (latent) + σn². Independent per output.
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { fitStandardizer, standardize, type Standardizer } from '../features/standardize';
import { fitBlr, predictBlr, type BlrPosterior } from './blr';
import { blrLooResiduals, calibrationScale } from './calibrate';
import { appendTrainingRows, assertFiniteX, checkAbort, checkShapes, emptyPrediction, f64, marginalSamples, normalise, notFitted, outputColumn, takeRows, toArray } from './common';
import { dot, solveUpperTInPlace } from '../linalg/dense';
import { Rng } from '../linalg/random';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

interface RidgeOutput {
  rows: number[];
  y: Float64Array;
  yMean: number;
  yStd: number;
  post: BlrPosterior;
  /** Calibration scale (std multiplier; 1 = uncalibrated). */
  cal: number;
}

interface RidgeState {
  xs: { mean: number[]; std: number[] };
  d: number;
  X: number[];
  outputs: { rows: number[]; y: number[]; yMean: number; yStd: number; cal?: number; sw2?: number; sn2?: number }[];
}

export interface RidgeOptions {
  /** Scale predictive std so hat-matrix leave-one-out 90% intervals on the training rows cover 90% (default true). */
  calibrate?: boolean;
}

export class RidgeModel implements Model {
  readonly type = 'ridge';
  private xs: Standardizer | null = null;
  private Xs: Float64Array | null = null;
  private d = 0;
  private outputs: RidgeOutput[] = [];
  constructor(private readonly opts: RidgeOptions = {}) {}

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    checkShapes(X, Y);
    this.xs = fitStandardizer(X);
    this.Xs = standardize(X, this.xs).data;
    this.d = X.cols;
    this.outputs = [];
    for (let t = 0; t < Y.cols; t++) {
      checkAbort(opts.signal);
      const col = outputColumn(Y, t);
      if (col.rows.length === 0) throw new MiError(`target column ${t + 1} has no observed values`, { code: 'no-observations' });
      this.outputs.push(this.condition(Array.from(col.rows), col.y, col.mean, col.std, this.opts.calibrate ?? true));
      opts.onProgress?.({ phase: 'fit', iteration: t + 1, value: this.outputs[t].post.nlml });
    }
  }

  /** Posterior for the given rows; `frozen` = use these σw², σn² (no evidence maximisation). */
  private condition(
    rows: number[],
    y: Float64Array,
    yMean: number,
    yStd: number,
    calibrate = false,
    frozen?: { sw2: number; sn2: number },
  ): RidgeOutput {
    const n = rows.length;
    const Phi = takeRows({ rows: this.Xs!.length / this.d, cols: this.d, data: this.Xs! }, rows).data;
    const post = frozen
      ? fitBlr(Phi, n, this.d, y, { ...frozen, evidence: false })
      : fitBlr(Phi, n, this.d, y, { sw2: 1 / Math.max(1, this.d), sn2: 0.5, evidence: true, minNoise: 1e-6 });
    let cal = 1;
    if (calibrate) {
      const fitted = new Float64Array(n);
      const lat = new Float64Array(n);
      predictBlr(post, Phi, n, fitted, lat, null);
      cal = calibrationScale(blrLooResiduals(y, fitted, lat, post.sn2));
    }
    return { rows, y, yMean, yStd, post, cal };
  }

  predict(X: Matrix): Prediction {
    if (!this.xs || !this.outputs.length) throw notFitted('ridge');
    if (X.cols !== this.d) throw new MiError(`ridge predict: expected ${this.d} features, got ${X.cols}`, { code: 'shape-mismatch' });
    const T = this.outputs.length;
    const m = X.rows;
    const pred = emptyPrediction(m, T);
    const F = standardize(X, this.xs).data;
    const mean = new Float64Array(m);
    const lat = new Float64Array(m);
    this.outputs.forEach((o, t) => {
      predictBlr(o.post, F, m, mean, lat, null);
      const y2 = o.yStd * o.yStd * o.cal * o.cal;
      for (let i = 0; i < m; i++) {
        pred.mean[i * T + t] = o.yMean + o.yStd * mean[i];
        pred.latentVariance[i * T + t] = lat[i] * y2;
        pred.variance[i * T + t] = (lat[i] + o.post.sn2) * y2;
      }
    });
    return pred;
  }

  /**
   * A new model conditioned on the training rows plus (X, Y) with the same σw², σn², standardisation and calibration
   * scale (exact Bayesian-linear posterior on the union, no evidence re-estimation). The receiver is unchanged.
   */
  conditionOn(X: Matrix, Y: Matrix): RidgeModel {
    if (!this.xs || !this.Xs || !this.outputs.length) throw notFitted('ridge');
    if (X.cols !== this.d || Y.rows !== X.rows || Y.cols !== this.outputs.length)
      throw new MiError(`ridge conditionOn: expected X with ${this.d} columns and Y with ${this.outputs.length}`, { code: 'shape-mismatch' });
    assertFiniteX(X);
    const m = new RidgeModel(this.opts);
    m.xs = this.xs;
    m.d = this.d;
    const aug = appendTrainingRows(this.Xs, this.d, this.xs, X, Y, this.outputs);
    m.Xs = aug.Xs;
    m.outputs = this.outputs.map((o, t) => {
      const { rows, y } = aug.targets[t];
      return { ...m.condition(rows, y, o.yMean, o.yStd, false, { sw2: o.post.sw2, sn2: o.post.sn2 }), cal: o.cal };
    });
    return m;
  }

  /** Thompson samples of output 0: weights from the posterior (weight space), else marginal draws (function space). */
  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    if (!this.xs || !this.outputs.length) throw notFitted('ridge');
    const o = this.outputs[0];
    const rng = new Rng(seed);
    if (o.post.mode !== 'primal') return marginalSamples(this.predict(X), count, seed, rng);
    const d = this.d;
    const F = standardize(X, this.xs).data;
    return Array.from({ length: count }, () => {
      const w = new Float64Array(d);
      for (let j = 0; j < d; j++) w[j] = rng.normal();
      solveUpperTInPlace(o.post.L, d, w); // L⁻ᵀ z ~ N(0, A⁻¹)
      for (let j = 0; j < d; j++) w[j] = o.post.m[j] + o.cal * w[j]; // calibrated spread
      const s = new Float64Array(X.rows);
      for (let i = 0; i < X.rows; i++) s[i] = o.yMean + o.yStd * dot(F, i * d, w, 0, d);
      return s;
    });
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = {};
    const rel = new Array<number>(this.d).fill(0);
    let objective = 0;
    this.outputs.forEach((o, t) => {
      const sfx = t === 0 ? '' : `#${t + 1}`;
      const w = Array.from(o.post.m, (v) => v * o.yStd);
      hp[`weights${sfx}`] = w; // per standardised input, in target units
      hp[`weight_prior_variance${sfx}`] = o.post.sw2 * o.yStd * o.yStd;
      hp[`noise_variance${sfx}`] = o.post.sn2 * o.yStd * o.yStd;
      hp[`noise_std${sfx}`] = Math.sqrt(o.post.sn2) * o.yStd;
      hp[`calibration_scale${sfx}`] = o.cal;
      const r = normalise(w.map(Math.abs));
      for (let k = 0; k < this.d; k++) rel[k] += r[k] / this.outputs.length;
      objective += o.post.nlml;
    });
    return { type: 'ridge', hyperparameters: hp, featureRelevance: rel, objective };
  }

  save(): SavedModel {
    if (!this.xs || !this.Xs) throw notFitted('ridge');
    const state: RidgeState = {
      xs: { mean: toArray(this.xs.mean), std: toArray(this.xs.std) },
      d: this.d,
      X: toArray(this.Xs),
      outputs: this.outputs.map((o) => ({
        rows: o.rows,
        y: toArray(o.y),
        yMean: o.yMean,
        yStd: o.yStd,
        cal: o.cal,
        sw2: o.post.sw2,
        sn2: o.post.sn2,
      })),
    };
    return { type: 'ridge', version: 1, state };
  }

  static load(saved: SavedModel): RidgeModel {
    const s = saved.state as RidgeState;
    const m = new RidgeModel();
    m.xs = { mean: f64(s.xs.mean), std: f64(s.xs.std) };
    m.Xs = f64(s.X);
    m.d = s.d;
    m.outputs = s.outputs.map((o) => ({
      ...m.condition(o.rows, f64(o.y), o.yMean, o.yStd, false, o.sw2 && o.sn2 ? { sw2: o.sw2, sn2: o.sn2 } : undefined),
      cal: o.cal ?? 1,
    }));
    return m;
  }
}
