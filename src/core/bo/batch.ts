/**
 * Batch selection (q > 1) over a finite candidate set (the pool's most promising rows, or continuous optima).
 *
 * - kriging-believer (default): after each pick the model is conditioned on (x, predicted mean) — exact with the
 *   model's optional `conditionOn` (models/types.ts; the GP implements it), else the proxy update of fantasy.ts —
 *   and the incumbent is raised to the believed value; the acquisition is recomputed on the remaining candidates.
 * - local-penalization (González et al., AISTATS 2016): acquisition × Π_j Φ((L‖x − x_j‖ − M + μ_j)/σ_j), L a
 *   Lipschitz estimate of the utility mean (largest finite-difference slope among candidate pairs), M the best mean.
 * - ts: one joint posterior draw per pick (naturally diverse).
 * Pinned candidates are placed first and treated as fantasies. Candidates closer than `minDistance` (standardised
 * feature space) to a pick are never picked again, so a batch never holds duplicates or near-duplicates.
 */
import type { Matrix } from '../features/types';
import { takeRows } from '../models/common';
import type { Model, Prediction } from '../models/types';
import { toUtility } from './acquisition';
import { conditionModel, type ProxyKernel } from './fantasy';
import { normCdf } from './normal';
import { acquisitionOf, isNonNegative, redrawWeights, updateIncumbent, type AcquisitionSetup } from './objectives';
import { Rng } from './rng';

export interface BatchInput {
  model: Model;
  setup: AcquisitionSetup;
  X: Matrix;
  q: number;
  strategy: 'kriging-believer' | 'local-penalization';
  kernel: ProxyKernel;
  /** Rows of X that must be in the batch (pinned), in order. */
  pinned?: number[];
  /** Minimum standardised distance between picks (default 1e-6). */
  minDistance?: number;
  seed: number;
}

export interface BatchResult {
  picks: number[];
  /** Acquisition value of each pick at the time it was picked (NaN for pins). */
  values: number[];
  /** Prediction (of the unconditioned model) of each pick. */
  prediction: Prediction;
}

function stdDist(k: ProxyKernel, X: Matrix, i: number, j: number): number {
  let s = 0;
  for (let c = 0; c < X.cols; c++) s += ((X.data[i * X.cols + c] - X.data[j * X.cols + c]) * k.scale[c]) ** 2;
  return Math.sqrt(s);
}

