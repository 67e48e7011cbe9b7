/** Issue 14 item 13: a SIGKILLed run's `.tmp-<id>` (status running, dead pid) is shown as interrupted right away. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { ensureBuilt, root, slowSpec } from '../run/helpers';
import { isInterruptedRun, recoverInterruptedRunsSync } from '../../../src/core/run/recover';
import { latestRun, specInfo } from '../../../src/extension/runs/specs';

async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('Open Latest Run shows a SIGKILLed run as interrupted at once; a live run is left alone', async () => {
  ensureBuilt();
  const spec = slowSpec(400);
  const exp = specInfo(spec).experimentDir;
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'run', spec], { stdio: 'ignore' });
  const tmpManifest = await until(() => {
    const d = existsSync(exp) ? readdirSync(exp).find((x) => x.startsWith('.tmp-')) : undefined;
    const p = d ? join(exp, d, 'run.mirun.json') : undefined;
    if (!p || !existsSync(p)) return undefined;
    try {
      const m = JSON.parse(readFileSync(p, 'utf8')) as { status: string; progress?: { phase: string } };
      return m.status === 'running' && m.progress?.phase === 'cv' ? p : undefined;
    } catch {
      return undefined;
    }
  }, 'the run to reach cross-validation');
  const live = JSON.parse(readFileSync(tmpManifest, 'utf8'));
  assert.equal(live.process.pid, child.pid);
  assert.equal(isInterruptedRun(live), false, 'the writing process is alive');
  assert.deepEqual(recoverInterruptedRunsSync(exp), [], 'a live run is not touched');
  assert.ok(existsSync(tmpManifest));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  assert.equal(isInterruptedRun(JSON.parse(readFileSync(tmpManifest, 'utf8'))), true);
  const latest = latestRun(spec);
  assert.ok(latest, 'the interrupted run is listed');
  assert.equal(dirname(latest), join(exp, live.runId));
  const m = JSON.parse(readFileSync(latest, 'utf8'));
  assert.equal(m.status, 'failed');
  assert.equal(m.error.code, 'interrupted');
  assert.match(m.error.message, new RegExp(`^interrupted: .*pid ${child.pid}`));
  assert.ok(!existsSync(dirname(tmpManifest)), 'no .tmp- folder claims to be running');
});
