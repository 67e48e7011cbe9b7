/**
 * Acquisition optimisation over a continuous space: multi-start projected gradient ascent.
 *
 * 1. `rawSamples` random feasible points are scored; the best `starts` distinct ones seed local searches.
 * 2. Each step estimates the gradient by forward finite differences (all starts × (d+1) points in one predict call),
 *    moves along the gradient scaled by the variable ranges, projects onto the feasible set (space.ts) and keeps the
 *    step only if the acquisition improves (step doubles / halves — a simple trust region).
 * 3. Optima are rounded to the composition grid (`step`) when given.
 * The candidate set returned (samples + optima, deduplicated) feeds the batch selection like a pool.
 */
import { isFeasible, project, randomPoint, roundToGrid, type ContinuousSpace } from './space';
import { Rng } from './rng';

export type BatchEvaluator = (points: number[][]) => Promise<number[]>;

export interface ContinuousResult {
  points: number[][];
  values: number[];
  /** Indices (into points) of the local optima. */
  optima: number[];
}

export function pointKey(x: number[]): string {
  return x.map((v) => (Math.abs(v) < 1e-12 ? 0 : v).toPrecision(10)).join(',');
}

export async function optimizeContinuous(
  space: ContinuousSpace,
  evaluate: BatchEvaluator,
  opts: { seed: number; rawSamples?: number; starts?: number; iterations?: number; signal?: AbortSignal },
): Promise<ContinuousResult> {
  const rng = new Rng(opts.seed + 555);
  const d = space.names.length;
  const range = space.names.map((_, i) => Math.max(1e-12, space.hi[i] - space.lo[i]));
  const snap = (x: number[]): number[] | undefined => (space.composition?.step ? roundToGrid(space, x) : x);
  const points: number[][] = [];
  const keys = new Set<string>();
  for (let s = 0; s < (opts.rawSamples ?? 256) * 3 && points.length < (opts.rawSamples ?? 256); s++) {
    const x = snap(randomPoint(space, rng));
    if (!x) continue;
    const k = pointKey(x);
    if (keys.has(k)) continue;
    keys.add(k);
    points.push(x);
  }
  const values = await evaluate(points);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const nStarts = Math.min(opts.starts ?? 8, points.length);
  const cur = order.slice(0, nStarts).map((i) => points[i].slice());
  const curV = order.slice(0, nStarts).map((i) => values[i]);
  const eta = cur.map(() => 0.05);
  const iters = opts.iterations ?? 25;
  for (let it = 0; it < iters; it++) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const active = cur.map((_, s) => s).filter((s) => eta[s] > 1e-4);
    if (active.length === 0) break;
    // finite differences
    const fd: number[][] = [];
    for (const s of active) {
      for (let j = 0; j < d; j++) {
        const y = cur[s].slice();
        const h = 1e-4 * range[j];
        y[j] = y[j] + h <= space.hi[j] ? y[j] + h : y[j] - h;
        fd.push(y);
      }
    }
    const fv = await evaluate(fd);
    const proposals: number[][] = [];
    active.forEach((s, a) => {
      const g = new Array<number>(d);
      let gmax = 0;
      for (let j = 0; j < d; j++) {
        const y = fd[a * d + j];
        const dx = y[j] - cur[s][j];
        g[j] = ((fv[a * d + j] - curV[s]) / dx) * range[j];
        if (!Number.isFinite(g[j])) g[j] = 0;
        gmax = Math.max(gmax, Math.abs(g[j]));
      }
      if (gmax === 0) {
        eta[s] = 0;
        proposals.push(cur[s]);
        return;
      }
      proposals.push(project(space, cur[s].map((x, j) => x + (eta[s] * g[j] * range[j]) / gmax)));
    });
    const pv = await evaluate(proposals);
    active.forEach((s, a) => {
      if (pv[a] > curV[s]) {
        cur[s] = proposals[a];
        curV[s] = pv[a];
        eta[s] = Math.min(0.5, eta[s] * 2);
      } else eta[s] *= 0.5;
    });
  }
  const optimaPts: number[][] = [];
  for (const x of cur) {
    const y = snap(x);
    if (!y || !isFeasible(space, y, 1e-9)) continue;
    const k = pointKey(y);
    if (keys.has(k)) {
      optimaPts.push(y); // already sampled; keep index below
      continue;
    }
    optimaPts.push(y);
  }
  const fresh = optimaPts.filter((y) => !keys.has(pointKey(y)));
  const freshV = fresh.length ? await evaluate(fresh) : [];
  const optima: number[] = [];
  for (const y of optimaPts) {
    const k = pointKey(y);
    if (!keys.has(k)) {
      keys.add(k);
      points.push(y);
      values.push(freshV[fresh.indexOf(y)]);
    }
    optima.push(points.findIndex((p) => pointKey(p) === k));
  }
  return { points, values, optima: [...new Set(optima)] };
}
