import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { standardize, type Standardizer } from '../features/standardize';
import type { Prediction } from './types';

/** Throws the signal's AbortError (a DOMException named "AbortError") when cancellation was requested. */
export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof Error) throw reason;
    const e = new Error('The operation was aborted');
    e.name = 'AbortError';
    throw e;
  }
}

/** Lets the event loop run (progress messages, cancellation) inside long async loops. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function assertFiniteX(X: Matrix, what = 'input features'): void {
  const { rows, cols, data } = X;
  for (let i = 0; i < rows * cols; i++) {
    if (!Number.isFinite(data[i])) {
      throw new MiError(`${what}: non-finite value at row ${Math.floor(i / cols) + 1}, column ${(i % cols) + 1}`, {
        code: 'non-finite-feature',
        hint: 'impute or drop rows with missing inputs before fitting a model',
      });
    }
  }
}

export function checkShapes(X: Matrix, Y: Matrix): void {
  if (X.rows !== Y.rows) {
    throw new MiError(`model fit: X has ${X.rows} rows but Y has ${Y.rows}`, { code: 'shape-mismatch' });
  }
  if (X.rows === 0) throw new MiError('model fit: no training rows', { code: 'no-rows', hint: 'check the dataset and on_invalid' });
  assertFiniteX(X);
}

/** Observed (finite) rows of column t of Y, and their standardised values. */
export interface OutputColumn {
  rows: Int32Array;
  y: Float64Array;
  mean: number;
  std: number;
}

export function outputColumn(Y: Matrix, t: number): OutputColumn {
  const idx: number[] = [];
  for (let i = 0; i < Y.rows; i++) if (Number.isFinite(Y.data[i * Y.cols + t])) idx.push(i);
  const rows = Int32Array.from(idx);
  const n = rows.length;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += Y.data[rows[k] * Y.cols + t];
  mean = n ? mean / n : 0;
  let v = 0;
  for (let k = 0; k < n; k++) v += (Y.data[rows[k] * Y.cols + t] - mean) ** 2;
  let std = n > 1 ? Math.sqrt(v / n) : 1;
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) std = 1;
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) y[k] = (Y.data[rows[k] * Y.cols + t] - mean) / std;
  return { rows, y, mean, std };
}

/** Rows `rows` of X as a new matrix. */
export function takeRows(X: Matrix, rows: ArrayLike<number>): Matrix {
  const out = new Float64Array(rows.length * X.cols);
  for (let k = 0; k < rows.length; k++) out.set(X.data.subarray(rows[k] * X.cols, (rows[k] + 1) * X.cols), k * X.cols);
  return { rows: rows.length, cols: X.cols, data: out };
}

export function emptyPrediction(rows: number, outputs: number): Prediction {
  return {
    mean: new Float64Array(rows * outputs),
    variance: new Float64Array(rows * outputs),
    latentVariance: new Float64Array(rows * outputs),
    rows,
    outputs,
  };
}

export const toArray = (a: ArrayLike<number>): number[] => Array.from(a);
export const f64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);

/** Relevances normalised to sum to 1 (all-equal when degenerate). */
export function normalise(v: number[]): number[] {
  const s = v.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  if (!(s > 0)) return v.map(() => 1 / Math.max(1, v.length));
  return v.map((x) => (Number.isFinite(x) ? x / s : 0));
}

export function notFitted(type: string): MiError {
  return new MiError(`${type} model: predict() called before fit()`, { code: 'model-not-fitted' });
}

/**
 * Independent (not joint) draws from N(mean, latentVariance) of output 0 — the fallback for models without a joint
 * posterior (used by `auto` when its pick has no sampler).
 */
export function marginalSamples(p: Prediction, count: number, seed: number, rng: { normal(): number }): Float64Array[] {
  void seed;
  const T = p.outputs;
  return Array.from({ length: count }, () => {
    const s = new Float64Array(p.rows);
    for (let i = 0; i < p.rows; i++) s[i] = p.mean[i * T] + Math.sqrt(p.latentVariance[i * T]) * rng.normal();
    return s;
  });
}

/**
 * Training data extended by new rows, for `conditionOn` of the linear-in-features models: the new inputs standardised
 * with the fitted standardiser and appended to `Xs` (n0 x d, row-major), and per output the observed row indices and
 * standardised targets with the new finite targets appended (NaN targets are skipped for that output only).
 */
export function appendTrainingRows(
  Xs: Float64Array,
  d: number,
  xs: Standardizer,
  X: Matrix,
  Y: Matrix,
  outputs: readonly { rows: readonly number[]; y: ArrayLike<number>; yMean: number; yStd: number }[],
): { Xs: Float64Array; targets: { rows: number[]; y: Float64Array }[] } {
  const n0 = Xs.length / d;
  const Xn = standardize(X, xs).data;
  const all = new Float64Array(Xs.length + Xn.length);
  all.set(Xs);
  all.set(Xn, Xs.length);
  const T = outputs.length;
  const targets = outputs.map((o, t) => {
    const rows = o.rows.slice();
    const y = Array.from(o.y);
    for (let i = 0; i < X.rows; i++) {
      const v = Y.data[i * T + t];
      if (!Number.isFinite(v)) continue;
      rows.push(n0 + i);
      y.push((v - o.yMean) / o.yStd);
    }
    return { rows, y: f64(y) };
  });
  return { Xs: all, targets };
}

/**
 * Summary entries shared by the stationary-kernel models (gp, rf-gp) for output `t` of `outputs`: lengthscales,
 * signal and noise variance in target units, calibration scale (keys get a `#<t+1>` suffix for t ≥ 1), and the
 * output's share of the feature relevance (normalised 1/lengthscale) added to `relevance`. Returns the suffix.
 */
export function kernelSummary(
  hp: Record<string, number | number[]>,
  relevance: number[],
  o: { invLs: ArrayLike<number>; sf2: number; yStd: number; cal: number },
  sn2: number,
  ard: boolean,
  t: number,
  outputs: number,
): string {
  const sfx = t === 0 ? '' : `#${t + 1}`;
  const ls = Array.from(o.invLs, (v) => 1 / v);
  hp[`lengthscales${sfx}`] = ard ? ls : [ls[0]];
  hp[`signal_variance${sfx}`] = o.sf2 * o.yStd * o.yStd;
  hp[`noise_variance${sfx}`] = sn2 * o.yStd * o.yStd;
  hp[`noise_std${sfx}`] = Math.sqrt(sn2) * o.yStd;
  hp[`calibration_scale${sfx}`] = o.cal;
  const rel = normalise(Array.from(o.invLs));
  for (let k = 0; k < relevance.length; k++) relevance[k] += rel[k] / outputs;
  return sfx;
}
