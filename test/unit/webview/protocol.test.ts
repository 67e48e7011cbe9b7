import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { csvTable, parseCsv, sniffDelimiter, toCsv } from '../../../src/runview/csv';
import { planAppend } from '../../../src/runview/pending';
import { projectPool } from '../../../src/runview/pool';
import { DatasetIndex } from '../../../src/extension/editors/datasetIndex';
import { csp } from '../../../src/extension/editors/html';
import { loadRunData, root } from './harness';

const fixture = (name: string) => join(root, 'test', 'fixtures', 'webview', name);

test('parseCsv handles quotes, escaped quotes, embedded newlines, CRLF and a BOM', () => {
  const rows = parseCsv('\ufeffa,b,c\r\n1,"x, y","he said ""hi"""\r\n2,"multi\nline",\n');
  assert.deepEqual(rows, [['a', 'b', 'c'], ['1', 'x, y', 'he said "hi"'], ['2', 'multi\nline', '']]);
  assert.deepEqual(parseCsv('a\tb\n1\t2', '\t'), [['a', 'b'], ['1', '2']]);
  assert.equal(toCsv(['a', 'b'], [['1,5', 'q"']]), 'a,b\n"1,5","q"""\n');
  assert.equal(sniffDelimiter('a;b;c'), ';');
  assert.equal(sniffDelimiter('a,b', 'x.tsv'), '\t');
});

test('toCsv neutralises spreadsheet formulas in every cell (Export CSV / Copy data as CSV)', () => {
  assert.equal(toCsv(['id', 'v'], [['=HYPERLINK("http://x")', '-1.5'], ['@SUM(A1)', '+cmd'], ['ok', '-x']]), 'id,v\n"\'=HYPERLINK(""http://x"")",-1.5\n\'@SUM(A1),\'+cmd\nok,\'-x\n');
  assert.equal(sniffDelimiter('a|b|c'), '|');
});

const sugg = () => csvTable('rank,id,x_Ga,anneal_T,band_gap_mean,band_gap_std,acquisition\n1,C1,0.7,900,3.1,0.2,0.3\n2,C2,0.75,"9,5",3.0,0.2,0.2\n3,=cmd,0.1,1,1,1,1\n');

test('pending rows: filled from suggestions, targets empty, the exact text, formula cells neutralised', () => {
  const bytes = new TextEncoder().encode('id,x_Ga,x_In,anneal_T,band_gap\nA,0.1,0.2,800,1.2');
  const plan = planAppend(bytes, 'data.csv', sugg(), [2, 1, 3], 'id');
  assert.deepEqual(plan.rows, [['C1', '0.7', '', '900', ''], ['C2', '0.75', '', '9,5', ''], ['=cmd', '0.1', '', '1', '']]);
  assert.equal(plan.text, '\nC1,0.7,,900,\nC2,0.75,,"9,5",\n\'=cmd,0.1,,1,\n');
  assert.deepEqual(plan.filled, ['id', 'x_Ga', 'anneal_T']);
  assert.equal(new TextDecoder().decode(plan.bytes), 'id,x_Ga,x_In,anneal_T,band_gap\nA,0.1,0.2,800,1.2' + plan.text);
});

test('pending rows keep a CRLF file CRLF (and its BOM), byte for byte before the new lines', () => {
  const before = '\ufeffid,x_Ga,band_gap\r\nA,0.1,1.2\r\nB,0.3,\r\n';
  const bytes = new TextEncoder().encode(before);
  const plan = planAppend(bytes, 'data.csv', sugg(), [1, 2]);
  assert.equal(plan.dialect.eol, '\r\n');
  assert.equal(plan.dialect.encoding, 'utf8-bom');
  assert.equal(plan.text, 'C1,0.7,\r\nC2,0.75,\r\n');
  const out = plan.bytes;
  assert.deepEqual(Array.from(out.subarray(0, bytes.length)), Array.from(bytes), 'existing bytes untouched');
  assert.equal(new TextDecoder().decode(out.subarray(bytes.length)), 'C1,0.7,\r\nC2,0.75,\r\n');
  assert.ok(!/[^\r]\n/.test(new TextDecoder().decode(out)), 'no bare LF anywhere');
});

