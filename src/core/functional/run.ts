/**
 * The run pipeline of a spec with a function target (called from run/index.ts after the data phase): per-sample
 * table and resampled curves → features → cross-validation of every candidate model (auto: Kronecker GP, basis + GP,
 * pointwise GP; the pointwise baseline is always evaluated and reported beside) → pick by out-of-fold RMSE → fit on all
 * samples → (functional BO) → run folder: `predictions.csv` (long: one row per sample and grid point), `curves.json`
 * (what the curves view draws), `model/`.
 */
import { cvSettings } from '../spec/cv';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { MiError } from '../diagnostics';
import type { Spec, TargetSpec } from '../spec/types';
import type { Table } from '../data/types';
import { buildFeatures } from '../features';
import { matrix, type Matrix } from '../features/types';
import { crossValidate } from '../models/cv';
import { getTfBackend } from '../models/tf';
import { spreadsheetSafe } from '../data/csvSafe';
import { csvLine } from '../run/files';
import type { RunSession } from '../run/session';
import type { TargetMetrics } from '../run/manifest';
import { isFunctionTarget, loadFunctionData, functionTargetName, type FunctionData } from './data';
import { createFunctionalModel, functionalCandidates, POINTWISE, type FunctionalModelType } from './models';
import { errorByArgument, functionalMetrics, perCurveR2, type FunctionalMetrics } from './metrics';
import { runFunctionalOptimize, targetObjective } from './optimize';
import { checkObjectiveOnGrid } from './objectives';
import { writeJsonFile } from '../run/jsonFile';

export function hasFunctionTarget(spec: Spec): boolean {
  return spec.dataset.targets.some(isFunctionTarget);
}

export interface FunctionalRunContext {
  s: RunSession;
  spec: Spec;
  table: Table;
  optimize: boolean;
  signal?: AbortSignal;
}

