/** `node dist/cli.js run|suggest`: manifest path as the last stdout line, exit codes, Ctrl+C → cancelled. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { parseRunArgs } from '../../../src/cli/commands/run';
import { ensureBuilt, root, slowSpec } from './helpers';

const cli = join(root, 'dist/cli.js');
const fx = (f: string) => join(root, 'test/fixtures/run', f);

before(() => ensureBuilt());

test('run arguments: SPEC, --out, --seed, --no-optimize; bad usage is reported', () => {
  assert.deepEqual(parseRunArgs(['a.mi.yaml', '--out', 'o', '--seed=7', '--no-optimize']), { spec: 'a.mi.yaml', out: 'o', seed: 7, optimize: false });
  assert.match(String(parseRunArgs(['--seed', 'x', 'a.mi.yaml'])), /integer/);
  assert.match(String(parseRunArgs([])), /missing SPEC/);
  assert.match(String(parseRunArgs(['a', '--bogus'])), /unknown option/);
});

test('run prints the manifest path as the last stdout line and exits 0', () => {
  const out = mkdtempSync(join(tmpdir(), 'mi-cli-'));
  const r = spawnSync(process.execPath, [cli, 'run', fx('tiny-ridge.mi.yaml'), '--out', out, '--seed', '5'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const last = r.stdout.trim().split('\n').at(-1)!;
  assert.ok(last.startsWith(out) && last.endsWith('run.mirun.json'), last);
  const m = JSON.parse(readFileSync(last, 'utf8'));
  assert.equal(m.status, 'completed');
  assert.equal(m.seed, 5);
  assert.match(r.stderr, /^\[cv\] /m, 'readable [phase] progress lines on stderr');
  assert.ok(!r.stderr.includes('\r'), 'no progress bar when stderr is not a TTY');
});

test('a failed run exits 1, prints the error with file:line:col, and still ends stdout with the manifest path', () => {
  const out = mkdtempSync(join(tmpdir(), 'mi-cli-'));
  const r = spawnSync(process.execPath, [cli, 'run', fx('tiny-invalid.mi.yaml'), '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /tiny-invalid\.mi\.yaml:10:\d+: error: .*yield/);
  const last = r.stdout.trim().split('\n').at(-1)!;
  assert.equal(JSON.parse(readFileSync(last, 'utf8')).status, 'failed');
});

test('suggest without optimize is a clear error; with optimize it lists the suggestion files then the manifest', () => {
  const bad = spawnSync(process.execPath, [cli, 'suggest', fx('tiny-ridge.mi.yaml'), '--out', mkdtempSync(join(tmpdir(), 'mi-cli-'))], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /no `optimize` section/);
  const r = spawnSync(process.execPath, [cli, 'suggest', fx('tiny-opt.mi.yaml'), '--out', mkdtempSync(join(tmpdir(), 'mi-cli-'))], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const sug = lines.find((l) => l.startsWith('suggestions: '));
  assert.ok(sug && existsSync(sug.slice('suggestions: '.length)), r.stdout);
  assert.ok(lines.at(-1)!.endsWith('run.mirun.json'));
});

test('Ctrl+C (SIGINT) cancels cleanly: exit 130 and a cancelled manifest', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mi-cli-'));
  const child = spawn(process.execPath, [cli, 'run', slowSpec(), '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (/\[cv\]/.test(stderr) && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130, stderr);
  const last = stdout.trim().split('\n').at(-1)!;
  const m = JSON.parse(readFileSync(last, 'utf8'));
  assert.equal(m.status, 'cancelled');
  assert.equal(dirname(dirname(last)), out);
});
