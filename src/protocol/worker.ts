/**
 * Typed protocol between the extension host and a run worker (`dist/worker.js`, a `child_process.fork`).
 * Messages are discriminated unions on `type`; every message carries the run `id` it belongs to
 * (the host picks the id in `start`, the worker echoes it in every reply).
 * Also defines `RunEvent`, the in-process event stream of `executeRun` (`onEvent`), which the worker forwards.
 * Pure TypeScript: no `vscode`, no Node-only imports.
 */
import type { RunStatus } from '../core/run/manifest';
import type { PathPolicy } from '../core/spec/pathPolicy';

export type RunKind = 'train' | 'suggest' | 'simulate' | 'pretrain';

/** Options of a run started from the host (all optional; defaults come from the spec). */
export interface RunOptions {
  /** Output folder for the run (default `<spec dir>/<output.dir>/<name>/<runId>`). */
  out?: string;
  seed?: number;
  /** Run BO after training (default: true for `suggest`, spec has `optimize` for `train`). */
  optimize?: boolean;
  /**
   * Run id to use (`YYYYMMDD-HHMMSS-xxxx`); the host picks it so it knows the temp folder even if the worker dies
   * before its `started` message.
   */
  runId?: string;
  /** false: skip cross-validation (the editor's Suggest, CLI `--no-cv`); default: the spec's `evaluation.cv`. */
  cv?: boolean;
  /** Which folders the spec's files may be in (the editor: its workspace folders; default: the spec's folder tree). */
  paths?: PathPolicy;
  /** Simulate-campaign options (kind `simulate`). */
  simulate?: { budget?: number; initial?: number; repeats?: number; out?: string };
  /** Pretrain options (kind `pretrain`): library folder (absolute), networks, row cap, epochs, exclusion file, name. */
  pretrain?: { library: string; models?: number; maxRows?: number; epochs?: number; exclude?: string; name?: string };
}

// ---------------------------------------------------------------- host -> worker
export interface StartRequest {
  type: 'start';
  id: string;
  kind: RunKind;
  specPath: string;
  options: RunOptions;
}
export interface CancelRequest {
  type: 'cancel';
  id: string;
}
export type HostToWorker = StartRequest | CancelRequest;

// ---------------------------------------------------------------- worker -> host
export interface ProgressMessage {
  type: 'progress';
  id: string;
  phase: string;
  /** 0..1 overall fraction of the run when known. */
  fraction?: number;
  message: string;
}
/** One point of a learning curve (loss per epoch / negative log marginal likelihood per iteration). */
export interface MetricMessage {
  type: 'metric';
  id: string;
  phase: string;
  iteration: number;
  value: number;
}
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export interface LogMessage {
  type: 'log';
  id: string;
  level: LogLevel;
  message: string;
}
/** Sent once the run folder exists (temp folder, live manifest) so the host can open it right away. */
export interface StartedMessage {
  type: 'started';
  id: string;
  runId: string;
  /** Live manifest inside `.tmp-<runId>/`. */
  tempManifest: string;
  /** Where the manifest will be once the run ends. */
  manifestPath: string;
}
export interface ResultMessage {
  type: 'result';
  id: string;
  manifestPath: string;
  status: RunStatus;
  /** Extra files (e.g. simulate: simulation.json) keyed by logical name. */
  files?: Record<string, string>;
}
export interface ErrorMessage {
  type: 'error';
  id: string;
  message: string;
  details?: { file?: string; line?: number; column?: number | string; hint?: string; code?: string; stack?: string };
}
export type WorkerToHost = ProgressMessage | MetricMessage | LogMessage | StartedMessage | ResultMessage | ErrorMessage;

// ---------------------------------------------------------------- executeRun events
/** Events emitted by `executeRun(…, { onEvent })` in process; the worker maps them 1:1 onto messages. */
export type RunEvent =
  | { type: 'started'; runId: string; runDir: string; tempManifest: string; manifestPath: string }
  | { type: 'progress'; phase: string; fraction?: number; message: string }
  | { type: 'curve'; phase: string; iteration: number; value: number }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'finished'; status: RunStatus; manifestPath: string };

export function isHostToWorker(m: unknown): m is HostToWorker {
  if (!m || typeof m !== 'object') return false;
  const o = m as { type?: unknown; id?: unknown };
  return (o.type === 'start' || o.type === 'cancel') && typeof o.id === 'string';
}

export function isWorkerToHost(m: unknown): m is WorkerToHost {
  if (!m || typeof m !== 'object') return false;
  const o = m as { type?: unknown; id?: unknown };
  return typeof o.id === 'string' && ['progress', 'metric', 'log', 'started', 'result', 'error'].includes(String(o.type));
}
