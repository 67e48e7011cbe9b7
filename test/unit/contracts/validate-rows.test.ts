/** Issue 14 item 11: `validate` checks every dataset row as `run` reads it and lists the bad rows (or says it sampled). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, root } from '../run/helpers';
import { checkDatasetRows } from '../../../src/core/spec/rows';
import { validateSpecText } from '../../../src/core/spec';

function fixture(onInvalid: 'error' | 'skip', rows = 3000): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-vrows-'));
  // Bad cells far beyond the 2,000-row sample that the spec check infers column types from.
  const lines = ['id,f,y'];
  for (let i = 0; i < rows; i++) lines.push(i === 2500 ? `r${i},Xy2O3,1` : i === 2700 ? `r${i},KCl,abc` : `r${i},${i % 2 ? 'NaCl' : 'KBr'},${i % 7}`);
  writeFileSync(join(dir, 'd.csv'), lines.join('\n') + '\n');
  const spec = join(dir, 's.mi.yaml');
  writeFileSync(spec, `version: 1\nname: s\ndataset:\n  path: d.csv\n  id: id\n  on_invalid: ${onInvalid}\n  inputs: [{column: f, kind: composition, descriptors: [fractions]}]\n  targets: [{column: y}]\n`);
  return spec;
}

test('validate lists every row that run would reject, with file:line and column, and fails', () => {
  ensureBuilt();
  const spec = fixture('error');
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'validate', spec], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /d\.csv:2502:1: error: column "f": unknown element "Xy" in "Xy2O3" \(at 1\).*\[invalid-row\]/);
  assert.match(r.stdout, /d\.csv:2702:1: error: column "y": target is not a number: "abc".*\[invalid-row\]/);
  const json = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'validate', '--json', spec], { encoding: 'utf8' });
  const arr = JSON.parse(json.stdout) as { file: string; line: number; code: string; severity: string }[];
  assert.deepEqual(arr.filter((d) => d.code === 'invalid-row').map((d) => [d.line, d.severity]), [[2502, 'error'], [2702, 'error']]);
});

test('under on_invalid: skip the bad rows are warnings (they will be dropped) and validate passes', async () => {
  const spec = fixture('skip');
  const v = await validateSpecText(`version: 1\nname: s\ndataset:\n  path: d.csv\n  id: id\n  on_invalid: skip\n  inputs: [{column: f, kind: composition, descriptors: [fractions]}]\n  targets: [{column: y}]\n`, spec);
  assert.ok(v.spec);
  const ds = await checkDatasetRows(v.spec, spec);
  assert.deepEqual(ds.filter((d) => d.code === 'invalid-row').map((d) => [d.range.start.line + 1, d.severity]), [[2502, 'warning'], [2702, 'warning']]);
});

test('a file longer than the row limit says that rows were sampled', async () => {
  const spec = fixture('error', 50);
  const v = await validateSpecText(`version: 1\nname: s\ndataset:\n  path: d.csv\n  id: id\n  inputs: [{column: f, kind: composition, descriptors: [fractions]}]\n  targets: [{column: y}]\n`, spec);
  assert.ok(v.spec);
  const ds = await checkDatasetRows(v.spec, spec, 20);
  assert.ok(ds.some((d) => d.code === 'rows-sampled' && /checked the first 20 data rows/.test(d.message)), JSON.stringify(ds));
  const all = await checkDatasetRows(v.spec, spec);
  assert.ok(!all.some((d) => d.code === 'rows-sampled'));
});
