/**
 * `executeRun`: spec → table → features → cross-validation → final fit → (optimise) → run folder.
 *
 * The run folder is created as `<experimentDir>/.tmp-<runId>/` with a live `run.mirun.json` (status `running`),
 * rewritten atomically at most every 0.5 s, and renamed to `<experimentDir>/<runId>/` at the end, whatever the outcome
 * (completed, failed with the error, or cancelled). An interrupted process leaves only a `.tmp-` folder whose manifest
 * says `running`, never something that looks complete. The dataset and the spec are only ever read.
 */
import { promises as fsp } from 'node:fs';
import { join, isAbsolute, relative } from 'node:path';
import { MiError } from '../diagnostics';
import type { Spec } from '../spec/types';
import { buildFeatures } from '../features';
import type { FeatureSet } from '../features/types';
import { crossValidate, type CvResult } from '../models';
import { prepareTransfer } from '../transfer';
import type { Model } from '../models/types';
import { getTfBackend } from '../models/tf';
import { runOptimize } from '../bo';
import type { RunEvent } from '../../protocol/worker';
import type { RunManifest } from './manifest';
import { csvLine } from './files';
import { RunSession } from './session';
import { cvSettings } from '../spec/cv';
import { ownSet } from '../own';
import type { PathPolicy } from '../spec/pathPolicy';
import { hasPool, noPool, skipCv } from './skip';
import { cvGroups } from './groups';
import { finalFitProgress, withFoldProgress } from './progress';
import { hasFunctionTarget, runFunctional } from '../functional/run';
import { writeJsonFile } from './jsonFile';

export type { RunManifest, RunStatus } from './manifest';
export type { RunEvent } from '../../protocol/worker';
export { makeRunId, listRunManifests, RUN_ID_PATTERN } from './files';
export { experimentDirFor, lenientSpec } from './experiment';
export { finalizeInterruptedRun, isInterruptedRun, recoverInterruptedRunsSync, listRunsRecovered } from './recover';
export { RunSession, RunCancelled } from './session';
export { executeSimulate, type ExecuteSimulateOptions } from './simulate';

export interface ExecuteRunOptions {
  /** Experiment folder to create the run folder in (default `<spec dir>/<output.dir>/<name>/`). */
  out?: string;
  /** Overrides the spec's seed. */
  seed?: number;
  /** Run Bayesian optimisation after training; default: the spec has an `optimize` section. */
  optimize?: boolean;
  /** `suggest` requires an `optimize` section (fails clearly otherwise). Default `run`. */
  command?: 'run' | 'suggest';
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
  /** Fixed run id (tests); default: UTC timestamp + 4 random hex digits. */
  runId?: string;
  /** false: skip cross-validation (CLI `--no-cv`, the editor's Suggest); default: the spec's `evaluation.cv`. */
  cv?: boolean;
  /** Which folders the spec's files may be in (default: the spec's folder tree; CLI `--allow-outside`). */
  paths?: PathPolicy;
}

export interface ExecuteRunResult {
  manifestPath: string;
  manifest: RunManifest;
}

/** Phase weights for the 0..1 progress fraction. */
function phaseSpans(optimize: boolean): Record<string, [number, number]> {
  return optimize
    ? { spec: [0, 0.02], data: [0.02, 0.06], features: [0.06, 0.12], cv: [0.12, 0.62], fit: [0.62, 0.8], optimize: [0.8, 0.98], write: [0.98, 1] }
    : { spec: [0, 0.02], data: [0.02, 0.07], features: [0.07, 0.15], cv: [0.15, 0.8], fit: [0.8, 0.97], write: [0.97, 1] };
}

