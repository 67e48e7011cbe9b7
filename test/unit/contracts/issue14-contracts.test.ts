/**
 * Issue 14, items 1–3: `evaluation: {cv: none}` and `--no-cv` (no cross-validation), `simulate` on a spec whose
 * `optimize` has no pool (the dataset is the pool), and simulation.json's `repeats[].order` / `random.repeats[].order`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeRun, executeSimulate } from '../../../src/core/run';
import { validateSpecText } from '../../../src/core/spec';
import { parseRunArgs } from '../../../src/cli/commands/run';
import { simulate, simulationPool, type SimulationResult } from '../../../src/core/bo/simulate';
import { loadTable } from '../../../src/core/data';
import { buildFeatures } from '../../../src/core/features';
import { createModel } from '../../../src/core/models';

const root = process.env.MI_ROOT ?? process.cwd();
const fx = (f: string) => join(root, 'test/fixtures/run', f);

function specDir(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-i14-'));
  copyFileSync(fx('tiny.csv'), join(dir, 'tiny.csv'));
  const p = join(dir, 'x.mi.yaml');
  writeFileSync(p, body);
  return p;
}

const BASE = `version: 1
name: x
seed: 3
dataset:
  path: tiny.csv
  id: id
  inputs:
    - columns: [x1, x2]
      kind: numeric
  targets:
    - column: y
      goal: maximize
model: {type: ridge}
`;

test('evaluation: {cv: none} validates and types as "none"; cv settings still work', async () => {
  const p = specDir(BASE + 'evaluation: {cv: none}\n');
  const r = await validateSpecText(readFileSync(p, 'utf8'), p);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(r.spec?.evaluation.cv, 'none');
  const block = await validateSpecText(BASE + 'evaluation:\n  cv: none\n', p);
  assert.equal(block.spec?.evaluation.cv, 'none');
  const folds = await validateSpecText(BASE + 'evaluation: {cv: {folds: 3}}\n', p);
  assert.deepEqual(folds.spec?.evaluation.cv, { folds: 3, repeats: 1 });
  const bad = await validateSpecText(BASE + 'evaluation: {cv: nope}\n', p);
  assert.ok(bad.diagnostics.some((d) => d.severity === 'error' && d.range.start.line === 13), JSON.stringify(bad.diagnostics));
});

test('a cv: none run completes without CV: metrics.cv empty, no predictions.csv, the log says CV was skipped', async () => {
  const p = specDir(BASE + 'evaluation: {cv: none}\n');
  const out = mkdtempSync(join(tmpdir(), 'mi-i14-out-'));
  const { manifest: m, manifestPath } = await executeRun(p, { out });
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  assert.deepEqual(m.metrics.cv, {});
  assert.equal(m.files.predictions, undefined);
  assert.equal(m.timings.cv, undefined);
  assert.deepEqual(m.evaluation, { cv: 'none', reason: 'evaluation.cv: none' });
  const dir = join(manifestPath, '..');
  assert.ok(!existsSync(join(dir, 'predictions.csv')));
  assert.ok(existsSync(join(dir, 'model', 'model.json')), 'the final model is still fitted and saved');
  assert.match(readFileSync(join(dir, 'run.log'), 'utf8'), /\[cv\] cross-validation skipped \(evaluation\.cv: none\)/);
});

test('--no-cv skips cross-validation of a spec that has cv settings; without it CV runs as before', async () => {
  assert.deepEqual(parseRunArgs(['s.mi.yaml', '--no-cv']), { spec: 's.mi.yaml', cv: false });
  const p = specDir(BASE + 'evaluation: {cv: {folds: 3, repeats: 1}}\n');
  const out = mkdtempSync(join(tmpdir(), 'mi-i14-out-'));
  const skipped = await executeRun(p, { out, cv: false });
  assert.equal(skipped.manifest.status, 'completed');
  assert.deepEqual(skipped.manifest.metrics.cv, {});
  assert.equal(skipped.manifest.evaluation?.reason, '--no-cv');
  const full = await executeRun(p, { out });
  assert.ok(Number.isFinite(full.manifest.metrics.cv.y.mae));
  assert.deepEqual(full.manifest.evaluation, { cv: { folds: 3, repeats: 1 } });
  assert.equal(full.manifest.files.predictions, 'predictions.csv');
});

const POOLLESS = BASE + 'evaluation: {cv: none}\noptimize: {acquisition: ei, batch: 1}\n';

test('optimize without candidates/space validates (info), simulates on the dataset, and suggest refuses before training', async () => {
  const p = specDir(POOLLESS);
  const r = await validateSpecText(readFileSync(p, 'utf8'), p);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(r.diagnostics.some((d) => d.code === 'no-pool' && d.severity === 'info'));
  const out = mkdtempSync(join(tmpdir(), 'mi-i14-out-'));
  const sim = await executeSimulate(p, { out, budget: 10, initial: 3, repeats: 2, seed: 1 });
  assert.equal(sim.manifest.status, 'completed', JSON.stringify(sim.manifest.error));
  const json = JSON.parse(readFileSync(join(sim.manifestPath, '..', 'simulation.json'), 'utf8')) as SimulationResult;
  assert.equal(json.repeats.length, 2);
  const sug = await executeRun(p, { out, command: 'suggest' });
  assert.equal(sug.manifest.status, 'failed');
  assert.equal(sug.manifest.error?.code, 'no-pool');
  assert.equal(sug.manifest.timings.fit, undefined, 'failed before training');
  const run = await executeRun(p, { out });
  assert.equal(run.manifest.status, 'completed', 'a plain run trains and evaluates only');
  assert.equal(run.manifest.optimize, undefined);
});

test('simulation.json has repeats[].order (BO), random.repeats[].order and summary, and keeps runs', async () => {
  const p = specDir(POOLLESS);
  const table = await loadTable(join(p, '..', 'tiny.csv'));
  const r = await validateSpecText(readFileSync(p, 'utf8'), p);
  const spec = r.spec!;
  const { set } = await buildFeatures(spec, table);
  const res = await simulate(spec, p, simulationPool(set, table, 'tiny.csv'), {
    budget: 12, initial: 4, repeats: 3, seed: 2, makeModel: (s) => createModel({ type: 'ridge' }, { seed: s }), modelName: 'ridge',
  });
  const json = JSON.parse(JSON.stringify(res)) as Record<string, unknown> & SimulationResult;
  assert.ok(Array.isArray(json.repeats) && json.repeats.length === 3);
  assert.ok(Array.isArray(json.random.repeats) && json.random.repeats.length === 3);
  for (let k = 0; k < 3; k++) {
    const bo = json.repeats[k];
    const rnd = json.random.repeats[k];
    for (const o of [bo.order, rnd.order]) {
      assert.equal(o.length, 12);
      assert.equal(new Set(o).size, 12);
      for (const row of o) assert.ok(Number.isInteger(row) && row >= 1 && row <= table.rowNumbers.length);
    }
    assert.deepEqual(bo.order.slice(0, 4), rnd.order.slice(0, 4), 'same initial rows');
    assert.deepEqual(bo.order, json.runs[k].bo.order);
    assert.deepEqual(rnd.order, json.runs[k].random.order);
  }
  assert.ok(json.summary && json.summary.bo && json.summary.random);
  assert.equal(json.repeatCount, 3);
});

test('the worker passes options.cv = false (the editor\'s Suggest) through to the run', async () => {
  const { runRequest } = await import('../../../src/worker/engine');
  const p = specDir(BASE + 'evaluation: {cv: {folds: 3}}\n');
  const out = mkdtempSync(join(tmpdir(), 'mi-i14-out-'));
  const r = await runRequest({ type: 'start', id: 'a', kind: 'train', specPath: p, options: { out, cv: false } }, new AbortController().signal, () => undefined);
  const m = JSON.parse(readFileSync(r.manifestPath, 'utf8')) as { metrics: { cv: object }; evaluation?: { cv: unknown } };
  assert.deepEqual(m.metrics.cv, {});
  assert.equal(m.evaluation?.cv, 'none');
});
