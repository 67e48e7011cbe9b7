/**
 * One run folder's life cycle, shared by `executeRun` and `executeSimulate`: reads the spec text, creates
 * `<experiment>/.tmp-<runId>/` with a live manifest (status `running`), reports phases/progress/curve/log as RunEvents,
 * and finishes by writing the final manifest and renaming the folder to `<runId>/` whatever the outcome.
 */
import { promises as fsp, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { MiError, formatDiagnostic } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import { resolveSpecPath, validateSpecText } from '../spec';
import { loadTable } from '../data';
import type { Table } from '../data/types';
import type { Spec } from '../spec/types';
import { PACKAGE_VERSION } from '../version';
import type { LogLevel, RunEvent } from '../../protocol/worker';
import { emptyManifest, type RunManifest, type RunStatus } from './manifest';
import { LiveManifest } from './live';
import { makeRunId, sha256, writeFileAtomic } from './files';
import { experimentDirFor, lenientSpec } from './experiment';
import { recoverStaleRuns } from './recover';
import { checkRunFolder } from './outputCheck';
import type { PathPolicy } from '../spec/pathPolicy';

/** Thrown when the AbortSignal fires; the run ends with status `cancelled`. */
export class RunCancelled extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'RunCancelled';
  }
}

export interface SessionOptions {
  out?: string;
  seed?: number;
  command: NonNullable<RunManifest['command']>;
  runId?: string;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
  /** Which folders the spec's files may be in (default: the spec's folder tree). */
  paths?: PathPolicy;
}

const MAX_CURVE_POINTS = 5000;

export class RunSession {
  readonly manifest: RunManifest;
  private live: LiveManifest;
  private logLines: string[] = [];
  private phase = '';
  private phaseStart = Date.now();
  private readonly t0: number;
  /** Phase → [start, end] of the overall 0..1 fraction. */
  spans: Record<string, [number, number]> = {};

  private constructor(
    readonly absSpec: string,
    readonly text: string,
    readonly experimentDir: string,
    readonly runId: string,
    readonly tmpDir: string,
    private opts: SessionOptions,
    t0: number,
  ) {
    this.t0 = t0;
    const early = lenientSpec(text);
    this.manifest = emptyManifest({
      runId,
      name: typeof early?.name === 'string' ? early.name : basename(absSpec).replace(/\.mi\.ya?ml$|\.ya?ml$/i, ''),
      status: 'running',
      command: opts.command,
      process: { pid: process.pid, host: hostname() },
      createdAt: new Date(t0).toISOString(),
      spec: { path: absSpec, sha256: sha256(text), content: early ?? null },
      packageVersion: PACKAGE_VERSION,
      seed: opts.seed ?? (typeof early?.seed === 'number' ? early.seed : 0),
      backend: 'js',
    });
    this.live = new LiveManifest(tmpDir, this.manifest);
  }

  get finalDir(): string {
    return join(this.experimentDir, this.runId);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** Reads the spec text and creates the temp run folder with its first manifest. Throws only if neither is possible. */
  static async open(specPath: string, opts: SessionOptions): Promise<RunSession> {
    const t0 = Date.now();
    const absSpec = resolve(specPath);
    let text: string;
    try {
      text = await fsp.readFile(absSpec, 'utf8');
    } catch (e) {
      throw new MiError(`cannot read spec: ${(e as Error).message}`, { file: absSpec, code: 'spec-unreadable', hint: 'check the path' });
    }
    const experimentDir = experimentDirFor(absSpec, lenientSpec(text), opts.out);
    // Before anything is created: never on /proc, /sys, /dev (mkdir there can hang), and `output.dir` (not an
    // explicit --out) inside the allowed folders.
    checkRunFolder(absSpec, experimentDir, opts.out !== undefined, opts.paths);
    const runId = opts.runId ?? makeRunId();
    const tmpDir = join(experimentDir, `.tmp-${runId}`);
    await fsp.mkdir(tmpDir, { recursive: true });
    // Earlier runs of this experiment whose process died (kill -9, crash, power loss) are finalised as failed.
    await recoverStaleRuns(experimentDir).catch(() => undefined);
    const s = new RunSession(absSpec, text, experimentDir, runId, tmpDir, opts, t0);
    await s.live.flush();
    s.emit({ type: 'started', runId, runDir: tmpDir, tempManifest: s.live.path, manifestPath: join(s.finalDir, 'run.mirun.json') });
    return s;
  }

  emit(e: RunEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      /* a listener must never break the run */
    }
  }

  log(level: LogLevel, message: string): void {
    this.logLines.push(`${new Date().toISOString()} [${level}] ${message}`);
    this.emit({ type: 'log', level, message });
  }

  /** Progress within a phase (0..1), mapped onto the overall fraction with `spans`. */
  progress(phase: string, within: number, message: string): void {
    const span = this.spans[phase] ?? [0, 1];
    const w = Math.min(1, Math.max(0, within));
    const fraction = Math.min(1, Math.max(0, span[0] + (span[1] - span[0]) * w));
    this.manifest.progress = { phase, fraction, message };
    this.emit({ type: 'progress', phase, fraction, message });
    this.live.touch();
  }

