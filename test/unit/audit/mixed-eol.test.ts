// Audit regression: a CRLF file with rows appended by an LF editor (mixed line endings) was read as one bogus
// record ("expected 3 fields (as in the header), found 5") because csv-parse fixed the first line ending it saw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable, readHeader } from '../../../src/core/data';

const CSV = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit/mixed_eol.csv');

test('mixed CRLF/LF line endings: every record read, with its own file line', async () => {
  assert.deepEqual((await readHeader(CSV)).header, ['id', 'formula', 'gap']);
  const t = await loadTable(CSV);
  assert.deepEqual(t.columns[1], ['NaCl', 'KCl', 'LiF', 'Fe2O3', 'MgO']);
  assert.deepEqual(t.columns[2], ['8.5', '8.4', '13.6', '2.2', '7.8']);
  assert.deepEqual(t.rowNumbers, [2, 3, 4, 5, 6]);
});