export async function executeRun(specPath: string, opts: ExecuteRunOptions = {}): Promise<ExecuteRunResult> {
  const command = opts.command ?? 'run';
  const s = await RunSession.open(specPath, { out: opts.out, seed: opts.seed, command, runId: opts.runId, onEvent: opts.onEvent, signal: opts.signal, paths: opts.paths });
  const { manifest } = s;
  s.spans = phaseSpans(opts.optimize ?? command === 'suggest');
  try {
    s.checkCancel();
    // ---- spec
    const spec0 = await s.validate();
    if (command === 'suggest' && !spec0.optimize) {
      throw new MiError('the spec has no `optimize` section, so there is nothing to suggest', {
        file: s.absSpec,
        line: 1,
        code: 'no-optimize',
        hint: 'add an `optimize:` section (acquisition, batch, candidates or space), or use `run` to train only',
      });
    }
    let optimize = opts.optimize ?? (command === 'suggest' || spec0.optimize !== undefined);
    if (optimize && spec0.optimize && !hasPool(spec0.optimize)) optimize = noPool(s, command === 'suggest' || opts.optimize === true);
    if (optimize && !spec0.optimize) {
      throw new MiError('optimisation was requested but the spec has no `optimize` section', {
        file: s.absSpec,
        code: 'no-optimize',
        hint: 'add an `optimize:` section to the spec',
      });
    }
    s.spans = phaseSpans(optimize);
    const seed = manifest.seed;
    // Everything downstream (CV folds, model starts, BO tie-breaks) sees the effective seed.
    const spec: Spec = { ...spec0, seed };
    s.checkCancel();

    // ---- data
    const { dataPath, table } = await s.loadDataset(spec);
    if (hasFunctionTarget(spec)) {
      await runFunctional({ s, spec, table, optimize, signal: opts.signal }); // function targets: src/core/functional/run.ts
      return s.finish();
    }

    // ---- features
    s.beginPhase('features', 'building descriptors');
    // transfer learning (issue 16): source outputs become extra columns; models come from tr.make (src/core/transfer)
    const tr = await prepareTransfer({ specPath: s.absSpec, spec, table, log: (l, m) => s.log(l, m), progress: (ph, w, m) => s.progress(ph, w, m), signal: opts.signal }, await buildFeatures(spec, table));
    const { set, pipeline } = tr;
    const droppedRows = new Set(set.dropped.map((d) => d.row));
    manifest.dataset.rows = set.X.rows;
    manifest.dataset.dropped = droppedRows.size;
    manifest.features = { count: set.featureNames.length, names: set.featureNames, dropped: pipeline.droppedConstant ?? [] };
    if (set.dropped.length) {
      const lines = ['row,column,message', ...set.dropped.map((d) => csvLine([d.row, d.column, d.message]))];
      await fsp.writeFile(join(s.tmpDir, 'dropped_rows.csv'), lines.join('\n') + '\n');
      manifest.files.dropped_rows = 'dropped_rows.csv';
      manifest.dataset.droppedRows = set.dropped.slice(0, 200).map((d) => ({ row: d.row, column: d.column, message: d.message }));
      s.log('warn', `[features] skipped ${droppedRows.size} invalid row(s) (on_invalid: skip), listed in dropped_rows.csv`);
    }
    s.log('info', `[features] ${set.X.rows} rows x ${set.featureNames.length} features, ${set.targetNames.length} target(s)`);
    if (set.X.rows < 2) {
      throw new MiError(`only ${set.X.rows} usable row(s) after featurisation; at least 2 are needed to train`, {
        file: dataPath,
        code: 'too-few-rows',
        hint: 'check the dataset and the on_invalid setting',
      });
    }
    s.checkCancel();

    // ---- cross-validation (skipped for `cv: none` or `--no-cv`)
    let cv: CvResult | undefined;
    const cvSpec = opts.cv === false ? undefined : cvSettings(spec);
    const grouped = await cvGroups(spec, table, set, (level, msg) => s.log(level, msg));
    if (!cvSpec) skipCv(s, opts.cv === false ? '--no-cv' : 'evaluation.cv: none');
    else {
    const folds = Math.max(2, Math.min(cvSpec.folds, set.X.rows));
    const repeats = cvSpec.repeats;
    manifest.evaluation = { cv: { ...cvSpec, folds } };
    if (folds !== cvSpec.folds) s.log('warn', `[cv] only ${set.X.rows} rows: using ${folds} folds instead of ${cvSpec.folds}`);
    if (grouped && grouped.count < folds) s.log('warn', `[cv] only ${grouped.count} groups: using ${Math.max(2, grouped.count)} folds`);
    s.beginPhase('cv', `${folds}-fold cross-validation x ${repeats} repeat(s) of ${spec.model.type}`);
    cv = await crossValidate(withFoldProgress(() => tr.make(seed), folds, repeats, s), set.X, set.Y, {
      folds,
      repeats,
      seed,
      ...(grouped ? { groups: grouped.groups } : {}),
      signal: opts.signal,
      onProgress: (p: unknown) => onCvProgress(p, folds * repeats, s),
    });
    s.checkCancel();
    const T = set.targetNames.length;
    for (let t = 0; t < T; t++) ownSet(manifest.metrics.cv, set.targetNames[t], cv.metrics[t]);
    for (const [name, m] of Object.entries(manifest.metrics.cv)) {
      s.log('info', `[cv] ${name}: MAE ${fmt(m.mae)}, RMSE ${fmt(m.rmse)}, R² ${fmt(m.r2)}, coverage90 ${fmt(m.coverage90)}`);
    }
    await writePredictions(join(s.tmpDir, 'predictions.csv'), set, cv);
    manifest.files.predictions = 'predictions.csv';
    s.touch();
    }

    // ---- final fit on all rows
    s.beginPhase('fit', `fitting ${spec.model.type} on all ${set.X.rows} rows`);
    const model: Model = tr.make(seed);
    await model.fit(set.X, set.Y, {
      seed,
      signal: opts.signal,
      ...(grouped ? { groups: grouped.groups } : {}),
      onProgress: finalFitProgress(s, set.X.rows),
    });
    s.checkCancel();
    const summary = model.summary();
    manifest.model = {
      type: summary.type || model.type,
      hyperparameters: summary.hyperparameters,
      ...(summary.featureRelevance
        ? { featureRelevance: summary.featureRelevance.map((r, j) => ({ feature: set.featureNames[j] ?? `f${j}`, relevance: r })) }
        : {}),
      ...(summary.objective !== undefined ? { objective: summary.objective } : {}),
      ...(summary.chosen !== undefined ? { chosen: summary.chosen } : {}),
      ...(summary.candidates ? { candidates: summary.candidates } : {}),
    };
    if (grouped) manifest.model.cvGroups = { by: grouped.by, groups: grouped.count };
    manifest.backend = /mlp/.test(spec.model.type) || /mlp/.test(manifest.model.type) ? await getTfBackend() : 'js';
    const transfer = await tr.finish(model, cv);
    if (transfer) manifest.transfer = transfer;
    await saveModel(join(s.tmpDir, 'model'), model, spec, set, pipeline);
    manifest.files.model = 'model/';
    s.touch();

    // ---- optimise
    if (optimize) {
      s.beginPhase('optimize', `scoring candidates (${spec.optimize?.acquisition ?? 'ei'}, batch ${spec.optimize?.batch ?? 1})`);
      const res = await runOptimize({
        spec,
        specPath: s.absSpec,
        runDir: s.tmpDir,
        experimentDir: s.experimentDir,
        runId: s.runId,
        model,
        train: set,
        table,
        pipeline,
        log: (msg: string) => s.log('info', `[optimize] ${msg}`),
        progress: (within: number, msg: string) => s.progress('optimize', within, msg),
        signal: opts.signal,
      });
      s.checkCancel();
      manifest.optimize = { acquisition: res.acquisition, batch: res.batch, suggestions: res.suggestions, candidatesScored: res.candidatesScored };
      for (const [k, v] of Object.entries(res.files ?? {})) manifest.files[k] = isAbsolute(v) ? relative(s.tmpDir, v) || v : v;
      s.log('info', `[optimize] ${res.suggestions} suggestion(s) from ${res.candidatesScored} candidates`);
    }
    s.beginPhase('write', 'writing run folder');
  } catch (e) {
    return s.finish(e);
  }
  return s.finish();
}

