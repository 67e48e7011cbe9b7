/**
 * Descriptors of a function target's samples: the per-sample table of loadFunctionData (long layout: the first row
 * of each curve) through the scalar feature pipeline with no targets, and the resampled curves aligned to the
 * featurised rows (samples whose inputs could not be featurised drop out with their curves). Used by `simulate` and
 * `featurize`.
 */
import type { Table } from '../data/types';
import { buildFeatures, type FeaturePipeline } from '../features';
import { matrix, type FeatureSet, type Matrix } from '../features/types';
import type { Spec, TargetSpec } from '../spec/types';
import { loadFunctionData, type FunctionData } from './data';

export interface FunctionFeatures {
  fd: FunctionData;
  /** Features of the samples (set.Y is empty: the curves are in Y). */
  set: FeatureSet;
  pipeline: FeaturePipeline;
  /** n x G resampled curves, row i = set row i (NaN where a curve does not reach a grid point). */
  Y: Matrix;
  /** Sample id of each set row. */
  ids: string[];
}

export async function buildFunctionFeatures(spec: Spec, target: TargetSpec, table: Table, specPath: string): Promise<FunctionFeatures> {
  const fd = loadFunctionData(spec, target, table, specPath);
  const specF: Spec = { ...spec, dataset: { ...spec.dataset, targets: [] } };
  const { set, pipeline } = await buildFeatures(specF, fd.table);
  const byRow = new Map<number, number>();
  fd.table.rowNumbers.forEach((rn, k) => byRow.set(rn, k));
  const idx = set.rowNumbers.map((rn) => byRow.get(rn) as number);
  const G = fd.grid.length;
  const Y = matrix(idx.length, G);
  idx.forEach((k, i) => Y.data.set(fd.Y.subarray(k * G, (k + 1) * G), i * G));
  return { fd, set, pipeline, Y, ids: idx.map((k) => fd.ids[k]) };
}
