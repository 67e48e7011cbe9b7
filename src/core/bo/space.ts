/**
 * Continuous search spaces: numeric boxes, a composition simplex (sum fixed, per-element bounds, optional grid step)
 * and linear constraints such as "Ni + Fe <= 0.8".
 *
 * Projection: the simplex ∩ box part is projected exactly (piecewise-linear root of the threshold τ in
 * x_i = clip(v_i − τ, lo_i, hi_i), found over the sorted breakpoints); linear constraints are added by Dykstra's
 * alternating projections, followed by a radial pull towards a strictly feasible interior point so that returned
 * points satisfy every constraint exactly (not just to Dykstra's tolerance).
 */
import { MiError } from '../diagnostics';
import type { SpaceSpec } from '../spec/types';
import type { Rng } from './rng';
import { ownGet } from '../own';

export interface LinearConstraint {
  /** Coefficients over the space variables (same order as `ContinuousSpace.names`). */
  a: number[];
  /** a·x <= b */
  b: number;
  text: string;
}

export interface ContinuousSpace {
  names: string[];
  lo: number[];
  hi: number[];
  /** Indices (into names) of the composition elements, their fixed sum and optional grid step. */
  composition?: { idx: number[]; sum: number; step?: number };
  constraints: LinearConstraint[];
}

const TOKEN = /\s*(<=|>=|==|<|>|=|[-+*]|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_.]*)/y;

/** Parses "2*Ni + Fe - 0.5 Co <= 0.8" (also >=, <, >) into a·x <= b over `names`. */
export function parseLinearConstraint(text: string, names: string[], where = 'optimize.space.constraints'): LinearConstraint {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  const s = text.trim();
  while (pos < s.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(s);
    if (!m) throw new MiError(`cannot parse constraint "${text}" at "${s.slice(pos)}"`, { code: 'bad-constraint', hint: 'use a linear form like "Ni + 2*Fe <= 0.8"', column: where });
    tokens.push(m[1]);
    pos = TOKEN.lastIndex;
    while (pos < s.length && s[pos] === ' ') pos++;
  }
  const opIdx = tokens.findIndex((t) => ['<=', '>=', '<', '>', '==', '='].includes(t));
  if (opIdx < 0) throw new MiError(`constraint "${text}" has no comparison`, { code: 'bad-constraint', hint: 'write e.g. "Ni + Fe <= 0.8"', column: where });
  const op = tokens[opIdx];
  if (op === '==' || op === '=') throw new MiError(`equality constraint "${text}" is not supported`, { code: 'bad-constraint', hint: 'use two inequalities, or the composition sum', column: where });
  const side = (toks: string[]): { a: number[]; c: number } => {
    const a = new Array<number>(names.length).fill(0);
    let c = 0;
    let i = 0;
    while (i < toks.length) {
      let sign = 1;
      while (toks[i] === '+' || toks[i] === '-') {
        if (toks[i] === '-') sign = -sign;
        i++;
      }
      let coef = 1;
      let hasNum = false;
      if (i < toks.length && /^[\d.]/.test(toks[i])) {
        coef = Number(toks[i]);
        hasNum = true;
        i++;
        if (toks[i] === '*') i++;
      }
      if (i < toks.length && /^[A-Za-z_]/.test(toks[i])) {
        const j = names.indexOf(toks[i]);
        if (j < 0) throw new MiError(`constraint "${text}" refers to unknown variable "${toks[i]}"`, { code: 'bad-constraint', hint: `variables of the space: ${names.join(', ')}`, column: where });
        a[j] += sign * coef;
        i++;
      } else if (hasNum) {
        c += sign * coef;
      } else {
        throw new MiError(`cannot parse constraint "${text}"`, { code: 'bad-constraint', hint: 'use a linear form like "Ni + 2*Fe <= 0.8"', column: where });
      }
      if (i < toks.length && toks[i] !== '+' && toks[i] !== '-') throw new MiError(`cannot parse constraint "${text}" near "${toks[i]}"`, { code: 'bad-constraint', hint: 'use a linear form like "Ni + 2*Fe <= 0.8"', column: where });
    }
    return { a, c };
  };
  const L = side(tokens.slice(0, opIdx));
  const R = side(tokens.slice(opIdx + 1));
  // L.a x + L.c <= R.a x + R.c  =>  (L.a − R.a) x <= R.c − L.c
  let a = L.a.map((v, j) => v - R.a[j]);
  let b = R.c - L.c;
  if (op === '>=' || op === '>') {
    a = a.map((v) => -v);
    b = -b;
  }
  return { a, b, text };
}

