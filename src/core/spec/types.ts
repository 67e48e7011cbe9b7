/**
 * Typed model of an experiment spec (`*.mi.yaml`), version 1.
 * Mirrors schemas/mi-spec.schema.json; the validator produces a `Spec` only when there are no errors.
 * Optional sections (`optimize`, `transfer`, functional targets) are designed to slot in without breaking v1 files.
 */
export type Goal = 'maximize' | 'minimize' | 'predict' | { target: number };
export type InputKind = 'composition' | 'smiles' | 'numeric' | 'categorical';
export type CompositionDescriptor = 'xenonpy' | 'magpie' | 'fractions';
export type SmilesDescriptor = 'morgan' | 'rdkit2d';

export interface InputSpec {
  /** One column (`column`) or several (`columns`); exactly one of the two is set. */
  column?: string;
  columns?: string[];
  kind: InputKind;
  descriptors?: (CompositionDescriptor | SmilesDescriptor)[];
  /** Composition given as element-fraction columns: fractions by atoms or by weight. */
  basis?: 'atomic' | 'weight';
  /** Morgan fingerprint options (smiles). */
  radius?: number;
  bits?: number;
}

export interface TargetSpec {
  column: string;
  goal: Goal;
  unit?: string;
  /** Outcome constraint for BO: feasible when min <= y <= max. */
  constraint?: { min?: number; max?: number };
  /** `function`: a function-valued target (a curve over `argument`); see src/core/functional. Default scalar. */
  kind?: 'scalar' | 'function';
  /** function, wide layout: a glob over column names (e.g. "xrd_*"); the argument is parsed from each header. */
  columns?: string;
  /** function, long layout: one row per (sample, argument). */
  long?: { id: string; argument: string; value: string };
  /** function, one file per row: the column naming a two-column (argument, value) file relative to the dataset. */
  file?: string;
  argument?: { name?: string; unit?: string };
  /** Optional resampling grid; grid points more than `margin` beyond a curve's measured range stay missing. */
  grid?: { from: number; to: number; points: number; margin?: number };
  /** Name of a function target (default: the long value column, the file column or the glob's stem). */
  name?: string;
  /** function target with a functional goal: what is optimised on the predicted curve (goal is then maximize/minimize). */
  objective?: FunctionalObjective;
}

/** A functional BO objective on a predicted curve (see src/core/functional/objectives.ts). */
export interface FunctionalObjective {
  kind: 'value' | 'max' | 'min' | 'argmax' | 'integral' | 'above';
  direction: 'maximize' | 'minimize';
  at?: number;
  over?: [number, number];
  threshold?: number;
}

export interface DatasetSpec {
  path: string;
  id?: string;
  on_invalid: 'error' | 'skip';
  inputs: InputSpec[];
  targets: TargetSpec[];
}

export type ModelType = 'gp' | 'rf-gp' | 'mlp-ensemble' | 'ridge' | 'rf' | 'gbm' | 'auto' | 'kronecker-gp' | 'basis-gp' | 'pointwise-gp' | 'conditional-mlp';
export type KernelType = 'rbf' | 'matern32' | 'matern52' | 'tanimoto';

export interface ModelSpec {
  type: ModelType;
  kernel?: KernelType;
  ard?: boolean;
  /** Scale predictive std so leave-one-out 90% intervals on the training rows cover 90% (default true). */
  calibrate?: boolean;
  /** GP: optimiser restarts. */
  restarts?: number;
  /** rf-gp: number of random features. */
  features?: number;
  /** mlp-ensemble options. */
  members?: number;
  hidden?: number[];
  epochs?: number;
  learning_rate?: number;
  /** rf / gbm (tree ensembles): trees per forest / maximum boosting stages per member. */
  trees?: number;
  max_depth?: number;
  min_samples_leaf?: number;
  /** Features tried per split: fraction in (0, 1], a count > 1, or sqrt | log2 | third | all. */
  max_features?: number | 'sqrt' | 'log2' | 'third' | 'all';
  /** gbm: fraction of rows per boosting stage. */
  subsample?: number;
}

/** `cv: none` skips cross-validation (no out-of-fold metrics); see `cvSettings` in src/core/spec/cv.ts. */
export interface EvaluationSpec {
  cv:
    | {
        folds: number;
        repeats: number;
        /** Grouped CV: a dataset column whose equal values share a fold. */
        group?: string;
        /** `composition`: same composition / molecule share a fold (default when they repeat); `row`: plain k-fold. */
        by?: 'composition' | 'row';
      }
    | 'none';
}

export interface SpaceSpec {
  /** Continuous numeric bounds per input column. */
  bounds?: Record<string, [number, number]>;
  /** Composition simplex over element columns. */
  composition?: { elements: string[]; sum: number; bounds?: Record<string, [number, number]>; step?: number };
  /** Linear constraints such as "Ni + Fe <= 0.8". */
  constraints?: string[];
}

export interface OptimizeSpec {
  acquisition: 'ei' | 'logei' | 'pi' | 'ucb' | 'ts';
  batch: number;
  /** UCB exploration weight. */
  beta?: number;
  batch_strategy?: 'kriging-believer' | 'local-penalization';
  candidates?: { path: string; id?: string };
  space?: SpaceSpec;
  /** Candidate ids always suggested / never suggested. */
  pin?: string[];
  exclude?: string[];
}

export type TransferStrategy = 'auto' | 'prediction' | 'features' | 'finetune' | 'none';

/** Transfer learning from a library of pretrained source models (issue 16; src/core/transfer/). */
export interface TransferSpec {
  /** Library folder (relative to the spec) or `bundled` (the library shipped with MI Studio). Default `bundled`. */
  library?: string;
  /** `all` or a list of source names in the library. Default `all`. */
  sources?: 'all' | string[];
  /** Default `auto`: every strategy and the no-transfer baseline, picked by nested inner CV. */
  strategy?: TransferStrategy;
}

export interface Spec {
  version: 1;
  name: string;
  /** Free text shown in reports. */
  description?: string;
  seed: number;
  dataset: DatasetSpec;
  model: ModelSpec;
  evaluation: EvaluationSpec;
  optimize?: OptimizeSpec;
  transfer?: TransferSpec;
  output: { dir: string };
}

/** Defaults applied by the validator when a key is absent. */
export const SPEC_DEFAULTS = {
  seed: 0,
  on_invalid: 'error' as const,
  model: { type: 'gp' as ModelType, kernel: 'matern52' as KernelType },
  evaluation: { cv: { folds: 5, repeats: 1 } },
  output: { dir: 'runs' },
  optimize: { acquisition: 'ei' as const, batch: 1 },
};

/** Columns an input refers to, in order. */
export function inputColumns(i: InputSpec): string[] {
  return i.columns ?? (i.column !== undefined ? [i.column] : []);
}
