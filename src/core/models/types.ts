import type { Matrix } from '../features/types';

/** Posterior prediction for n rows and T outputs (row-major n x T), in the original target units. */
export interface Prediction {
  mean: Float64Array;
  /** Predictive variance of an observation (latent variance + noise). */
  variance: Float64Array;
  /** Variance of the latent function (no observation noise); used by acquisition functions. */
  latentVariance: Float64Array;
  rows: number;
  outputs: number;
}

export interface FitProgress {
  phase: string;
  /** Optimiser iteration or training epoch. */
  iteration: number;
  /** Loss or negative log marginal likelihood at this step. */
  value: number;
  /** 0..1 when known. */
  fraction?: number;
  /** What is happening, in words (e.g. "optimiser start 2 of 3 on 200 rows: iteration 40, −log likelihood 89.7"). */
  message?: string;
}

export interface FitOptions {
  seed: number;
  onProgress?: (p: FitProgress) => void;
  /** Cooperative cancellation: checked between iterations/epochs. */
  signal?: AbortSignal;
  /**
   * Optional group id per row (same composition / molecule / `evaluation.cv.group` value): models that split or
   * resample rows internally (inner CV of `auto`, bootstrap of `rf`/`gbm`) keep a group together.
   */
  groups?: ArrayLike<number>;
}

export interface ModelSummary {
  type: string;
  /** Learned hyperparameters, e.g. lengthscales, signal variance, noise. */
  hyperparameters: Record<string, number | number[]>;
  /** Relevance per input feature (e.g. 1/lengthscale for ARD), same order as the features. */
  featureRelevance?: number[];
  /** Negative log marginal likelihood or final loss. */
  objective?: number;
  /** `auto` only: the model type it picked (also `type`). */
  chosen?: string;
  /** `auto` only: every candidate tried, with its inner-CV score (RMSE in standardised units, lower is better). */
  candidates?: AutoCandidate[];
}

/** One candidate of `auto` (manifest `model.candidates`). */
export interface AutoCandidate {
  type: string;
  /** Inner-CV RMSE averaged over targets, in units of each target's standard deviation (lower is better). */
  score: number;
  /** Inner-CV MAE of the first target, in its units. */
  mae?: number;
  /** Inner-CV coverage of the 90% interval (first target; before the final model's calibration). */
  coverage90?: number;
  /** Seconds spent on this candidate's inner CV. */
  seconds?: number;
  /** Stacked ensemble: its members and non-negative weights (sum 1). */
  members?: string[];
  weights?: number[];
  /** True for the candidate that was refitted on all rows. */
  chosen?: boolean;
}

/** A saved model: JSON-serialisable state plus a type tag; `loadModel` in models/index.ts restores it. */
export interface SavedModel {
  type: string;
  version: 1;
  state: unknown;
}

/**
 * One contract for every model. Inputs/outputs are standardised inside the model.
 * Y is n x T (several targets, or a discretised function); NaN entries in Y are ignored where the model supports it.
 */
export interface Model {
  readonly type: string;
  fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void>;
  predict(X: Matrix): Prediction;
  summary(): ModelSummary;
  save(): SavedModel;
  /** Joint posterior samples for Thompson sampling (optional): returns `count` samples of length X.rows per output 0. */
  sample?(X: Matrix, count: number, seed: number): Float64Array[];
  /**
   * Optional: a NEW model conditioned on extra rows (X: m x d, Y: m x T in original units, NaN = missing) with the
   * same hyperparameters, input/output standardisation and calibration scale (exact posterior update, no refit).
   * The receiver is left unchanged. Used for kriging-believer fantasies and cheap updates between refits.
   */
  conditionOn?(X: Matrix, Y: Matrix): Model;
}
