/**
 * Run worker (bundled to dist/worker.js), started with `child_process.fork` by the extension host (one run per process).
 * Receives `start` / `cancel` (src/protocol/worker.ts), runs the engine, and posts progress / metric / log messages
 * (throttled), then `result`. Uncaught errors become an `error` message and exit code 1.
 *
 * The engine itself runs in a worker thread of this process (same file, see thread.ts), so this main thread stays
 * responsive: a `cancel` raises a shared-memory abort flag that the engine sees at its next check, even inside long
 * synchronous loops. Set MI_WORKER_THREADS=0 to run the engine on the main thread instead.
 */
import { MiError } from '../core/diagnostics';
import type { RunEvent, StartRequest, WorkerToHost, HostToWorker } from '../protocol/worker';
import { isHostToWorker } from '../protocol/worker';
import { Throttle } from './throttle';
import { runRequest, type EngineResult } from './engine';
import { EngineError, engineThreadMain, isEngineThread, runInThread } from './thread';

const cancels = new Map<string, () => void>();
let active = 0;

function post(m: WorkerToHost): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    try {
      process.send(m, undefined, {}, () => resolve());
    } catch {
      resolve();
    }
  });
}

function errorDetails(e: unknown): NonNullable<Extract<WorkerToHost, { type: 'error' }>['details']> {
  if (e instanceof MiError) return { ...e.details };
  if (e instanceof EngineError) return { ...(e.details as NonNullable<Extract<WorkerToHost, { type: 'error' }>['details']>) };
  return e instanceof Error && e.stack ? { stack: e.stack } : {};
}

function startEngine(req: StartRequest, onEvent: (e: RunEvent) => void): { done: Promise<EngineResult>; cancel(): void } {
  if (process.env.MI_WORKER_THREADS !== '0') {
    try {
      return runInThread(__filename, req, onEvent);
    } catch (e) {
      void post({ type: 'log', id: req.id, level: 'warn', message: `engine thread unavailable (${(e as Error).message}); running on the main thread` });
    }
  }
  const controller = new AbortController();
  return { done: runRequest(req, controller.signal, onEvent), cancel: () => controller.abort() };
}

/** Runs one request; resolves false when it ended with an `error` message instead of a `result`. */
async function start(req: StartRequest): Promise<boolean> {
  active++;
  const throttle = new Throttle(req.id, (m) => void post(m), 100);
  const onEvent = (e: RunEvent) => {
    if (e.type === 'started') void post({ type: 'started', id: req.id, runId: e.runId, tempManifest: e.tempManifest, manifestPath: e.manifestPath });
    else throttle.event(e);
  };
  try {
    const engine = startEngine(req, onEvent);
    cancels.set(req.id, engine.cancel);
    const r = await engine.done;
    throttle.flush();
    await post({ type: 'result', id: req.id, manifestPath: r.manifestPath, status: r.status, ...(r.files ? { files: r.files } : {}) });
    return true;
  } catch (e) {
    throttle.flush();
    await post({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e), details: errorDetails(e) });
    return false;
  } finally {
    throttle.dispose();
    cancels.delete(req.id);
    active--;
  }
}

function finish(code: number): void {
  if (process.connected) process.disconnect();
  setTimeout(() => process.exit(code), 50).unref();
  process.exitCode = code;
}

function fatal(e: unknown): void {
  const ids = [...cancels.keys()];
  const message = `worker crashed: ${e instanceof Error ? e.message : String(e)}`;
  void Promise.all((ids.length ? ids : ['*']).map((id) => post({ type: 'error', id, message, details: errorDetails(e) }))).finally(() =>
    process.exit(1),
  );
  setTimeout(() => process.exit(1), 1000).unref();
}

function processMain(): void {
  process.on('message', (m: unknown) => {
    if (!isHostToWorker(m)) return;
    const msg: HostToWorker = m;
    if (msg.type === 'start') {
      void start(msg).then((ok) => {
        // One run per process: leave once nothing is running (exit 1 when the run could not even start its folder).
        if (active === 0) finish(ok ? 0 : 1);
      });
    } else if (msg.type === 'cancel') {
      cancels.get(msg.id)?.();
    }
  });
  // No SIGTERM handler on purpose: SIGTERM is the host's second step after a `cancel` the run did not act on within
  // 3 s; the default action ends the process at once and the host finalises the run as cancelled.
  // The host went away: nothing will read our results; stop.
  process.on('disconnect', () => {
    for (const c of cancels.values()) c();
  });
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}

if (isEngineThread()) engineThreadMain();
else processMain();
