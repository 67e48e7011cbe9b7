/**
 * The run record: `run.mirun.json`. Every view (run editor, report) and later feature reads this.
 * Field names are a contract; extend, never rename.
 */
import type { AutoCandidate } from '../models/types';
import type { TransferManifest } from '../transfer';
import type { PretrainInfo } from '../transfer/pretrain';

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface TargetMetrics {
  mae: number;
  rmse: number;
  r2: number;
  spearman: number;
  nlpd: number;
  coverage90: number;
}

export interface CurvePoint { phase: string; iteration: number; value: number }

export interface RunManifest {
  format: 'mi-studio-run';
  formatVersion: 1;
  runId: string;
  name: string;
  status: RunStatus;
  error?: {
    message: string;
    file?: string;
    line?: number;
    column?: number | string;
    hint?: string;
    /** Stable code of the MiError / diagnostic, when known. */
    code?: string;
    /** All spec diagnostics (formatted `path:line:col: error: message (hint) [code]`) when the spec did not validate. */
    diagnostics?: string[];
  };
  /** What started the run: `run` (train, optionally optimise), `suggest` (train + optimise), `simulate`. */
  command?: 'run' | 'suggest' | 'simulate' | 'pretrain';
  /** Latest progress while running (phase, 0..1 fraction, message); kept in the final manifest for reference. */
  progress?: { phase: string; fraction?: number; message: string };
  /** The process writing the run (while `running`): lets a later run recognise a stale `.tmp-` folder. */
  process?: { pid: number; host: string };
  createdAt: string;
  finishedAt?: string;
  spec: { path: string; sha256: string; content: unknown };
  /** rows = rows used for training; dropped = rows skipped with on_invalid: skip (listed in dropped_rows.csv). */
  dataset: {
    path: string;
    sha256: string;
    rows: number;
    dropped: number;
    /** The first (up to 200) skipped rows: 1-based file line, column, why. All of them are in dropped_rows.csv. */
    droppedRows?: { row: number; column: string; message: string }[];
  };
  packageVersion: string;
  seed: number;
  backend: string;
  /** Wall-clock seconds per phase (spec, data, features, cv, fit, optimize, write) and `total`. */
  timings: Record<string, number>;
  /** `metrics.cv` is empty when cross-validation was skipped. */
  metrics: { cv: Record<string, TargetMetrics> };
  /** How the run was evaluated: the effective k-fold settings, or `none` (skipped; `reason`: `evaluation.cv: none` or `--no-cv`). */
  evaluation?: { cv: { folds: number; repeats: number } | 'none'; reason?: string };
  model: {
    type: string;
    hyperparameters: Record<string, number | number[]>;
    featureRelevance?: { feature: string; relevance: number }[];
    /** Negative log marginal likelihood or final loss of the final fit. */
    objective?: number;
    /** `auto`: the model it refitted on all rows (a type, or `stack`). */
    chosen?: string;
    /** `auto`: every candidate with its inner-CV score (see AutoCandidate in models/types.ts). */
    candidates?: AutoCandidate[];
    /** Grouped cross-validation: how rows were grouped (`composition` or `column <name>`) and how many groups. */
    cvGroups?: { by: string; groups: number };
  };
  features: { count: number; names: string[]; dropped: string[] };
  targets: { column: string; goal: unknown; unit?: string }[];
  /** Learning curve / optimiser trace for the final fit (and per-fold summaries). */
  curve: CurvePoint[];
  /** Relative paths of files in the run folder. */
  files: Record<string, string>;
  /** Simulate Campaign runs (`command: simulate`): the settings; results in `simulation.json`. */
  simulate?: { budget: number; initial: number; repeats: number; refitEvery: number; model: string };
  /** Transfer learning (spec `transfer:`): selected, candidates[], baseline, overlap — see src/core/transfer. */
  transfer?: TransferManifest;
  /** `pretrain` runs: the library, the source and its networks with their held-out metrics. */
  pretrain?: PretrainInfo;
  /** Function targets (src/core/functional): per target, the resampling onto the grid, argument, model, models evaluated. */
  functional?: Record<string, unknown>;
  optimize?: {
    acquisition: string;
    batch: number;
    suggestions: number;
    candidatesScored: number;
  };
}

/** A manifest with nothing measured yet: the run engine starts from it, and recovery uses it when a run died before writing one. */
export function emptyManifest(fields: Pick<RunManifest, 'runId' | 'name' | 'status' | 'createdAt'> & Partial<RunManifest>): RunManifest {
  return {
    format: 'mi-studio-run',
    formatVersion: 1,
    spec: { path: '', sha256: '', content: null },
    dataset: { path: '', sha256: '', rows: 0, dropped: 0 },
    packageVersion: '',
    seed: 0,
    backend: '',
    timings: {},
    metrics: { cv: {} },
    model: { type: '', hyperparameters: {} },
    features: { count: 0, names: [], dropped: [] },
    targets: [],
    curve: [],
    files: {},
    ...fields,
  };
}