/** Builds the continuous space from `optimize.space`. */
export function buildSpace(spec: SpaceSpec): ContinuousSpace {
  const names: string[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  let composition: ContinuousSpace['composition'];
  if (spec.composition) {
    const c = spec.composition;
    const idx: number[] = [];
    for (const el of c.elements) {
      const b = ownGet(c.bounds, el) ?? [0, c.sum];
      idx.push(names.length);
      names.push(el);
      lo.push(Math.max(0, b[0]));
      hi.push(Math.min(c.sum, b[1]));
    }
    const slo = idx.reduce((s, i) => s + lo[i], 0);
    const shi = idx.reduce((s, i) => s + hi[i], 0);
    if (slo > c.sum + 1e-12 || shi < c.sum - 1e-12) {
      throw new MiError(`composition bounds cannot sum to ${c.sum} (lower bounds sum to ${slo}, upper to ${shi})`, { code: 'infeasible-space', column: 'optimize.space.composition.bounds', hint: 'relax the element bounds' });
    }
    composition = { idx, sum: c.sum, step: c.step };
  }
  for (const [name, b] of Object.entries(spec.bounds ?? {})) {
    if (names.includes(name)) continue;
    if (!(b[0] <= b[1])) throw new MiError(`bounds of "${name}" are reversed: [${b[0]}, ${b[1]}]`, { code: 'bad-bounds', column: 'optimize.space.bounds' });
    names.push(name);
    lo.push(b[0]);
    hi.push(b[1]);
  }
  if (names.length === 0) throw new MiError('optimize.space has no variables', { code: 'empty-space', hint: 'give `bounds` or a `composition`' });
  const constraints = (spec.constraints ?? []).map((t) => parseLinearConstraint(t, names));
  return { names, lo, hi, composition, constraints };
}

/** Exact Euclidean projection of v onto {x : Σx = s, lo <= x <= hi} (requires Σlo <= s <= Σhi). */
export function projectSimplexBox(v: number[], lo: number[], hi: number[], s: number): number[] {
  const k = v.length;
  const g = (tau: number): number => {
    let t = 0;
    for (let i = 0; i < k; i++) t += Math.min(hi[i], Math.max(lo[i], v[i] - tau));
    return t;
  };
  const bps: number[] = [];
  for (let i = 0; i < k; i++) bps.push(v[i] - lo[i], v[i] - hi[i]);
  bps.sort((a, b) => a - b);
  // g is nonincreasing in tau; g(min bp) = Σhi >= s, g(max bp) = Σlo <= s
  let lo_i = 0;
  let hi_i = bps.length - 1;
  while (hi_i - lo_i > 1) {
    const mid = (lo_i + hi_i) >> 1;
    if (g(bps[mid]) >= s) lo_i = mid;
    else hi_i = mid;
  }
  const t0 = bps[lo_i];
  const t1 = bps[hi_i];
  const g0 = g(t0);
  const g1 = g(t1);
  const tau = g0 === g1 ? t0 : t0 + ((g0 - s) * (t1 - t0)) / (g0 - g1);
  const x = v.map((vi, i) => Math.min(hi[i], Math.max(lo[i], vi - tau)));
  fixSum(x, lo, hi, s);
  return x;
}

/** Removes the floating-point residual of Σx − s using coordinates with slack. */
function fixSum(x: number[], lo: number[], hi: number[], s: number): void {
  for (let pass = 0; pass < 3; pass++) {
    let r = s;
    for (const xi of x) r -= xi;
    if (r === 0) return;
    for (let i = 0; i < x.length && r !== 0; i++) {
      const nx = Math.min(hi[i], Math.max(lo[i], x[i] + r));
      r -= nx - x[i];
      x[i] = nx;
    }
  }
}

/** Projection onto the box ∩ composition simplex (no linear constraints). */
export function projectBase(space: ContinuousSpace, v: number[]): number[] {
  const x = v.map((vi, i) => Math.min(space.hi[i], Math.max(space.lo[i], vi)));
  const c = space.composition;
  if (c) {
    const p = projectSimplexBox(c.idx.map((i) => v[i]), c.idx.map((i) => space.lo[i]), c.idx.map((i) => space.hi[i]), c.sum);
    c.idx.forEach((i, j) => (x[i] = p[j]));
  }
  return x;
}

function projectHalfspace(x: number[], con: LinearConstraint): number[] {
  let ax = 0;
  let aa = 0;
  for (let j = 0; j < x.length; j++) {
    ax += con.a[j] * x[j];
    aa += con.a[j] * con.a[j];
  }
  if (ax <= con.b || aa === 0) return x.slice();
  const t = (ax - con.b) / aa;
  return x.map((xi, j) => xi - t * con.a[j]);
}

export function violation(space: ContinuousSpace, x: number[]): number {
  let worst = 0;
  for (const con of space.constraints) {
    let ax = 0;
    for (let j = 0; j < x.length; j++) ax += con.a[j] * x[j];
    worst = Math.max(worst, ax - con.b);
  }
  return worst;
}

/** Dykstra's alternating projections onto base ∩ halfspaces. */
function dykstra(space: ContinuousSpace, v: number[], cons: LinearConstraint[], iters = 2000): number[] {
  const sets = 1 + cons.length;
  const incr: number[][] = Array.from({ length: sets }, () => new Array<number>(v.length).fill(0));
  let x = v.slice();
  for (let it = 0; it < iters; it++) {
    const prev = x;
    for (let s = 0; s < sets; s++) {
      const y = x.map((xi, j) => xi + incr[s][j]);
      const p = s === 0 ? projectBase(space, y) : projectHalfspace(y, cons[s - 1]);
      incr[s] = y.map((yi, j) => yi - p[j]);
      x = p;
    }
    let d = 0;
    for (let j = 0; j < x.length; j++) d = Math.max(d, Math.abs(x[j] - prev[j]));
    if (d < 1e-13) break;
  }
  return projectBase(space, x);
}

const interiorCache = new WeakMap<ContinuousSpace, number[]>();

/** A strictly feasible point (constraints tightened by a margin), used to pull projected points inside. */
export function interiorPoint(space: ContinuousSpace): number[] {
  const cached = interiorCache.get(space);
  if (cached) return cached;
  const center = space.lo.map((l, i) => (l + space.hi[i]) / 2);
  let c = projectBase(space, center);
  if (space.constraints.length > 0) {
    const span = Math.max(1e-9, ...space.hi.map((h, i) => h - space.lo[i]));
    const tight = space.constraints.map((k) => ({ ...k, b: k.b - 1e-4 * span * Math.sqrt(k.a.reduce((s, a) => s + a * a, 0)) }));
    c = dykstra(space, c, tight);
    if (violation(space, c) > 0) {
      throw new MiError(`the space constraints cannot all be satisfied (${space.constraints.map((k) => k.text).join('; ')})`, { code: 'infeasible-space', column: 'optimize.space.constraints', hint: 'check the constraints against the bounds and the composition sum' });
    }
  }
  interiorCache.set(space, c);
  return c;
}

/** Projects v onto the feasible set; the result satisfies bounds, the composition sum and every linear constraint. */
export function project(space: ContinuousSpace, v: number[]): number[] {
  let x = projectBase(space, v);
  if (space.constraints.length === 0 || violation(space, x) <= 0) return x;
  x = dykstra(space, x, space.constraints);
  if (violation(space, x) <= 0) return x;
  // pull radially towards the interior point: largest t in [0,1] with c + t(x − c) feasible
  const c = interiorPoint(space);
  let t = 1;
  for (const con of space.constraints) {
    let ax = 0;
    let ac = 0;
    for (let j = 0; j < x.length; j++) {
      ax += con.a[j] * x[j];
      ac += con.a[j] * c[j];
    }
    if (ax > con.b && ax !== ac) t = Math.min(t, (con.b - ac) / (ax - ac));
  }
  t = Math.max(0, t * (1 - 1e-12));
  x = x.map((xi, j) => c[j] + t * (xi - c[j]));
  return x;
}

/** Whether x satisfies bounds, sum and constraints within tol. */
export function isFeasible(space: ContinuousSpace, x: number[], tol = 1e-9): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] < space.lo[i] - tol || x[i] > space.hi[i] + tol) return false;
  const c = space.composition;
  if (c && Math.abs(c.idx.reduce((s, i) => s + x[i], 0) - c.sum) > tol) return false;
  return violation(space, x) <= tol;
}

