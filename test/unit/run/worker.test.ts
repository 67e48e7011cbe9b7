/** The real dist/worker.js over the fork protocol, and the RunClient with it (cancel, kill -9 → failed). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerToHost, HostToWorker } from '../../../src/protocol/worker';
import { RunClient } from '../../../src/worker/client';
import { ensureBuilt, root, slowSpec } from './helpers';

const workerPath = join(root, 'dist/worker.js');
const fx = (f: string) => join(root, 'test/fixtures/run', f);

before(() => ensureBuilt());

test('worker protocol round trip: start → started, progress, log → result, then a clean exit', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mi-worker-'));
  const child = fork(workerPath, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const msgs: WorkerToHost[] = [];
  child.on('message', (m) => msgs.push(m as WorkerToHost));
  const start: HostToWorker = { type: 'start', id: 'r1', kind: 'train', specPath: fx('tiny-ridge.mi.yaml'), options: { out } };
  child.send(start);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 0);
  assert.ok(msgs.every((m) => m.id === 'r1'));
  const types = msgs.map((m) => m.type);
  assert.equal(types[0], 'started');
  assert.ok(types.includes('progress') && types.includes('log'));
  const result = msgs.at(-1);
  assert.ok(result && result.type === 'result', JSON.stringify(result));
  assert.equal(result.status, 'completed');
  assert.equal(JSON.parse(readFileSync(result.manifestPath, 'utf8')).status, 'completed');
});

test('cancel message → the worker ends the run as cancelled', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mi-worker-'));
  const client = new RunClient({ workerPath });
  let cancelled = false;
  client.on({
    message: (run, m) => {
      if (m.type === 'progress' && m.phase === 'cv' && !cancelled) {
        cancelled = true;
        client.cancel(run.id);
      }
    },
  });
  const run = client.start({ kind: 'train', specPath: slowSpec(), options: { out } });
  const o = await run.done;
  assert.ok(cancelled);
  assert.equal(o.status, 'cancelled');
  assert.equal(o.signal, null, 'stopped cooperatively, no SIGKILL needed');
  assert.equal(JSON.parse(readFileSync(o.manifestPath!, 'utf8')).status, 'cancelled');
  assert.deepEqual(readdirSync(out), [run.runId]);
});

test('kill -9 of the real worker: the host marks the run failed and the next run works', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mi-worker-'));
  const client = new RunClient({ workerPath });
  let killed = false;
  client.on({
    message: (run, m) => {
      if (m.type === 'progress' && m.phase === 'cv' && !killed && run.pid) {
        killed = true;
        process.kill(run.pid, 'SIGKILL');
      }
    },
  });
  const run = client.start({ kind: 'train', specPath: slowSpec(), options: { out } });
  const o = await run.done;
  assert.equal(o.status, 'failed');
  const m = JSON.parse(readFileSync(o.manifestPath!, 'utf8'));
  assert.equal(m.status, 'failed');
  assert.match(m.error.message, /SIGKILL/);
  assert.deepEqual(readdirSync(out), [run.runId], 'the temp folder was finalised');
  const next = client.start({ kind: 'train', specPath: fx('tiny-ridge.mi.yaml'), options: { out } });
  assert.equal((await next.done).status, 'completed');
});

test('a worker error before the run folder exists is reported as failed with the message', async () => {
  const client = new RunClient({ workerPath });
  const run = client.start({ kind: 'train', specPath: join(tmpdir(), 'does-not-exist.mi.yaml'), options: {} });
  const o = await run.done;
  assert.equal(o.status, 'failed');
  assert.match(o.error ?? '', /cannot read spec/);
  assert.equal(o.exitCode, 1);
  assert.equal(o.manifestPath, undefined);
});

test('cancel is seen inside a long synchronous fit: the run stops cooperatively (no SIGTERM/SIGKILL needed)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mi-worker-'));
  const client = new RunClient({ workerPath });
  let t0 = 0;
  client.on({
    message: (run, m) => {
      // cancel well inside the first fold's GP fit (synchronous L-BFGS)
      if (m.type === 'progress' && m.phase === 'cv' && !t0) {
        setTimeout(() => {
          t0 = Date.now();
          client.cancel(run.id);
        }, 300);
      }
    },
  });
  const run = client.start({ kind: 'train', specPath: slowSpec(600), options: { out } });
  const o = await run.done;
  assert.equal(o.status, 'cancelled');
  assert.equal(o.signal, null);
  assert.equal(o.exitCode, 0, 'the worker exited by itself after writing the cancelled manifest');
  assert.ok(t0 > 0);
  assert.equal(JSON.parse(readFileSync(o.manifestPath!, 'utf8')).timings.total > 0, true, 'the manifest was finished by the run itself');
});
