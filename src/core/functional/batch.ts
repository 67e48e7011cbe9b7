/**
 * Batches (q > 1) of function-valued candidates by local penalisation (González et al., AISTATS 2016), as the scalar
 * `batch_strategy: local-penalization` does (core/bo/batch.ts): after each pick, every other candidate's acquisition is
 * multiplied by Φ((L‖x − x_j‖ − M + u_j)/σ_j) — the probability that it lies outside the ball the pick x_j already
 * covers — with u the objective's utility (sign of the goal), M its best value, σ_j the pick's objective std (from the
 * posterior curve samples) and L a Lipschitz estimate of the utility over the candidates (largest finite-difference
 * slope among sampled pairs, in standardised feature space). The functional models have no joint covariance across
 * candidates, so a kriging believer is not available; without a penalty the best q candidates by acquisition are often
 * near-duplicates of one another.
 */
import type { Matrix } from '../features/types';
import { normCdf } from '../bo/normal';
import { Rng } from '../bo/rng';

export interface ScoredCurve {
  /** Row of the candidate in X. */
  k: number;
  /** Posterior mean and std of the curve objective. */
  mean: number;
  std: number;
  /** Acquisition (MC expected improvement or probability: non-negative). */
  acq: number;
}

/** Per-column 1/std over the given rows (1 for constant columns): distances in units of each feature's spread. */
function scales(X: Matrix, rows: number[]): Float64Array {
  const d = X.cols;
  const s = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    let m = 0;
    for (const i of rows) m += X.data[i * d + c];
    m /= Math.max(1, rows.length);
    let v = 0;
    for (const i of rows) v += (X.data[i * d + c] - m) ** 2;
    const sd = Math.sqrt(v / Math.max(1, rows.length));
    s[c] = sd > 1e-12 ? 1 / sd : 1;
  }
  return s;
}

function dist(X: Matrix, sc: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let c = 0; c < X.cols; c++) s += ((X.data[a * X.cols + c] - X.data[b * X.cols + c]) * sc[c]) ** 2;
  return Math.sqrt(s);
}

/**
 * Picks `q` of `rows` (acquisition order does not matter; `pinned` row indices of `rows` come first, in order):
 * greedy on the penalised acquisition; candidates at (standardised) distance < 1e-6 of a pick are never picked again.
 * Returns indices into `rows`.
 */
export function penalizedBatch(X: Matrix, rows: ScoredCurve[], q: number, o: { direction: 'maximize' | 'minimize'; best?: number; seed: number; pinned?: number[] }): number[] {
  const m = rows.length;
  const want = Math.min(q, m);
  if (want <= 0) return [];
  const sgn = o.direction === 'maximize' ? 1 : -1;
  const sc = scales(X, rows.map((r) => r.k));
  const u = rows.map((r) => sgn * r.mean);
  // a loop, not Math.max(...u): pools can hold more candidates than a call takes arguments
  let M = Number.isFinite(o.best) ? sgn * (o.best as number) : -Infinity;
  for (const v of u) if (v > M) M = v;
  if (!Number.isFinite(M)) M = 0;
  let L = 0;
  const rng = new Rng(o.seed + 3);
  const pairs = Math.min(20000, (m * (m - 1)) / 2);
  for (let s = 0; s < pairs; s++) {
    const a = rng.int(m);
    const b = rng.int(m);
    if (a === b || !Number.isFinite(u[a]) || !Number.isFinite(u[b])) continue;
    const d = dist(X, sc, rows[a].k, rows[b].k);
    if (d > 1e-9) L = Math.max(L, Math.abs(u[a] - u[b]) / d);
  }
  if (!(L > 0)) L = 1;
  const picks: number[] = [];
  const blocked = new Uint8Array(m);
  const logPen = new Float64Array(m);
  const take = (p: number): void => {
    picks.push(p);
    blocked[p] = 1;
    const sd = Math.max(1e-12, rows[p].std);
    for (let f = 0; f < m; f++) {
      if (blocked[f]) continue;
      const r = dist(X, sc, rows[f].k, rows[p].k);
      if (r < 1e-6) blocked[f] = 1;
      else logPen[f] += Math.log(Math.max(1e-300, normCdf((L * r - M + u[p]) / sd)));
    }
  };
  for (const p of o.pinned ?? []) if (picks.length < want && p >= 0 && p < m && !blocked[p]) take(p);
  while (picks.length < want) {
    let best = -1;
    let bestV = -Infinity;
    for (let f = 0; f < m; f++) {
      if (blocked[f]) continue;
      const v = Math.max(0, rows[f].acq) * Math.exp(logPen[f]);
      // ties (e.g. every acquisition 0): the better mean, then the lower index
      if (best < 0 || v > bestV || (v === bestV && u[f] > u[best])) {
        best = f;
        bestV = v;
      }
    }
    if (best < 0) break;
    take(best);
  }
  return picks;
}
