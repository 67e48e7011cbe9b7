/**
 * Bounded limited-memory quasi-Newton minimiser (projected L-BFGS with box bounds, in the spirit of L-BFGS-B):
 * variables at a bound whose gradient points outward are held fixed; the two-loop recursion runs on the free
 * variables; a projected backtracking (Armijo) line search keeps every iterate inside the box.
 */
export interface LbfgsbOptions {
  lower: Float64Array | number[];
  upper: Float64Array | number[];
  /** Maximum number of iterations (default 100). */
  maxIter?: number;
  /** Memory (number of correction pairs, default 8). */
  memory?: number;
  /** Stop when the projected gradient's max-norm is below this (default 1e-5). */
  pgtol?: number;
  /** Stop when the relative decrease of f over an iteration is below this (default 1e-9). */
  ftol?: number;
  /** Stop when f decreased by less than this over the last 5 iterations (absolute; default 0 = off). */
  fdecrease5?: number;
  /** Largest step per variable in one iteration (default 2). */
  maxStep?: number;
  /** Called after every accepted iteration; return true to stop early (e.g. cancellation). */
  onIteration?: (iter: number, f: number, x: Float64Array) => boolean | void;
}

export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** f returns the value and writes the gradient into g. Non-finite values are treated as +Infinity (step rejected). */
export type ValueAndGradient = (x: Float64Array, g: Float64Array) => number;

export function minimizeLbfgsb(fg: ValueAndGradient, x0: ArrayLike<number>, opts: LbfgsbOptions): LbfgsbResult {
  const n = x0.length;
  const lo = Float64Array.from(opts.lower);
  const hi = Float64Array.from(opts.upper);
  const maxIter = opts.maxIter ?? 100;
  const mem = opts.memory ?? 8;
  const pgtol = opts.pgtol ?? 1e-5;
  const ftol = opts.ftol ?? 1e-9;
  const maxStep = opts.maxStep ?? 2;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.min(hi[i], Math.max(lo[i], x0[i]));
  const g = new Float64Array(n);
  let evaluations = 1;
  let f = safe(fg(x, g));
  if (!Number.isFinite(f)) return { x, f, iterations: 0, evaluations, converged: false };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const free = new Uint8Array(n);
  let converged = false;
  let iter = 0;
  const history: number[] = [f];
  const fdec5 = opts.fdecrease5 ?? 0;
  for (; iter < maxIter; iter++) {
    // projected gradient norm and active set
    let pg = 0;
    for (let i = 0; i < n; i++) {
      const atLo = x[i] <= lo[i] + 1e-12 && g[i] > 0;
      const atHi = x[i] >= hi[i] - 1e-12 && g[i] < 0;
      free[i] = atLo || atHi ? 0 : 1;
      if (free[i]) pg = Math.max(pg, Math.abs(g[i]));
    }
    if (pg < pgtol) {
      converged = true;
      break;
    }
    // two-loop recursion on the free subspace
    for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
    const k = S.length;
    const alpha = new Float64Array(k);
    for (let j = k - 1; j >= 0; j--) {
      let s = 0;
      for (let i = 0; i < n; i++) if (free[i]) s += S[j][i] * d[i];
      alpha[j] = rho[j] * s;
      for (let i = 0; i < n; i++) if (free[i]) d[i] -= alpha[j] * Y[j][i];
    }
    if (k > 0) {
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[k - 1][i] * Y[k - 1][i];
        yy += Y[k - 1][i] * Y[k - 1][i];
      }
      const gamma = yy > 0 ? sy / yy : 1;
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) if (free[i]) s += Y[j][i] * d[i];
      const beta = rho[j] * s;
      for (let i = 0; i < n; i++) if (free[i]) d[i] += (alpha[j] - beta) * S[j][i];
    }
    let dg = 0;
    for (let i = 0; i < n; i++) dg += d[i] * g[i];
    if (!(dg < 0)) {
      // not a descent direction: reset memory, steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
    }
    // limit the step size per variable
    let dmax = 0;
    for (let i = 0; i < n; i++) dmax = Math.max(dmax, Math.abs(d[i]));
    let t = Math.min(1, maxStep / Math.max(dmax, 1e-300));
    if (S.length === 0 && iter === 0) t = Math.min(t, 1 / Math.max(1, Math.sqrt(dot(g, g))));
    // projected backtracking line search
    let accepted = false;
    let fNew = Infinity;
    for (let ls = 0; ls < 25; ls++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        xNew[i] = Math.min(hi[i], Math.max(lo[i], x[i] + t * d[i]));
        decrease += g[i] * (xNew[i] - x[i]);
      }
      fNew = safe(fg(xNew, gNew));
      evaluations++;
      if (fNew <= f + 1e-4 * decrease && Number.isFinite(fNew)) {
        accepted = true;
        break;
      }
      t *= 0.35;
    }
    if (!accepted) {
      if (S.length === 0) break; // steepest descent failed too: we are at a (numerical) minimum
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      continue;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0, ss = 0, yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
      ss += s[i] * s[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-10 * Math.sqrt(ss * yy)) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > mem) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const fOld = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (opts.onIteration?.(iter + 1, f, x)) {
      iter++;
      break;
    }
    history.push(f);
    if (fdec5 > 0 && history.length > 5 && history[history.length - 6] - f < fdec5) {
      converged = true;
      iter++;
      break;
    }
    if ((fOld - f) / Math.max(1, Math.abs(f), Math.abs(fOld)) < ftol) {
      converged = true;
      iter++;
      break;
    }
  }
  return { x, f, iterations: iter, evaluations, converged };
}

function safe(v: number): number {
  return Number.isFinite(v) ? v : Infinity;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
