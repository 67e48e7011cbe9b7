/**
 * Functional BO objectives: scalar summaries of a curve on the grid — value at t, max / min over a range, position of
 * the maximum, integral over a band (trapezoid, band ends interpolated), and "above a threshold over the whole range"
 * (an indicator; its posterior mean is the probability). Uncertainty comes from joint posterior curve samples
 * (mean + L z with L the Cholesky factor of the curve covariance), so correlations along the argument count.
 */
import type { FunctionalObjective } from '../spec/types';
import { Rng } from '../linalg/random';
import { sampleCurves } from './common';

function interp(grid: ArrayLike<number>, y: ArrayLike<number>, t: number): number {
  const G = grid.length;
  if (t <= grid[0]) return y[0];
  if (t >= grid[G - 1]) return y[G - 1];
  let j = 0;
  while (j + 1 < G && grid[j + 1] < t) j++;
  const w = (t - grid[j]) / (grid[j + 1] - grid[j]);
  return y[j] + w * (y[j + 1] - y[j]);
}

/** Grid points inside [a, b] plus the interpolated ends: (t, y) pairs, ascending. */
function within(grid: ArrayLike<number>, y: ArrayLike<number>, a: number, b: number): [number[], number[]] {
  const lo = Math.max(Math.min(a, b), grid[0]);
  const hi = Math.min(Math.max(a, b), grid[grid.length - 1]);
  const ts: number[] = [lo];
  const ys: number[] = [interp(grid, y, lo)];
  for (let g = 0; g < grid.length; g++) {
    if (grid[g] > lo && grid[g] < hi) {
      ts.push(grid[g]);
      ys.push(y[g]);
    }
  }
  if (hi > lo) {
    ts.push(hi);
    ys.push(interp(grid, y, hi));
  }
  return [ts, ys];
}

/** The objective's value on one curve y (on `grid`). */
export function curveObjective(o: FunctionalObjective, grid: ArrayLike<number>, y: ArrayLike<number>): number {
  const G = grid.length;
  const [a, b] = o.over ?? [grid[0], grid[G - 1]];
  switch (o.kind) {
    case 'value':
      return interp(grid, y, o.at ?? grid[0]);
    case 'max':
    case 'min':
    case 'argmax': {
      const [ts, ys] = within(grid, y, a, b);
      let k = 0;
      for (let i = 1; i < ys.length; i++) if (o.kind === 'min' ? ys[i] < ys[k] : ys[i] > ys[k]) k = i;
      return o.kind === 'argmax' ? ts[k] : ys[k];
    }
    case 'integral': {
      const [ts, ys] = within(grid, y, a, b);
      let s = 0;
      for (let i = 1; i < ts.length; i++) s += 0.5 * (ys[i] + ys[i - 1]) * (ts[i] - ts[i - 1]);
      return s;
    }
    case 'above': {
      const [, ys] = within(grid, y, a, b);
      const thr = o.threshold ?? 0;
      return ys.every((v) => v >= thr) ? 1 : 0;
    }
  }
}

export interface ObjectiveStats {
  mean: number;
  std: number;
  samples: Float64Array;
}

/** Posterior mean/std of the objective from `count` joint curve samples (seeded). */
export function objectiveStats(o: FunctionalObjective, grid: ArrayLike<number>, mean: ArrayLike<number>, cov: Float64Array, count: number, seed: number): ObjectiveStats {
  const G = grid.length;
  const curves = sampleCurves(mean, cov, G, count, new Rng(seed));
  const samples = new Float64Array(count);
  let s = 0;
  for (let k = 0; k < count; k++) {
    samples[k] = curveObjective(o, grid, curves[k]);
    s += samples[k];
  }
  const m = s / count;
  let v = 0;
  for (let k = 0; k < count; k++) v += (samples[k] - m) ** 2;
  return { mean: m, std: Math.sqrt(v / Math.max(1, count - 1)), samples };
}

/** Monte-Carlo expected improvement over `best` in the objective's direction. */
export function mcExpectedImprovement(samples: Float64Array, best: number, direction: 'maximize' | 'minimize'): number {
  let s = 0;
  for (let k = 0; k < samples.length; k++) s += Math.max(0, direction === 'maximize' ? samples[k] - best : best - samples[k]);
  return s / samples.length;
}

/** "integral of ZT over [400, 675] K", "max Cp", "ZT at 600 K", … (labels in logs, simulation.json and views). */
export function objectiveLabel(o: FunctionalObjective, name: string, argUnit?: string): string {
  const u = argUnit ? ` ${argUnit}` : '';
  const over = o.over ? ` over [${o.over[0]}, ${o.over[1]}]${u}` : '';
  switch (o.kind) {
    case 'value':
      return `${name} at ${o.at ?? 'the first grid point'}${o.at !== undefined ? u : ''}`;
    case 'max':
    case 'min':
      return `${o.kind} ${name}${over}`;
    case 'argmax':
      return `argmax of ${name}${over}`;
    case 'integral':
      return `integral of ${name}${over}`;
    case 'above':
      return `${name} >= ${o.threshold ?? 0}${over || ' over the whole grid'}`;
  }
}

/** The unit of an objective's value, from the curve's unit and the argument's (undefined when unknown or unitless). */
export function objectiveUnit(o: FunctionalObjective, unit?: string, argUnit?: string): string | undefined {
  switch (o.kind) {
    case 'value':
    case 'max':
    case 'min':
      return unit;
    case 'argmax':
      return argUnit;
    case 'integral':
      return unit && argUnit ? `${unit}·${argUnit}` : argUnit && !unit ? argUnit : unit;
    case 'above':
      return undefined;
  }
}
