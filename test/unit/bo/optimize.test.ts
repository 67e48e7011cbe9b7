import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '../../../src/core/data/types';
import type { FeatureSet, Matrix } from '../../../src/core/features/types';
import type { Spec } from '../../../src/core/spec/types';
import { createModel } from '../../../src/core/models';
import type { Model } from '../../../src/core/models/types';
import { runOptimize } from '../../../src/core/bo/run';
import { readCampaign } from '../../../src/core/bo/campaign';
import type { Landscape } from '../../../src/core/bo/landscape';
import type { PipelineLike } from '../../../src/core/bo/types';
import { tableFromRows } from '../../../src/core/bo/candidates';
import { Rng } from '../../../src/core/bo/rng';

/** A pipeline that uses the numeric input columns as features (stands in for the features module). */
function numericPipeline(cols: string[]): PipelineLike {
  return {
    featureNames: cols,
    async transform(t: Table) {
      const idx = cols.map((c) => t.header.indexOf(c));
      const n = t.rowNumbers.length;
      const X: Matrix = { rows: n, cols: cols.length, data: new Float64Array(n * cols.length) };
      for (let i = 0; i < n; i++) idx.forEach((j, k) => (X.data[i * cols.length + k] = Number(t.columns[j][i])));
      return { X, ids: t.rowNumbers.map(String), rowNumbers: t.rowNumbers.slice(), dropped: [] };
    },
  };
}

function csv(path: string, header: string[], rows: (string | number)[][]): void {
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
}

const f = (x1: number, x2: number): number => Math.sin(3 * x1) + Math.cos(2 * x2) - (x1 - 0.6) ** 2;

async function setupPool(dir: string, opts: { pin?: string[]; exclude?: string[]; batch?: number; strategy?: 'kriging-believer' | 'local-penalization'; acquisition?: 'ei' | 'logei' | 'pi' | 'ucb' | 'ts' }) {
  const rng = new Rng(1);
  const data: (string | number)[][] = [];
  for (let i = 0; i < 25; i++) {
    const x1 = Number(rng.next().toFixed(3));
    const x2 = Number(rng.next().toFixed(3));
    data.push([`m${i}`, x1, x2, Number(f(x1, x2).toFixed(5))]);
  }
  const pool: (string | number)[][] = [];
  for (let i = 0; i < 300; i++) pool.push([`c${i}`, Number(rng.next().toFixed(3)), Number(rng.next().toFixed(3))]);
  // measured candidates: same id as a measured row, and identical inputs under another id ("0.50" vs 0.5 formatting)
  pool.push(['m3', 0.123, 0.456]);
  pool.push(['dup-inputs', `${data[5][1]}0`, data[5][2]]);
  csv(join(dir, 'data.csv'), ['id', 'x1', 'x2', 'y'], data);
  csv(join(dir, 'pool.csv'), ['id', 'x1', 'x2'], pool);
  const spec: Spec = {
    version: 1, name: 'toy', seed: 3,
    dataset: { path: 'data.csv', id: 'id', on_invalid: 'error', inputs: [{ columns: ['x1', 'x2'], kind: 'numeric' }], targets: [{ column: 'y', goal: 'maximize' }] },
    model: { type: 'gp' }, evaluation: { cv: { folds: 3, repeats: 1 } },
    optimize: { acquisition: opts.acquisition ?? 'ei', batch: opts.batch ?? 4, batch_strategy: opts.strategy, candidates: { path: 'pool.csv', id: 'id' }, pin: opts.pin, exclude: opts.exclude },
    output: { dir: 'runs' },
  };
  const table = tableFromRows(['id', 'x1', 'x2', 'y'], data.map((r) => r.map(String)));
  const X: Matrix = { rows: data.length, cols: 2, data: Float64Array.from(data.flatMap((r) => [Number(r[1]), Number(r[2])])) };
  const Y: Matrix = { rows: data.length, cols: 1, data: Float64Array.from(data.map((r) => Number(r[3]))) };
  const train: FeatureSet = { X, Y, featureNames: ['x1', 'x2'], targetNames: ['y'], ids: data.map((r) => String(r[0])), rowNumbers: table.rowNumbers, dropped: [] };
  const model = createModel({ type: 'gp', kernel: 'matern52', ard: false, restarts: 1 }, { seed: 1 });
  await model.fit(X, Y, { seed: 1 });
  return { spec, table, train, model, data, pool };
}

