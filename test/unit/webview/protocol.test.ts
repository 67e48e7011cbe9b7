import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { csvTable, parseCsv, planPendingRows, projectPool, sniffDelimiter, toCsv } from '../../../src/protocol/webview';
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

test('planPendingRows fills dataset columns from suggestions, leaves targets empty, shows the exact text', () => {
  const suggestions = csvTable('rank,id,x_Ga,anneal_T,band_gap_mean,band_gap_std,acquisition\n1,C1,0.7,900,3.1,0.2,0.3\n2,C2,0.75,"9,5",3.0,0.2,0.2\n');
  const plan = planPendingRows({ datasetHeader: ['id', 'x_Ga', 'x_In', 'anneal_T', 'band_gap'], delimiter: ',', suggestions, ranks: [2, 1], idColumn: 'id', needsNewline: true });
  assert.deepEqual(plan.rows, [['C1', '0.7', '', '900', ''], ['C2', '0.75', '', '9,5', '']]);
  assert.equal(plan.text, '\nC1,0.7,,900,\nC2,0.75,,"9,5",\n');
  assert.deepEqual(plan.filled, ['id', 'x_Ga', 'anneal_T']);
  const only = planPendingRows({ datasetHeader: ['x_Ga', 'band_gap'], delimiter: ';', suggestions, ranks: [1], needsNewline: false });
  assert.equal(only.text, '0.7;\n');
});

test('run folder loader maps landscape.json (core/bo format), simulation.json and the pool PCA', async () => {
  const d = await loadRunData(fixture('run1'));
  assert.equal(d.kind, 'run');
  assert.equal(d.predictions?.rows.length, 48);
  assert.equal(d.suggestions?.rows.length, 5);
  const L = d.landscape!;
  assert.deepEqual(L.slices.map((s) => s.feature), ['x_Ga', 'anneal_T', 'x_In']);
  assert.equal(L.slices[0].x.length, 60);
  assert.equal(L.slices[0].suggestions.length, 5, 'suggestions marked on the slice along the grid x feature');
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
