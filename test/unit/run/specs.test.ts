/** The vscode-free helpers behind the run code lenses: lens line, `optimize` detection, latest run lookup. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestRun, nameLine, specInfo } from '../../../src/extension/runs/specs';

test('code lenses go on the top-level name: line, else line 0', () => {
  assert.equal(nameLine('# c\nversion: 1\nname: x\n'), 2);
  assert.equal(nameLine('version: 1\n  name: nested\n'), 0);
});

test('specInfo reads name/optimize leniently and locates the experiment folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-specinfo-'));
  const spec = join(dir, 'a.mi.yaml');
  assert.deepEqual(specInfo(spec, 'name: exp\noptimize: {batch: 2}\noutput: {dir: out}\n'), { name: 'exp', hasOptimize: true, experimentDir: join(dir, 'out', 'exp') });
  assert.equal(specInfo(spec, 'name: exp\n').hasOptimize, false);
  // half-typed YAML must not throw (lenses are computed while the user edits)
  assert.equal(specInfo(spec, 'name: [unclosed\n').experimentDir, join(dir, 'runs', 'a'));
});

test('latestRun finds the newest finished run, never a .tmp- folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-latest-'));
  const spec = join(dir, 'a.mi.yaml');
  const text = 'name: exp\n';
  assert.equal(latestRun(spec, text), undefined);
  for (const id of ['20260101-000000-aaaa', '20260102-000000-bbbb', '.tmp-20260103-000000-cccc']) {
    mkdirSync(join(dir, 'runs', 'exp', id), { recursive: true });
    writeFileSync(join(dir, 'runs', 'exp', id, 'run.mirun.json'), '{}');
  }
  assert.equal(latestRun(spec, text), join(dir, 'runs', 'exp', '20260102-000000-bbbb', 'run.mirun.json'));
});
