/**
 * Acquisition functions as pure functions of the posterior mean, the latent variance and the incumbent.
 *
 * Every goal is mapped to a utility u that is maximised:
 *   maximize: u = y;  minimize: u = −y;  {target: v}: u = −|y − v| (closeness to v).
 * The incumbent `best` is always given in utility space (see `incumbentUtility`).
 *
 * UCB convention (as in BoTorch): u_mean + sqrt(beta)·sigma, default beta = 2.
 *
 * Target goals: improvement is I = max(0, d − |Y − v|) where d = −best is the smallest distance to v observed so far;
 * EI has the closed form E[I] = ∫_{−d}^{d} (d − |z|) N(z; μ − v, σ²) dz (two truncated-normal pieces), PI = P(|Y − v| < d),
 * UCB = −|μ − v| + sqrt(beta)·σ. When the closed-form EI underflows, logEI uses the one-sided asymptote
 * log σ + log h((d − |μ − v|)/σ), which is finite and monotone in |μ − v|.
 */
import type { Goal } from '../spec/types';
import { hFunction, logH, normCdf, normPdf } from './normal';

export type AcquisitionKind = 'ei' | 'logei' | 'pi' | 'ucb' | 'ts';
export const DEFAULT_BETA = 2;

const TINY_STD = 1e-12;

/** EI for maximisation of y ~ N(mean, variance) over `best`: σ·h((μ − best)/σ). */
export function expectedImprovement(mean: number, variance: number, best: number): number {
  const s = Math.sqrt(Math.max(variance, 0));
  if (!(s > TINY_STD)) return Math.max(0, mean - best);
  return s * hFunction((mean - best) / s);
}

/** log EI, finite far into the tail where EI underflows to 0 (−Infinity only for zero variance and no improvement). */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const s = Math.sqrt(Math.max(variance, 0));
  if (!(s > TINY_STD)) return Math.log(Math.max(0, mean - best));
  return Math.log(s) + logH((mean - best) / s);
}

export function probabilityOfImprovement(mean: number, variance: number, best: number): number {
  const s = Math.sqrt(Math.max(variance, 0));
  if (!(s > TINY_STD)) return mean > best ? 1 : 0;
  return normCdf((mean - best) / s);
}

export function upperConfidenceBound(mean: number, variance: number, beta = DEFAULT_BETA): number {
  return mean + Math.sqrt(beta) * Math.sqrt(Math.max(variance, 0));
}

/** E[max(0, d − |Z|)] for Z ~ N(m, s²), d >= 0 (closed form). */
export function expectedCloseness(m: number, s: number, d: number): number {
  if (d <= 0) return 0;
  if (!(s > TINY_STD)) return Math.max(0, d - Math.abs(m));
  m = Math.abs(m); // symmetric in m
  const a1 = -m / s;
  const b1 = (d - m) / s;
  const a2 = (-d - m) / s;
  const A = (d - m) * (normCdf(b1) - normCdf(a1)) + s * (normPdf(b1) - normPdf(a1));
  const B = (d + m) * (normCdf(a1) - normCdf(a2)) - s * (normPdf(a1) - normPdf(a2));
  return Math.max(0, A + B);
}

function targetValue(goal: Goal): number | undefined {
  return typeof goal === 'object' && goal !== null ? goal.target : undefined;
}

/** Utility of an observed value under a goal (maximised). */
export function toUtility(goal: Goal, y: number): number {
  const t = targetValue(goal);
  if (t !== undefined) return -Math.abs(y - t);
  return goal === 'minimize' ? -y : y;
}

/** Best observed utility (the incumbent); −Infinity when no finite value exists. */
export function incumbentUtility(goal: Goal, ys: ArrayLike<number>, feasible?: ArrayLike<boolean>): number {
  let best = -Infinity;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y) || (feasible && !feasible[i])) continue;
    const u = toUtility(goal, y);
    if (u > best) best = u;
  }
  return best;
}

/**
 * Acquisition value of one candidate for a goal. `mean`/`variance` are the posterior of y (latent variance);
 * `best` the incumbent utility. For `ts` use `thompson.ts`; here it degrades to the posterior-mean utility.
 */
export function acquisitionValue(kind: AcquisitionKind, goal: Goal, mean: number, variance: number, best: number, beta = DEFAULT_BETA): number {
  const t = targetValue(goal);
  if (t !== undefined) {
    const m = mean - t;
    const s = Math.sqrt(Math.max(variance, 0));
    const d = Number.isFinite(best) ? -best : Infinity;
    switch (kind) {
      case 'ei':
        return Number.isFinite(d) ? expectedCloseness(m, s, d) : -Math.abs(m) + s;
      case 'logei': {
        if (!Number.isFinite(d)) return -Math.abs(m) + s;
        const e = expectedCloseness(m, s, d);
        if (e > 1e-280) return Math.log(e);
        if (!(s > TINY_STD)) return -Infinity;
        return Math.log(s) + logH((d - Math.abs(m)) / s);
      }
      case 'pi': {
        if (!Number.isFinite(d)) return 1;
        if (!(s > TINY_STD)) return Math.abs(m) < d ? 1 : 0;
        const am = Math.abs(m);
        return Math.max(0, normCdf((d - am) / s) - normCdf((-d - am) / s));
      }
      case 'ucb':
        return -Math.abs(m) + Math.sqrt(beta) * s;
      case 'ts':
        return -Math.abs(m);
    }
  }
  const mu = goal === 'minimize' ? -mean : mean;
  const b = Number.isFinite(best) ? best : -Infinity;
  switch (kind) {
    case 'ei':
      return Number.isFinite(b) ? expectedImprovement(mu, variance, b) : upperConfidenceBound(mu, variance, beta);
    case 'logei':
      return Number.isFinite(b) ? logExpectedImprovement(mu, variance, b) : upperConfidenceBound(mu, variance, beta);
    case 'pi':
      return Number.isFinite(b) ? probabilityOfImprovement(mu, variance, b) : 1;
    case 'ucb':
      return upperConfidenceBound(mu, variance, beta);
    case 'ts':
      return mu;
  }
}

/** Whether larger-is-better values of this acquisition are on a log scale (penalties are added, not multiplied). */
export function isLogScale(kind: AcquisitionKind): boolean {
  return kind === 'logei';
}

/** Probability that y lies in [min, max] under N(mean, variance) (outcome constraints). */
export function probabilityOfFeasibility(mean: number, variance: number, c: { min?: number; max?: number }): number {
  const s = Math.sqrt(Math.max(variance, 0));
  const lo = c.min ?? -Infinity;
  const hi = c.max ?? Infinity;
  if (!(s > TINY_STD)) return mean >= lo && mean <= hi ? 1 : 0;
  // compute in the tail that keeps precision
  const zl = (lo - mean) / s;
  const zh = (hi - mean) / s;
  if (zl > 0) return Math.max(0, normCdf(-zl) - normCdf(-zh));
  return Math.max(0, normCdf(zh) - normCdf(zl));
}
