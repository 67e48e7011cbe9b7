import type { Table } from '../data/types';
import type { FeatureSet, Matrix } from '../features/types';
import type { Model } from '../models/types';
import type { Spec } from '../spec/types';

/** The part of the features module's `FeaturePipeline` that BO uses (structurally compatible). */
export interface PipelineLike {
  featureNames: string[];
  transform(table: Table): Promise<{
    X: Matrix;
    ids: string[];
    rowNumbers: number[];
    dropped: { row: number; column: string; message: string }[];
    warnings?: string[];
  }>;
}

export interface OptimizeContext {
  spec: Spec;
  specPath: string;
  /** Temp run folder to write into. */
  runDir: string;
  /** `<output.dir>/<name>`, holds campaign.jsonl. */
  experimentDir: string;
  runId: string;
  /** Fitted on all rows. */
  model: Model;
  train: FeatureSet;
  table: Table;
  pipeline: PipelineLike;
  log(msg: string): void;
  /** Progress within the optimise phase (0..1) in words, e.g. "scoring candidates: 8192 of 300000". */
  progress?(within: number, msg: string): void;
  signal?: AbortSignal;
}

export interface OptimizeResult {
  acquisition: string;
  batch: number;
  suggestions: number;
  candidatesScored: number;
  /** Logical name → path relative to runDir. */
  files: Record<string, string>;
}
