// The custom-editor providers driven with a fake `vscode` module: init on ready, live curve, following the temp run
// folder to the final one, and "append as pending rows" writing exactly the confirmed text (and nothing on cancel).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakePanel, installFakeVscode, state, Uri, waitFor } from './fake-vscode';

const root = process.env.MI_ROOT ?? process.cwd();
const fixtures = join(root, 'test', 'fixtures', 'webview');

type Editors = typeof import('../../../src/extension/editors/runResults');
type Bus = typeof import('../../../src/extension/runs/bus');
type Dataset = typeof import('../../../src/extension/editors/datasetViewer');
let editors: Editors;
let bus: Bus;
let dataset: Dataset;

before(async () => {
  installFakeVscode();
  editors = await import('../../../src/extension/editors/runResults');
  bus = await import('../../../src/extension/runs/bus');
  dataset = await import('../../../src/extension/editors/datasetViewer');
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-editors-'));
  cpSync(join(fixtures, 'run1'), join(dir, 'run1'), { recursive: true });
  cpSync(join(fixtures, 'bandgap-data.csv'), join(dir, 'bandgap-data.csv'));
  return dir;
}

function open(manifest: string) {
  const provider = new editors.RunResultsEditorProvider(Uri.file(root) as never);
  const p = fakePanel();
  provider.resolveCustomEditor(provider.openCustomDocument(Uri.file(manifest) as never), p.panel as never);
  return p;
}

test('run editor: strict CSP shell, init on ready, localResourceRoots limited to dist/ and media/', async () => {
  const dir = workspace();
  const p = open(join(dir, 'run1', 'run.mirun.json'));
  assert.match(p.panel.webview.html, /default-src 'none'/);
  assert.match(p.panel.webview.html, /dist\/webview\/run\.js/);
  const roots = (p.panel.webview.options as { localResourceRoots: Uri[] }).localResourceRoots.map((u) => u.path);
  assert.deepEqual(roots, [join(root, 'dist'), join(root, 'media')]);
  p.send({ type: 'ready' });
  const init = await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  const data = init.data as { manifest: { runId: string }; predictions: { rows: unknown[] } };
  assert.equal(data.manifest.runId, '20261124-221003-a1b2');
  assert.equal(data.predictions.rows.length, 48);
  p.dispose();
});

test('append pending rows: writes exactly the confirmed text; cancel writes nothing', async () => {
  const dir = workspace();
  const csv = join(dir, 'bandgap-data.csv');
  const original = readFileSync(csv, 'utf8');
  const p = open(join(dir, 'run1', 'run.mirun.json'));
  p.send({ type: 'ready' });
  await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');

  state.warningAnswer = undefined; // the user closes the dialog
  p.send({ type: 'request', id: 1, method: 'appendPending', params: { ranks: [1, 2] } });
  const cancelled = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 1), 'reply 1');
  assert.deepEqual(cancelled.result, { appended: 0, cancelled: true });
  assert.equal(readFileSync(csv, 'utf8'), original, 'nothing written on cancel');
  const ask = state.warnings.at(-1)!;
  assert.deepEqual(ask.items, ['Append']);
  assert.equal((ask.options as { modal: boolean }).modal, true);
  const detail = (ask.options as { detail: string }).detail;
  const expected = 'C1000,0.7278,0.0333,867.5357,\nC1037,0.7405,0.0201,885.8622,\n';
  assert.ok(detail.endsWith(expected), `the dialog lists the exact lines:\n${detail}`);

  state.warningAnswer = 'Append';
  p.send({ type: 'request', id: 2, method: 'appendPending', params: { ranks: [1, 2] } });
  const done = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 2), 'reply 2');
  assert.equal(done.ok, true);
  assert.deepEqual(done.result, { appended: 2, path: csv });
  assert.equal(readFileSync(csv, 'utf8'), original + expected, 'appended exactly the lines shown');
  p.dispose();
});

test('export CSV and copy go through the host (save dialog, clipboard)', async () => {
  const dir = workspace();
  const p = open(join(dir, 'run1', 'run.mirun.json'));
  p.send({ type: 'ready' });
  await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  state.saveTarget = Uri.file(join(dir, 'out', 'sugg.csv'));
  p.send({ type: 'request', id: 7, method: 'exportCsv', params: { suggestedName: 's.csv', text: 'a,b\n1,2\n' } });
  const r = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 7), 'export reply');
  assert.deepEqual(r.result, { saved: true, path: join(dir, 'out', 'sugg.csv') });
  assert.equal(readFileSync(join(dir, 'out', 'sugg.csv'), 'utf8'), 'a,b\n1,2\n');
  p.send({ type: 'request', id: 8, method: 'copy', params: { text: 'x\ty' } });
  await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 8), 'copy reply');
  assert.equal(state.clipboard, 'x\ty');
  p.dispose();
});

