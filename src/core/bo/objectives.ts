/**
 * From a spec's targets to one scalar acquisition per candidate: single objective, several objectives (exact 2-D EHVI,
 * ParEGO-style random Chebyshev scalarisation), and outcome constraints (probability of feasibility).
 *
 * Conventions (documented in docs/bo.md):
 * - Objectives are targets whose goal is maximize / minimize / {target}; `predict` targets are only modelled.
 * - Any target with `constraint: {min, max}` multiplies the acquisition by P(min <= y <= max) (ei, pi, EHVI); for
 *   logei the log probability is added; for ucb/ts, log P(feasible) times the utility scale is added.
 * - Incumbents use only feasible observed rows (all rows when none is feasible).
 * - Two objectives with ei/logei/pi: EHVI (logei: log EHVI, floored at 1e−300). Three or more, or ucb/ts:
 *   augmented Chebyshev scalarisation of the normalised utilities with Dirichlet-random weights (new weights for
 *   every batch pick, seeded), scored as Monte-Carlo EI (64 common random normals) / optimistic UCB / a posterior draw.
 */
import type { Goal, Spec, TargetSpec } from '../spec/types';
import {
  acquisitionValue,
  DEFAULT_BETA,
  incumbentUtility,
  probabilityOfFeasibility,
  toUtility,
  type AcquisitionKind,
} from './acquisition';
import { chebyshev, ehvi2dStrips, ehviStrips, paretoFront, referencePoint, type EhviStrips } from './multiobjective';
import { Rng } from './rng';

export interface TargetInfo {
  name: string;
  goal: Goal;
  output: number;
  constraint?: { min?: number; max?: number };
}

export interface AcquisitionSetup {
  kind: AcquisitionKind;
  beta: number;
  targets: TargetInfo[];
  objectives: TargetInfo[];
  /** Single objective: incumbent utility. */
  best: number;
  /** Multi-objective state. */
  mo?: {
    method: 'ehvi' | 'parego';
    strips?: EhviStrips;
    weights: number[];
    lo: number[];
    hi: number[];
    bestScalar: number;
    z: Float64Array; // common random normals, 64 x m
  };
  /** Scale of utilities (for additive constraint penalties). */
  scale: number;
  seed: number;
}

export function targetInfos(spec: Spec): TargetInfo[] {
  return spec.dataset.targets.map((t: TargetSpec, i) => ({ name: t.column, goal: t.goal, output: i, constraint: t.constraint }));
}

function isObjective(g: Goal): boolean {
  return g !== 'predict';
}

/** Builds the acquisition setup from observed targets Y (n x T). */
export function makeSetup(spec: Spec, Y: { rows: number; cols: number; data: Float64Array }, opts: { kind?: AcquisitionKind; beta?: number; seed?: number } = {}): AcquisitionSetup {
  const targets = targetInfos(spec);
  const objectives = targets.filter((t) => isObjective(t.goal));
  if (objectives.length === 0) objectives.push({ ...targets[0], goal: 'maximize' });
  const kind = opts.kind ?? spec.optimize?.acquisition ?? 'ei';
  const beta = opts.beta ?? spec.optimize?.beta ?? DEFAULT_BETA;
  const seed = opts.seed ?? spec.seed;
  const T = Y.cols;
  const feasible: boolean[] = [];
  for (let i = 0; i < Y.rows; i++) {
    let ok = true;
    for (const t of targets) {
      if (!t.constraint) continue;
      const y = Y.data[i * T + t.output];
      if (!Number.isFinite(y) || (t.constraint.min !== undefined && y < t.constraint.min) || (t.constraint.max !== undefined && y > t.constraint.max)) ok = false;
    }
    feasible.push(ok);
  }
  const anyFeasible = feasible.some((f) => f);
  const col = (o: number): number[] => Array.from({ length: Y.rows }, (_, i) => Y.data[i * T + o]);
  const utilities = objectives.map((o) => col(o.output).map((y) => (Number.isFinite(y) ? toUtility(o.goal, y) : NaN)));
  let scale = 1;
  {
    const u = utilities[0].filter((v) => Number.isFinite(v));
    if (u.length > 1) {
      const m = u.reduce((a, b) => a + b, 0) / u.length;
      scale = Math.sqrt(u.reduce((a, b) => a + (b - m) ** 2, 0) / u.length) || 1;
    }
  }
  const setup: AcquisitionSetup = { kind, beta, targets, objectives, best: -Infinity, scale, seed };
  if (objectives.length === 1) {
    setup.best = incumbentUtility(objectives[0].goal, col(objectives[0].output), anyFeasible ? feasible : undefined);
    return setup;
  }
  // several objectives
  const pts: number[][] = [];
  for (let i = 0; i < Y.rows; i++) {
    if (anyFeasible && !feasible[i]) continue;
    pts.push(utilities.map((u) => u[i]));
  }
  const finitePts = pts.filter((p) => p.every((v) => Number.isFinite(v)));
  const m = objectives.length;
  const lo = Array.from({ length: m }, (_, k) => Math.min(...finitePts.map((p) => p[k])));
  const hi = Array.from({ length: m }, (_, k) => Math.max(...finitePts.map((p) => p[k])));
  const rng = new Rng(seed + 7919);
  const weights = rng.dirichlet(m);
  const z = new Float64Array(64 * m);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  if (m === 2 && (kind === 'ei' || kind === 'logei' || kind === 'pi')) {
    const front = paretoFront(finitePts).map((i) => finitePts[i]);
    const ref = referencePoint(finitePts) as [number, number];
    setup.mo = { method: 'ehvi', strips: ehviStrips(front, ref), weights, lo, hi, bestScalar: 0, z };
  } else {
    const bestScalar = Math.max(...finitePts.map((p) => chebyshev(p, weights, lo, hi)));
    setup.mo = { method: 'parego', weights, lo, hi, bestScalar, z };
  }
  return setup;
}

