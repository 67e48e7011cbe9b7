/**
 * Functional BO over a candidate pool: each candidate's predicted curve (mean and joint covariance over the grid) is
 * turned into its objective distribution by posterior curve samples (objectives.ts); candidates are ranked by Monte-
 * Carlo expected improvement over the best training curve's objective (for `above`: by the probability of the whole
 * range being above the threshold). Writes `suggestions.csv` (cells spreadsheet-safe).
 */
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { MiError } from '../diagnostics';
import { loadTable } from '../data';
import { spreadsheetSafe } from '../data/csvSafe';
import type { FeaturePipeline } from '../features';
import type { Matrix } from '../features/types';
import { resolveSpecPath } from '../spec';
import type { FunctionalObjective, Spec, TargetSpec } from '../spec/types';
import { csvLine } from '../run/files';
import type { FunctionalModel } from './common';
import { checkObjectiveOnGrid, curveObjective, mcExpectedImprovement, objectiveStats } from './objectives';
import { functionTargetName } from './data';
import type { Table } from '../data/types';
import { specInputColumns, tableFromRows } from '../bo/candidates';
import { optimizeContinuous } from '../bo/continuous';
import { featuresOf, PoolIssues } from '../bo/run';
import { buildSpace, type ContinuousSpace } from '../bo/space';
import { penalizedBatch } from './batch';

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
  /** Posterior curve samples per candidate (default 256; 128 inside the continuous-space search). */
  samples?: number;
  /** Continuous space: the per-sample training table (raw inputs of the incumbent) and the training rows' line numbers. */
  table?: Table;
  trainRowNumbers?: number[];
  /** Continuous space: suggestion ids are `<runId>-<rank>` (as for scalar targets). */
  runId?: string;
}

export interface FunctionalOptimizeResult {
  acquisition: string;
  batch: number;
  candidatesScored: number;
  files: Record<string, string>;
  suggestions: { id: string; rank: number; objective: number; objectiveStd: number; acquisition: number; mean: number[]; std: number[]; inputs?: Record<string, string | null> }[];
}

/** The objective of a function target (default: maximise the maximum over the whole grid, when goal is maximize). */
export function targetObjective(t: TargetSpec): FunctionalObjective {
  if (t.objective) return t.objective;
  const direction = t.goal === 'minimize' ? 'minimize' : 'maximize';
  return { kind: direction === 'minimize' ? 'min' : 'max', direction };
}

