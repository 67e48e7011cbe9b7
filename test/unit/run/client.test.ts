/**
 * RunClient (the vscode-free half of the extension's RunManager) against a scripted fake worker: results, a worker
 * killed with SIGKILL, cancel escalation to SIGKILL for a worker that ignores cancel and SIGTERM, and the queue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunClient } from '../../../src/worker/client';
import type { RunOptions, WorkerToHost } from '../../../src/protocol/worker';

const FAKE = `
const fs = require('fs'), path = require('path');
let current;
function finish(status) {
  const c = current;
  const m = JSON.parse(fs.readFileSync(c.tm, 'utf8'));
  m.status = status;
  fs.writeFileSync(c.tm, JSON.stringify(m));
  fs.renameSync(c.tmp, c.final);
  process.send({ type: 'result', id: c.id, manifestPath: path.join(c.final, 'run.mirun.json'), status }, () => process.disconnect());
}
process.on('message', (m) => {
  if (m.type === 'cancel') {
    if (current.mode === 'cooperative') finish('cancelled');
    return;
  }
  const { mode, out, hex } = m.options;
  if (mode === 'silent') {
    // dies between creating its folder and announcing it (host-chosen run id)
    const tmp = path.join(out, '.tmp-' + m.options.runId);
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'run.mirun.json'), JSON.stringify({ format: 'mi-studio-run', formatVersion: 1, runId: m.options.runId, status: 'running', files: {} }));
    process.kill(process.pid, 'SIGKILL');
  }
  const runId = '20260101-000000-' + hex;
  const tmp = path.join(out, '.tmp-' + runId);
  fs.mkdirSync(tmp, { recursive: true });
  const tm = path.join(tmp, 'run.mirun.json');
  fs.writeFileSync(tm, JSON.stringify({ format: 'mi-studio-run', formatVersion: 1, runId, status: 'running', files: {} }));
  current = { id: m.id, mode, tmp, tm, final: path.join(out, runId) };
  process.send({ type: 'started', id: m.id, runId, tempManifest: tm, manifestPath: path.join(out, runId, 'run.mirun.json') });
  process.send({ type: 'progress', id: m.id, phase: 'cv', fraction: 0.5, message: 'half way' });
  process.send({ type: 'metric', id: m.id, phase: 'fit', iteration: 1, value: 3.5 });
  if (mode === 'complete') setTimeout(() => finish('completed'), 50);
  else if (mode === 'stubborn') process.on('SIGTERM', () => {});
  if (mode !== 'complete') setInterval(() => {}, 1000);
});
`;

function setup(): { worker: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mi-client-'));
  const worker = join(dir, 'fake-worker.js');
  writeFileSync(worker, FAKE);
  return { worker, out: join(dir, 'exp') };
}

function opts(mode: string, out: string, hex: string): RunOptions {
  return { mode, out, hex } as unknown as RunOptions;
}

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a run that completes reports its manifest and forwards progress and metrics', async () => {
  const { worker, out } = setup();
  const client = new RunClient({ workerPath: worker });
  const seen: WorkerToHost['type'][] = [];
  client.on({ message: (_r, m) => seen.push(m.type) });
  const run = client.start({ kind: 'train', specPath: '/x.mi.yaml', options: opts('complete', out, 'aaaa') });
  const o = await run.done;
  assert.equal(o.status, 'completed');
  assert.equal(o.manifestPath, join(out, '20260101-000000-aaaa', 'run.mirun.json'));
  assert.deepEqual(seen, ['started', 'progress', 'metric', 'result']);
  assert.equal(run.runId, '20260101-000000-aaaa');
  assert.equal(client.active().length, 0);
});

test('kill -9 of the worker marks the run failed in its manifest, and the next run still works', async () => {
  const { worker, out } = setup();
  const client = new RunClient({ workerPath: worker });
  const run = client.start({ kind: 'train', specPath: '/x.mi.yaml', options: opts('hang', out, 'bbbb') });
  await until(() => run.tempManifest !== undefined && run.pid !== undefined);
  process.kill(run.pid!, 'SIGKILL');
  const o = await run.done;
  assert.equal(o.status, 'failed');
  assert.equal(o.signal, 'SIGKILL');
  assert.match(o.error ?? '', /SIGKILL/);
  const m = JSON.parse(readFileSync(o.manifestPath!, 'utf8'));
  assert.equal(m.status, 'failed');
  assert.match(m.error.message, /killed by SIGKILL/);
  assert.ok(!existsSync(join(out, '.tmp-20260101-000000-bbbb')), 'no temp folder left claiming to be running');
  const next = client.start({ kind: 'train', specPath: '/x.mi.yaml', options: opts('complete', out, 'cccc') });
  assert.equal((await next.done).status, 'completed');
});

test('cancel: a cooperative worker ends the run as cancelled', async () => {
  const { worker, out } = setup();
  const client = new RunClient({ workerPath: worker });
  const run = client.start({ kind: 'train', specPath: '/x.mi.yaml', options: opts('cooperative', out, 'dddd') });
  await until(() => run.tempManifest !== undefined);
  client.cancel(run.id);
  const o = await run.done;
  assert.equal(o.status, 'cancelled');
  assert.equal(JSON.parse(readFileSync(o.manifestPath!, 'utf8')).status, 'cancelled');
});

test('cancel escalates to SIGTERM then SIGKILL for a worker that ignores both; the run ends cancelled, not running', async () => {
  const { worker, out } = setup();
  const client = new RunClient({ workerPath: worker, termAfterMs: 150, killAfterMs: 400 });
  const logs: string[] = [];
  client.on({ log: (_r, _l, m) => logs.push(m) });
  const run = client.start({ kind: 'train', specPath: '/x.mi.yaml', options: opts('stubborn', out, 'eeee') });
  await until(() => run.tempManifest !== undefined);
  const t0 = Date.now();
  client.cancel(run.id);
  const o = await run.done;
  assert.ok(Date.now() - t0 >= 350, 'SIGKILL only after the kill delay');
  assert.equal(o.signal, 'SIGKILL');
  assert.equal(o.status, 'cancelled');
  assert.ok(logs.some((l) => /SIGTERM/.test(l)) && logs.some((l) => /SIGKILL/.test(l)), logs.join('\n'));
  assert.equal(JSON.parse(readFileSync(o.manifestPath!, 'utf8')).status, 'cancelled');
  assert.deepEqual(readdirSync(out), ['20260101-000000-eeee']);
});

test('runs beyond maxConcurrent wait in a queue; cancelling a queued run drops it', async () => {
  const { worker, out } = setup();
  const client = new RunClient({ workerPath: worker, maxConcurrent: () => 1 });
  const a = client.start({ kind: 'train', specPath: '/a.mi.yaml', options: opts('complete', out, 'a001') });
  const b = client.start({ kind: 'train', specPath: '/b.mi.yaml', options: opts('complete', out, 'b002') });
  const c = client.start({ kind: 'train', specPath: '/c.mi.yaml', options: opts('complete', out, 'c003') });
  assert.equal(a.state, 'running');
  assert.equal(b.state, 'queued');
  client.cancel(c.id);
  assert.equal((await c.done).status, 'cancelled');
  assert.equal((await a.done).status, 'completed');
  assert.equal((await b.done).status, 'completed');
  assert.equal(c.manifestPath, undefined, 'a run cancelled in the queue never created a folder');
});

test('a worker that dies before announcing its run folder: the host finds it by the run id it chose and marks it failed', async () => {
  const { worker, out } = setup();
  const spec = join(out, '..', 'x.mi.yaml');
  writeFileSync(spec, 'name: x\n');
  const client = new RunClient({ workerPath: worker });
  const run = client.start({ kind: 'train', specPath: spec, options: opts('silent', out, 'ffff') });
  const o = await run.done;
  assert.equal(o.status, 'failed');
  assert.match(run.runId ?? '', /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.equal(o.manifestPath, join(out, run.runId!, 'run.mirun.json'));
  assert.equal(JSON.parse(readFileSync(o.manifestPath!, 'utf8')).status, 'failed');
  assert.deepEqual(readdirSync(out), [run.runId]);
});

test('raising the concurrency limit starts queued runs without waiting for one to finish', async () => {
  const { worker, out } = setup();
  let limit = 1;
  const client = new RunClient({ workerPath: worker, maxConcurrent: () => limit });
  const a = client.start({ kind: 'train', specPath: '/a.mi.yaml', options: opts('hang', out, 'a101') });
  const b = client.start({ kind: 'train', specPath: '/b.mi.yaml', options: opts('hang', out, 'b102') });
  assert.equal(b.state, 'queued');
  limit = 2;
  client.reschedule();
  assert.equal(b.state, 'running');
  await until(() => a.pid !== undefined && b.pid !== undefined);
  client.dispose();
  const outcomes = await Promise.all([a.done, b.done]);
  assert.deepEqual(outcomes.map((o) => o.status), ['cancelled', 'cancelled'], 'runs stopped by shutting down are cancelled, not failed');
});
