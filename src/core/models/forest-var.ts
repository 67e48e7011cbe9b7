/**
 * Shared pieces of the tree ensembles (`rf`, `gbm`): bootstrap counts (by row or by group), the bias-corrected
 * infinitesimal-jackknife variance of a bagged prediction, and the out-of-bag noise + calibration step.
 *
 * Infinitesimal jackknife (Wager, Hastie & Efron, JMLR 15 (2014), eq. 5 and 7): with N_bi the number of times row i
 * is in bootstrap sample b and t_b(x) tree b's prediction,
 *
 *   V_IJ(x)   = Σ_i Cov_b(N_bi, t_b(x))²,     Cov_b(N_bi, t_b) = (1/B) Σ_b N_bi (t_b − t̄)   (Σ_b (t_b − t̄) = 0)
 *   V_IJ-U(x) = V_IJ(x) − (n / B²) Σ_b (t_b(x) − t̄(x))²                                (Monte-Carlo bias correction)
 *
 * clamped at 0. Cost per point O(nnz(N)) ≈ 0.63·n·B; above a budget Σ_i C_i² is estimated by a seeded
 * Johnson–Lindenstrauss projection of the n-vector C (k rows, E‖RC‖² = ‖C‖²).
 */
import { Rng } from '../linalg/random';
import { calibrationScale } from './calibrate';
import { groupRows } from './cv';

/** Bootstrap counts for n rows: rows drawn with replacement, or whole groups drawn with replacement when `groups` is given. */
export function bootstrapCounts(n: number, rng: Rng, groups?: ArrayLike<number>): Uint8Array {
  const c = new Uint8Array(n);
  if (!groups) {
    for (let k = 0; k < n; k++) {
      const i = rng.int(n);
      if (c[i] < 255) c[i]++;
    }
    return c;
  }
  const lists = groupRows(groups, n);
  for (let k = 0; k < lists.length; k++) {
    for (const i of lists[rng.int(lists.length)]) if (c[i] < 255) c[i]++;
  }
  return c;
}

/** Sparse in-bag lists per bootstrap sample (rows with N_bi > 0 and their counts). */
export interface InBag {
  n: number;
  rows: Int32Array[];
  counts: Uint8Array[];
}

export function inBagOf(counts: Uint8Array[], n: number): InBag {
  const rows: Int32Array[] = [];
  const cs: Uint8Array[] = [];
  for (const c of counts) {
    const r: number[] = [];
    for (let i = 0; i < n; i++) if (c[i] > 0) r.push(i);
    rows.push(Int32Array.from(r));
    cs.push(Uint8Array.from(r, (i) => c[i]));
  }
  return { n, rows, counts: cs };
}

/** Work budget (multiply-adds) above which `ijVariances` switches from the exact sum to the JL estimate. */
export const IJ_EXACT_BUDGET = 4e8;

/**
 * Bias-corrected IJ variance for m points; `P` holds the tree predictions, P[b * m + p]. Exact when
 * m · nnz ≤ budget, else JL-projected with k = clamp(budget / (m·B), 16, 256) (seeded: deterministic).
 */
export function ijVariances(P: Float64Array, m: number, bag: InBag, out: Float64Array, budget = IJ_EXACT_BUDGET, seed = 7): void {
  const B = bag.rows.length;
  const n = bag.n;
  let nnz = 0;
  for (const r of bag.rows) nnz += r.length;
  const tc = new Float64Array(B);
  const exact = m * nnz <= budget;
  let G: Float64Array | null = null;
  let k = 0;
  if (!exact) {
    k = Math.max(16, Math.min(256, Math.floor(budget / Math.max(1, m * B))));
    const rng = new Rng(seed);
    const R = new Float64Array(k * n);
    for (let a = 0; a < k * n; a++) R[a] = rng.normal() / Math.sqrt(k);
    G = new Float64Array(k * B); // G[r, b] = Σ_i R[r, i] N_bi
    for (let b = 0; b < B; b++) {
      const rows = bag.rows[b];
      const cnt = bag.counts[b];
      for (let r = 0; r < k; r++) {
        let s = 0;
        const o = r * n;
        for (let q = 0; q < rows.length; q++) s += R[o + rows[q]] * cnt[q];
        G[r * B + b] = s;
      }
    }
  }
  const C = new Float64Array(exact ? n : 0);
  for (let p = 0; p < m; p++) {
    let mean = 0;
    for (let b = 0; b < B; b++) mean += P[b * m + p];
    mean /= B;
    let ss = 0;
    for (let b = 0; b < B; b++) {
      tc[b] = P[b * m + p] - mean;
      ss += tc[b] * tc[b];
    }
    let v = 0;
    if (exact) {
      C.fill(0);
      for (let b = 0; b < B; b++) {
        const t = tc[b];
        if (t === 0) continue;
        const rows = bag.rows[b];
        const cnt = bag.counts[b];
        for (let q = 0; q < rows.length; q++) C[rows[q]] += cnt[q] * t;
      }
      for (let i = 0; i < n; i++) v += C[i] * C[i];
      v /= B * B;
    } else {
      for (let r = 0; r < k; r++) {
        let s = 0;
        const o = r * B;
        for (let b = 0; b < B; b++) s += G![o + b] * tc[b];
        v += s * s;
      }
      v /= B * B;
    }
    out[p] = Math.max(0, v - (n / (B * B)) * ss);
  }
}

/**
 * Observation noise and calibration from out-of-bag residuals (standardised units): r_i = y_i − oob_i on rows with an
 * OOB prediction, σn² = max(mean r² − mean latent, 0.05·mean r²) (the part of the OOB error the latent variance does
 * not explain — noise and bias), and s = calibrationScale(r_i / √(latent_i + σn²)) when `calibrate`.
 */
export function oobNoiseAndScale(y: ArrayLike<number>, oob: ArrayLike<number>, latent: ArrayLike<number>, calibrate: boolean): { sn2: number; cal: number } {
  let mse = 0;
  let lat = 0;
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(oob[i]) || !Number.isFinite(latent[i])) continue;
    mse += (y[i] - oob[i]) ** 2;
    lat += latent[i];
    c++;
  }
  if (!c) return { sn2: 1e-6, cal: 1 };
  mse /= c;
  lat /= c;
  const sn2 = Math.max(mse - lat, 0.05 * mse, 1e-8);
  if (!calibrate) return { sn2, cal: 1 };
  const z: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(oob[i]) || !Number.isFinite(latent[i])) continue;
    z.push((y[i] - oob[i]) / Math.sqrt(latent[i] + sn2));
  }
  return { sn2, cal: calibrationScale(z) };
}

/** Evenly spaced subset of 0..n−1 of size ≤ max (all rows when n ≤ max). */
export function evenRows(n: number, max: number): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from({ length: max }, (_, k) => Math.floor((k * n) / max));
}
