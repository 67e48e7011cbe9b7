/**
 * Functional BO objectives: scalar summaries of a curve on the grid — value at t, max / min over a range, position of
 * the maximum, integral over a band (trapezoid, band ends interpolated), and "above a threshold over the whole range"
 * (an indicator; its posterior mean is the probability). Uncertainty comes from joint posterior curve samples
 * (mean + L z with L the Cholesky factor of the curve covariance), so correlations along the argument count.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isSeq, parseDocument } from 'yaml';
import { MiError } from '../diagnostics';
import type { FunctionalObjective } from '../spec/types';
import { SpecDoc } from '../spec/yamlDoc';
import { Rng } from '../linalg/random';
import { sampleCurves } from './common';

function interp(grid: ArrayLike<number>, y: ArrayLike<number>, t: number): number {
  const G = grid.length;
  if (t <= grid[0]) return y[0];
  if (t >= grid[G - 1]) return y[G - 1];
  let j = 0;
  while (j + 1 < G && grid[j + 1] < t) j++;
  // exactly on a grid value: that value (a gap next to it must not turn a measured point into NaN)
  if (t === grid[j + 1]) return y[j + 1];
  if (t === grid[j]) return y[j];
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

/**
 * The objective's value on one curve y (on `grid`); NaN when the curve has a gap (NaN, a grid value beyond its measured
 * range) anywhere in the objective's range — a maximum, an integral or "above everywhere" over a partly measured range
 * would be a guess, so such curves are left out (simulate's pool) rather than scored on the part that was measured.
 */
export function curveObjective(o: FunctionalObjective, grid: ArrayLike<number>, y: ArrayLike<number>): number {
  const G = grid.length;
  const [a, b] = o.over ?? [grid[0], grid[G - 1]];
  if (o.kind === 'value') return interp(grid, y, o.at ?? grid[0]);
  const [ts, ys] = within(grid, y, a, b);
  if (ys.some((v) => Number.isNaN(v))) return NaN;
  switch (o.kind) {
    case 'max':
    case 'min':
    case 'argmax': {
      let k = 0;
      for (let i = 1; i < ys.length; i++) if (o.kind === 'min' ? ys[i] < ys[k] : ys[i] > ys[k]) k = i;
      return o.kind === 'argmax' ? ts[k] : ys[k];
    }
    case 'integral': {
      let s = 0;
      for (let i = 1; i < ts.length; i++) s += 0.5 * (ys[i] + ys[i - 1]) * (ts[i] - ts[i - 1]);
      return s;
    }
    case 'above': {
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
      // curve unit × argument unit; a unitless curve (ZT) gives the argument's unit; with the argument's unit unknown
      // the product is unknown too (the curve's unit alone would be wrong by a factor of the argument's unit)
      return unit && argUnit ? `${unit}·${argUnit}` : argUnit && !unit ? argUnit : undefined;
    case 'above':
      return undefined;
  }
}

/**
 * 1-based line of a key of the function target in the spec file (`goal` → its `over` / `at` when given, `grid`), if
 * found. Only the line: the CLI prints a MiError's `column` as a data column name.
 */
export function functionTargetLine(specPath: string, path: ['goal', ('over' | 'at')?] | ['grid']): { line?: number } {
  try {
    const text = readFileSync(specPath, 'utf8');
    const lc = new LineCounter();
    const sd = new SpecDoc(parseDocument(text, { lineCounter: lc }), lc, text.length, text);
    const targets = sd.locate(['dataset', 'targets'])?.value;
    const items = isSeq(targets) ? targets.items : [];
    for (let i = 0; i < items.length; i++) {
      const base = ['dataset', 'targets', i];
      if (sd.locate([...base, 'kind'])?.value?.toJSON() !== 'function') continue;
      const node = (path[1] && sd.valueNode([...base, path[0], path[1]])) || sd.valueNode([...base, path[0]]);
      if (!node) return {};
      return { line: sd.nodeRange(node).start.line + 1 };
    }
  } catch {
    // the spec was validated before; a line is only a convenience
  }
  return {};
}

/**
 * The objective must lie on the target's grid (curves are never extrapolated): `at` inside it, `over` inside it and
 * not reversed. The grid is known only once the data are resampled (it may be the default one, or lose end values that
 * fewer than 3 curves reach), so this runs before simulate / suggest score anything. Throws a MiError at the goal.
 */
export function checkObjectiveOnGrid(o: FunctionalObjective, grid: ArrayLike<number>, specPath: string, name: string, argUnit?: string): void {
  const G = grid.length;
  if (!G) return;
  const lo = grid[0];
  const hi = grid[G - 1];
  const tol = 1e-9 * Math.max(1, Math.abs(hi - lo));
  const u = argUnit ? ` ${argUnit}` : '';
  const gridText = `[${lo}, ${hi}]${u}`;
  const fail = (message: string, key: 'over' | 'at', hint: string): never => {
    throw new MiError(message, { file: specPath, ...functionTargetLine(specPath, ['goal', key]), code: 'function-goal', hint });
  };
  if (o.kind === 'value' && o.at !== undefined && (o.at < lo - tol || o.at > hi + tol)) {
    fail(`the goal's "at: ${o.at}" is outside the grid of "${name}" ${gridText}; curves are never extrapolated`, 'at',
      `choose at within ${gridText}, or move grid.from / grid.to (and grid.margin) if the curves are measured there`);
  }
  if (o.over && o.kind !== 'value') {
    const [a, b] = o.over;
    if (!(a < b)) {
      fail(`the goal's "over: [${a}, ${b}]" is ${a === b ? 'empty' : 'reversed'}: it needs from < to`, 'over',
        a === b ? `for a single argument value use {${o.direction}: value, at: ${a}}` : `write over: [${b}, ${a}]`);
    }
    if (a < lo - tol || b > hi + tol) {
      fail(`the goal's "over: [${a}, ${b}]" reaches beyond the grid of "${name}" ${gridText}; curves are never extrapolated`, 'over',
        `keep over within ${gridText} (grid values that fewer than 3 curves reach are dropped from the grid), or widen grid.from / grid.to and grid.margin`);
    }
  }
}
