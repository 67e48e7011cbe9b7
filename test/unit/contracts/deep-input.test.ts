/**
 * Issue 14 item 10: a 5,000-deep formula and a 100k-atom SMILES are row errors with file:line (no stack overflow, no
 * WebAssembly exception); at most 200 diagnostics per file, then "and N more"; positions never past a line's end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/data';
import { buildFeatures, FormulaError, parseFormula } from '../../../src/core/features';
import { validateSpecText, type Spec } from '../../../src/core/spec';
import { MiError } from '../../../src/core/diagnostics';

const deep = '('.repeat(5000) + 'Fe' + ')'.repeat(5000);

function spec(kind: 'composition' | 'smiles', onInvalid: 'skip' | 'error'): Spec {
  return {
    version: 1, name: 't', seed: 0,
    dataset: { path: 'd.csv', on_invalid: onInvalid, inputs: [{ column: 'x', kind, descriptors: kind === 'smiles' ? ['morgan'] : ['fractions'] }], targets: [{ column: 'y', goal: 'predict' }] },
    model: { type: 'ridge' }, evaluation: { cv: 'none' }, output: { dir: 'runs' },
  };
}

async function table(rows: string[]): Promise<{ path: string; t: Awaited<ReturnType<typeof loadTable>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mi-deep-'));
  const path = join(dir, 'd.csv');
  writeFileSync(path, ['id,x,y', ...rows].join('\n') + '\n');
  return { path, t: await loadTable(path) };
}

test('a formula nested 5,000 deep is a FormulaError, and a row error with file:line under skip and error', async () => {
  assert.throws(() => parseFormula(deep), (e: unknown) => e instanceof FormulaError && /nested deeper/.test(e.message) && e.message.length < 300);
  assert.equal(parseFormula('((((Fe))))O').get('Fe'), 0.5);
  const { t } = await table(['a,NaCl,1', `b,${deep},2`, 'c,KCl,3', 'd,Fe2O3,4']);
  const skipped = await buildFeatures(spec('composition', 'skip'), t);
  assert.equal(skipped.set.X.rows, 3);
  assert.deepEqual(skipped.set.dropped.map((d) => d.row), [3]);
  await assert.rejects(buildFeatures(spec('composition', 'error'), t), (e: unknown) => e instanceof MiError && e.details.line === 3 && e.details.file === 'd.csv' && /nested deeper/.test(e.message));
});

test('a 100k-atom SMILES is a row error with file:line; the rows after it are featurised normally', async () => {
  const { t } = await table(['a,CCO,1', `b,${'C'.repeat(100000)},2`, `c,${'C'.repeat(700)},3`, 'd,CCN,4', 'e,c1ccccc1,5']);
  const r = await buildFeatures(spec('smiles', 'skip'), t);
  assert.deepEqual(r.set.dropped.map((d) => d.row), [3, 4]);
  assert.match(r.set.dropped[0].message, /too long|too large/);
  assert.ok(!r.set.dropped.some((d) => /object|WebAssembly/.test(d.message)));
  assert.equal(r.set.X.rows, 3);
  const { t: t2 } = await table(['a,CCO,1', 'd,CCN,4', 'e,c1ccccc1,5']);
  const ref = await buildFeatures(spec('smiles', 'skip'), t2);
  assert.deepEqual(Array.from(r.set.X.data), Array.from(ref.set.X.data), 'RDKit still gives the same features after the huge row');
  await assert.rejects(buildFeatures(spec('smiles', 'error'), t), (e: unknown) => e instanceof MiError && /d\.csv:3: column "x": SMILES too long/.test(e.message));
});

test('row errors in a message: the first 200, then "and N more"', async () => {
  const rows = Array.from({ length: 450 }, (_, i) => `r${i},Xx${i},1`);
  const { t } = await table(rows);
  await assert.rejects(buildFeatures(spec('composition', 'error'), t), (e: unknown) => {
    assert.ok(e instanceof MiError);
    const lines = e.message.split('\n');
    assert.match(lines[0], /^450 invalid value\(s\) in 450 row\(s\)/);
    assert.equal(lines.length, 1 + 200 + 1);
    assert.equal(lines[201], '… and 250 more');
    assert.equal((e as unknown as { rows: unknown[] }).rows.length, 450, 'the structured list keeps every row');
    return true;
  });
});

test('at most 200 diagnostics per spec file, then one saying how many more', async () => {
  const keys = Array.from({ length: 500 }, (_, i) => `bad_key_${i}: 1`).join('\n');
  const r = await validateSpecText(`version: 1\nname: x\n${keys}\n`, join(tmpdir(), 'x.mi.yaml'), { skipFiles: true });
  assert.equal(r.diagnostics.length, 201);
  const last = r.diagnostics[200];
  assert.equal(last.code, 'too-many-diagnostics');
  assert.equal(last.severity, 'error');
  assert.match(last.message, /and \d+ more problems/);
});

test('diagnostics after multi-line plain scalars and CR / CRLF line breaks stay within their line', async () => {
  const variants = [
    'version: 1\r\nname: x\r\n  more words\r\ndataset:\r\n  path: d.csv\r\n  inputs:\r\n z: w\r\n    - column: f\r\n',
    'version: 1\rname: a\r  b\rdataset:\r  path: d.csv\r  inputs: 3\r  targets: x\rmodel: {type: nope}\r',
    'version: 1\nname: x\ndescription: one\n  two\n  three\ndataset:\n  path: d.csv\n  inputs: 3\nmodel: {type: nope}\n',
    'version: 1\r\nname: x\r\ndescription: one\r\n  two\r\n  three\r\ndataset:\r\n  path: d.csv\r\n\r\r\n  inputs: 3\r\nmodel: {type: nope}\r\n',
  ];
  for (const text of variants) {
    const lines = text.split(/\r\n|\r|\n/);
    const r = await validateSpecText(text, join(tmpdir(), 'x.mi.yaml'), { skipFiles: true });
    assert.ok(r.diagnostics.length > 0);
    for (const d of r.diagnostics) {
      for (const p of [d.range.start, d.range.end]) {
        assert.ok(p.line < lines.length && p.character <= lines[p.line].length, `${JSON.stringify(text)}: ${d.code} ${JSON.stringify(d.range)}`);
      }
    }
    const bad = r.diagnostics.find((d) => d.code === 'bad-enum');
    if (bad) assert.equal(lines[bad.range.start.line].slice(bad.range.start.character, bad.range.end.character), 'nope');
  }
});
