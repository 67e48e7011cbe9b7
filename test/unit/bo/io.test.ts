import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { AtomicCsvWriter, csvRow, writeAtomic } from '../../../src/core/bo/io';

test('CSV cells are quoted per RFC 4180 and round-trip through a CSV parser', () => {
  const cells = ['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded ', '', 1.5, NaN, null];
  const line = csvRow(cells);
  assert.equal(line, 'plain,"a,b","say ""hi""","two\nlines"," padded ",,1.5,,\n');
  const back = parse(line, { relax_column_count: true }) as string[][];
  assert.deepEqual(back[0], ['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded ', '', '1.5', '', '']);
});

test('atomic writers leave no temp files and replace the target in one step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bo-io-'));
  await writeAtomic(join(dir, 'x.json'), '{"a":1}');
  const w = new AtomicCsvWriter(join(dir, 'big.csv'));
  await w.open();
  for (let i = 0; i < 50000; i++) await w.row([i, `id,${i}`]);
  assert.deepEqual(readdirSync(dir).sort(), ['x.json', readdirSync(dir).find((f) => f.startsWith('big.csv.tmp'))!].sort(), 'only the temp file before close');
  await w.close();
  assert.deepEqual(readdirSync(dir).sort(), ['big.csv', 'x.json']);
  const rows = parse(readFileSync(join(dir, 'big.csv'), 'utf8')) as string[][];
  assert.equal(rows.length, 50000);
  assert.deepEqual(rows[49999], ['49999', 'id,49999']);
});