export async function runFunctionalOptimize(a: FunctionalOptimizeInput): Promise<FunctionalOptimizeResult> {
  const opt = a.spec.optimize!;
  checkObjectiveOnGrid(targetObjective(a.target), a.grid, a.specPath, functionTargetName(a.target), a.target.argument?.unit);
  if (!opt.candidates && opt.space) return runFunctionalSpace(a);
  if (!opt.candidates) {
    throw new MiError('optimize needs a candidate pool or a search space', {
      file: a.specPath, code: 'no-candidates', column: 'optimize', hint: 'add `candidates: {path: pool.csv}` or `space:` with bounds / composition',
    });
  }
  const obj = targetObjective(a.target);
  const poolPath = resolveSpecPath(a.specPath, opt.candidates.path);
  const table = await loadTable(poolPath);
  const tr = await a.pipeline.transform(table);
  const m = tr.X.rows;
  // candidate rows the pipeline could not featurise are named (file:line: column: why), as for scalar targets
  const poolFile = basename(poolPath);
  const issues = new PoolIssues();
  issues.collect({ dropped: tr.dropped });
  issues.report(poolFile, a.log);
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
  const { best } = incumbent(a, obj);
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
  a.log(`pool ${poolFile}: ${table.rowNumbers.length} candidates, ${m - rows.length} already measured or excluded, ${rows.length} scored`);
  if (!rows.length) a.log('no candidates left to suggest (all measured, excluded or not featurisable): suggestions.csv has only its header');
  const pinned = new Set(opt.pin ?? []);
  const sgn = obj.direction === 'maximize' ? 1 : -1;
  rows.sort((x, y) => Number(pinned.has(y.id)) - Number(pinned.has(x.id)) || y.acq - x.acq || sgn * (y.mean - x.mean) || x.k - y.k);
  const batch = Math.min(opt.batch, rows.length);
  // q > 1: local penalisation around each pick (functional/batch.ts), so a batch is not q near-duplicates
  const chosen = batch > 1
    ? penalizedBatch(tr.X, rows, batch, { direction: obj.direction, best, seed: a.seed, pinned: rows.flatMap((r, i) => (pinned.has(r.id) ? [i] : [])) }).map((i) => rows[i])
    : rows.slice(0, batch);
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

/** Best training curve's objective: the incumbent of EI (posterior means of the fitted curves) and its row. */
function incumbent(a: FunctionalOptimizeInput, obj: FunctionalObjective): { best: number; row: number } {
  const G = a.grid.length;
  const fit = a.model.predict(a.trainX);
  let best = obj.direction === 'maximize' ? -Infinity : Infinity;
  let row = 0;
  for (let i = 0; i < a.trainX.rows; i++) {
    const v = curveObjective(obj, a.grid, fit.mean.subarray(i * G, (i + 1) * G));
    if (obj.direction === 'maximize' ? v > best : v < best) {
      best = v;
      row = i;
    }
  }
  return { best, row };
}

/**
 * Functional BO over a continuous space (`optimize.space`: numeric bounds, a composition simplex, linear constraints —
 * the scalar path's space, sampler and multi-start search, bo/space.ts and bo/continuous.ts): each point is featurised
 * with the training pipeline (inputs outside the space held at the incumbent curve's raw values), its predicted curve
 * turned into the objective's acquisition with common random numbers (so the search sees a smooth surface), and the
 * `batch` best points are re-scored with `samples` curve draws and written to suggestions.csv (spread out: at least 5 %
 * of a variable's range apart when the search found enough such points).
 */
async function runFunctionalSpace(a: FunctionalOptimizeInput): Promise<FunctionalOptimizeResult> {
  const opt = a.spec.optimize!;
  const space: ContinuousSpace = buildSpace(opt.space!);
  const inputs = specInputColumns(a.spec);
  const unknown = space.names.filter((n) => !inputs.includes(n));
  if (unknown.length) {
    throw new MiError(`optimize.space variable "${unknown[0]}" is not an input column`, { file: a.specPath, code: 'space-unknown-column', column: unknown[0], hint: `input columns: ${inputs.join(', ')}` });
  }
  const obj = targetObjective(a.target);
  const G = a.grid.length;
  const d = a.trainX.cols;
  const { best, row } = incumbent(a, obj);
  // non-space inputs are held at the incumbent curve's raw values
  let base: (string | null)[] = inputs.map(() => null);
  if (a.table && a.trainRowNumbers) {
    const r = a.table.rowNumbers.indexOf(a.trainRowNumbers[row]);
    if (r >= 0) base = inputs.map((c) => (a.table!.header.includes(c) ? a.table!.columns[a.table!.header.indexOf(c)][r] : null));
  }
  const toRow = (x: number[]): (string | null)[] => inputs.map((c, j) => {
    const k = space.names.indexOf(c);
    return k >= 0 ? String(x[k]) : base[j];
  });
  const score = async (pts: number[][], count: number, perPointSeed: boolean) => {
    const f = await featuresOf(a.pipeline, tableFromRows(inputs, pts.map(toRow), a.table), d);
    const X = { rows: f.X.rows, cols: d, data: f.X.data.map((v) => (Number.isNaN(v) ? 0 : v)) };
    const pred = a.model.predict(X);
    const covs = a.model.curveCovariance(X);
    return pts.map((_, i) => {
      if (!f.ok[i]) return { ok: false, mean: NaN, std: NaN, acq: -Infinity, curve: new Float64Array(0), sd: new Float64Array(0) };
      const m = pred.mean.subarray(i * G, (i + 1) * G);
      // common random numbers in the search (one seed for every point), per-point seeds for the final figures
      const st = objectiveStats(obj, a.grid, m, covs[i], count, perPointSeed ? a.seed + i : a.seed);
      const acq = obj.kind === 'above' ? st.mean : mcExpectedImprovement(st.samples, best, obj.direction);
      return { ok: true, mean: st.mean, std: st.std, acq, curve: m, sd: pred.variance.subarray(i * G, (i + 1) * G).map(Math.sqrt) };
    });
  };
  const sgn = obj.direction === 'maximize' ? 1 : -1;
  const q = Math.max(1, Math.floor(opt.batch ?? 1));
  // the acquisition is flat (EI 0) far from the incumbent: the search ranks by EI, then by the objective's posterior mean
  const res = await optimizeContinuous(space, async (pts) => (await score(pts, 128, false)).map((r) => (r.ok ? r.acq + 1e-9 * Math.atan(sgn * r.mean) : -Infinity)), {
    seed: a.seed, starts: Math.max(8, 2 * q),
  });
  const final = await score(res.points, a.samples ?? 256, true);
  const order = res.points.map((_, i) => i).filter((i) => final[i].ok)
    .sort((x, y) => final[y].acq - final[x].acq || sgn * (final[y].mean - final[x].mean) || x - y);
  // a spread-out batch: points at least 5 % of every variable's range apart first, then any distinct ones (> 0.1 %)
  const range = space.names.map((_, j) => Math.max(1e-12, space.hi[j] - space.lo[j]));
  const chosen: number[] = [];
  for (const minGap of [0.05, 1e-3]) {
    for (const i of order) {
      if (chosen.length >= q) break;
      const x = res.points[i];
      if (chosen.some((c) => c === i || res.points[c].every((v, j) => Math.abs(v - x[j]) < minGap * range[j]))) continue;
      chosen.push(i);
    }
  }
  if (chosen.length < q) a.log(`the search found ${chosen.length} distinct point(s) for a batch of ${q}: suggesting ${chosen.length}`);
  const prefix = a.runId ?? 'suggestion';
  const lines = [csvLine(['rank', 'id', ...inputs, 'objective_mean', 'objective_std', 'acquisition', ...Array.from(a.grid, (t) => `mean@${t}`)])];
  chosen.forEach((i, k) => {
    const r = final[i];
    lines.push(csvLine([k + 1, spreadsheetSafe(`${prefix}-${k + 1}`), ...toRow(res.points[i]).map((v) => (v === null ? '' : spreadsheetSafe(v))), r.mean, r.std, r.acq, ...Array.from(r.curve)]));
  });
  await fsp.writeFile(join(a.runDir, 'suggestions.csv'), lines.join('\n') + '\n');
  a.log(`${obj.direction} ${obj.kind}${obj.over ? ` over [${obj.over.join(', ')}]` : ''}${obj.at !== undefined ? ` at ${obj.at}` : ''}: incumbent ${best.toPrecision(4)}; searched the space ${space.names.join(', ')} (${res.points.length} points scored, ${res.optima.length} local searches)`);
  return {
    acquisition: obj.kind === 'above' ? 'probability-above' : 'mc-ei',
    batch: chosen.length,
    candidatesScored: res.points.length,
    files: { suggestions: 'suggestions.csv' },
    suggestions: chosen.map((i, k) => ({
      id: `${prefix}-${k + 1}`, rank: k + 1, objective: final[i].mean, objectiveStd: final[i].std, acquisition: final[i].acq,
      mean: Array.from(final[i].curve), std: Array.from(final[i].sd),
      inputs: Object.fromEntries(inputs.map((c, j) => [c, toRow(res.points[i])[j]])),
    })),
  };
}
