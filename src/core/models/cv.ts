/**
 * Seeded k-fold cross-validation with repeats. Out-of-fold predictions are averaged over repeats as a mixture
 * (mean of means; variance = mean of (variance + mean²) − mean²), and metrics are computed on those averaged
 * out-of-fold predictions. `fold` is each row's fold index (0-based) in the first repeat.
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { Rng } from '../linalg/random';
import type { TargetMetrics } from '../run/manifest';
import { checkAbort, takeRows, yieldToEventLoop } from './common';
import { computeMetrics, Z90 } from './metrics';
import type { FitProgress, Model } from './types';

export interface CvOptions {
  folds: number;
  repeats: number;
  seed: number;
  /** phase 'cv': iteration = folds completed, value = that fold's RMSE (first target), fraction = done / total. */
  onProgress?: (p: FitProgress) => void;
  signal?: AbortSignal;
  /** Group id per row: rows of a group always share a fold (grouped CV); also passed to each fold's fit. */
  groups?: ArrayLike<number>;
}

export interface CvResult {
  mean: Float64Array;
  std: Float64Array;
  lower90: Float64Array;
  upper90: Float64Array;
  fold: Int32Array;
  metrics: TargetMetrics[];
}

/**
 * Fold assignment for one repeat: a seeded permutation dealt round-robin into k folds (sizes differ by ≤ 1).
 * With `groups` (one id per row), whole groups are dealt instead: larger groups first (a seeded shuffle breaks ties),
 * each to the fold with the fewest rows so far — a group is never split across folds. Callers must ensure there are at least `folds` distinct groups (see `groupFoldCount`).
 */
export function assignFolds(n: number, folds: number, seed: number, groups?: ArrayLike<number>): Int32Array {
  if (groups) return assignGroupFolds(n, folds, seed, groups);
  const perm = new Rng(seed).permutation(n);
  const fold = new Int32Array(n);
  for (let k = 0; k < n; k++) fold[perm[k]] = k % folds;
  return fold;
}

/** Distinct group ids in first-appearance order, and the rows of each. */
export function groupRows(groups: ArrayLike<number>, n: number): number[][] {
  const ids = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    let l = ids.get(g);
    if (!l) ids.set(g, (l = []));
    l.push(i);
  }
  return [...ids.values()];
}

function assignGroupFolds(n: number, folds: number, seed: number, groups: ArrayLike<number>): Int32Array {
  const lists = groupRows(groups, n);
  const perm = new Rng(seed).permutation(lists.length);
  // random order, then larger groups first (stable: the random order breaks ties) so the folds balance
  const order = Array.from(perm).sort((a, b) => lists[b].length - lists[a].length);
  const size = new Array<number>(folds).fill(0);
  const fold = new Int32Array(n);
  for (const g of order) {
    let f = 0;
    for (let k = 1; k < folds; k++) if (size[k] < size[f]) f = k;
    for (const i of lists[g]) fold[i] = f;
    size[f] += lists[g].length;
  }
  return fold;
}

/** Folds usable with these groups: min(folds, distinct groups). */
export function groupFoldCount(folds: number, groups: ArrayLike<number> | undefined, n: number): number {
  if (!groups) return Math.min(folds, n);
  return Math.min(folds, groupRows(groups, n).length);
}

export async function crossValidate(make: () => Model, X: Matrix, Y: Matrix, opts: CvOptions): Promise<CvResult> {
  const n = X.rows;
  const T = Y.cols;
  const folds = groupFoldCount(Math.floor(opts.folds), opts.groups, n);
  const repeats = Math.max(1, Math.floor(opts.repeats));
  if (!(folds >= 2)) {
    throw new MiError(`cross-validation needs at least 2 folds and 2 rows${opts.groups ? ' in different groups' : ''} (folds ${opts.folds}, rows ${n})`, {
      code: 'cv-folds',
      hint: opts.groups ? 'grouped CV needs at least 2 distinct groups: add data, or set evaluation.cv.by: row' : 'set evaluation.cv.folds ≥ 2 and provide more rows',
    });
  }
  const sumMean = new Float64Array(n * T);
  const sumSecond = new Float64Array(n * T);
  let firstFold: Int32Array = new Int32Array(n);
  const total = folds * repeats;
  let done = 0;
  for (let r = 0; r < repeats; r++) {
    const fold = assignFolds(n, folds, opts.seed + 100003 * r, opts.groups);
    if (r === 0) firstFold = fold;
    for (let f = 0; f < folds; f++) {
      checkAbort(opts.signal);
      const trainRows: number[] = [];
      const testRows: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? testRows : trainRows).push(i);
      const model = make();
      const groups = opts.groups ? Int32Array.from(trainRows, (i) => opts.groups![i]) : undefined;
      await model.fit(takeRows(X, trainRows), takeRows(Y, trainRows), { seed: opts.seed + 1000 * r + f, signal: opts.signal, ...(groups ? { groups } : {}) });
      const p = model.predict(takeRows(X, testRows));
      let se = 0;
      let cnt = 0;
      testRows.forEach((row, k) => {
        for (let t = 0; t < T; t++) {
          const mu = p.mean[k * T + t];
          const v = p.variance[k * T + t];
          sumMean[row * T + t] += mu;
          sumSecond[row * T + t] += v + mu * mu;
        }
        const y0 = Y.data[row * T];
        if (Number.isFinite(y0)) {
          se += (y0 - p.mean[k * T]) ** 2;
          cnt++;
        }
      });
      done++;
      opts.onProgress?.({ phase: 'cv', iteration: done, value: cnt ? Math.sqrt(se / cnt) : NaN, fraction: done / total });
      await yieldToEventLoop();
    }
  }
  const mean = new Float64Array(n * T);
  const std = new Float64Array(n * T);
  const lower90 = new Float64Array(n * T);
  const upper90 = new Float64Array(n * T);
  for (let i = 0; i < n * T; i++) {
    const mu = sumMean[i] / repeats;
    const v = Math.max(sumSecond[i] / repeats - mu * mu, 0);
    mean[i] = mu;
    std[i] = Math.sqrt(v);
    lower90[i] = mu - Z90 * std[i];
    upper90[i] = mu + Z90 * std[i];
  }
  const metrics: TargetMetrics[] = [];
  for (let t = 0; t < T; t++) {
    const y = new Float64Array(n);
    const mu = new Float64Array(n);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = Y.data[i * T + t];
      mu[i] = mean[i * T + t];
      v[i] = std[i * T + t] ** 2;
    }
    metrics.push(computeMetrics(y, mu, v));
  }
  return { mean, std, lower90, upper90, fold: firstFold, metrics };
}
