/**
 * Basis + GP: the standardised curves (mean curve removed, per-point std) are expanded in their principal components
 * (eigenvectors of the G x G covariance, enough to explain `explained` of the variance, at most `maxComponents`), a GP
 * (models/gp.ts, its own hyperparameters and leave-one-out calibration) is fitted to each coefficient, and the
 * prediction is propagated back: mean Σ_k μ_k φ_k(t), covariance Σ_k σ_k² φ_k φ_kᵀ plus the truncation residual
 * variance per grid point (mean squared reconstruction error of the training curves, observed entries only). Missing
 * grid values are imputed iteratively from the rank-K reconstruction before the coefficients are fitted.
 */
import type { Matrix } from '../features/types';
import { matrix } from '../features/types';
import { GpModel } from '../models/gp';
import type { KernelName } from '../models/kernels';
import { notFitted } from '../models/common';
import type { FitOptions, ModelSummary, Prediction, SavedModel } from '../models/types';
import { symEig } from './eig';
import { columnStats, type FunctionalModel } from './common';

export interface BasisOptions {
  kernel?: KernelName;
  ard?: boolean;
  seed?: number;
  calibrate?: boolean;
  /** Fraction of variance the kept components explain (default 0.99). */
  explained?: number;
  maxComponents?: number;
}

export class BasisGpModel implements FunctionalModel {
  readonly type = 'basis-gp';
  private gp: GpModel | null = null;
  private ym: Float64Array = new Float64Array(0);
  private ysd: Float64Array = new Float64Array(0);
  /** G x K row-major. */
  private Phi = new Float64Array(0);
  private K = 0;
  private G = 0;
  private resid = new Float64Array(0);
  private explainedShare = 0;
  constructor(private readonly opts: BasisOptions = {}) {}

