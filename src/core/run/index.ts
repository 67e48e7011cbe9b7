/**
 * `executeRun`: spec → table → features → cross-validation → final fit → (optimise) → run folder.
 *
 * The run folder is created as `<experimentDir>/.tmp-<runId>/` with a live `run.mirun.json` (status `running`),
 * rewritten atomically at most every 0.5 s, and renamed to `<experimentDir>/<runId>/` at the end, whatever the outcome
 * (completed, failed with the error, or cancelled). An interrupted process leaves only a `.tmp-` folder whose manifest
 * says `running`, never something that looks complete. The dataset and the spec are only ever read.
 */
import { promises as fsp, existsSync } from 'node:fs';
import { join, resolve, isAbsolute, relative, basename } from 'node:path';
import { MiError, formatDiagnostic } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import type { Spec } from '../spec/types';
import { validateSpecText, resolveSpecPath } from '../spec';
import { loadTable } from '../data';
import type { Table } from '../data/types';
import { buildFeatures } from '../features';
import type { FeatureSet } from '../features/types';
import { createModel, crossValidate } from '../models';
import type { Model, FitProgress } from '../models/types';
import { getTfBackend } from '../models/tf';
import { runOptimize } from '../bo';
import { PACKAGE_VERSION } from '../version';
import type { RunEvent, LogLevel } from '../../protocol/worker';
import type { RunManifest, RunStatus } from './manifest';
import { LiveManifest } from './live';
import { makeRunId, sha256, csvLine, writeFileAtomic } from './files';
import { experimentDirFor, lenientSpec } from './experiment';

export type { RunManifest, RunStatus } from './manifest';
export type { RunEvent } from '../../protocol/worker';
export { makeRunId, listRunManifests, RUN_ID_PATTERN } from './files';
export { experimentDirFor, lenientSpec } from './experiment';
export { finalizeInterruptedRun } from './recover';

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
}

export interface ExecuteRunResult {
  manifestPath: string;
  manifest: RunManifest;
}

/** Thrown internally when the AbortSignal fires; the run ends with status `cancelled`. */
export class RunCancelled extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'RunCancelled';
  }
}

const MAX_CURVE_POINTS = 5000;

/** Phase weights for the 0..1 progress fraction. */
function phaseSpans(optimize: boolean): Record<string, [number, number]> {
  return optimize
    ? { spec: [0, 0.02], data: [0.02, 0.06], features: [0.06, 0.12], cv: [0.12, 0.62], fit: [0.62, 0.8], optimize: [0.8, 0.98], write: [0.98, 1] }
    : { spec: [0, 0.02], data: [0.02, 0.07], features: [0.07, 0.15], cv: [0.15, 0.8], fit: [0.8, 0.97], write: [0.97, 1] };
}

