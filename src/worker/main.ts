/**
 * Run worker (bundled to dist/worker.js), started with `child_process.fork` by the extension host (one run per process).
 * Receives `start` / `cancel` (src/protocol/worker.ts), runs the engine, and posts progress / metric / log messages
 * (throttled), then `result`. Uncaught errors become an `error` message and exit code 1.
 */
import { MiError } from '../core/diagnostics';
import { executeRun } from '../core/run';
import type { RunEvent, StartRequest, WorkerToHost, HostToWorker } from '../protocol/worker';
import { isHostToWorker } from '../protocol/worker';
import { Throttle } from './throttle';
import { runSimulate } from './simulate';

const controllers = new Map<string, AbortController>();
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
  return e instanceof Error && e.stack ? { stack: e.stack } : {};
}

/** Runs one request; resolves false when it ended with an `error` message instead of a `result`. */
async function start(req: StartRequest): Promise<boolean> {
  const controller = new AbortController();
  controllers.set(req.id, controller);
  active++;
  const throttle = new Throttle(req.id, (m) => void post(m), 100);
  const onEvent = (e: RunEvent) => {
    if (e.type === 'started') void post({ type: 'started', id: req.id, runId: e.runId, tempManifest: e.tempManifest, manifestPath: e.manifestPath });
    else throttle.event(e);
  };
  try {
    if (req.kind === 'simulate') {
      const r = await runSimulate(req, controller.signal, onEvent);
      throttle.flush();
      await post({ type: 'result', id: req.id, manifestPath: r.manifestPath, status: r.status, files: r.files });
    } else {
      const r = await executeRun(req.specPath, {
        out: req.options.out,
        seed: req.options.seed,
        optimize: req.kind === 'suggest' ? true : req.options.optimize,
        command: req.kind === 'suggest' ? 'suggest' : 'run',
        runId: req.options.runId,
        signal: controller.signal,
        onEvent,
      });
      throttle.flush();
      await post({ type: 'result', id: req.id, manifestPath: r.manifestPath, status: r.manifest.status });
    }
    return true;
  } catch (e) {
    throttle.flush();
    await post({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e), details: errorDetails(e) });
    return false;
  } finally {
    throttle.dispose();
    controllers.delete(req.id);
    active--;
  }
}

process.on('message', (m: unknown) => {
  if (!isHostToWorker(m)) return;
  const msg: HostToWorker = m;
  if (msg.type === 'start') {
    void start(msg).then((ok) => {
      // One run per process: leave once nothing is running (exit 1 when the run could not even start its folder).
      if (active === 0) finish(ok ? 0 : 1);
    });
  } else if (msg.type === 'cancel') {
    controllers.get(msg.id)?.abort();
  }
});

function finish(code: number): void {
  if (process.connected) process.disconnect();
  setTimeout(() => process.exit(code), 50).unref();
  process.exitCode = code;
}

// No SIGTERM handler on purpose: SIGTERM is the host's second step after a `cancel` message the run did not act on
// within 3 s, typically because a long synchronous computation blocks the event loop — a JS handler would not run
// before it finishes either. The default action ends the process at once and the host finalises the run as cancelled.
// The host went away: nothing will read our results; stop.
process.on('disconnect', () => {
  for (const c of controllers.values()) c.abort();
});

function fatal(e: unknown): void {
  const ids = [...controllers.keys()];
  const message = `worker crashed: ${e instanceof Error ? e.message : String(e)}`;
  void Promise.all((ids.length ? ids : ['*']).map((id) => post({ type: 'error', id, message, details: errorDetails(e) }))).finally(() =>
    process.exit(1),
  );
  setTimeout(() => process.exit(1), 1000).unref();
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
