/**
 * Pointwise baseline: an independent GP (models/gp.ts, hyperparameters and calibration per output) at every grid
 * point. Shares no strength across the argument; reported beside every functional model. Its curve covariance is
 * diagonal (points independent).
 */
import type { Matrix } from '../features/types';
import { GpModel } from '../models/gp';
import type { KernelName } from '../models/kernels';
import type { FitOptions, ModelSummary, Prediction, SavedModel } from '../models/types';
import { diagonalCurveCovariance, type FunctionalModel } from './common';

export class PointwiseGpModel implements FunctionalModel {
  readonly type = 'pointwise-gp';
  private readonly gp: GpModel;
  constructor(opts: { kernel?: KernelName; ard?: boolean; seed?: number; calibrate?: boolean; restarts?: number }) {
    this.gp = new GpModel({ kernel: opts.kernel, ard: opts.ard, seed: opts.seed, calibrate: opts.calibrate, restarts: opts.restarts ?? 1 });
  }
  fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    return this.gp.fit(X, Y, opts);
  }
  predict(X: Matrix): Prediction {
    return this.gp.predict(X);
  }
  curveCovariance(X: Matrix): Float64Array[] {
    return diagonalCurveCovariance(this.gp.predict(X));
  }
  summary(): ModelSummary {
    return { ...this.gp.summary(), type: this.type };
  }
  save(): SavedModel {
    return { type: this.type, version: 1, state: this.gp.save() };
  }
}