export function selectBatch(inp: BatchInput): BatchResult {
  const { X, setup, kernel } = inp;
  const n = X.rows;
  const q = Math.min(inp.q, n);
  const T = setup.targets.length;
  const minD = inp.minDistance ?? 1e-6;
  const blocked = new Uint8Array(n);
  const picks: number[] = [];
  const values: number[] = [];
  const base = inp.model.predict(X);
  let model = inp.model;
  const setupCopy: AcquisitionSetup = { ...setup, mo: setup.mo ? { ...setup.mo } : undefined };
  const block = (p: number): void => {
    blocked[p] = 1;
    for (let i = 0; i < n; i++) if (!blocked[i] && stdDist(kernel, X, i, p) < minD) blocked[i] = 1;
  };
  const believe = (p: number, pred: Prediction, idx: number): void => {
    const y = new Float64Array(T);
    for (let t = 0; t < T; t++) y[t] = pred.mean[idx * T + t];
    updateIncumbent(setupCopy, Array.from(y));
    if (inp.strategy === 'kriging-believer' && setupCopy.kind !== 'ts') model = conditionModel(model, takeRows(X, [p]), { rows: 1, cols: T, data: y }, kernel);
  };
  for (const p of inp.pinned ?? []) {
    if (picks.includes(p)) continue;
    picks.push(p);
    values.push(NaN);
    block(p);
    believe(p, base, p);
  }
  const obj = setupCopy.objectives[0];
  // Lipschitz constant and best mean for local penalisation (first objective's utility)
  let L = 0;
  let M = -Infinity;
  if (inp.strategy === 'local-penalization') {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      u[i] = toUtility(obj.goal, base.mean[i * T + obj.output]);
      M = Math.max(M, u[i]);
    }
    const rng = new Rng(inp.seed + 3);
    const pairs = Math.min(20000, (n * (n - 1)) / 2);
    for (let s = 0; s < pairs; s++) {
      const a = rng.int(n);
      const b = rng.int(n);
      if (a === b) continue;
      const d = stdDist(kernel, X, a, b);
      if (d > 1e-9) L = Math.max(L, Math.abs(u[a] - u[b]) / d);
    }
    if (!(L > 0)) L = 1;
    if (Number.isFinite(setupCopy.best)) M = Math.max(M, setupCopy.best);
  }
  let draw = 0;
  while (picks.length < q) {
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (!blocked[i]) free.push(i);
    if (free.length === 0) break;
    const Xf = takeRows(X, free);
    const pred = model === inp.model ? undefined : model.predict(Xf);
    const mean = new Float64Array(T);
    const vari = new Float64Array(T);
    let samples: Float64Array | undefined;
    if (setupCopy.kind === 'ts') {
      redrawWeights(setupCopy, draw);
      if (inp.model.sample && obj.output === 0) samples = inp.model.sample(Xf, 1, inp.seed * 7 + draw)[0];
    } else redrawWeights(setupCopy, draw);
    draw++;
    const rng = new Rng(inp.seed * 13 + draw);
    const acq = new Float64Array(free.length);
    let lo = Infinity;
    for (let f = 0; f < free.length; f++) {
      const i = free[f];
      for (let t = 0; t < T; t++) {
        mean[t] = pred ? pred.mean[f * T + t] : base.mean[i * T + t];
        vari[t] = pred ? pred.latentVariance[f * T + t] : base.latentVariance[i * T + t];
      }
      let d: Float64Array | undefined;
      if (setupCopy.kind === 'ts') {
        d = new Float64Array(T);
        for (let t = 0; t < T; t++) d[t] = mean[t] + Math.sqrt(Math.max(0, vari[t])) * rng.normal();
        if (samples) d[obj.output] = samples[f];
      }
      acq[f] = acquisitionOf(setupCopy, mean, vari, d);
      if (acq[f] < lo) lo = acq[f];
    }
    if (inp.strategy === 'local-penalization' && picks.length > 0 && setupCopy.kind !== 'ts') {
      const logScale = setupCopy.kind === 'logei';
      const nonNeg = isNonNegative(setupCopy);
      for (let f = 0; f < free.length; f++) {
        let logPen = 0;
        for (const p of picks) {
          const mu = toUtility(obj.goal, base.mean[p * T + obj.output]);
          const sd = Math.sqrt(Math.max(1e-300, base.latentVariance[p * T + obj.output]));
          const r = stdDist(kernel, X, free[f], p);
          logPen += Math.log(Math.max(1e-300, normCdf((L * r - M + mu) / sd)));
        }
        if (logScale) acq[f] += logPen;
        else if (nonNeg) acq[f] *= Math.exp(logPen);
        else acq[f] = (acq[f] - lo) * Math.exp(logPen);
      }
    }
    let bestF = -1;
    for (let f = 0; f < free.length; f++) if (bestF < 0 || acq[f] > acq[bestF] || (Number.isNaN(acq[bestF]) && !Number.isNaN(acq[f]))) bestF = f;
    const p = free[bestF];
    picks.push(p);
    values.push(acq[bestF]);
    block(p);
    believe(p, base, p);
  }
  return { picks, values, prediction: base };
}

/** Pairwise minimum standardised distance among the rows of X (for tests/diagnostics). */
export function minPairDistance(kernel: ProxyKernel, X: Matrix): number {
  let m = Infinity;
  for (let i = 0; i < X.rows; i++) for (let j = i + 1; j < X.rows; j++) m = Math.min(m, stdDist(kernel, X, i, j));
  return m;
}

