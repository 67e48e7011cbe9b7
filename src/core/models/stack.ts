/**
 * Stacked ensemble used by `auto`: a mixture of fitted models with non-negative weights summing to 1, chosen on
 * out-of-fold predictions (`simplexWeights`). Prediction: mean = Σ w_k μ_k; variance = mixture variance
 * Σ w_k (σ_k² + μ_k²) − mean² (the same for the latent variance), times the calibration scale² fitted by `auto` on
 * the out-of-fold mixture (training rows only).
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { Rng } from '../linalg/random';
import { emptyPrediction, marginalSamples } from './common';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

export class StackModel implements Model {
  readonly type = 'stack';
  constructor(
    readonly members: Model[],
    readonly weights: number[],
    /** Calibration scale per output (std multiplier). */
    readonly cal: number[],
  ) {}

  fit(_X: Matrix, _Y: Matrix, _opts: FitOptions): Promise<void> {
    return Promise.reject(new Error('stack model: members are fitted by auto'));
  }

  predict(X: Matrix): Prediction {
    const ps = this.members.map((m) => m.predict(X));
    const T = ps[0].outputs;
    const out = emptyPrediction(X.rows, T);
    for (let i = 0; i < X.rows * T; i++) {
      let mu = 0, s2 = 0, l2 = 0;
      ps.forEach((p, k) => {
        const w = this.weights[k];
        mu += w * p.mean[i];
        s2 += w * (p.variance[i] + p.mean[i] * p.mean[i]);
        l2 += w * (p.latentVariance[i] + p.mean[i] * p.mean[i]);
      });
      const c = this.cal[i % T] ** 2;
      out.mean[i] = mu;
      out.variance[i] = Math.max(s2 - mu * mu, 0) * c;
      out.latentVariance[i] = Math.max(l2 - mu * mu, 0) * c;
    }
    return out;
  }

  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    return marginalSamples(this.predict(X), count, seed, new Rng(seed));
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = { stack_weights: this.weights.slice(), calibration_scale: this.cal[0] };
    let rel: number[] | undefined;
    this.members.forEach((m, k) => {
      const s = m.summary();
      for (const [key, v] of Object.entries(s.hyperparameters)) hp[`${m.type}.${key}`] = v;
      if (s.featureRelevance) {
        rel ??= new Array<number>(s.featureRelevance.length).fill(0);
        for (let j = 0; j < rel.length; j++) rel[j] += this.weights[k] * (s.featureRelevance[j] ?? 0);
      }
    });
    return { type: 'stack', hyperparameters: hp, ...(rel ? { featureRelevance: rel } : {}) };
  }

  save(): SavedModel {
    return { type: 'stack', version: 1, state: { weights: this.weights, cal: this.cal, members: this.members.map((m) => m.save()) } };
  }

  static load(saved: SavedModel, load: (s: SavedModel) => Model): StackModel {
    const st = saved.state as { weights: number[]; cal: number[]; members: SavedModel[] };
    if (!st || !Array.isArray(st.members) || !st.members.length || !Array.isArray(st.weights) || st.weights.length !== st.members.length) {
      throw new MiError('saved stack model: invalid state', { code: 'bad-saved-model' });
    }
    if (st.members.some((m) => m?.type === 'stack' || m?.type === 'auto')) throw new MiError('saved stack model: nested ensembles', { code: 'bad-saved-model' });
    return new StackModel(st.members.map(load), st.weights.map(Number), (st.cal ?? [1]).map(Number));
  }
}

/**
 * Non-negative weights summing to 1 minimising ‖y − Σ w_k p_k‖² over rows with finite y (K ≤ 4): every support
 * subset is solved with the sum-to-one constraint (KKT system) and the best feasible one kept.
 */
export function simplexWeights(preds: Float64Array[], y: ArrayLike<number>): number[] {
  const K = preds.length;
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]) && preds.every((p) => Number.isFinite(p[i]))) rows.push(i);
  let best: number[] = Array.from({ length: K }, (_, k) => (k === 0 ? 1 : 0));
  let bestLoss = Infinity;
  const loss = (w: number[]): number => {
    let s = 0;
    for (const i of rows) {
      let f = 0;
      for (let k = 0; k < K; k++) f += w[k] * preds[k][i];
      s += (y[i] - f) ** 2;
    }
    return s;
  };
  for (let mask = 1; mask < 1 << K; mask++) {
    const S = [...Array(K).keys()].filter((k) => mask & (1 << k));
    const m = S.length;
    // [G 1; 1ᵀ 0] [w; λ] = [b; 1], G = PᵀP, b = Pᵀy (small: Gaussian elimination with partial pivoting)
    const A: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(m + 2).fill(0));
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        let g = 0;
        for (const i of rows) g += preds[S[a]][i] * preds[S[b]][i];
        A[a][b] = g;
      }
      let r = 0;
      for (const i of rows) r += preds[S[a]][i] * y[i];
      A[a][m] = 1;
      A[a][m + 1] = r;
      A[m][a] = 1;
    }
    A[m][m + 1] = 1;
    const x = solve(A, m + 1);
    if (!x) continue;
    const w = new Array<number>(K).fill(0);
    let ok = true;
    S.forEach((k, a) => {
      if (!(x[a] >= -1e-12)) ok = false;
      w[k] = Math.max(0, x[a]);
    });
    if (!ok) continue;
    const sum = w.reduce((p, q) => p + q, 0);
    if (!(sum > 0)) continue;
    for (let k = 0; k < K; k++) w[k] /= sum;
    const l = loss(w);
    if (!Number.isFinite(bestLoss) ? Number.isFinite(l) : l < bestLoss - 1e-12 * bestLoss) {
      bestLoss = l;
      best = w;
    }
  }
  return best;
}

function solve(A: number[][], n: number): number[] | null {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    if (Math.abs(A[p][c]) < 1e-14) return null;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      if (f === 0) continue;
      for (let k = c; k <= n; k++) A[r][k] -= f * A[c][k];
    }
  }
  return Array.from({ length: n }, (_, r) => A[r][n] / A[r][r]);
}