test('pending rows in a "|"-delimited file with decimal commas and in Latin-1 / UTF-16', () => {
  const plan = planAppend(new TextEncoder().encode('id|x_Ga|anneal_T|band_gap\nA|0,1|800|1,2\nB|0,25|750|\n'), 'data.txt', sugg(), [1, 2]);
  assert.equal(plan.dialect.delimiter, '|');
  assert.equal(plan.dialect.decimal, ',');
  assert.equal(plan.text, 'C1|0,7|900|\nC2|0,75|9,5|\n');
  const semi = planAppend(new TextEncoder().encode('id;x_Ga;band_gap\nA;0.1;1.2\n'), 'd.csv', sugg(), [1]);
  assert.equal(semi.dialect.decimal, '.');
  assert.equal(semi.text, 'C1;0.7;\n');
  // Latin-1 bytes (not UTF-8) stay Latin-1
  const latin = Uint8Array.from([...'id,x_Ga,T\u00e9\nA,0.1,1\n'].map((c) => c.charCodeAt(0)));
  const lp = planAppend(latin, 'l.csv', sugg(), [1]);
  assert.equal(lp.dialect.encoding, 'latin1');
  assert.deepEqual(Array.from(lp.bytes.subarray(0, latin.length)), Array.from(latin));
  // UTF-16LE with BOM: the new line is UTF-16LE too
  const text16 = 'id,x_Ga\r\nA,0.1\r\n';
  const b16 = new Uint8Array(2 + text16.length * 2);
  b16[0] = 0xff;
  b16[1] = 0xfe;
  for (let i = 0; i < text16.length; i++) b16[2 + 2 * i] = text16.charCodeAt(i);
  const p16 = planAppend(b16, 'w.csv', sugg(), [1]);
  assert.equal(p16.dialect.encoding, 'utf16le');
  assert.equal(new TextDecoder('utf-16le').decode(p16.bytes.subarray(2)), text16 + 'C1,0.7\r\n');
});

