import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveManifest } from '../../../src/core/run/live';
import { emptyManifest } from '../../../src/core/run/manifest';

function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* a synchronous model fit never yields to the event loop */
  }
}

test('live manifest reaches disk during a synchronous fit, not after it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'live-'));
  const m = emptyManifest({ runId: 'r', name: 'n', status: 'running', createdAt: new Date().toISOString() });
  const live = new LiveManifest(dir, m, 50);
  m.curve.push({ phase: 'fit', iteration: 1, value: 3 });
  live.touch(); // first touch writes at once
  for (let i = 2; i <= 4; i++) {
    busyWait(60); // longer than the interval, with no chance for timers or async I/O to run
    m.curve.push({ phase: 'fit', iteration: i, value: 3 - i / 10 });
    live.touch();
    const onDisk = JSON.parse(readFileSync(join(dir, 'run.mirun.json'), 'utf8'));
    assert.equal(onDisk.curve.length, i, `curve point ${i} is on disk while still inside the synchronous loop`);
  }
  assert.deepEqual(readdirSync(dir), ['run.mirun.json'], 'no temp files left behind');
  void live.close();
});

test('touches within the interval are coalesced into one later write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'live-'));
  const m = emptyManifest({ runId: 'r', name: 'n', status: 'running', createdAt: new Date().toISOString() });
  const live = new LiveManifest(dir, m, 80);
  live.touch();
  m.timings.cv = 1;
  live.touch();
  m.timings.fit = 2;
  live.touch();
  assert.equal(JSON.parse(readFileSync(live.path, 'utf8')).timings.cv, undefined, 'second touch is not written yet');
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(JSON.parse(readFileSync(live.path, 'utf8')).timings, { cv: 1, fit: 2 });
  await live.close();
});
