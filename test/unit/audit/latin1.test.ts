// Audit regression: a Windows-1252/Latin-1 CSV (Excel's plain "CSV" on Windows) had its header "T(°C)" decoded as
// "T(\uFFFD C)", so no spec could reference that column. Such files are now decoded as Latin-1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable, readHeader } from '../../../src/core/data';
import { validateSpecText } from '../../../src/core/spec';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');

test('a Latin-1 header keeps its ° and µ; UTF-8 files are unchanged', async () => {
  assert.deepEqual((await readHeader(join(FIX, 'latin1.csv'))).header, ['formula', 'T(°C)', 'S(µV/K)']);
  const t = await loadTable(join(FIX, 'latin1.csv'));
  assert.deepEqual(t.columns[1], ['25', '25', '30', '30']);
  assert.equal(t.info[2].type, 'numeric');
  const text = 'version: 1\nname: x\ndataset:\n  path: latin1.csv\n  inputs:\n    - column: "T(°C)"\n      kind: numeric\n  targets:\n    - column: "S(µV/K)"\n';
  const v = await validateSpecText(text, join(FIX, 'x.mi.yaml'));
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  // a UTF-8 file with non-ASCII names is still read as UTF-8
  assert.deepEqual((await readHeader(join(FIX, 'estm_small.csv'))).header, ['Formula', 'temperature(K)', 'ZT']);
});