/** New random Chebyshev weights (ParEGO: one scalarisation per batch pick). */
export function redrawWeights(setup: AcquisitionSetup, draw: number): void {
  if (!setup.mo || setup.mo.method !== 'parego') return;
  const rng = new Rng(setup.seed * 31 + draw * 1009 + 17);
  setup.mo.weights = rng.dirichlet(setup.objectives.length);
}

/** Raises the incumbent after a fantasy observation (kriging believer). */
export function updateIncumbent(setup: AcquisitionSetup, means: number[]): void {
  if (setup.objectives.length === 1) {
    const o = setup.objectives[0];
    setup.best = Math.max(setup.best, toUtility(o.goal, means[o.output]));
  }
}

/**
 * Acquisition of one candidate from its posterior (means and latent variances per target output).
 * `draw` (optional) gives a posterior sample per output for Thompson sampling.
 */
export function acquisitionOf(setup: AcquisitionSetup, mean: ArrayLike<number>, variance: ArrayLike<number>, draw?: ArrayLike<number>): number {
  let value: number;
  const objs = setup.objectives;
  if (objs.length === 1 || !setup.mo) {
    const o = objs[0];
    if (setup.kind === 'ts') value = draw ? toUtility(o.goal, draw[o.output]) : acquisitionValue('ts', o.goal, mean[o.output], variance[o.output], setup.best, setup.beta);
    else value = acquisitionValue(setup.kind, o.goal, mean[o.output], variance[o.output], setup.best, setup.beta);
  } else if (setup.mo.method === 'ehvi') {
    const mu = objs.map((o) => toUtility(o.goal, mean[o.output]));
    // utilities of maximize/minimize goals are ±y: variance unchanged. Target goals use |y−v| ≈ linearised at the mean.
    const e = ehvi2dStrips(setup.mo.strips!, mu[0], variance[objs[0].output], mu[1], variance[objs[1].output]);
    value = setup.kind === 'logei' ? Math.log(Math.max(e, 1e-300)) : e;
  } else {
    const m = objs.length;
    const { weights, lo, hi, bestScalar, z } = setup.mo;
    const mu = objs.map((o) => toUtility(o.goal, mean[o.output]));
    const sd = objs.map((o) => Math.sqrt(Math.max(0, variance[o.output])));
    if (setup.kind === 'ucb') {
      value = chebyshev(mu.map((v, k) => v + Math.sqrt(setup.beta) * sd[k]), weights, lo, hi);
    } else if (setup.kind === 'ts') {
      value = chebyshev(draw ? objs.map((o) => toUtility(o.goal, draw[o.output])) : mu, weights, lo, hi);
    } else {
      const S = z.length / m;
      const y = new Array<number>(m);
      let acc = 0;
      let cnt = 0;
      for (let s = 0; s < S; s++) {
        for (let k = 0; k < m; k++) y[k] = mu[k] + sd[k] * z[s * m + k];
        const g = chebyshev(y, weights, lo, hi) - bestScalar;
        if (g > 0) {
          acc += g;
          cnt++;
        }
      }
      value = setup.kind === 'pi' ? cnt / S : acc / S;
      if (setup.kind === 'logei') value = Math.log(Math.max(value, 1e-300));
    }
  }
  for (const t of setup.targets) {
    if (!t.constraint) continue;
    const p = probabilityOfFeasibility(mean[t.output], variance[t.output], t.constraint);
    if (setup.kind === 'logei') value += Math.log(Math.max(p, 1e-300));
    else if (setup.kind === 'ucb' || setup.kind === 'ts') value += setup.scale * Math.log(Math.max(p, 1e-300));
    else value *= p;
  }
  return value;
}

/** Whether the acquisition values are non-negative "improvement-like" quantities (can be multiplied by penalties). */
export function isNonNegative(setup: AcquisitionSetup): boolean {
  return setup.kind === 'ei' || setup.kind === 'pi';
}