interface CvOut {
  type: FunctionalModelType;
  /** Target name (column prefix in predictions.csv). */
  target: string;
  mean: Float64Array;
  std: Float64Array;
  fold: Int32Array;
  metrics: FunctionalMetrics;
  seconds: number;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

function pick(m: FunctionalMetrics): Record<string, number> {
  return { rmse: m.rmse, r2: m.r2, mae: m.mae, coverage90: m.coverage90, nlpd: m.nlpd, curve_r2_mean: m.curve_r2_mean, curve_r2_median: m.curve_r2_median };
}

export async function runFunctional(ctx: FunctionalRunContext): Promise<void> {
  const { s, spec, table } = ctx;
  const manifest = s.manifest;
  const targets = spec.dataset.targets;
  const fts = targets.filter(isFunctionTarget);
  if (fts.length !== 1 || targets.length !== 1) {
    throw new MiError(`a spec with a function target must have exactly one target (it has ${targets.length}, ${fts.length} of them functions)`, {
      file: s.absSpec, code: 'function-targets', hint: 'model each curve (or scalar) in its own spec',
    });
  }
  const target: TargetSpec = fts[0];
  const name = functionTargetName(target);
  const seed = manifest.seed;

  // ---- curves and features
  s.beginPhase('features', `resampling curves of "${name}" and building descriptors`);
  const fd: FunctionData = loadFunctionData(spec, target, table, s.absSpec);
  const r = fd.resampling;
  s.log('info', `[features] ${r.layout} layout: ${r.samples} curves, ${r.measuredPoints} measured points → grid ${fmt(r.grid.from)}..${fmt(r.grid.to)} (${r.grid.points} points, ${r.grid.source}, margin ${r.grid.margin}); ${r.interpolated} values interpolated, ${r.missing} missing (beyond the margin)${r.droppedSamples ? `, ${r.droppedSamples} curve(s) with no grid value dropped` : ''}${r.droppedGridValues ? `; grid value(s) ${r.droppedGridValues.join(', ')} dropped (reached by fewer than 3 curves)` : ''}`);
  // a goal off the grid fails now, not after cross-validation and training
  if (ctx.optimize && spec.optimize) checkObjectiveOnGrid(targetObjective(target), fd.grid, s.absSpec, name, target.argument?.unit);
  const specF: Spec = { ...spec, dataset: { ...spec.dataset, targets: [] } };
  const { set, pipeline } = await buildFeatures(specF, fd.table);
  const byRow = new Map<number, number>();
  fd.table.rowNumbers.forEach((rn, k) => byRow.set(rn, k));
  const idx = set.rowNumbers.map((rn) => byRow.get(rn) as number);
  const n = idx.length;
  const G = fd.grid.length;
  const Y: Matrix = matrix(n, G);
  idx.forEach((k, i) => Y.data.set(fd.Y.subarray(k * G, (k + 1) * G), i * G));
  const ids = idx.map((k) => fd.ids[k]);
  manifest.dataset.rows = n;
  manifest.dataset.dropped = fd.resampling.droppedSamples + (fd.table.rowNumbers.length - n);
  manifest.features = { count: set.featureNames.length, names: set.featureNames, dropped: pipeline.droppedConstant ?? [] };
  s.log('info', `[features] ${n} curves x ${set.featureNames.length} features, grid of ${G} points`);
  if (n < 4) {
    throw new MiError(`only ${n} usable curve(s); at least 4 are needed to train and cross-validate`, {
      file: manifest.dataset.path, code: 'too-few-rows', hint: 'check the id column and the grid range',
    });
  }
  s.checkCancel();

  // ---- cross-validation of every candidate (+ the pointwise baseline)
  const candidates = functionalCandidates(spec.model, s.absSpec);
  const evaluated: FunctionalModelType[] = candidates.includes(POINTWISE) ? [...candidates] : [...candidates, POINTWISE];
  // Function targets always cross-validate: CV picks the model family and calibrates the bands (`cv: none` → 5 folds).
  const cvs = cvSettings(spec);
  if (!cvs) s.log('warn', '[cv] function targets are cross-validated to choose the model and calibrate its bands: using 5 folds despite cv: none');
  const folds = Math.max(2, Math.min(cvs?.folds ?? 5, n));
  const repeats = cvs?.repeats ?? 1;
  s.beginPhase('cv', `${folds}-fold cross-validation x ${repeats} of ${evaluated.join(', ')} on whole curves`);
  const results: CvOut[] = [];
  let done = 0;
  const totalFits = evaluated.length * folds * repeats;
  for (const type of evaluated) {
    const t0 = Date.now();
    const cv = await crossValidate(() => createFunctionalModel(type, spec.model, fd.grid, seed), set.X, Y, {
      folds, repeats, seed, signal: ctx.signal,
      onProgress: (p) => {
        done++;
        s.progress('cv', done / totalFits, `${type}: fold ${p.iteration}/${folds * repeats}`);
      },
    });
    const metrics = functionalMetrics(Y.data, cv.mean, cv.std, n, G);
    results.push({ type, target: name, mean: cv.mean, std: cv.std, fold: cv.fold, metrics, seconds: (Date.now() - t0) / 1000 });
    s.log('info', `[cv] ${type}: RMSE ${fmt(metrics.rmse)}, R² ${fmt(metrics.r2)}, MAE ${fmt(metrics.mae)}, coverage90 ${fmt(metrics.coverage90)}, per-curve R² median ${fmt(metrics.curve_r2_median)}`);
    s.addCurve('cv', done, metrics.rmse);
    s.checkCancel();
  }
  const eligible = results.filter((x) => candidates.includes(x.type));
  const chosen = eligible.reduce((a, b) => (b.metrics.rmse < a.metrics.rmse || !Number.isFinite(a.metrics.rmse) ? b : a));
  const base = results.find((x) => x.type === POINTWISE) as CvOut;
  const metricsOut: Record<string, unknown> = {
    ...chosen.metrics,
    model: chosen.type,
    pointwise: pick(base.metrics),
    pointwise_rmse: base.metrics.rmse,
    pointwise_r2: base.metrics.r2,
    pointwise_mae: base.metrics.mae,
    pointwise_coverage90: base.metrics.coverage90,
    candidates: Object.fromEntries(results.map((x) => [x.type, { ...pick(x.metrics), seconds: x.seconds }])),
  };
  manifest.metrics.cv[name] = metricsOut as unknown as TargetMetrics;
  if (spec.model.type === 'auto') s.log('info', `[cv] auto chose ${chosen.type} (lowest out-of-fold RMSE over all curve points)`);
  await writeCurvePredictions(join(s.tmpDir, 'predictions.csv'), ids, fd.grid, Y.data, chosen, base);
  manifest.files.predictions = 'predictions.csv';
  s.touch();

  // ---- final fit
  s.beginPhase('fit', `fitting ${chosen.type} on all ${n} curves`);
  const model = createFunctionalModel(chosen.type, spec.model, fd.grid, seed);
  await model.fit(set.X, Y, {
    seed, signal: ctx.signal,
    onProgress: (p) => s.addCurve(p.phase || 'fit', p.iteration, p.value),
  });
  s.checkCancel();
  const summary = model.summary();
  manifest.model = {
    type: chosen.type,
    hyperparameters: summary.hyperparameters,
    ...(summary.featureRelevance ? { featureRelevance: summary.featureRelevance.map((v, j) => ({ feature: set.featureNames[j] ?? `f${j}`, relevance: v })) } : {}),
    ...(summary.objective !== undefined ? { objective: summary.objective } : {}),
  };
  manifest.backend = chosen.type === 'conditional-mlp' ? await getTfBackend() : 'js';
  await fsp.mkdir(join(s.tmpDir, 'model'), { recursive: true });
  await writeJsonFile(join(s.tmpDir, 'model', 'model.json'), model.save());
  await fsp.writeFile(join(s.tmpDir, 'model', 'pipeline.json'), JSON.stringify({
    format: 'mi-studio-pipeline', formatVersion: 1, inputs: spec.dataset.inputs, targets: spec.dataset.targets, id: spec.dataset.id ?? null,
    featureNames: set.featureNames, droppedConstant: pipeline.droppedConstant ?? [], targetNames: [name], model: spec.model,
    grid: Array.from(fd.grid), state: pipeline.save(),
  }) + '\n');
  manifest.files.model = 'model/';

  // ---- functional BO
  let suggested: CurvesFile['suggestions'] = [];
  if (ctx.optimize && spec.optimize) {
    s.beginPhase('optimize', `scoring candidates on the predicted curves of "${name}"`);
    const res = await runFunctionalOptimize({ spec, specPath: s.absSpec, runDir: s.tmpDir, target, grid: fd.grid, model, pipeline, trainX: set.X, trainY: Y, trainIds: ids, log: (m) => s.log('info', `[optimize] ${m}`), seed, table: fd.table, trainRowNumbers: set.rowNumbers, runId: manifest.runId });
    manifest.optimize = { acquisition: res.acquisition, batch: res.batch, suggestions: res.suggestions.length, candidatesScored: res.candidatesScored };
    for (const [k, v] of Object.entries(res.files)) manifest.files[k] = v;
    suggested = res.suggestions;
  }

  // ---- curves.json for the views
  s.beginPhase('write', 'writing run folder');
  const err = errorByArgument(Y.data, chosen.mean, chosen.std, n, G);
  const errBase = errorByArgument(Y.data, base.mean, base.std, n, G);
  const curves: CurvesFile = {
    format: 'mi-studio-curves',
    version: 1,
    target: name,
    argument: { name: target.argument?.name ?? target.long?.argument ?? 'argument', ...(target.argument?.unit ? { unit: target.argument.unit } : {}) },
    unit: target.unit,
    model: chosen.type,
    grid: Array.from(fd.grid),
    resampling: fd.resampling,
    samples: ids.map((id, i) => ({
      id,
      observed: { t: fd.curves[idx[i]].t, y: fd.curves[idx[i]].y },
      y: Array.from(Y.data.subarray(i * G, (i + 1) * G), nullNaN),
      mean: Array.from(chosen.mean.subarray(i * G, (i + 1) * G), round),
      std: Array.from(chosen.std.subarray(i * G, (i + 1) * G), round),
      pointwiseMean: Array.from(base.mean.subarray(i * G, (i + 1) * G), round),
      pointwiseStd: Array.from(base.std.subarray(i * G, (i + 1) * G), round),
      fold: chosen.fold[i],
    })),
    curveR2: Array.from(perCurveR2(Y.data, chosen.mean, n, G), nullNaN),
    errorByArgument: { model: err, pointwise: errBase },
    suggestions: suggested,
  };
  await fsp.writeFile(join(s.tmpDir, 'curves.json'), JSON.stringify(curves) + '\n');
  manifest.files.curves = 'curves.json';
  manifest.functional = {
    [name]: { resampling: fd.resampling, argument: curves.argument, model: chosen.type, evaluated: results.map((x) => x.type) },
  };
}

const nullNaN = (v: number): number | null => (Number.isFinite(v) ? v : null);
const round = (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(7)) : null);

