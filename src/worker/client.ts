/**
 * Host side of the worker protocol, without VS Code: forks `dist/worker.js` per run, queues runs beyond a concurrency
 * limit, forwards messages, escalates cancel (message → SIGTERM after 3 s → SIGKILL after 6 s), and when a worker dies
 * before reporting a result, patches the run's manifest to failed (or cancelled) so no run is left `running`.
 * The extension's RunManager wraps this with notifications, the status bar and the log channel.
 */
import { fork as nodeFork } from 'node:child_process';
import type { ChildProcess, ForkOptions } from 'node:child_process';
import type { RunStatus } from '../core/run/manifest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finalizeInterruptedRun } from '../core/run/recover';
import { experimentDirFor, lenientSpec } from '../core/run/experiment';
import { makeRunId, RUN_ID_PATTERN } from '../core/run/files';
import type { RunKind, RunOptions, WorkerToHost } from '../protocol/worker';
import { isWorkerToHost } from '../protocol/worker';

export interface RunRequest {
  kind: RunKind;
  specPath: string;
  options: RunOptions;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  /** Final manifest, when the run got far enough to create its folder. */
  manifestPath?: string;
  /** Why it failed (worker error message or how the process died). */
  error?: string;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  files?: Record<string, string>;
}

export type RunState = 'queued' | 'running' | 'finished';

export interface RunHandle {
  readonly id: string;
  readonly request: RunRequest;
  state: RunState;
  runId?: string;
  tempManifest?: string;
  manifestPath?: string;
  pid?: number;
  cancelRequested: boolean;
  outcome?: RunOutcome;
  readonly done: Promise<RunOutcome>;
}

export interface RunClientOptions {
  workerPath: string;
  /** Read on every scheduling decision, so a settings change applies to the queue. */
  maxConcurrent?: () => number;
  /** Cancel escalation delays (ms). */
  termAfterMs?: number;
  killAfterMs?: number;
  /** For tests: replace `child_process.fork`. */
  fork?: (modulePath: string, args: string[], options: ForkOptions) => ChildProcess;
  env?: NodeJS.ProcessEnv;
}

export type RunListener = {
  message?(run: RunHandle, m: WorkerToHost): void;
  state?(run: RunHandle): void;
  /** Diagnostics about the client itself (worker stderr, recoveries). */
  log?(run: RunHandle, level: 'info' | 'warn' | 'error', message: string): void;
};

interface Internal extends RunHandle {
  child?: ChildProcess;
  resolve(o: RunOutcome): void;
  result?: Extract<WorkerToHost, { type: 'result' }>;
  error?: Extract<WorkerToHost, { type: 'error' }>;
  timers: ReturnType<typeof setTimeout>[];
}

let seq = 0;

export class RunClient {
  private runs = new Map<string, Internal>();
  private queue: Internal[] = [];
  private listeners = new Set<RunListener>();
  private disposed = false;

  constructor(private opts: RunClientOptions) {}

