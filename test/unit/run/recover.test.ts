import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { finalizeInterruptedRun } from '../../../src/core/run/recover';
import { executeRun } from '../../../src/core/run';

function tempRun(status: string): { exp: string; tmpManifest: string } {
  const exp = mkdtempSync(join(tmpdir(), 'mi-recover-'));
  const tmp = join(exp, '.tmp-20260101-000000-abcd');
  mkdirSync(tmp);
  const tmpManifest = join(tmp, 'run.mirun.json');
  writeFileSync(tmpManifest, JSON.stringify({ format: 'mi-studio-run', formatVersion: 1, runId: '20260101-000000-abcd', status, curve: [1], files: {} }));
  return { exp, tmpManifest };
}

test('a run left "running" by a dead worker becomes failed and moves to its final folder', async () => {
  const { exp, tmpManifest } = tempRun('running');
  const r = await finalizeInterruptedRun(tmpManifest, 'failed', 'worker killed by SIGKILL');
  assert.ok(r);
  assert.equal(r.manifestPath, join(exp, '20260101-000000-abcd', 'run.mirun.json'));
  assert.equal(r.status, 'failed');
  assert.ok(!existsSync(join(exp, '.tmp-20260101-000000-abcd')));
  const m = JSON.parse(readFileSync(r.manifestPath, 'utf8'));
  assert.equal(m.status, 'failed');
  assert.equal(m.error.message, 'worker killed by SIGKILL');
  assert.deepEqual(m.curve, [1], 'what was recorded so far is kept');
  assert.ok(m.finishedAt);
});

test('a "completed" manifest in a folder that was never renamed is not trusted', async () => {
  const { tmpManifest } = tempRun('completed');
  const r = await finalizeInterruptedRun(tmpManifest, 'cancelled', 'cancelled');
  assert.equal(r?.status, 'cancelled');
});

test('an already finished run is left alone', async () => {
  const exp = mkdtempSync(join(tmpdir(), 'mi-recover-'));
  mkdirSync(join(exp, '20260101-000000-abcd'));
  const final = join(exp, '20260101-000000-abcd', 'run.mirun.json');
  writeFileSync(final, JSON.stringify({ format: 'mi-studio-run', status: 'completed' }));
  const r = await finalizeInterruptedRun(join(exp, '.tmp-20260101-000000-abcd', 'run.mirun.json'), 'failed', 'x');
  assert.deepEqual(r, { manifestPath: final, status: 'completed', patched: false });
  assert.equal(JSON.parse(readFileSync(final, 'utf8')).status, 'completed');
});

test('an unreadable temp manifest is replaced by a minimal failed one', async () => {
  const { tmpManifest } = tempRun('running');
  writeFileSync(tmpManifest, '{"format": "mi-stu');
  const r = await finalizeInterruptedRun(tmpManifest, 'failed', 'crash');
  const m = JSON.parse(readFileSync(r!.manifestPath, 'utf8'));
  assert.equal(m.status, 'failed');
  assert.equal(m.runId, '20260101-000000-abcd');
});

test('a stale .tmp- run of a dead process is finalised as failed by the next run; live ones are left alone', async () => {
  const exp = mkdtempSync(join(tmpdir(), 'mi-stale-'));
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  const mk = (id: string, pid: number) => {
    mkdirSync(join(exp, `.tmp-${id}`));
    writeFileSync(join(exp, `.tmp-${id}`, 'run.mirun.json'), JSON.stringify({ format: 'mi-studio-run', runId: id, status: 'running', process: { pid, host: hostname() }, files: {} }));
  };
  mk('20260101-000000-dead', dead);
  mk('20260101-000000-11ve', process.ppid);
  const root = process.env.MI_ROOT ?? process.cwd();
  const { manifest } = await executeRun(join(root, 'test/fixtures/run/tiny-ridge.mi.yaml'), { out: exp });
  assert.equal(manifest.status, 'completed');
  const stale = JSON.parse(readFileSync(join(exp, '20260101-000000-dead', 'run.mirun.json'), 'utf8'));
  assert.equal(stale.status, 'failed');
  assert.match(stale.error.message, new RegExp(`pid ${dead}`));
  assert.ok(existsSync(join(exp, '.tmp-20260101-000000-11ve')), 'the run of a live process is untouched');
  assert.equal(manifest.process?.pid, process.pid);
});