/** What `curves.json` holds (read by webview-ui/src/run/functions.ts and the static report). */
export interface CurvesFile {
  format: 'mi-studio-curves';
  version: 1;
  target: string;
  argument: { name: string; unit?: string };
  unit?: string;
  model: string;
  grid: number[];
  resampling: FunctionData['resampling'];
  samples: {
    id: string;
    observed: { t: number[]; y: number[] };
    y: (number | null)[];
    mean: (number | null)[];
    std: (number | null)[];
    pointwiseMean: (number | null)[];
    pointwiseStd: (number | null)[];
    fold: number;
  }[];
  curveR2: (number | null)[];
  errorByArgument: { model: { rmse: number[]; coverage90: number[] }; pointwise: { rmse: number[]; coverage90: number[] } };
  suggestions: { id: string; rank: number; objective: number; objectiveStd: number; acquisition: number; mean: number[]; std: number[] }[];
}

/**
 * predictions.csv of a function target: one row per sample and grid point (out-of-fold), columns named like a scalar
 * target's (`<t>`, `<t>_mean`, `<t>_std`, `<t>_lower90`, `<t>_upper90`, `<t>_fold`) plus `argument` and the pointwise
 * baseline beside.
 */
async function writeCurvePredictions(path: string, ids: string[], grid: Float64Array, Y: Float64Array, chosen: CvOut, base: CvOut): Promise<void> {
  const G = grid.length;
  const z = 1.6448536269514722;
  const t = chosen.target;
  const lines = [csvLine(['id', 'argument', t, `${t}_mean`, `${t}_std`, `${t}_lower90`, `${t}_upper90`, `${t}_fold`, `${t}_pointwise_mean`, `${t}_pointwise_std`])];
  for (let i = 0; i < ids.length; i++) {
    for (let t = 0; t < G; t++) {
      const k = i * G + t;
      const m = chosen.mean[k];
      const sd = chosen.std[k];
      lines.push(csvLine([spreadsheetSafe(ids[i]), grid[t], Y[k], m, sd, m - z * sd, m + z * sd, chosen.fold[i], base.mean[k], base.std[k]]));
    }
  }
  await fsp.writeFile(path, lines.join('\n') + '\n');
}