  async fit(X: Matrix, Y: Matrix, fo: FitOptions): Promise<void> {
    const n = Y.rows;
    const G = Y.cols;
    this.G = G;
    const { mean, std } = columnStats(Y);
    this.ym = mean;
    this.ysd = std;
    const Ys = new Float64Array(n * G);
    const obs = new Uint8Array(n * G);
    for (let i = 0; i < n * G; i++) {
      const t = i % G;
      const v = Y.data[i];
      if (Number.isFinite(v)) {
        Ys[i] = (v - mean[t]) / std[t];
        obs[i] = 1;
      }
    }
    const missing = obs.some((o) => o === 0);
    const maxK = Math.max(1, Math.min(this.opts.maxComponents ?? 10, G, n - 1));
    let Phi = new Float64Array(0);
    let K = 1;
    for (let round = 0; round < (missing ? 5 : 1); round++) {
      const C = new Float64Array(G * G);
      for (let i = 0; i < n; i++) for (let a = 0; a < G; a++) {
        const va = Ys[i * G + a];
        if (va === 0) continue;
        for (let b = 0; b < G; b++) C[a * G + b] += va * Ys[i * G + b];
      }
      const e = symEig(C, G);
      let total = 0;
      for (let k = 0; k < G; k++) total += Math.max(e.values[k], 0);
      K = 0;
      let acc = 0;
      const target = this.opts.explained ?? 0.99;
      while (K < maxK && acc < target * total) {
        acc += Math.max(e.values[G - 1 - K], 0);
        K++;
      }
      K = Math.max(1, K);
      this.explainedShare = total > 0 ? acc / total : 1;
      Phi = new Float64Array(G * K);
      for (let t = 0; t < G; t++) for (let k = 0; k < K; k++) Phi[t * K + k] = e.vectors[t * G + (G - 1 - k)];
      if (!missing) break;
      // re-impute missing entries from the rank-K reconstruction fitted on the observed entries
      for (let i = 0; i < n; i++) {
        const c = new Float64Array(K);
        for (let k = 0; k < K; k++) for (let t = 0; t < G; t++) c[k] += Ys[i * G + t] * Phi[t * K + k];
        for (let t = 0; t < G; t++) {
          if (obs[i * G + t]) continue;
          let v = 0;
          for (let k = 0; k < K; k++) v += c[k] * Phi[t * K + k];
          Ys[i * G + t] = v;
        }
      }
    }
    this.Phi = Phi;
    this.K = K;
    const Cf = matrix(n, K);
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) {
      let s = 0;
      for (let t = 0; t < G; t++) s += Ys[i * G + t] * Phi[t * K + k];
      Cf.data[i * K + k] = s;
    }
    // truncation residual per grid point (observed entries), in standardised units
    this.resid = new Float64Array(G);
    const cnt = new Float64Array(G);
    for (let i = 0; i < n; i++) for (let t = 0; t < G; t++) {
      if (!obs[i * G + t]) continue;
      let v = 0;
      for (let k = 0; k < K; k++) v += Cf.data[i * K + k] * Phi[t * K + k];
      this.resid[t] += (Ys[i * G + t] - v) ** 2;
      cnt[t]++;
    }
    const dof = Math.max(1, n - K) / Math.max(1, n);
    for (let t = 0; t < G; t++) this.resid[t] = cnt[t] ? this.resid[t] / cnt[t] / dof : 0;
    this.gp = new GpModel({ kernel: this.opts.kernel, ard: this.opts.ard, seed: this.opts.seed, calibrate: this.opts.calibrate, restarts: 2 });
    await this.gp.fit(X, Cf, fo);
  }

  predict(X: Matrix): Prediction {
    if (!this.gp) throw notFitted(this.type);
    const p = this.gp.predict(X);
    const { K, G, Phi } = this;
    const m = X.rows;
    const mean = new Float64Array(m * G);
    const variance = new Float64Array(m * G);
    const latentVariance = new Float64Array(m * G);
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < G; t++) {
        let mu = 0;
        let v = 0;
        let lv = 0;
        for (let k = 0; k < K; k++) {
          const ph = Phi[t * K + k];
          mu += p.mean[i * K + k] * ph;
          v += p.variance[i * K + k] * ph * ph;
          lv += p.latentVariance[i * K + k] * ph * ph;
        }
        const s2 = this.ysd[t] ** 2;
        mean[i * G + t] = this.ym[t] + this.ysd[t] * mu;
        variance[i * G + t] = (v + this.resid[t]) * s2;
        latentVariance[i * G + t] = (lv + this.resid[t]) * s2;
      }
    }
    return { mean, variance, latentVariance, rows: m, outputs: G };
  }

  curveCovariance(X: Matrix): Float64Array[] {
    if (!this.gp) throw notFitted(this.type);
    const p = this.gp.predict(X);
    const { K, G, Phi } = this;
    const out: Float64Array[] = [];
    for (let i = 0; i < X.rows; i++) {
      const C = new Float64Array(G * G);
      for (let t = 0; t < G; t++) for (let s = 0; s <= t; s++) {
        let v = 0;
        for (let k = 0; k < K; k++) v += Phi[t * K + k] * p.latentVariance[i * K + k] * Phi[s * K + k];
        if (s === t) v += this.resid[t];
        v *= this.ysd[t] * this.ysd[s];
        C[t * G + s] = v;
        C[s * G + t] = v;
      }
      out.push(C);
    }
    return out;
  }

  summary(): ModelSummary {
    const s = this.gp?.summary();
    return {
      type: this.type,
      hyperparameters: { components: this.K, explained_variance: this.explainedShare, ...(s?.hyperparameters ?? {}) },
      featureRelevance: s?.featureRelevance,
      objective: s?.objective,
    };
  }

  save(): SavedModel {
    return {
      type: this.type, version: 1,
      state: { gp: this.gp?.save(), ym: Array.from(this.ym), ysd: Array.from(this.ysd), Phi: Array.from(this.Phi), K: this.K, G: this.G, resid: Array.from(this.resid) },
    };
  }
}
