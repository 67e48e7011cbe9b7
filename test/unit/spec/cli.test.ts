/** `mi-studio validate` as users run it: spawns the built CLI (`node scripts/build.mjs` first; npm test does). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.env.MI_ROOT ?? process.cwd();
const cli = process.env.MI_CLI ?? join(root, 'dist/cli.js');

function run(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'validate', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('validate on the examples glob exits 0 and prints ok per file (glob expanded by the CLI)', () => {
  const r = run(['examples/**/*.mi.yaml']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /: error: /);
  assert.match(r.stderr, /examples\/bandgap\/bandgap\.mi\.yaml: ok\n/, 'the band-gap example has no warnings either');
});

test('a misspelled column prints path:line:col, the suggestion and the code, and exits 1', () => {
  const r = run(['test/fixtures/spec/misspelled-column.mi.yaml']);
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout.trim(),
    'test/fixtures/spec/misspelled-column.mi.yaml:6:15: error: column "fromula" is not in train.csv (did you mean "formula"?) [unknown-column]',
  );
  assert.match(r.stderr, /1 error/);
});

test('--json prints an array of 1-based diagnostics', () => {
  const r = run(['--json', 'test/fixtures/spec/misspelled-column.mi.yaml', 'examples/bandgap/bandgap.mi.yaml']);
  assert.equal(r.code, 1);
  const arr = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.equal(arr.length, 1);
  assert.deepEqual(
    { file: arr[0].file, line: arr[0].line, column: arr[0].column, severity: arr[0].severity, code: arr[0].code, hint: arr[0].hint },
    { file: 'test/fixtures/spec/misspelled-column.mi.yaml', line: 6, column: 15, severity: 'error', code: 'unknown-column', hint: 'did you mean "formula"?' },
  );
  assert.match(String(arr[0].message), /fromula/);
  assert.deepEqual(Object.keys(arr[0]).sort(), ['code', 'column', 'file', 'hint', 'line', 'message', 'severity']);
  const clean = run(['--json', 'examples/bandgap/bandgap.mi.yaml']);
  assert.equal(clean.code, 0);
  assert.deepEqual(JSON.parse(clean.stdout), []);
});

test('several files: warnings alone exit 0, syntax errors exit 1, missing files are reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-validate-'));
  try {
    copyFileSync(join(root, 'test/fixtures/spec/data/train.csv'), join(dir, 'train.csv'));
    writeFileSync(join(dir, 'warn.mi.yaml'), 'version: 1\ndataset:\n  path: train.csv\n  inputs: [{column: formula, kind: numeric}]\n  targets: [{column: gap}]\n');
    writeFileSync(join(dir, 'broken.mi.yaml'), 'version: 1\ndataset: {path: train.csv\n');
    // Every formula cell of train.csv fails as a number, so the row check (issue 14) fails the spec; the spec-only
    // check (--no-rows) has the warning alone.
    const rows = run(['warn.mi.yaml'], dir);
    assert.equal(rows.code, 1, rows.stdout + rows.stderr);
    assert.match(rows.stdout, /train\.csv:2:1: error: column "formula": not a number: .*\[invalid-row\]$/m);
    const w = run(['--no-rows', 'warn.mi.yaml'], dir);
    assert.equal(w.code, 0, w.stdout + w.stderr);
    assert.match(w.stdout, /^warn\.mi\.yaml:4:21: warning: .*\[kind-mismatch\]$/m);
    assert.match(w.stderr, /warn\.mi\.yaml: ok \(1 warning\)/);
    const b = run(['warn.mi.yaml', 'broken.mi.yaml', 'missing.mi.yaml'], dir);
    assert.equal(b.code, 1);
    assert.match(b.stdout, /^broken\.mi\.yaml:\d+:\d+: error: .*\[yaml-syntax\]$/m);
    assert.match(b.stdout, /^missing\.mi\.yaml:1:1: error: cannot read spec.*\[spec-not-found\]$/m);
    const g = run(['--no-rows', '*.mi.yaml'], dir);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /broken\.mi\.yaml: 1 error/);
    assert.match(g.stderr, /warn\.mi\.yaml: ok/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder argument validates every spec below it', () => {
  const r = run(['examples']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /examples\/bandgap\/bandgap\.mi\.yaml: ok/);
  assert.match(r.stderr, /examples\/superalloy\/superalloy\.mi\.yaml: ok/);
  const bad = run(['test/fixtures/spec/']);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /misspelled-column\.mi\.yaml:6:15: error/);
});

test('usage errors exit 2', () => {
  assert.equal(run([]).code, 2);
  assert.equal(run(['--bogus', 'x.mi.yaml']).code, 2);
});