  beginPhase(phase: string, message: string): void {
    this.endPhase();
    this.phase = phase;
    this.phaseStart = Date.now();
    this.log('info', `[${phase}] ${message}`);
    this.progress(phase, 0, message);
  }

  private endPhase(): void {
    if (this.phase && this.manifest.timings[this.phase] === undefined) this.manifest.timings[this.phase] = (Date.now() - this.phaseStart) / 1000;
  }

  get currentPhase(): string {
    return this.phase;
  }

  checkCancel(): void {
    if (this.opts.signal?.aborted) throw new RunCancelled();
  }

  addCurve(phase: string, iteration: number, value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.manifest.curve.length < MAX_CURVE_POINTS) this.manifest.curve.push({ phase, iteration, value });
    this.emit({ type: 'curve', phase, iteration, value });
    this.live.touch();
  }

  /** Schedules a live manifest rewrite (at most every 0.5 s). */
  touch(): void {
    this.live.touch();
  }

  /**
   * The `data` phase: loads the spec's dataset (path relative to the spec) and records its path, SHA-256 and row
   * count in the manifest. Shared by run/suggest, simulate and pretrain.
   */
  async loadDataset(spec: Spec): Promise<{ dataPath: string; table: Table }> {
    const dataPath = resolveSpecPath(this.absSpec, spec.dataset.path);
    this.beginPhase('data', `loading ${dataPath}`);
    const table = await loadTable(dataPath, { signal: this.opts.signal });
    this.manifest.dataset = { path: dataPath, sha256: table.sha256, rows: table.rowNumbers.length, dropped: 0 };
    this.log('info', `[data] ${table.rowNumbers.length} rows, ${table.header.length} columns (sha256 ${table.sha256.slice(0, 12)}…)`);
    this.checkCancel();
    return { dataPath, table };
  }

  /** Validates the spec (the `spec` phase); throws an MiError carrying every spec diagnostic when it is invalid. */
  async validate(): Promise<Spec> {
    this.beginPhase('spec', `validating ${basename(this.absSpec)}`);
    const { diagnostics, spec } = await validateSpecText(this.text, this.absSpec, { paths: this.opts.paths });
    for (const d of diagnostics) if (d.severity !== 'error') this.log('warn', formatDiagnostic(this.absSpec, d));
    if (!spec) throw specError(this.absSpec, diagnostics);
    const m = this.manifest;
    m.seed = this.opts.seed ?? spec.seed;
    m.name = spec.name;
    m.spec.content = spec;
    m.model = { type: spec.model.type, hyperparameters: {} };
    m.targets = spec.dataset.targets.map((t) => ({ column: t.column, goal: t.goal, ...(t.unit ? { unit: t.unit } : {}) }));
    return spec;
  }

  /** Ends the run: final manifest in the temp folder, then one rename makes it visible as `<runId>/`. */
  async finish(error?: unknown): Promise<{ manifestPath: string; manifest: RunManifest }> {
    const m = this.manifest;
    let status: RunStatus = 'completed';
    if (error !== undefined) {
      status = error instanceof RunCancelled || (this.opts.signal?.aborted ?? false) ? 'cancelled' : 'failed';
      m.error = status === 'cancelled' ? { message: 'run cancelled', code: 'cancelled' } : errorInfo(error);
      this.log(status === 'cancelled' ? 'warn' : 'error', `[${this.phase || 'run'}] ${status === 'cancelled' ? 'cancelled' : `failed: ${m.error.message}`}`);
      if (status === 'failed' && !(error instanceof MiError) && error instanceof Error && error.stack) this.logLines.push(error.stack);
    }
    this.endPhase();
    m.status = status;
    m.timings.total = (Date.now() - this.t0) / 1000;
    m.finishedAt = new Date().toISOString();
    const lastFraction = m.progress?.fraction;
    m.progress = status === 'completed' ? { phase: 'done', fraction: 1, message: 'completed' } : { phase: this.phase, ...(lastFraction !== undefined ? { fraction: lastFraction } : {}), message: status };
    m.files.log = 'run.log';
    await this.live.close();
    await fsp.writeFile(join(this.tmpDir, 'run.log'), this.logLines.join('\n') + '\n');
    await writeFileAtomic(join(this.tmpDir, 'run.mirun.json'), JSON.stringify(m, null, 2) + '\n');
    if (existsSync(this.finalDir)) throw new MiError(`run folder already exists: ${this.finalDir}`, { file: this.finalDir, code: 'run-exists' });
    await fsp.rename(this.tmpDir, this.finalDir);
    const manifestPath = join(this.finalDir, 'run.mirun.json');
    this.emit({ type: 'progress', phase: m.progress.phase, ...(m.progress.fraction !== undefined ? { fraction: m.progress.fraction } : {}), message: status });
    this.emit({ type: 'finished', status, manifestPath });
    return { manifestPath, manifest: m };
  }
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
