/**
 * Work the helper thread can do, as plain functions of typed arrays (shared when they come from `shared()`): the main
 * thread calls the same functions when no helper is available, so results never depend on whether one ran.
 */
import { crossKernel, crossKernelExpanded } from '../models/kernels';
import { cholPanel, cholUpdate, dot, invertLowerPanels } from '../linalg/dense';
import {
  GpObjective,
  gramRows,
  invTRows,
  objectiveBuildRows,
  objectiveGradRows,
  objectiveR2Rows,
  type DenseKernels,
  type GpProblem,
  type ObjectiveArrays,
} from '../models/gp-objective';
import type { RowSplitter } from './split';
import { minimizeLbfgsb } from '../linalg/lbfgsb';

export interface KernelRowsArgs {
  code: number;
  /** Scaled query rows (c x d). */
  Zq: Float64Array;
  c: number;
  d: number;
  n: number;
  /** Scaled training rows (n x d), for the direct r² path... */
  Z?: Float64Array;
  /** ...or their transpose and squared norms (the expanded path, faster for d ≥ 8). */
  Bt?: Float64Array;
  bb?: Float64Array;
  /** Signal variance multiplying every kernel value. */
  scale: number;
  /** c x n kernel block (float64), and optionally the same rounded to float32. */
  out: Float64Array;
  out32?: Float32Array;
  /** When given, mu[i] = K[i,:] · alpha (the posterior mean on standardised outputs). */
  alpha?: Float64Array;
  mu?: Float64Array;
}

/** Rows [i0, i1) of the block (default: all c rows); returns the milliseconds spent (for load balancing). */
export function kernelRows(a: KernelRowsArgs, i0 = 0, i1 = a.c): number {
  const t0 = performance.now();
  const { code, d, n } = a;
  const c = i1 - i0;
  if (c <= 0) return 0;
  const Zq = a.Zq.subarray(i0 * d, i1 * d);
  const out = a.out.subarray(i0 * n, i1 * n);
  const out32 = a.out32?.subarray(i0 * n, i1 * n);
  if (a.Bt && a.bb) crossKernelExpanded(code, Zq, c, { Bt: a.Bt, bb: a.bb, n, d }, out, a.scale, out32);
  else {
    crossKernel(code, Zq, c, a.Z as Float64Array, n, d, out);
    for (let i = 0; i < c * n; i++) out[i] *= a.scale;
    if (out32) for (let i = 0; i < c * n; i++) out32[i] = out[i];
  }
  if (a.alpha && a.mu) for (let i = i0; i < i1; i++) a.mu[i] = dot(a.out, i * n, a.alpha, 0, n);
  return performance.now() - t0;
}

/** Helper-side entry: the first `rows` rows of the block. */
function kernelRowsHead(a: KernelRowsArgs & { rows: number }): number {
  return kernelRows(a, 0, a.rows);
}

export interface InvertPanelsArgs {
  L: Float64Array;
  M: Float64Array;
  n: number;
  panels: number[];
}

export function invertPanels(a: InvertPanelsArgs): null {
  invertLowerPanels(a.L, a.M, a.n, a.panels);
  return null;
}

export interface CholRowsArgs {
  a: Float64Array;
  n: number;
  k0: number;
  k1: number;
  /** This task's rows are [s, n); the main thread's are [k1, s). */
  s: number;
  /** Set to `ready` by the main thread once its panel rows are done (the update below reads them). */
  flag: Int32Array;
  ready: number;
}

/** The helper's share of one block step of the two-thread Cholesky (`choleskyParallel` in pool.ts). */
export function cholRows(a: CholRowsArgs): null {
  cholPanel(a.a, a.n, a.k0, a.k1, a.s, a.n);
  while (Atomics.load(a.flag, 0) < a.ready) Atomics.wait(a.flag, 0, Atomics.load(a.flag, 0), 1000);
  cholUpdate(a.a, a.n, a.k0, a.k1, a.s, a.n);
  return null;
}

export interface GpStartArgs extends GpProblem {
  prior: boolean;
  x0: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  maxIter: number;
  /** Shared word set to 1 by the main thread to stop early (cancellation). */
  abort?: Int32Array;
}

export interface GpStartResult {
  x: Float64Array;
  f: number;
  iterations: number;
}

/** One L-BFGS start of the GP hyperparameter search (float64 throughout, so any thread gives the same answer). */
export function gpStart(
  a: GpStartArgs,
  onIteration?: (f: number) => boolean | void,
  parallel?: { kernels: DenseKernels; splitter: RowSplitter; minRows: number },
): GpStartResult {
  const obj = new GpObjective(a.X, a.n, a.d, a.y, a.code, a.ard, null, a.prior, parallel);
  const res = minimizeLbfgsb((x, g) => obj.evaluate(x, g), a.x0, {
    lower: a.lower,
    upper: a.upper,
    maxIter: a.maxIter,
    pgtol: 1e-5,
    ftol: 1e-9,
    fdecrease5: 1e-2,
    onIteration: (_it, f) => (onIteration?.(f) ?? false) || (a.abort ? Atomics.load(a.abort, 0) === 1 : false),
  });
  return { x: res.x, f: res.f, iterations: res.iterations };
}

type Rows = { i0: number; i1: number };

export const TASKS = {
  kernelRowsHead,
  invertPanels,
  cholRows,
  gpStart: (a: GpStartArgs) => gpStart(a),
  objBuildRows: (a: ObjectiveArrays & Rows) => objectiveBuildRows(a, a.i0, a.i1),
  objGradRows: (a: Parameters<typeof objectiveGradRows>[0] & Rows) => objectiveGradRows(a, a.i0, a.i1),
  objR2Rows: (a: Parameters<typeof objectiveR2Rows>[0] & Rows) => objectiveR2Rows(a, a.i0, a.i1),
  invTRows: (a: Parameters<typeof invTRows>[0] & Rows) => invTRows(a, a.i0, a.i1),
  gramRows: (a: Parameters<typeof gramRows>[0] & Rows) => gramRows(a, a.i0, a.i1),
  ping,
};

function ping(): string {
  return 'pong';
}

export type TaskName = keyof typeof TASKS;
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskResult<K extends TaskName> = ReturnType<(typeof TASKS)[K]>;