function fmt(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)) : String(v);
}

/**
 * crossValidate's progress reports (FitProgress: phase `cv`, iteration = fits done, value = running RMSE, fraction):
 * progress for the notification/bar, and one curve point per finished fold (per-fold summary of the learning curve).
 */
function onCvProgress(p: unknown, totalFits: number, s: RunSession): void {
  if (!p || typeof p !== 'object') return;
  const o = p as { fraction?: unknown; iteration?: unknown; value?: unknown; message?: unknown };
  const done = typeof o.iteration === 'number' ? o.iteration : undefined;
  const within = typeof o.fraction === 'number' ? o.fraction : done !== undefined ? done / Math.max(1, totalFits) : undefined;
  if (done !== undefined && typeof o.value === 'number') s.addCurve('cv', done, o.value);
  if (within === undefined) return;
  const msg =
    typeof o.message === 'string'
      ? o.message
      : done !== undefined
        ? `fold ${done} of ${totalFits} done${typeof o.value === 'number' && Number.isFinite(o.value) ? ` (RMSE ${fmt(o.value)} on its held-out rows)` : ''}`
        : `${Math.round(within * 100)}%`;
  s.progress('cv', within, msg);
}

interface CvOut {
  mean: Float64Array;
  std: Float64Array;
  lower90: Float64Array;
  upper90: Float64Array;
  fold: Int32Array;
}

