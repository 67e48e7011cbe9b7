/**
 * The engine runs in a worker thread of the worker process, so the process's main thread stays free to receive
 * `cancel` (and to raise the shared abort flag) while the engine computes synchronously.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { MiError } from '../core/diagnostics';
import type { RunEvent, StartRequest } from '../protocol/worker';
import { runRequest, type EngineResult } from './engine';
import { sharedAbortSignal, newAbortFlag, raiseAbortFlag } from './sharedSignal';

type ThreadToMain =
  | { t: 'event'; e: RunEvent }
  | { t: 'done'; r: EngineResult }
  | { t: 'error'; message: string; details: Record<string, unknown> };

/** Thrown on the main side for an engine error, with the MiError details (file/line/column/hint/code) preserved. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Main side: starts the thread for one request. `cancel()` is seen by the engine at its next `signal.aborted` check. */
export function runInThread(script: string, req: StartRequest, onEvent: (e: RunEvent) => void): { done: Promise<EngineResult>; cancel(): void } {
  const flag = newAbortFlag();
  const worker = new Worker(script, { workerData: { miEngineThread: true, req, flag } });
  let settled = false;
  const done = new Promise<EngineResult>((resolve, reject) => {
    worker.on('message', (m: ThreadToMain) => {
      if (m.t === 'event') onEvent(m.e);
      else if (m.t === 'done') {
        settled = true;
        resolve(m.r);
        void worker.terminate();
      } else if (m.t === 'error') {
        settled = true;
        reject(new EngineError(m.message, m.details));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    worker.on('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`the engine thread exited with code ${code}`));
      }
    });
  });
  return {
    done,
    cancel() {
      raiseAbortFlag(flag);
      worker.postMessage({ t: 'cancel' });
    },
  };
}

/** True in the engine thread started by runInThread. */
export function isEngineThread(): boolean {
  return Boolean(parentPort && (workerData as { miEngineThread?: boolean } | null)?.miEngineThread);
}

/** Thread side. */
export function engineThreadMain(): void {
  const port = parentPort!;
  const { req, flag } = workerData as { req: StartRequest; flag: Int32Array };
  const controller = new AbortController();
  const signal = sharedAbortSignal(flag, controller);
  port.on('message', (m: { t?: string }) => {
    if (m?.t === 'cancel') controller.abort();
  });
  const send = (m: ThreadToMain) => port.postMessage(m);
  runRequest(req, signal, (e) => send({ t: 'event', e })).then(
    (r) => send({ t: 'done', r }),
    (e: unknown) =>
      send({
        t: 'error',
        message: e instanceof Error ? e.message : String(e),
        details: e instanceof MiError ? { ...e.details } : e instanceof Error && e.stack ? { stack: e.stack } : {},
      }),
  );
}
