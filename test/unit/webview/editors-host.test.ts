// The custom-editor providers driven with a fake `vscode` module: init on ready, live curve, following the temp run
// folder to the final one, and "append as pending rows" writing exactly the confirmed text (and nothing on cancel).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fake, fakePanel, installFakeVscode, state, Uri, waitFor } from './fake-vscode';

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
  fake.workspace.workspaceFolders = [{ uri: Uri.file(dir), name: 'ws', index: 0 }];
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
  const ren = state.renames.at(-1)!;
  assert.equal(ren[1], csv, 'written atomically: a temp file renamed over the dataset');
  assert.equal(dirname(ren[0]), dir, 'the temp file is in the dataset folder');
  assert.ok(!readdirSync(dir).some((f) => f.includes('.mi-append-')), 'no temp file left behind');
  // the file changed since the run: the confirmation says so (the run recorded another SHA-256)
  state.warningAnswer = undefined;
  p.send({ type: 'request', id: 3, method: 'appendPending', params: { ranks: [1] } });
  await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 3), 'reply 3');
  assert.match((state.warnings.at(-1)!.options as { detail: string }).detail, /changed since this run/);
  p.dispose();
  fake.workspace.workspaceFolders = undefined;
});

test('append pending rows is refused in Restricted Mode and for a dataset outside the workspace folders', async () => {
  const dir = workspace();
  const csv = join(dir, 'bandgap-data.csv');
  const original = readFileSync(csv, 'utf8');
  const p = open(join(dir, 'run1', 'run.mirun.json'));
  p.send({ type: 'ready' });
  await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  state.warningAnswer = 'Append';
  fake.workspace.isTrusted = false;
  fake.workspace.workspaceFolders = [{ uri: Uri.file(dir), name: 'ws', index: 0 }];
  p.send({ type: 'request', id: 1, method: 'appendPending', params: { ranks: [1] } });
  const r1 = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 1), 'reply 1');
  assert.equal(r1.ok, false);
  assert.match(String(r1.error), /trusted workspace/);
  fake.workspace.isTrusted = true;
  fake.workspace.workspaceFolders = [{ uri: Uri.file(join(dir, 'run1')), name: 'ws', index: 0 }];
  p.send({ type: 'request', id: 2, method: 'appendPending', params: { ranks: [1] } });
  const r2 = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 2), 'reply 2');
  assert.equal(r2.ok, false);
  assert.match(String(r2.error), /outside the workspace folder/);
  assert.equal(readFileSync(csv, 'utf8'), original, 'nothing written');
  fake.workspace.workspaceFolders = undefined;
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

  // the manifest is rewritten with more points: the view gets the new manifest
  writeFileSync(join(tmp, 'run.mirun.json'), JSON.stringify({ ...final, status: 'running', curve: final.curve.slice(0, 6), files: {} }));
  const w = state.watchers.filter((x) => x.pattern.base.path === tmp).at(-1)!;
  w.change.fire(Uri.file(join(tmp, 'run.mirun.json')));
  const mid = await waitFor(() => p.posted.find((m) => m.type === 'update'), 'update after rewrite', 3000);
  assert.equal((mid.data as { manifest: { curve: unknown[] } }).manifest.curve.length, 6);

  // the run ends: the folder is renamed and the bus says where the manifest is now
  cpSync(join(dir, 'run1'), tmp, { recursive: true });
  const finalDir = join(exp, runId);
  renameSync(tmp, finalDir);
  bus.fireRunFinished({ runId, tempManifest: join(tmp, 'run.mirun.json'), manifestPath: join(finalDir, 'run.mirun.json'), status: 'completed' });
  const update = await waitFor(() => p.posted.find((m) => m.type === 'update' && (m.data as { manifest: { status: string } }).manifest.status !== 'running'), 'update after finish');
  const data = update.data as { manifest: { status: string }; runDir: string; suggestions: { rows: unknown[] } };
  assert.equal(data.manifest.status, 'completed');
  assert.equal(data.runDir, runId);
  assert.equal(data.suggestions.rows.length, 5);
  assert.ok(state.watchers.some((x) => x.pattern.base.path === finalDir && !x.disposed), 'now watching the final manifest');
  p.dispose();
});

type Posted = { type: string; [k: string]: unknown };
type LiveData = { manifest: { status: string; progress?: { phase: string; fraction?: number }; dataset?: { rows: number }; curve: unknown[] }; runDir: string; location?: string };
const updates = (posted: Posted[]): LiveData[] => posted.filter((m) => m.type === 'update').map((m) => m.data as LiveData);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the run engine does: write a sibling temp file, then rename it over the manifest. */
function atomicWrite(path: string, value: unknown, n: number): void {
  writeFileSync(`${path}.tmp-${process.pid}-${n}`, JSON.stringify(value));
  renameSync(`${path}.tmp-${process.pid}-${n}`, path);
}