test('live run: curve points are forwarded, then the view follows the temp folder to the final one', async () => {
  const dir = workspace();
  const runId = '20261124-221003-a1b2';
  const exp = join(dir, 'runs', 'demo');
  const tmp = join(exp, `.tmp-${runId}`);
  mkdirSync(tmp, { recursive: true });
  const final = JSON.parse(readFileSync(join(dir, 'run1', 'run.mirun.json'), 'utf8'));
  writeFileSync(join(tmp, 'run.mirun.json'), JSON.stringify({ ...final, status: 'running', curve: final.curve.slice(0, 3), files: {} }));
  const p = open(join(tmp, 'run.mirun.json'));
  p.send({ type: 'ready' });
  const init = await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  assert.equal((init.data as { manifest: { status: string } }).manifest.status, 'running');

  bus.fireRunEvent({ runId, specPath: '/x.mi.yaml', event: { type: 'curve', phase: 'final-fit', iteration: 3, value: 42 } });
  const curve = await waitFor(() => p.posted.find((m) => m.type === 'curve'), 'curve');
  assert.deepEqual(curve.points, [{ phase: 'final-fit', iteration: 3, value: 42 }]);

  // the manifest is rewritten with more points: only the new ones are sent
  writeFileSync(join(tmp, 'run.mirun.json'), JSON.stringify({ ...final, status: 'running', curve: final.curve.slice(0, 6), files: {} }));
  const w = state.watchers.filter((x) => x.pattern.base.path === tmp).at(-1)!;
  w.change.fire(Uri.file(join(tmp, 'run.mirun.json')));
  await waitFor(() => p.posted.filter((m) => m.type === 'curve').length >= 2, 'second curve message', 3000);

  // the run ends: the folder is renamed and the bus says where the manifest is now
  cpSync(join(dir, 'run1'), tmp, { recursive: true });
  const finalDir = join(exp, runId);
  renameSync(tmp, finalDir);
  bus.fireRunFinished({ runId, tempManifest: join(tmp, 'run.mirun.json'), manifestPath: join(finalDir, 'run.mirun.json'), status: 'completed' });
  const update = await waitFor(() => p.posted.find((m) => m.type === 'update'), 'update after finish');
  const data = update.data as { manifest: { status: string }; runDir: string; suggestions: { rows: unknown[] } };
  assert.equal(data.manifest.status, 'completed');
  assert.equal(data.runDir, runId);
  assert.equal(data.suggestions.rows.length, 5);
  assert.ok(state.watchers.some((x) => x.pattern.base.path === finalDir && !x.disposed), 'now watching the final manifest');
  p.dispose();
});

test('dataset viewer host: header at once, index progress, pages and sampled scatter on request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-dataset-'));
  const rows = ['id;x;y'];
  for (let i = 0; i < 5000; i++) rows.push(`r${i};${i};${i % 10}`);
  writeFileSync(join(dir, 'd.csv'), rows.join('\n'));
  const provider = new dataset.DatasetViewerProvider(Uri.file(root) as never);
  const p = fakePanel();
  provider.resolveCustomEditor(provider.openCustomDocument(Uri.file(join(dir, 'd.csv')) as never), p.panel as never);
  p.send({ type: 'ready' });
  const init = await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  assert.deepEqual((init.info as { header: string[]; delimiter: string }).header, ['id', 'x', 'y']);
  await waitFor(() => p.posted.find((m) => m.type === 'index' && m.done), 'index done');
  const summary = await waitFor(() => p.posted.find((m) => m.type === 'summary'), 'summary');
  assert.equal(summary.rows, 5000);
  p.send({ type: 'request', id: 3, method: 'page', params: { start: 4998, count: 200 } });
  const page = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 3), 'page');
  assert.deepEqual((page.result as { rows: string[][] }).rows, [['r4998', '4998', '8'], ['r4999', '4999', '9']]);
  p.send({ type: 'request', id: 4, method: 'scatter', params: { x: 1, y: 2, max: 100 } });
  const sc = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 4), 'scatter');
  assert.equal((sc.result as { x: number[] }).x.length, 100);
  p.dispose();
});