/**
 * Rounds the composition to its grid (multiples of `step`) keeping the sum exact (largest remainder), within the
 * element bounds; when rounding breaks a linear constraint, the nearest feasible one-unit move is used.
 * Returns undefined when no feasible grid point is found near x.
 */
export function roundToGrid(space: ContinuousSpace, x: number[]): number[] | undefined {
  const c = space.composition;
  if (!c || !c.step || c.step <= 0) return x;
  const n = Math.round(c.sum / c.step);
  const unit = c.sum / n;
  const kLo = c.idx.map((i) => Math.ceil(space.lo[i] / unit - 1e-9));
  const kHi = c.idx.map((i) => Math.floor(space.hi[i] / unit + 1e-9));
  const raw = c.idx.map((i) => x[i] / unit);
  const k = raw.map((r, j) => Math.min(kHi[j], Math.max(kLo[j], Math.floor(r))));
  let rest = n - k.reduce((s, v) => s + v, 0);
  const order = raw.map((r, j) => j).sort((a, b) => raw[b] - k[b] - (raw[a] - k[a]));
  for (let pass = 0; pass < 2 * n + 2 && rest !== 0; pass++) {
    let moved = false;
    for (const j of rest > 0 ? order : [...order].reverse()) {
      if (rest > 0 && k[j] < kHi[j]) {
        k[j]++;
        rest--;
        moved = true;
      } else if (rest < 0 && k[j] > kLo[j]) {
        k[j]--;
        rest++;
        moved = true;
      }
      if (rest === 0) break;
    }
    if (!moved) return undefined;
  }
  const build = (kk: number[]): number[] => {
    const y = x.slice();
    c.idx.forEach((i, j) => (y[i] = (kk[j] / n) * c.sum));
    return y;
  };
  let y = build(k);
  if (violation(space, y) <= 1e-12) return y;
  let bestY: number[] | undefined;
  let bestD = Infinity;
  for (let a = 0; a < k.length; a++) {
    for (let b = 0; b < k.length; b++) {
      if (a === b || k[a] <= kLo[a] || k[b] >= kHi[b]) continue;
      const kk = k.slice();
      kk[a]--;
      kk[b]++;
      y = build(kk);
      if (violation(space, y) > 1e-12) continue;
      const d = y.reduce((s, v, i) => s + (v - x[i]) ** 2, 0);
      if (d < bestD) {
        bestD = d;
        bestY = y;
      }
    }
  }
  return bestY;
}

/** A random feasible point: uniform in the box / flat Dirichlet on the simplex, then projected. */
export function randomPoint(space: ContinuousSpace, rng: Rng): number[] {
  const v = space.lo.map((l, i) => l + rng.next() * (space.hi[i] - l));
  const c = space.composition;
  if (c) {
    const w = rng.dirichlet(c.idx.length);
    c.idx.forEach((i, j) => (v[i] = w[j] * c.sum));
  }
  return project(space, v);
}