test('live run: every atomic replace of the manifest (create/delete or change events) updates the view', async () => {
  const dir = workspace();
  const runId = '20261125-003000-beef';
  const exp = join(dir, 'runs', 'demo');
  const tmp = join(exp, `.tmp-${runId}`);
  const manifest = join(tmp, 'run.mirun.json');
  mkdirSync(tmp, { recursive: true });
  const base = JSON.parse(readFileSync(join(dir, 'run1', 'run.mirun.json'), 'utf8'));
  const live = (rows: number, phase: string, fraction: number, points: number) => ({
    ...base, runId, status: 'running', finishedAt: undefined, metrics: { cv: {} }, files: {},
    dataset: { ...base.dataset, rows }, progress: { phase, fraction, message: `${phase} ${fraction}` }, curve: base.curve.slice(0, points),
  });
  writeFileSync(manifest, JSON.stringify(live(0, 'spec', 0, 0)));
  state.relativeTo = dir; // the workspace folder
  const p = open(manifest);
  p.send({ type: 'ready' });
  const init = await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  assert.equal((init.data as LiveData).manifest.dataset?.rows, 0);
  const watcher = () => state.watchers.filter((x) => x.pattern.base.path === tmp && !x.disposed).at(-1);
  const w = watcher();
  assert.ok(w, 'the run FOLDER is watched (rename-over replaces the file itself)');
  assert.equal(w.pattern.pattern, 'run.mirun.json');

  // 1) rename-over reported as delete + create (how file watchers usually see an atomic replace)
  atomicWrite(manifest, live(250, 'cv', 0.4, 3), 1);
  w.del.fire(Uri.file(manifest));
  w.create.fire(Uri.file(manifest));
  let u = await waitFor(() => updates(p.posted).find((d) => d.manifest.progress?.phase === 'cv'), 'update after delete+create', 3000);
  assert.equal(u.manifest.status, 'running');
  assert.equal(u.manifest.dataset?.rows, 250, 'the new dataset row count reaches the view');
  assert.equal(u.manifest.progress?.fraction, 0.4);
  assert.equal(u.manifest.curve.length, 3);
  assert.equal(u.location, `runs/demo/.tmp-${runId}`);

  // 2) the same reported as a change event
  atomicWrite(manifest, live(250, 'fit', 0.8, 6), 2);
  w.change.fire(Uri.file(manifest));
  u = await waitFor(() => updates(p.posted).find((d) => d.manifest.progress?.phase === 'fit'), 'update after change', 3000);
  assert.equal(u.manifest.curve.length, 6);

  // 3) only a create event (some watchers drop the delete); a burst of events gives ONE reload (debounced)
  const before = updates(p.posted).length;
  atomicWrite(manifest, live(250, 'optimize', 0.9, 7), 3);
  w.create.fire(Uri.file(manifest));
  w.change.fire(Uri.file(manifest));
  w.change.fire(Uri.file(manifest));
  u = await waitFor(() => updates(p.posted).find((d) => d.manifest.progress?.phase === 'optimize'), 'update after create', 3000);
  await sleep(400);
  assert.equal(updates(p.posted).length, before + 1, 'one update for a burst of events');
  assert.equal(watcher(), w, 'the watcher survives the replaces');

  // 4) progress from the run bus between manifest rewrites
  bus.fireRunEvent({ runId, specPath: '/x.mi.yaml', event: { type: 'progress', phase: 'write', fraction: 0.95, message: 'writing' } });
  const prog = await waitFor(() => p.posted.find((m) => m.type === 'progress'), 'progress message');
  assert.deepEqual(prog.progress, { phase: 'write', fraction: 0.95, message: 'writing' });
  bus.fireRunEvent({ runId: 'another-run', specPath: '/x.mi.yaml', event: { type: 'progress', phase: 'cv', fraction: 0.1, message: 'other' } });
  await sleep(50);
  assert.equal(p.posted.filter((m) => m.type === 'progress').length, 1, 'events of other runs are ignored');

  // a manifest rewrite that lags behind the bus (written before the last events) does not take the view back
  bus.fireRunEvent({ runId, specPath: '/x.mi.yaml', event: { type: 'curve', phase: 'fit', iteration: 99, value: 1.5 } });
  const n = updates(p.posted).length;
  atomicWrite(manifest, live(251, 'optimize', 0.9, 7), 5);
  w.change.fire(Uri.file(manifest));
  u = await waitFor(() => updates(p.posted)[n], 'update after a stale rewrite', 3000);
  assert.equal(u.manifest.dataset?.rows, 251, 'the rewrite itself is shown');
  assert.equal(u.manifest.progress?.phase, 'write', 'but not older progress than the bus already gave');
  assert.equal(u.manifest.curve.length, 8, 'and the curve keeps the point from the bus');

  // 5) the run ends and the bus event is missed: the temp folder's delete is enough to find <runId>/
  cpSync(join(dir, 'run1'), tmp, { recursive: true });
  atomicWrite(manifest, { ...base, runId, status: 'completed' }, 4);
  const finalDir = join(exp, runId);
  renameSync(tmp, finalDir);
  w.del.fire(Uri.file(manifest));
  u = await waitFor(() => updates(p.posted).find((d) => d.manifest.status === 'completed'), 'update after the folder moved', 4000);
  assert.equal(u.runDir, runId, 'the view shows the final folder');
  assert.equal(u.location, `runs/demo/${runId}`, 'and its workspace path');
  assert.ok(state.watchers.some((x) => x.pattern.base.path === finalDir && !x.disposed), 'now watching the final folder');
  assert.ok(w.disposed, 'the temp folder watcher is disposed');

  // "open file" links resolve in the final folder
  p.send({ type: 'request', id: 11, method: 'openFile', params: { relPath: 'predictions.csv' } });
  const r = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 11), 'openFile reply');
  assert.equal(r.ok, true);
  assert.equal(state.shown.at(-1)?.path, join(finalDir, 'predictions.csv'));
  state.relativeTo = undefined;
  p.dispose();
});

test('live run view opened after the run already ended shows the final folder', async () => {
  const dir = workspace();
  const runId = '20261125-003100-cafe';
  const exp = join(dir, 'runs', 'demo');
  mkdirSync(exp, { recursive: true });
  cpSync(join(dir, 'run1'), join(exp, runId), { recursive: true });
  const p = open(join(exp, `.tmp-${runId}`, 'run.mirun.json'));
  p.send({ type: 'ready' });
  const init = await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  assert.equal((init.data as LiveData).runDir, runId);
  assert.equal(state.errors.length, 0, `no error shown: ${state.errors.join('; ')}`);
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