  on(l: RunListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** All runs not yet finished (running first, then queued). */
  active(): RunHandle[] {
    return [...this.runs.values()].filter((r) => r.state !== 'finished');
  }

  get(id: string): RunHandle | undefined {
    return this.runs.get(id);
  }

  start(request: RunRequest): RunHandle {
    if (this.disposed) throw new Error('RunClient is disposed');
    let resolve!: (o: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => (resolve = r));
    const run: Internal = {
      id: `run-${process.pid}-${Date.now().toString(36)}-${++seq}`,
      request,
      state: 'queued',
      cancelRequested: false,
      done,
      resolve,
      timers: [],
    };
    this.runs.set(run.id, run);
    this.queue.push(run);
    this.emitState(run);
    this.pump();
    return run;
  }

  /** Cancel: a queued run is dropped; a running one gets a `cancel` message, then SIGTERM, then SIGKILL. */
  cancel(id: string): void {
    const run = this.runs.get(id);
    if (!run || run.state === 'finished' || run.cancelRequested) return;
    run.cancelRequested = true;
    if (run.state === 'queued') {
      this.queue = this.queue.filter((r) => r !== run);
      this.finish(run, { status: 'cancelled', error: 'cancelled before it started' });
      return;
    }
    const child = run.child;
    if (!child) return;
    this.send(child, { type: 'cancel', id: run.id });
    this.log(run, 'info', 'cancel requested');
    run.timers.push(
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          this.log(run, 'warn', `worker did not stop within ${this.termMs / 1000} s: sending SIGTERM`);
          child.kill('SIGTERM');
        }
      }, this.termMs),
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          this.log(run, 'warn', `worker did not stop within ${this.killMs / 1000} s: sending SIGKILL`);
          child.kill('SIGKILL');
        }
      }, this.killMs),
    );
  }

  cancelAll(): void {
    for (const r of [...this.runs.values()]) this.cancel(r.id);
  }

  /** Kills every worker (extension deactivation). Runs left behind are recovered as failed by their exit handlers. */
  dispose(): void {
    this.disposed = true;
    for (const r of this.queue) this.finish(r, { status: 'cancelled', error: 'extension shutting down' });
    this.queue = [];
    for (const r of this.runs.values()) {
      if (r.child && r.state === 'running') {
        r.cancelRequested = true; // stopped on purpose: recorded as cancelled, not failed
        r.child.kill('SIGTERM');
      }
    }
  }

  private get termMs(): number {
    return this.opts.termAfterMs ?? 3000;
  }
  private get killMs(): number {
    return this.opts.killAfterMs ?? 6000;
  }

  /** Re-reads the concurrency limit and starts queued runs that now fit (e.g. after a settings change). */
  reschedule(): void {
    if (!this.disposed) this.pump();
  }

  private pump(): void {
    const max = Math.max(1, Math.floor(this.opts.maxConcurrent?.() ?? 2));
    let running = [...this.runs.values()].filter((r) => r.state === 'running').length;
    while (running < max && this.queue.length) {
      const run = this.queue.shift()!;
      this.launch(run);
      running++;
    }
  }

  private launch(run: Internal): void {
    const forkFn = this.opts.fork ?? nodeFork;
    let child: ChildProcess;
    try {
      child = forkFn(this.opts.workerPath, [], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        execArgv: [],
        env: { ...(this.opts.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      });
    } catch (e) {
      this.finish(run, { status: 'failed', error: `could not start the worker: ${(e as Error).message}` });
      return;
    }
    run.child = child;
    run.pid = child.pid;
    // The host picks the run id, so it can find (and finalise) the temp folder even if the worker dies before `started`.
    const options = { ...run.request.options };
    if (!options.runId || !RUN_ID_PATTERN.test(options.runId)) options.runId = makeRunId();
    run.runId = options.runId;
    run.state = 'running';
    this.emitState(run);
    const pipe = (s: NodeJS.ReadableStream | null, level: 'info' | 'warn') => {
      s?.setEncoding('utf8');
      s?.on('data', (d: string) => {
        for (const line of d.split(/\r?\n/)) if (line.trim()) this.log(run, level, line);
      });
    };
    pipe(child.stdout, 'info');
    pipe(child.stderr, 'warn');
    child.on('message', (m: unknown) => this.onMessage(run, m));
    child.on('error', (e) => this.log(run, 'error', `worker process error: ${e.message}`));
    child.on('exit', (code, signal) => void this.onExit(run, code, signal));
    this.send(child, { type: 'start', id: run.id, kind: run.request.kind, specPath: run.request.specPath, options });
  }

  private send(child: ChildProcess, m: unknown): void {
    try {
      if (child.connected) child.send(m as object);
    } catch {
      /* the exit handler deals with a dead worker */
    }
  }

  private onMessage(run: Internal, m: unknown): void {
    if (!isWorkerToHost(m) || (m.id !== run.id && m.id !== '*')) return;
    if (m.type === 'started') {
      run.runId = m.runId;
      run.tempManifest = m.tempManifest;
      run.manifestPath = m.manifestPath;
      this.emitState(run);
    } else if (m.type === 'result') {
      run.result = m;
      run.manifestPath = m.manifestPath;
    } else if (m.type === 'error') {
      run.error = m;
    }
    for (const l of this.listeners) l.message?.(run, m);
  }

  private async onExit(run: Internal, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    for (const t of run.timers) clearTimeout(t);
    run.timers = [];
    if (run.result) {
      const status = run.result.status === 'running' ? 'failed' : run.result.status;
      this.finish(run, { status, manifestPath: run.result.manifestPath, exitCode: code, signal, files: run.result.files });
      return;
    }
    // No result: the worker failed before finishing (error message, crash, or kill).
    const how = signal ? `worker killed by ${signal}` : `worker exited with code ${code}`;
    const status = run.cancelRequested ? 'cancelled' : 'failed';
    const reason = run.error ? run.error.message : run.cancelRequested ? `run cancelled (${how})` : `${how} before the run finished`;
    let manifestPath: string | undefined;
    const tempManifest = run.tempManifest ?? (await this.expectedTempManifest(run));
    if (tempManifest) {
      try {
        const rec = await finalizeInterruptedRun(tempManifest, status, reason);
        if (rec) {
          manifestPath = rec.manifestPath;
          if (rec.patched) this.log(run, 'warn', `marked run ${run.runId} as ${rec.status}: ${reason}`);
          this.finish(run, { status: rec.status === 'running' ? status : rec.status, manifestPath, error: reason, exitCode: code, signal });
          return;
        }
      } catch (e) {
        this.log(run, 'error', `could not mark the run as ${status}: ${(e as Error).message}`);
      }
    }
    this.finish(run, { status, manifestPath, error: reason, exitCode: code, signal });
  }

  /** Where the worker creates the temp folder for the host-chosen run id (when `started` never arrived). */
  private async expectedTempManifest(run: Internal): Promise<string | undefined> {
    if (!run.runId) return undefined;
    try {
      const o = run.request.options;
      const out = run.request.kind === 'simulate' ? (o.simulate?.out ?? o.out) : o.out;
      const dir = experimentDirFor(run.request.specPath, lenientSpec(await readFile(run.request.specPath, 'utf8')), out);
      return join(dir, `.tmp-${run.runId}`, 'run.mirun.json');
    } catch {
      return undefined;
    }
  }

  private finish(run: Internal, outcome: RunOutcome): void {
    if (run.state === 'finished') return;
    run.state = 'finished';
    run.outcome = outcome;
    if (outcome.manifestPath) run.manifestPath = outcome.manifestPath;
    run.child = undefined;
    this.runs.delete(run.id);
    this.emitState(run);
    run.resolve(outcome);
    if (!this.disposed) this.pump();
  }

  private emitState(run: Internal): void {
    for (const l of this.listeners) l.state?.(run);
  }

  private log(run: Internal, level: 'info' | 'warn' | 'error', message: string): void {
    for (const l of this.listeners) l.log?.(run, level, message);
  }
}
