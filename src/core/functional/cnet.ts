/**
 * Conditional network: one MLP ensemble (models/mlp.ts, TensorFlow.js) on f(x, t) — the inputs plus the argument
 * (scaled to [0, 1]) as one more input, one training row per observed (sample, argument) pair, so irregular and
 * partially missing curves need no imputation. Mean and variance at every grid point from the ensemble (members'
 * spread + fitted noise, calibrated on the members' held-out rows); the curve covariance is taken as diagonal.
 */
import type { Matrix } from '../features/types';
import { matrix } from '../features/types';
import { MlpEnsembleModel } from '../models/mlp';
import { notFitted } from '../models/common';
import type { FitOptions, ModelSummary, Prediction, SavedModel } from '../models/types';
import { diagonalCurveCovariance, type FunctionalModel } from './common';

export interface ConditionalOptions {
  grid: ArrayLike<number>;
  seed?: number;
  calibrate?: boolean;
  members?: number;
  hidden?: number[];
  epochs?: number;
  learning_rate?: number;
}

export class ConditionalMlpModel implements FunctionalModel {
  readonly type = 'conditional-mlp';
  private mlp: MlpEnsembleModel | null = null;
  private readonly tg: Float64Array;
  constructor(private readonly opts: ConditionalOptions) {
    const g = Float64Array.from(opts.grid);
    const t0 = g[0];
    const span = g[g.length - 1] - t0 || 1;
    this.tg = g.map((t) => (t - t0) / span);
  }

  private stack(X: Matrix, keep?: (i: number, g: number) => boolean): { Xa: Matrix; idx: number[] } {
    const G = this.tg.length;
    const d = X.cols;
    const idx: number[] = [];
    for (let i = 0; i < X.rows; i++) for (let g = 0; g < G; g++) if (!keep || keep(i, g)) idx.push(i * G + g);
    const Xa = matrix(idx.length, d + 1);
    idx.forEach((k, r) => {
      const i = Math.floor(k / G);
      Xa.data.set(X.data.subarray(i * d, (i + 1) * d), r * (d + 1));
      Xa.data[r * (d + 1) + d] = this.tg[k % G];
    });
    return { Xa, idx };
  }

  async fit(X: Matrix, Y: Matrix, fo: FitOptions): Promise<void> {
    const { Xa, idx } = this.stack(X, (i, g) => Number.isFinite(Y.data[i * Y.cols + g]));
    const y = matrix(idx.length, 1, Float64Array.from(idx, (k) => Y.data[k]));
    this.mlp = new MlpEnsembleModel({
      seed: this.opts.seed, calibrate: this.opts.calibrate, members: this.opts.members ?? 5,
      hidden: this.opts.hidden ?? [64, 64], epochs: this.opts.epochs ?? 300, learning_rate: this.opts.learning_rate,
    });
    await this.mlp.fit(Xa, y, fo);
  }

  predict(X: Matrix): Prediction {
    if (!this.mlp) throw notFitted(this.type);
    const G = this.tg.length;
    const { Xa } = this.stack(X);
    const p = this.mlp.predict(Xa);
    return { mean: p.mean, variance: p.variance, latentVariance: p.latentVariance, rows: X.rows, outputs: G };
  }

  curveCovariance(X: Matrix): Float64Array[] {
    return diagonalCurveCovariance(this.predict(X));
  }

  summary(): ModelSummary {
    const s = this.mlp?.summary();
    return { type: this.type, hyperparameters: s?.hyperparameters ?? {}, objective: s?.objective };
  }

  save(): SavedModel {
    return { type: this.type, version: 1, state: { grid: Array.from(this.opts.grid), mlp: this.mlp?.save() } };
  }
}