export async function executeRun(specPath: string, opts: ExecuteRunOptions = {}): Promise<ExecuteRunResult> {
  const t0 = Date.now();
  const absSpec = resolve(specPath);
  const emit = (e: RunEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      /* a listener must never break the run */
    }
  };
  const logLines: string[] = [];
  const log = (level: LogLevel, message: string) => {
    logLines.push(`${new Date().toISOString()} [${level}] ${message}`);
    emit({ type: 'log', level, message });
  };

  // The spec text is needed before anything else (it decides where the run folder goes).
  let text: string;
  try {
    text = await fsp.readFile(absSpec, 'utf8');
  } catch (e) {
    throw new MiError(`cannot read spec: ${(e as Error).message}`, { file: absSpec, code: 'spec-unreadable', hint: 'check the path' });
  }
  const early = lenientSpec(text);
  const experimentDir = experimentDirFor(absSpec, early, opts.out);
  const runId = opts.runId ?? makeRunId();
  const tmpDir = join(experimentDir, `.tmp-${runId}`);
  const finalDir = join(experimentDir, runId);
  await fsp.mkdir(tmpDir, { recursive: true });

  const seedGuess = opts.seed ?? (typeof early?.seed === 'number' ? early.seed : 0);
  const manifest: RunManifest = {
    format: 'mi-studio-run',
    formatVersion: 1,
    runId,
    name: typeof early?.name === 'string' ? early.name : basename(absSpec),
    status: 'running',
    command: opts.command ?? 'run',
    createdAt: new Date(t0).toISOString(),
    spec: { path: absSpec, sha256: sha256(text), content: early ?? null },
    dataset: { path: '', sha256: '', rows: 0, dropped: 0 },
    packageVersion: PACKAGE_VERSION,
    seed: seedGuess,
    backend: 'js',
    timings: {},
    metrics: { cv: {} },
    model: { type: '', hyperparameters: {} },
    features: { count: 0, names: [], dropped: [] },
    targets: [],
    curve: [],
    files: {},
  };
  const live = new LiveManifest(tmpDir, manifest);
  await live.flush();
  emit({ type: 'started', runId, runDir: tmpDir, tempManifest: live.path, manifestPath: join(finalDir, 'run.mirun.json') });

  let spans = phaseSpans(false);
  let phaseStart = Date.now();
  let phase = '';
  const progress = (ph: string, within: number, message: string) => {
    const span = spans[ph] ?? [0, 1];
    const fraction = Math.min(1, Math.max(0, span[0] + (span[1] - span[0]) * Math.min(1, Math.max(0, within))));
    manifest.progress = { phase: ph, fraction, message };
    emit({ type: 'progress', phase: ph, fraction, message });
    live.touch();
  };
  const beginPhase = (ph: string, message: string) => {
    endPhase();
    phase = ph;
    phaseStart = Date.now();
    log('info', `[${ph}] ${message}`);
    progress(ph, 0, message);
  };
  const endPhase = () => {
    if (phase && manifest.timings[phase] === undefined) manifest.timings[phase] = (Date.now() - phaseStart) / 1000;
  };
  const checkCancel = () => {
    if (opts.signal?.aborted) throw new RunCancelled();
  };
  const addCurve = (ph: string, iteration: number, value: number) => {
    if (!Number.isFinite(value)) return;
    if (manifest.curve.length < MAX_CURVE_POINTS) manifest.curve.push({ phase: ph, iteration, value });
    emit({ type: 'curve', phase: ph, iteration, value });
    live.touch();
  };

  let status: RunStatus = 'completed';
  try {
    checkCancel();
    // ---- spec
    beginPhase('spec', `validating ${basename(absSpec)}`);
    const { diagnostics, spec } = await validateSpecText(text, absSpec);
    for (const d of diagnostics) if (d.severity !== 'error') log('warn', formatDiagnostic(absSpec, d));
    if (!spec) throw specError(absSpec, diagnostics);
    const command = opts.command ?? 'run';
    if (command === 'suggest' && !spec.optimize) {
      throw new MiError('the spec has no `optimize` section, so there is nothing to suggest', {
        file: absSpec,
        line: 1,
        code: 'no-optimize',
        hint: 'add an `optimize:` section (acquisition, batch, candidates or space), or use `run` to train only',
      });
    }
    const optimize = opts.optimize ?? (command === 'suggest' || spec.optimize !== undefined);
    if (optimize && !spec.optimize) {
      throw new MiError('optimisation was requested but the spec has no `optimize` section', {
        file: absSpec,
        code: 'no-optimize',
        hint: 'add an `optimize:` section to the spec',
      });
    }
    spans = phaseSpans(optimize);
    const seed = opts.seed ?? spec.seed;
    manifest.seed = seed;
    manifest.name = spec.name;
    manifest.spec.content = spec;
    manifest.targets = spec.dataset.targets.map((t) => ({ column: t.column, goal: t.goal, ...(t.unit ? { unit: t.unit } : {}) }));
    checkCancel();

    // ---- data
    const dataPath = resolveSpecPath(absSpec, spec.dataset.path);
    beginPhase('data', `loading ${dataPath}`);
    const table: Table = await loadTable(dataPath, { signal: opts.signal });
    manifest.dataset = { path: dataPath, sha256: table.sha256, rows: table.rowNumbers.length, dropped: 0 };
    log('info', `[data] ${table.rowNumbers.length} rows, ${table.header.length} columns (sha256 ${table.sha256.slice(0, 12)}…)`);
    checkCancel();

    // ---- features
    beginPhase('features', 'building descriptors');
    const { set, pipeline } = await buildFeatures(spec, table);
    const droppedRows = new Set(set.dropped.map((d) => d.row));
    manifest.dataset.rows = set.X.rows;
    manifest.dataset.dropped = droppedRows.size;
    manifest.features = { count: set.featureNames.length, names: set.featureNames, dropped: pipeline.droppedConstant ?? [] };
    if (set.dropped.length) {
      const lines = ['row,column,message', ...set.dropped.map((d) => csvLine([d.row, d.column, d.message]))];
      await fsp.writeFile(join(tmpDir, 'dropped_rows.csv'), lines.join('\n') + '\n');
      manifest.files.dropped_rows = 'dropped_rows.csv';
      log('warn', `[features] skipped ${droppedRows.size} invalid row(s) (on_invalid: skip), listed in dropped_rows.csv`);
    }
    log('info', `[features] ${set.X.rows} rows x ${set.featureNames.length} features, ${set.targetNames.length} target(s)`);
    if (set.X.rows < 2) {
      throw new MiError(`only ${set.X.rows} usable row(s) after featurisation; at least 2 are needed to train`, {
        file: dataPath,
        code: 'too-few-rows',
        hint: 'check the dataset and the on_invalid setting',
      });
    }
    checkCancel();

    // ---- cross-validation
    const folds = Math.max(2, Math.min(spec.evaluation.cv.folds, set.X.rows));
    const repeats = spec.evaluation.cv.repeats;
    if (folds !== spec.evaluation.cv.folds) log('warn', `[cv] only ${set.X.rows} rows: using ${folds} folds instead of ${spec.evaluation.cv.folds}`);
    beginPhase('cv', `${folds}-fold cross-validation x ${repeats} repeat(s) of ${spec.model.type}`);
    const cv = await crossValidate(() => createModel(spec.model, { seed }), set.X, set.Y, {
      folds,
      repeats,
      seed,
      signal: opts.signal,
      onProgress: (p: unknown) => onCvProgress(p, folds * repeats, progress),
    });
    checkCancel();
    const T = set.targetNames.length;
    for (let t = 0; t < T; t++) manifest.metrics.cv[set.targetNames[t]] = cv.metrics[t];
    for (const [name, m] of Object.entries(manifest.metrics.cv)) {
      log('info', `[cv] ${name}: MAE ${fmt(m.mae)}, RMSE ${fmt(m.rmse)}, R² ${fmt(m.r2)}, coverage90 ${fmt(m.coverage90)}`);
    }
    await writePredictions(join(tmpDir, 'predictions.csv'), set, cv);
    manifest.files.predictions = 'predictions.csv';
    live.touch();

    // ---- final fit on all rows
    beginPhase('fit', `fitting ${spec.model.type} on all ${set.X.rows} rows`);
    const model: Model = createModel(spec.model, { seed });
    await model.fit(set.X, set.Y, {
      seed,
      signal: opts.signal,
      onProgress: (p: FitProgress) => {
        addCurve(p.phase || 'fit', p.iteration, p.value);
        if (p.fraction !== undefined) progress('fit', p.fraction, `${p.phase || 'fit'} ${p.iteration}: ${fmt(p.value)}`);
      },
    });
    checkCancel();
    const summary = model.summary();
    manifest.model = {
      type: summary.type || model.type,
      hyperparameters: summary.hyperparameters,
      ...(summary.featureRelevance
        ? { featureRelevance: summary.featureRelevance.map((r, j) => ({ feature: set.featureNames[j] ?? `f${j}`, relevance: r })) }
        : {}),
      ...(summary.objective !== undefined ? { objective: summary.objective } : {}),
    };
    manifest.backend = /mlp/.test(spec.model.type) || /mlp/.test(manifest.model.type) ? await getTfBackend() : 'js';
    await saveModel(join(tmpDir, 'model'), model, spec, set, pipeline);
    manifest.files.model = 'model/';
    live.touch();

    // ---- optimise
    if (optimize) {
      beginPhase('optimize', `scoring candidates (${spec.optimize?.acquisition ?? 'ei'}, batch ${spec.optimize?.batch ?? 1})`);
      const res = await runOptimize({
        spec,
        specPath: absSpec,
        runDir: tmpDir,
        experimentDir,
        runId,
        model,
        train: set,
        table,
        pipeline,
        log: (msg: string) => log('info', `[optimize] ${msg}`),
        signal: opts.signal,
      });
      checkCancel();
      manifest.optimize = { acquisition: res.acquisition, batch: res.batch, suggestions: res.suggestions, candidatesScored: res.candidatesScored };
      for (const [k, v] of Object.entries(res.files ?? {})) manifest.files[k] = isAbsolute(v) ? relative(tmpDir, v) || v : v;
      log('info', `[optimize] ${res.suggestions} suggestion(s) from ${res.candidatesScored} candidates`);
    }
    beginPhase('write', 'writing run folder');
  } catch (e) {
    status = e instanceof RunCancelled || (opts.signal?.aborted ?? false) ? 'cancelled' : 'failed';
    manifest.error = status === 'cancelled' ? { message: 'run cancelled' } : errorInfo(e);
    log(status === 'cancelled' ? 'warn' : 'error', `[${phase}] ${status === 'cancelled' ? 'cancelled' : `failed: ${manifest.error.message}`}`);
    if (status === 'failed' && !(e instanceof MiError) && e instanceof Error && e.stack) logLines.push(e.stack);
  }

  // ---- finish: final manifest in the temp folder, then one rename makes the run visible.
  endPhase();
  manifest.status = status;
  manifest.timings.total = (Date.now() - t0) / 1000;
  manifest.finishedAt = new Date().toISOString();
  manifest.progress = { phase: status === 'completed' ? 'done' : phase, fraction: status === 'completed' ? 1 : manifest.progress?.fraction, message: status };
  manifest.files.log = 'run.log';
  await live.close();
  await fsp.writeFile(join(tmpDir, 'run.log'), logLines.join('\n') + '\n');
  await writeFileAtomic(join(tmpDir, 'run.mirun.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (existsSync(finalDir)) throw new MiError(`run folder already exists: ${finalDir}`, { file: finalDir, code: 'run-exists' });
  await fsp.rename(tmpDir, finalDir);
  const manifestPath = join(finalDir, 'run.mirun.json');
  emit({ type: 'progress', phase: status === 'completed' ? 'done' : phase, fraction: status === 'completed' ? 1 : undefined, message: status });
  emit({ type: 'finished', status, manifestPath });
  return { manifestPath, manifest };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4)) : String(v);
}

