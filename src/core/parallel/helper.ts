/**
 * Entry of the worker-thread helper (bundled to a string by scripts/inline-plugin.mjs, started by pool.ts). Runs one
 * task at a time on shared memory: the reply goes to the MessagePort the main thread reads synchronously, then the
 * control word is set and notified, which wakes the main thread's Atomics.wait.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { TASKS, type TaskName } from './tasks';

const { ctl, port } = workerData as { ctl: Int32Array; port: MessagePort };

parentPort?.on('message', (m: { task: TaskName; args: unknown }) => {
  let reply: { ok: true; result: unknown } | { ok: false; message: string };
  try {
    const fn = TASKS[m.task] as (a: unknown) => unknown;
    if (!fn) throw new Error(`unknown helper task "${m.task}"`);
    reply = { ok: true, result: fn(m.args) };
  } catch (e) {
    reply = { ok: false, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
  port.postMessage(reply);
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
});