/** predictions.csv: id, row, then per target <t>, <t>_mean, <t>_std, <t>_lower90, <t>_upper90, <t>_fold (out-of-fold). */
export async function writePredictions(path: string, set: FeatureSet, cv: CvOut): Promise<void> {
  const n = set.X.rows;
  const T = set.targetNames.length;
  const header = ['id', 'row'];
  for (const t of set.targetNames) header.push(t, `${t}_mean`, `${t}_std`, `${t}_lower90`, `${t}_upper90`, `${t}_fold`);
  const lines = [csvLine(header)];
  const perTargetFold = cv.fold.length === n * T && T > 1;
  for (let i = 0; i < n; i++) {
    const cells: (string | number)[] = [set.ids[i] ?? String(i + 1), set.rowNumbers[i] ?? ''];
    for (let t = 0; t < T; t++) {
      const k = i * T + t;
      const fold = perTargetFold ? cv.fold[k] : cv.fold[i];
      cells.push(set.Y.data[k], cv.mean[k], cv.std[k], cv.lower90[k], cv.upper90[k], fold === undefined || fold < 0 ? '' : fold);
    }
    lines.push(csvLine(cells));
  }
  await fsp.writeFile(path, lines.join('\n') + '\n');
}

/** Typed arrays become plain arrays in JSON. */
function jsonReplacer(_k: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v;
}

async function saveModel(dir: string, model: Model, spec: Spec, set: FeatureSet, pipeline: unknown): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  // streamed: a large model (rf-gp keeps its training rows) never becomes one giant string
  await writeJsonFile(join(dir, 'model.json'), model.save());
  const p = pipeline as { featureNames?: string[]; droppedConstant?: string[]; toJSON?: () => unknown; save?: () => unknown };
  const state = typeof p.save === 'function' ? p.save() : typeof p.toJSON === 'function' ? p.toJSON() : undefined;
  const info = {
    format: 'mi-studio-pipeline',
    formatVersion: 1,
    inputs: spec.dataset.inputs,
    targets: spec.dataset.targets,
    id: spec.dataset.id ?? null,
    featureNames: set.featureNames,
    droppedConstant: p.droppedConstant ?? [],
    targetNames: set.targetNames,
    model: spec.model,
    ...(state !== undefined ? { state } : {}),
  };
  await fsp.writeFile(join(dir, 'pipeline.json'), JSON.stringify(info, jsonReplacer, 2) + '\n');
}
