/** Row-major dense matrix used throughout the engine. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** The result of featurising a table with a spec: X (inputs) and Y (targets), with names and provenance. */
export interface FeatureSet {
  X: Matrix;
  featureNames: string[];
  /** n x T targets (NaN where a target is missing). */
  Y: Matrix;
  targetNames: string[];
  /** Record ids (the spec's id column, or the 1-based data row number as a string). */
  ids: string[];
  /** 1-based line number in the source file of each record. */
  rowNumbers: number[];
  /** Rows dropped with on_invalid: skip, each with why. */
  dropped: { row: number; column: string; message: string }[];
}

/** What was fitted on training data and must be re-applied to new rows (CV folds, candidate pools). */
export interface FittedTransform {
  featureNames: string[];
  mean: number[];
  std: number[];
  /** Indices of columns kept after dropping constant ones. */
  kept: number[];
}