test('run folder loader maps landscape.json (core/bo format), simulation.json and the pool PCA', async () => {
  const d = await loadRunData(fixture('run1'));
  assert.equal(d.kind, 'run');
  assert.equal(d.predictions?.rows.length, 48);
  assert.equal(d.suggestions?.rows.length, 5);
  const L = d.landscape!;
  assert.deepEqual(L.slices.map((s) => s.feature), ['x_Ga', 'anneal_T', 'x_In']);
  assert.equal(L.slices[0].x.length, 60);
  assert.equal(L.slices[0].marks.length, 5, 'suggestions marked on every slice at their own value and predicted mean');
  assert.ok(L.slices[0].marks.every((m) => Number.isFinite(m.mean) && m.std > 0));
  assert.equal(L.grids.length, 1);
  assert.equal(L.grids[0].xLabel, 'x_Ga');
  assert.equal(L.grids[0].z.length, L.grids[0].y.length);
  assert.equal(L.grids[0].suggestions.length, 5);
  assert.equal(L.grids[0].points.length, 21, 'measured rows and the incumbent');
  assert.deepEqual(L.grids[0].layers?.map((l) => l.label), ['ei', 'predicted band_gap (mean)', 'predicted band_gap (σ)']);
  assert.equal(L.reference?.anneal_T, 905.2);
  assert.equal(L.pool?.total, 300);
  assert.deepEqual(L.pool?.columns, ['x_Ga', 'x_In', 'anneal_T']);
  assert.equal(L.pool?.suggestions.length, 5);
  const sim = d.simulation!;
  assert.deepEqual(sim.series.map((s) => s.repeats), [8, 8]);
  assert.match(sim.series[0].label, /^BO \(ei/);
  assert.equal(sim.series[0].steps.length, 30);
  assert.ok(sim.series[0].q1.every((v, i) => v <= sim.series[0].median[i] && sim.series[0].median[i] <= sim.series[0].q3[i]));
  assert.ok(sim.notes.some((n) => /top-5% row: BO 9, random 21 \(speed-up 2\.33×\)/.test(n)));
  assert.deepEqual(d.warnings, []);
});

test('a simulate output folder (simulation.json only) loads with a synthesised manifest', async () => {
  const d = await loadRunData(fixture('sim1'));
  assert.equal(d.kind, 'simulation');
  assert.equal(d.manifest.targets[0].column, 'band_gap');
  assert.equal(d.manifest.name, 'bandgap — simulation');
  assert.equal(d.simulation?.series.length, 2);
  await assert.rejects(loadRunData(fixture('.')), /no run\.mirun\.json \(nor simulation\.json\)/);
});

test('projectPool: points on a line have all their variance on PC1', () => {
  const rows = Array.from({ length: 50 }, (_, i) => [`c${i}`, String(i), String(2 * i + 1), String(i % 7)]);
  const t = { header: ['id', 'a', 'b', 'acquisition'], rows, totalRows: 50 };
  const p = projectPool(t, undefined, [])!;
  assert.ok(p.explained[0] > 0.999, `PC1 explains ${p.explained[0]}`);
  assert.ok(Math.abs(p.explained[1]) < 1e-6);
  assert.equal(p.shown, 50);
  assert.equal(p.value[3], 3);
});

test('DatasetIndex: records with quoted newlines, CRLF, no trailing newline; pages and sampled summaries', async () => {
  const text = 'id,x,note\r\n1,0.5,"a\nb"\r\n2,,plain\r\n3,2.5,"q ""x"""';
  const idx = new DatasetIndex(new TextEncoder().encode(text), 'f.csv');
  let progress = 0;
  await idx.build(() => progress++, { chunk: 4 });
  assert.ok(progress > 3, 'yields in chunks');
  assert.equal(idx.rows, 3);
  assert.deepEqual(idx.header, ['id', 'x', 'note']);
  assert.deepEqual(idx.page(0, 10), [['1', '0.5', 'a\nb'], ['2', '', 'plain'], ['3', '2.5', 'q "x"']]);
  assert.deepEqual(idx.page(2, 1), [['3', '2.5', 'q "x"']]);
  assert.deepEqual(idx.page(5, 2), []);
  const s = await idx.summarize();
  assert.equal(s.sampled, false);
  const x = s.columns[1];
  assert.equal(x.type, 'numeric');
  assert.equal(x.missing, 1);
  assert.equal(x.mean, 1.5);
  assert.equal(s.columns[2].type, 'text');

  const big = ['a,b'];
  for (let i = 0; i < 3000; i++) big.push(`${i},${i % 10}`);
  const bidx = new DatasetIndex(new TextEncoder().encode(big.join('\n') + '\n\n'), 'big.csv');
  await bidx.build();
  assert.equal(bidx.rows, 3000, 'trailing blank line dropped');
  const bs = await bidx.summarize(500);
  assert.equal(bs.sampled, true);
  assert.equal(bs.sampleRows, 500);
  assert.equal(bs.columns[0].histogram?.counts.reduce((a, b) => a + b, 0), 500);
  const sc = bidx.scatter(0, 1, 100);
  assert.equal(sc.x.length, 100);
  assert.equal(sc.sampled, true);
  assert.deepEqual(bidx.row(2999), ['2999', '9']);
});

test('webview CSP: nothing but nonce scripts/styles and the webview origin', () => {
  const c = csp('https://x.vscode-cdn.net', 'abc');
  assert.match(c, /default-src 'none'/);
  assert.match(c, /script-src 'nonce-abc'(;|$)/);
  assert.ok(!/unsafe/.test(c));
});

test('DatasetIndex: std and quartiles, sort by a column, filter by text, scatter row indices', async () => {
  const text = 'id,x,label\na,3,red\nb,1,blue\nc,,red\nd,2,green\ne,10,Red wine\n';
  const idx = new DatasetIndex(new TextEncoder().encode(text), 'f.csv');
  await idx.build();
  const s = await idx.summarize();
  const x = s.columns[1];
  assert.equal(x.median, 2.5);
  assert.equal(x.q1, 1.75);
  assert.equal(x.q3, 4.75);
  assert.ok(Math.abs(x.std! - Math.sqrt(((4 - 4) ** 2 + (1 - 4) ** 2 + (2 - 4) ** 2 + (10 - 4) ** 2 + (3 - 4) ** 2) / 3)) < 1e-12);
  assert.equal(await idx.setView({ column: 1 }), 5);
  assert.deepEqual(idx.viewPage(0, 5).rows.map((r) => r[0]), ['b', 'd', 'a', 'e', 'c'], 'numeric order, missing last');
  assert.deepEqual(idx.viewPage(0, 5).index, [1, 3, 0, 4, 2]);
  await idx.setView({ column: 1, desc: true });
  assert.deepEqual(idx.viewPage(0, 5).rows.map((r) => r[0]), ['e', 'a', 'd', 'b', 'c']);
  assert.equal(await idx.setView({ filter: 'RED' }), 3);
  assert.deepEqual(idx.viewPage(0, 10).index, [0, 2, 4]);
  assert.equal(await idx.setView({ column: 2, filter: 'red' }), 3);
  assert.deepEqual(idx.viewPage(0, 10).rows.map((r) => r[2]), ['red', 'red', 'Red wine']);
  assert.equal(await idx.setView({}), 5);
  assert.deepEqual(idx.scatter(1, 1, 100).rows, [0, 1, 3, 4], 'rows of the numeric pairs (the missing cell is skipped)');
});