/** crossValidate's progress reports; tolerant of the exact shape (fold counters, fractions, per-iteration points). */
function onCvProgress(p: unknown, totalFits: number, progress: (ph: string, within: number, message: string) => void): void {
  if (!p || typeof p !== 'object') return;
  const o = p as { fraction?: unknown; fold?: unknown; repeat?: unknown; folds?: unknown; message?: unknown; phase?: unknown };
  let within: number | undefined;
  if (typeof o.fraction === 'number') within = o.fraction;
  else if (typeof o.fold === 'number') within = o.fold / Math.max(1, typeof o.folds === 'number' ? o.folds : totalFits);
  if (within === undefined) return;
  const msg =
    typeof o.message === 'string'
      ? o.message
      : typeof o.fold === 'number'
        ? `fold ${o.fold}${typeof o.folds === 'number' ? `/${o.folds}` : ''}`
        : `${Math.round(within * 100)}%`;
  progress('cv', within, msg);
}

function specError(specPath: string, diagnostics: Diagnostic[]): MiError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const err = new MiError(
    first ? `${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : ''}` : 'the spec is invalid',
    first
      ? { file: first.file ?? specPath, line: first.range.start.line + 1, column: first.range.start.character + 1, hint: first.hint, code: first.code }
      : { file: specPath, code: 'invalid-spec' },
  );
  (err as MiError & { diagnostics?: string[] }).diagnostics = errors.map((d) => formatDiagnostic(specPath, d));
  return err;
}

function errorInfo(e: unknown): NonNullable<RunManifest['error']> {
  if (e instanceof MiError) {
    const d = e.details;
    const diags = (e as MiError & { diagnostics?: string[] }).diagnostics;
    return {
      message: e.message,
      ...(d.file !== undefined ? { file: d.file } : {}),
      ...(d.line !== undefined ? { line: d.line } : {}),
      ...(d.column !== undefined ? { column: d.column } : {}),
      ...(d.hint !== undefined ? { hint: d.hint } : {}),
      ...(d.code !== undefined ? { code: d.code } : {}),
      ...(diags ? { diagnostics: diags } : {}),
    };
  }
  return { message: e instanceof Error ? e.message : String(e) };
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
  await fsp.writeFile(join(dir, 'model.json'), JSON.stringify(model.save(), jsonReplacer) + '\n');
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