function readCsv(path: string): string[][] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(','));
}

for (const strategy of ['kriging-believer', 'local-penalization'] as const) {
  test(`pool suggestions (${strategy}): distinct, never measured, pins/excludes honoured, files written`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bo-pool-'));
    const { spec, table, train, model } = await setupPool(dir, { pin: ['c7'], exclude: ['c11', 'c12'], batch: 5, strategy });
    const runDir = join(dir, 'run');
    const expDir = join(dir, 'exp');
    mkdirSync(runDir);
    const res = await runOptimize({ spec, specPath: join(dir, 'toy.mi.yaml'), runDir, experimentDir: expDir, runId: 'r1', model, train, table, pipeline: numericPipeline(['x1', 'x2']), log: () => undefined });
    assert.equal(res.suggestions, 5);
    const sug = readCsv(join(runDir, 'suggestions.csv'));
    assert.deepEqual(sug[0], ['rank', 'id', 'x1', 'x2', 'y_mean', 'y_std', 'acquisition', 'in_domain', 'domain_reason']);
    for (const r of sug.slice(1)) assert.ok(r[7] === 'true' || r[7] === 'false', 'in_domain is true/false');
    const ids = sug.slice(1).map((r) => r[1]);
    assert.equal(new Set(ids).size, ids.length, 'distinct ids');
    const inputs = sug.slice(1).map((r) => `${Number(r[2])},${Number(r[3])}`);
    assert.equal(new Set(inputs).size, inputs.length, 'distinct inputs');
    assert.ok(ids.includes('c7'), 'pinned candidate suggested');
    for (const bad of ['m3', 'dup-inputs', 'c11', 'c12']) assert.ok(!ids.includes(bad), `${bad} never suggested`);
    const acq = readCsv(join(runDir, 'acquisition.csv'));
    assert.equal(acq.length - 1, 302 - 2 /* measured */ - 2 /* excluded */ - 1 /* pinned */);
    assert.ok(!acq.some((r) => r[0] === 'm3' || r[0] === 'dup-inputs'));
    for (const r of sug.slice(1)) assert.ok(Number(r[5]) > 0, 'std reported');
    const land = JSON.parse(readFileSync(join(runDir, 'landscape.json'), 'utf8')) as Landscape;
    assert.equal(land.slices.length, 2);
    assert.ok(land.grid2d && land.grid2d.mean.length === 30 && land.grid2d.mean[0].length === 30);
    assert.equal(land.points.filter((p) => p.kind === 'suggestion').length, 5);
    assert.ok(statSync(join(runDir, 'landscape.json')).size < 2e6);
    assert.ok(land.pca, 'pca present');
    assert.equal(land.pca.points.filter((p) => p.kind === 'suggestion').length, 5);
    assert.ok(land.pca.points.some((p) => p.kind === 'candidate'));
    assert.ok(land.pca.explained[0] >= land.pca.explained[1]);
    const camp = await readCampaign(expDir);
    assert.equal(camp.length, 1);
    assert.equal(camp[0].type, 'suggested');
  });
}

test('batch picks are distinct for every acquisition', async () => {
  for (const acquisition of ['ei', 'logei', 'pi', 'ucb', 'ts'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'bo-acq-'));
    const { spec, table, train, model } = await setupPool(dir, { batch: 6, acquisition });
    const runDir = join(dir, 'run');
    mkdirSync(runDir);
    await runOptimize({ spec, specPath: join(dir, 'toy.mi.yaml'), runDir, experimentDir: join(dir, 'exp'), runId: 'r1', model, train, table, pipeline: numericPipeline(['x1', 'x2']), log: () => undefined });
    const ids = readCsv(join(runDir, 'suggestions.csv')).slice(1).map((r) => r[1]);
    assert.equal(ids.length, 6, acquisition);
    assert.equal(new Set(ids).size, 6, `${acquisition} distinct`);
  }
});

