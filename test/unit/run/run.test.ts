/** executeRun end to end on tiny fixtures (test/fixtures/run): manifest, predictions, atomic folder, failures, cancel, reproducibility. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { executeRun, executeSimulate } from '../../../src/core/run';
import type { RunEvent } from '../../../src/protocol/worker';
import { PACKAGE_VERSION } from '../../../src/core/version';
import { loadModel } from '../../../src/core/models';
import { restorePipeline } from '../../../src/core/features';
import { loadTable } from '../../../src/core/data';

const root = process.env.MI_ROOT ?? process.cwd();
const fx = (f: string) => join(root, 'test/fixtures/run', f);
const tmp = () => mkdtempSync(join(tmpdir(), 'mi-run-'));
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('a ridge run writes a complete, atomic run folder with the manifest fields', async () => {
  const out = tmp();
  const events: RunEvent[] = [];
  const { manifestPath, manifest: m } = await executeRun(fx('tiny-ridge.mi.yaml'), { out, onEvent: (e) => events.push(e) });
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  assert.match(m.runId, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.equal(manifestPath, join(out, m.runId, 'run.mirun.json'));
  assert.deepEqual(readdirSync(out), [m.runId], 'only the final folder, no .tmp- left');
  assert.deepEqual(JSON.parse(readFileSync(manifestPath, 'utf8')), JSON.parse(JSON.stringify(m)));
  assert.equal(m.format, 'mi-studio-run');
  assert.equal(m.name, 'tiny-ridge');
  assert.equal(m.spec.sha256, sha(fx('tiny-ridge.mi.yaml')));
  assert.equal((m.spec.content as { name: string }).name, 'tiny-ridge');
  assert.equal(m.dataset.sha256, sha(fx('tiny.csv')));
  assert.equal(m.dataset.rows, 30);
  assert.equal(m.dataset.dropped, 0);
  assert.equal(m.packageVersion, PACKAGE_VERSION);
  assert.equal(m.seed, 3);
  assert.equal(m.backend, 'js');
  for (const k of ['spec', 'data', 'features', 'cv', 'fit', 'total']) assert.ok(typeof m.timings[k] === 'number' && m.timings[k] >= 0, k);
  const cv = m.metrics.cv.y;
  for (const k of ['mae', 'rmse', 'r2', 'spearman', 'nlpd', 'coverage90'] as const) assert.ok(Number.isFinite(cv[k]), `${k}=${cv[k]}`);
  assert.ok(cv.r2 > 0.3, `a linear model explains part of sin(3x1)+x2² (r2=${cv.r2})`);
  assert.ok(m.model.type.length > 0);
  assert.ok(Object.keys(m.model.hyperparameters).length > 0);
  if (m.model.featureRelevance) assert.deepEqual(m.model.featureRelevance.map((r) => r.feature), m.features.names);
  assert.deepEqual(m.features.names.slice().sort(), ['x1', 'x2']);
  assert.equal(m.files.predictions, 'predictions.csv');
  assert.ok(statSync(join(out, m.runId, 'model', 'model.json')).isFile());
  const pipeline = JSON.parse(readFileSync(join(out, m.runId, 'model', 'pipeline.json'), 'utf8'));
  assert.deepEqual(pipeline.featureNames, m.features.names);
  assert.ok(existsSync(join(out, m.runId, 'run.log')));
  // events: started first, finished last, fractions within [0, 1]
  assert.equal(events[0].type, 'started');
  assert.deepEqual(events.at(-1), { type: 'finished', status: 'completed', manifestPath });
  const fr = events.flatMap((e) => (e.type === 'progress' && e.fraction !== undefined ? [e.fraction] : []));
  assert.ok(fr.length > 3 && fr.every((f) => f >= 0 && f <= 1));
  assert.equal(fr.at(-1), 1);
});

test('predictions.csv has id, row and per-target observed/mean/std/90% interval/fold columns for every row', async () => {
  const out = tmp();
  const { manifestPath } = await executeRun(fx('tiny-ridge.mi.yaml'), { out });
  const lines = readFileSync(join(dirname(manifestPath), 'predictions.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'id,row,y,y_mean,y_std,y_lower90,y_upper90,y_fold');
  assert.equal(lines.length, 31);
  const first = lines[1].split(',');
  assert.equal(first[0], 's01');
  assert.equal(first[1], '2', 'row = line in the CSV (header is line 1)');
  const obs = readFileSync(fx('tiny.csv'), 'utf8').split('\n')[1].split(',')[3];
  assert.equal(Number(first[2]), Number(obs));
  for (const l of lines.slice(1)) {
    const [, , , mean, std, lo, hi, fold] = l.split(',').map(Number);
    assert.ok(std > 0 && lo < mean && mean < hi, l);
    assert.ok(Number.isInteger(fold) && fold >= 0 && fold < 3, l);
  }
});

for (const spec of ['tiny-ridge', 'tiny-gp', 'tiny-rf-gp']) {
  test(`reproducible: ${spec} twice with the same seed gives identical metrics and predictions.csv bytes`, async () => {
    const a = await executeRun(fx(`${spec}.mi.yaml`), { out: tmp() });
    const b = await executeRun(fx(`${spec}.mi.yaml`), { out: tmp() });
    assert.equal(a.manifest.status, 'completed', JSON.stringify(a.manifest.error));
    assert.deepEqual(a.manifest.metrics, b.manifest.metrics);
    assert.deepEqual(a.manifest.model.hyperparameters, b.manifest.model.hyperparameters);
    const pa = readFileSync(join(dirname(a.manifestPath), 'predictions.csv'));
    const pb = readFileSync(join(dirname(b.manifestPath), 'predictions.csv'));
    assert.ok(pa.equals(pb), `${spec}: predictions.csv differ`);
  });
}

test('--seed overrides the spec seed and changes the CV split', async () => {
  const a = await executeRun(fx('tiny-ridge.mi.yaml'), { out: tmp(), seed: 11 });
  const b = await executeRun(fx('tiny-ridge.mi.yaml'), { out: tmp() });
  assert.equal(a.manifest.seed, 11);
  const folds = (p: string) => readFileSync(join(dirname(p), 'predictions.csv'), 'utf8').split('\n').slice(1).map((l) => l.split(',').at(-1));
  assert.notDeepEqual(folds(a.manifestPath), folds(b.manifestPath));
});

test('on_invalid: skip records the dropped row in the manifest and dropped_rows.csv', async () => {
  const { manifest: m, manifestPath } = await executeRun(fx('tiny-skip.mi.yaml'), { out: tmp() });
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  assert.equal(m.dataset.rows, 29);
  assert.equal(m.dataset.dropped, 1);
  assert.equal(m.files.dropped_rows, 'dropped_rows.csv');
  assert.deepEqual(m.dataset.droppedRows?.map((d) => [d.row, d.column]), [[6, 'x1']]);
  const lines = readFileSync(join(dirname(manifestPath), 'dropped_rows.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'row,column,message');
  assert.match(lines[1], /^6,x1,/);
  const preds = readFileSync(join(dirname(manifestPath), 'predictions.csv'), 'utf8');
  assert.ok(!/^s05,/m.test(preds), 'the skipped row is not predicted');
});

test('a data error fails the run: manifest status failed with file and hint, folder finalised', async () => {
  const out = tmp();
  const { manifest: m, manifestPath } = await executeRun(fx('tiny-error.mi.yaml'), { out });
  assert.equal(m.status, 'failed');
  assert.ok(m.error && m.error.message.length > 0);
  assert.equal(basename(m.error.file ?? ''), 'tiny-bad.csv');
  assert.deepEqual(readdirSync(out), [m.runId]);
  assert.equal(JSON.parse(readFileSync(manifestPath, 'utf8')).status, 'failed');
  assert.ok(!existsSync(join(dirname(manifestPath), 'predictions.csv')));
});

test('an invalid spec fails with the spec diagnostics (file, line, column, code)', async () => {
  const { manifest: m } = await executeRun(fx('tiny-invalid.mi.yaml'), { out: tmp() });
  assert.equal(m.status, 'failed');
  assert.equal(m.error?.file, fx('tiny-invalid.mi.yaml'));
  assert.equal(m.error?.line, 10);
  assert.equal(m.error?.code, 'unknown-column');
  assert.match(m.error?.diagnostics?.[0] ?? '', /tiny-invalid\.mi\.yaml:10:\d+: error: .*yield/);
});

test('suggest on a spec without optimize fails with a clear error', async () => {
  const { manifest: m } = await executeRun(fx('tiny-ridge.mi.yaml'), { out: tmp(), command: 'suggest' });
  assert.equal(m.status, 'failed');
  assert.equal(m.error?.code, 'no-optimize');
  assert.match(m.error?.hint ?? '', /optimize/);
});

test('cancelling through the AbortSignal ends the run as cancelled (never completed)', async () => {
  const out = tmp();
  const ac = new AbortController();
  const { manifest: m, manifestPath } = await executeRun(fx('tiny-gp.mi.yaml'), {
    out,
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'progress' && e.phase === 'features') ac.abort();
    },
  });
  assert.equal(m.status, 'cancelled');
  assert.deepEqual(readdirSync(out), [m.runId]);
  assert.equal(JSON.parse(readFileSync(manifestPath, 'utf8')).status, 'cancelled');
  assert.ok(!existsSync(join(dirname(manifestPath), 'model')));
});

test('with optimize, the run writes suggestions and records them in the manifest', async () => {
  const { manifest: m, manifestPath } = await executeRun(fx('tiny-opt.mi.yaml'), { out: tmp() });
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  assert.equal(m.optimize?.batch, 2);
  assert.equal(m.optimize?.suggestions, 2);
  assert.ok(m.files.suggestions);
  const lines = readFileSync(join(dirname(manifestPath), m.files.suggestions), 'utf8').trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^rank,id,x1,x2,y_mean,y_std/);
  const noOpt = await executeRun(fx('tiny-opt.mi.yaml'), { out: tmp(), optimize: false });
  assert.equal(noOpt.manifest.optimize, undefined);
  assert.equal(noOpt.manifest.files.suggestions, undefined);
});

test('Simulate Campaign runs as a run folder with simulation.json (command: simulate)', async () => {
  const out = tmp();
  const { manifest: m, manifestPath } = await executeSimulate(fx('tiny-ridge.mi.yaml'), { out, budget: 8, initial: 3, repeats: 1 });
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  assert.equal(m.command, 'simulate');
  assert.deepEqual(m.simulate, { budget: 8, initial: 3, repeats: 1, refitEvery: 5, model: 'ridge' });
  const sim = JSON.parse(readFileSync(join(dirname(manifestPath), m.files.simulation), 'utf8'));
  assert.equal(sim.format, 'mi-studio-simulation');
  assert.equal(sim.runs.length, 1);
  assert.deepEqual(readdirSync(out), [m.runId]);
  const bad = await executeSimulate(fx('tiny-ridge.mi.yaml'), { out, budget: 3, initial: 5 });
  assert.equal(bad.manifest.status, 'failed');
  assert.equal(bad.manifest.error?.code, 'usage');
});

test('model/ restores: loadModel(model.json) + restorePipeline(pipeline.json state) predict new rows with uncertainty', async () => {
  const { manifestPath } = await executeRun(fx('tiny-gp.mi.yaml'), { out: tmp() });
  const dir = join(dirname(manifestPath), 'model');
  const model = loadModel(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  const info = JSON.parse(readFileSync(join(dir, 'pipeline.json'), 'utf8'));
  const pipeline = restorePipeline(info.state);
  assert.deepEqual(pipeline.featureNames, info.featureNames);
  const pool = await loadTable(fx('candidates.csv'));
  const { X } = await pipeline.transform(pool);
  const p = model.predict(X);
  assert.equal(p.rows, 40);
  for (let i = 0; i < p.rows; i++) assert.ok(Number.isFinite(p.mean[i]) && p.variance[i] > 0);
});

test('mlp-ensemble (TensorFlow.js): backend recorded, same seed reproduces metrics and predictions within 1e-6', async () => {
  const a = await executeRun(fx('tiny-mlp.mi.yaml'), { out: tmp() });
  const b = await executeRun(fx('tiny-mlp.mi.yaml'), { out: tmp() });
  assert.equal(a.manifest.status, 'completed', JSON.stringify(a.manifest.error));
  assert.match(a.manifest.backend, /^(wasm|cpu|tensorflow|webgl)$/);
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));
  for (const k of ['mae', 'rmse', 'r2', 'nlpd'] as const) assert.ok(close(a.manifest.metrics.cv.y[k], b.manifest.metrics.cv.y[k]), k);
  const rows = (p: string) => readFileSync(join(dirname(p), 'predictions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(2).map(Number));
  const ra = rows(a.manifestPath);
  const rb = rows(b.manifestPath);
  assert.equal(ra.length, 30);
  ra.forEach((r, i) => r.forEach((v, j) => assert.ok(close(v, rb[i][j]), `row ${i} col ${j}: ${v} vs ${rb[i][j]}`)));
});
