/** The shared-memory abort flag: a cancel is visible to synchronous code without the event loop running. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { newAbortFlag, raiseAbortFlag, sharedAbortSignal } from '../../../src/worker/sharedSignal';

test('raising the flag makes signal.aborted true at once; it stays a real AbortSignal', () => {
  const flag = newAbortFlag();
  const c = new AbortController();
  const s = sharedAbortSignal(flag, c);
  assert.ok(s instanceof AbortSignal);
  assert.equal(s.aborted, false);
  raiseAbortFlag(flag);
  assert.equal(s.aborted, true);
  const t = sharedAbortSignal(newAbortFlag());
  assert.equal(t.aborted, false);
});

test('a busy-looping thread sees the flag raised by another thread', async () => {
  const flag = newAbortFlag();
  // the thread spins synchronously until its signal reports aborted (never yielding to its event loop)
  const src = `
    const { workerData, parentPort } = require('node:worker_threads');
    const flag = workerData.flag;
    const c = new AbortController();
    const s = c.signal;
    const real = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get;
    Object.defineProperty(s, 'aborted', { get: () => Atomics.load(flag, 0) === 1 || real.call(s) });
    parentPort.postMessage('spinning');
    const t0 = Date.now();
    while (!s.aborted) { if (Date.now() - t0 > 10000) break; }
    parentPort.postMessage(s.aborted ? 'stopped' : 'timeout');
  `;
  const w = new Worker(src, { eval: true, workerData: { flag } });
  const got = await new Promise<string>((resolve) => {
    w.on('message', (m: string) => {
      if (m === 'spinning') setTimeout(() => raiseAbortFlag(flag), 50);
      else resolve(m);
    });
  });
  await w.terminate();
  assert.equal(got, 'stopped');
});