test('campaign: a later dataset row matching a suggestion is linked once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bo-camp-'));
  const { spec, table, train, model, pool } = await setupPool(dir, { batch: 2 });
  const expDir = join(dir, 'exp');
  const mk = (n: string) => {
    const d = join(dir, n);
    mkdirSync(d);
    return d;
  };
  const pipeline = numericPipeline(['x1', 'x2']);
  await runOptimize({ spec, specPath: join(dir, 'toy.mi.yaml'), runDir: mk('r1'), experimentDir: expDir, runId: 'r1', model, train, table, pipeline, log: () => undefined });
  const first = readCsv(join(dir, 'r1', 'suggestions.csv'))[1];
  // the lab measures the first suggestion; it is appended under a new id but with identical inputs
  const p = pool.find((r) => r[0] === first[1])!;
  const t2 = tableFromRows(table.header, [...table.columns[0].map((_, i) => table.columns.map((c) => c[i])), ['new1', String(p[1]), String(p[2]), '0.5']]);
  await runOptimize({ spec, specPath: join(dir, 'toy.mi.yaml'), runDir: mk('r2'), experimentDir: expDir, runId: 'r2', model, train, table: t2, pipeline, log: () => undefined });
  await runOptimize({ spec, specPath: join(dir, 'toy.mi.yaml'), runDir: mk('r3'), experimentDir: expDir, runId: 'r3', model, train, table: t2, pipeline, log: () => undefined });
  const camp = await readCampaign(expDir);
  const measured = camp.filter((e) => e.type === 'measured');
  assert.equal(measured.length, 1, 'linked exactly once');
  assert.equal(measured[0].type === 'measured' && measured[0].suggestionRunId, 'r1');
  assert.equal(measured[0].type === 'measured' && measured[0].id, first[1]);
  assert.equal(measured[0].type === 'measured' && measured[0].row, 26);
  assert.equal(camp.filter((e) => e.type === 'suggested').length, 3);
  assert.ok(existsSync(join(expDir, 'campaign.jsonl')));
});

test('EI that underflows for every candidate falls back to log EI: same ranking as acquisition logei, with a note', async () => {
  // a stand-in model whose predictions lie ~50σ below the incumbent: EI = σ·h(z) underflows to 0 for every candidate
  const fake: Model = {
    type: 'fake',
    async fit() {},
    predict(X: Matrix) {
      const n = X.rows;
      const mean = new Float64Array(n);
      for (let i = 0; i < n; i++) mean[i] = -50 - 3 * X.data[i * 2] + X.data[i * 2 + 1];
      return { mean, variance: new Float64Array(n).fill(1.1), latentVariance: new Float64Array(n).fill(1), rows: n, outputs: 1 };
    },
    summary: () => ({ type: 'fake', hyperparameters: {}, featureRelevance: [0.5, 0.5] }),
    save: () => ({ type: 'fake', version: 1, state: null }),
  };
  const runs: { sug: string[][]; acq: string[][]; logs: string[] }[] = [];
  for (const acquisition of ['ei', 'logei'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'bo-eifallback-'));
    const { spec, table, train } = await setupPool(dir, { batch: 3, acquisition });
    const runDir = join(dir, 'run');
    mkdirSync(runDir);
    const logs: string[] = [];
    await runOptimize({ spec, specPath: join(dir, 'toy.mi.yaml'), runDir, experimentDir: join(dir, 'exp'), runId: 'r1', model: fake, train, table, pipeline: numericPipeline(['x1', 'x2']), log: (m) => logs.push(m) });
    runs.push({ sug: readCsv(join(runDir, 'suggestions.csv')), acq: readCsv(join(runDir, 'acquisition.csv')), logs });
  }
  const [ei, logei] = runs;
  assert.ok(ei.logs.some((l) => /ranking by log expected improvement/.test(l)), 'the fallback is logged');
  assert.ok(!logei.logs.some((l) => /ranking by log expected improvement/.test(l)), 'no note when logei was asked for');
  assert.deepEqual(ei.sug.map((r) => r[1]), logei.sug.map((r) => r[1]), 'same suggestions in the same order');
  assert.deepEqual(ei.acq, logei.acq, 'same acquisition values for every candidate');
  const values = ei.acq.slice(1).map((r) => Number(r[5]));
  assert.ok(values.every((v) => Number.isFinite(v) && v < -1000), 'log EI values, finite far in the tail');
  assert.ok(new Set(values).size > values.length / 2, 'values distinguish the candidates');
});
