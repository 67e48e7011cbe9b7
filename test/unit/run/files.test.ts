import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRunId, RUN_ID_PATTERN, csvLine, listRunManifests, writeFileAtomic } from '../../../src/core/run/files';
import { experimentDirFor } from '../../../src/core/run/experiment';
import { LiveManifest } from '../../../src/core/run/live';
import type { RunManifest } from '../../../src/core/run/manifest';

test('runId is the UTC timestamp YYYYMMDD-HHMMSS plus 4 hex digits', () => {
  const id = makeRunId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 'a1f0');
  assert.equal(id, '20260102-030405-a1f0');
  assert.match(makeRunId(), RUN_ID_PATTERN);
});

test('CSV cells are quoted only when needed and non-finite numbers are empty', () => {
  assert.equal(csvLine(['a', 'b,c', 'say "hi"', 1.5, NaN, null]), 'a,"b,c","say ""hi""",1.5,,');
});

test('listRunManifests returns finished runs newest first and ignores .tmp- folders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-runs-'));
  for (const id of ['20260101-000000-aaaa', '20260301-000000-bbbb', '.tmp-20260401-000000-cccc', '20260201-000000-dddd']) {
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'run.mirun.json'), '{}');
  }
  mkdirSync(join(dir, 'not-a-run'));
  const found = listRunManifests(dir).map((p) => p.split('/').at(-2));
  assert.deepEqual(found, ['20260301-000000-bbbb', '20260201-000000-dddd', '20260101-000000-aaaa']);
  assert.deepEqual(listRunManifests(join(dir, 'missing')), []);
});

test('experiment folder: --out wins, else <spec dir>/<output.dir>/<name>', () => {
  assert.equal(experimentDirFor('/a/b/x.mi.yaml', { name: 'exp', output: { dir: 'out' } }), '/a/b/out/exp');
  assert.equal(experimentDirFor('/a/b/x.mi.yaml', undefined), '/a/b/runs/x');
  assert.equal(experimentDirFor('/a/b/x.mi.yaml', { name: 'exp' }, '/tmp/o'), '/tmp/o');
});

test('atomic writes leave no temp files behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-atomic-'));
  await writeFileAtomic(join(dir, 'f.json'), 'one');
  await writeFileAtomic(join(dir, 'f.json'), 'two');
  assert.deepEqual(readdirSync(dir), ['f.json']);
  assert.equal(readFileSync(join(dir, 'f.json'), 'utf8'), 'two');
});

test('the live manifest is rewritten at most once per interval and flush writes the latest state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-live-'));
  const m = { status: 'running', curve: [] as RunManifest['curve'] } as unknown as RunManifest;
  const live = new LiveManifest(dir, m, 200);
  await live.flush();
  for (let i = 0; i < 50; i++) {
    m.curve.push({ phase: 'fit', iteration: i, value: i });
    live.touch();
  }
  // Within the interval nothing new is written yet.
  assert.equal(JSON.parse(readFileSync(live.path, 'utf8')).curve.length, 0);
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(JSON.parse(readFileSync(live.path, 'utf8')).curve.length, 50);
  m.status = 'completed';
  await live.flush();
  await live.close();
  assert.equal(JSON.parse(readFileSync(live.path, 'utf8')).status, 'completed');
  assert.deepEqual(readdirSync(dir), ['run.mirun.json']);
});
