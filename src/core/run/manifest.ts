/**
 * The run record: `run.mirun.json`. Every view (run editor, report) and later feature reads this.
 * Field names are a contract; extend, never rename.
 */
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
  error?: { message: string; file?: string; line?: number; column?: number | string; hint?: string };
  createdAt: string;
  finishedAt?: string;
  spec: { path: string; sha256: string; content: unknown };
  dataset: { path: string; sha256: string; rows: number; dropped: number };
  packageVersion: string;
  seed: number;
  backend: string;
  timings: Record<string, number>;
  metrics: { cv: Record<string, TargetMetrics> };
  model: {
    type: string;
    hyperparameters: Record<string, number | number[]>;
    featureRelevance?: { feature: string; relevance: number }[];
  };
  features: { count: number; names: string[]; dropped: string[] };
  targets: { column: string; goal: unknown; unit?: string }[];
  /** Learning curve / optimiser trace for the final fit (and per-fold summaries). */
  curve: CurvePoint[];
  /** Relative paths of files in the run folder. */
  files: Record<string, string>;
  optimize?: {
    acquisition: string;
    batch: number;
    suggestions: number;
    candidatesScored: number;
  };
}
