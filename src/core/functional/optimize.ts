/**
 * Functional BO over a candidate pool: each candidate's predicted curve (mean and joint covariance over the grid) is
 * turned into its objective distribution by posterior curve samples (objectives.ts); candidates are ranked by Monte-
 * Carlo expected improvement over the best training curve's objective (for `above`: by the probability of the whole
 * range being above the threshold). Writes `suggestions.csv` (cells spreadsheet-safe).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { MiError } from '../diagnostics';
import { loadTable } from '../data';
import { spreadsheetSafe } from '../data/csvSafe';
import type { FeaturePipeline } from '../features';
import type { Matrix } from '../features/types';
import { resolveSpecPath } from '../spec';
import type { FunctionalObjective, Spec, TargetSpec } from '../spec/types';
import { csvLine } from '../run/files';
import type { FunctionalModel } from './common';
import { curveObjective, mcExpectedImprovement, objectiveStats } from './objectives';

export interface FunctionalOptimizeInput {
  spec: Spec;
  specPath: string;
  runDir: string;
  target: TargetSpec;
  grid: Float64Array;
  model: FunctionalModel;
  pipeline: FeaturePipeline;
  trainX: Matrix;
  trainY: Matrix;
  trainIds: string[];
  log: (msg: string) => void;
  seed: number;
  /** Posterior curve samples per candidate (default 256). */
  samples?: number;
}

export interface FunctionalOptimizeResult {
  acquisition: string;
  batch: number;
  candidatesScored: number;
  files: Record<string, string>;
  suggestions: { id: string; rank: number; objective: number; objectiveStd: number; acquisition: number; mean: number[]; std: number[] }[];
}

/** The objective of a function target (default: maximise the maximum over the whole grid, when goal is maximize). */
export function targetObjective(t: TargetSpec): FunctionalObjective {
  if (t.objective) return t.objective;
  const direction = t.goal === 'minimize' ? 'minimize' : 'maximize';
  return { kind: direction === 'minimize' ? 'min' : 'max', direction };
}

export async function runFunctionalOptimize(a: FunctionalOptimizeInput): Promise<FunctionalOptimizeResult> {
  const opt = a.spec.optimize!;
  if (!opt.candidates) {
    throw new MiError('a function target can be optimised over a candidate pool only (optimize.candidates)', {
      file: a.specPath, code: 'function-space', hint: 'give optimize.candidates: {path: pool.csv}',
    });
  }
  const obj = targetObjective(a.target);
  const table = await loadTable(resolveSpecPath(a.specPath, opt.candidates.path));
  const tr = await a.pipeline.transform(table);
  const m = tr.X.rows;
  // long layout: candidates are named by the sample id column (e.g. the formula) when the pool has it
  const idName = opt.candidates.id ?? a.target.long?.id ?? a.spec.dataset.id;
  const idCol = idName !== undefined ? table.header.indexOf(idName) : -1;
  if (idCol >= 0) {
    const byLine = new Map<number, number>();
    table.rowNumbers.forEach((ln, i) => byLine.set(ln, i));
    tr.ids = tr.rowNumbers.map((ln, k) => table.columns[idCol][byLine.get(ln) as number] ?? tr.ids[k]);
  }
  const G = a.grid.length;
  const count = a.samples ?? 256;
  const pred = a.model.predict(tr.X);
  const covs = a.model.curveCovariance(tr.X);
  // incumbent: best objective of the fitted training curves (posterior means; measured curves can have gaps)
  const fitTrain = a.model.predict(a.trainX);
  let best = obj.direction === 'maximize' ? -Infinity : Infinity;
  for (let i = 0; i < a.trainX.rows; i++) {
    const v = curveObjective(obj, a.grid, fitTrain.mean.subarray(i * G, (i + 1) * G));
    best = obj.direction === 'maximize' ? Math.max(best, v) : Math.min(best, v);
  }
  const measured = new Set(a.trainIds);
  const exclude = new Set(opt.exclude ?? []);
  const rows: { k: number; id: string; mean: number; std: number; acq: number }[] = [];
  for (let k = 0; k < m; k++) {
    const id = tr.ids[k];
    if (measured.has(id) || exclude.has(id)) continue;
    const st = objectiveStats(obj, a.grid, pred.mean.subarray(k * G, (k + 1) * G), covs[k], count, a.seed + k);
    const acq = obj.kind === 'above' ? st.mean : mcExpectedImprovement(st.samples, best, obj.direction);
    rows.push({ k, id, mean: st.mean, std: st.std, acq });
  }
  const pinned = new Set(opt.pin ?? []);
  const sgn = obj.direction === 'maximize' ? 1 : -1;
  rows.sort((x, y) => Number(pinned.has(y.id)) - Number(pinned.has(x.id)) || y.acq - x.acq || sgn * (y.mean - x.mean) || x.k - y.k);
  const batch = Math.min(opt.batch, rows.length);
  const chosen = rows.slice(0, batch);
  const lines = [csvLine(['rank', 'id', 'objective_mean', 'objective_std', 'acquisition', ...Array.from(a.grid, (t) => `mean@${t}`)])];
  chosen.forEach((r, i) => {
    lines.push(csvLine([i + 1, spreadsheetSafe(r.id), r.mean, r.std, r.acq, ...Array.from(pred.mean.subarray(r.k * G, (r.k + 1) * G))]));
  });
  await fsp.writeFile(join(a.runDir, 'suggestions.csv'), lines.join('\n') + '\n');
  a.log(`${obj.direction} ${obj.kind}${obj.over ? ` over [${obj.over.join(', ')}]` : ''}${obj.at !== undefined ? ` at ${obj.at}` : ''}: incumbent ${best.toPrecision(4)}, ${rows.length} candidates scored with ${count} posterior curve samples each`);
  return {
    acquisition: obj.kind === 'above' ? 'probability-above' : 'mc-ei',
    batch,
    candidatesScored: rows.length,
    files: { suggestions: 'suggestions.csv' },
    suggestions: chosen.map((r, i) => ({
      id: r.id, rank: i + 1, objective: r.mean, objectiveStd: r.std, acquisition: r.acq,
      mean: Array.from(pred.mean.subarray(r.k * G, (r.k + 1) * G)),
      std: Array.from(pred.variance.subarray(r.k * G, (r.k + 1) * G), Math.sqrt),
    })),
  };
}
