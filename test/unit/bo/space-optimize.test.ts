import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '../../../src/core/data/types';
import type { FeatureSet, Matrix } from '../../../src/core/features/types';
import type { Spec } from '../../../src/core/spec/types';
import { createModel } from '../../../src/core/models';
import { runOptimize } from '../../../src/core/bo/run';
import { tableFromRows } from '../../../src/core/bo/candidates';
import { Rng } from '../../../src/core/bo/rng';

const els = ['Ni', 'Fe', 'Co', 'Mn'];
const truth = (x: number[]): number => -((x[0] - 0.5) ** 2) - (x[1] - 0.3) ** 2 - x[3] + 0.2 * x[2];

async function run(space: NonNullable<Spec['optimize']>['space'], batch: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bo-space-'));
  const rng = new Rng(4);
  const rows: string[][] = [];
  for (let i = 0; i < 20; i++) {
    const w = rng.dirichlet(4);
    rows.push([...w.map((v) => v.toFixed(4)), truth(w).toFixed(5)]);
  }
  const table = tableFromRows([...els, 'y'], rows);
  const X: Matrix = { rows: 20, cols: 4, data: Float64Array.from(rows.flatMap((r) => r.slice(0, 4).map(Number))) };
  const Y: Matrix = { rows: 20, cols: 1, data: Float64Array.from(rows.map((r) => Number(r[4]))) };
  const train: FeatureSet = { X, Y, featureNames: els, targetNames: ['y'], ids: rows.map((_, i) => String(i + 1)), rowNumbers: table.rowNumbers, dropped: [] };
  const model = createModel({ type: 'gp', kernel: 'matern52', ard: false, restarts: 1 }, { seed: 1 });
  await model.fit(X, Y, { seed: 1 });
  const spec: Spec = {
    version: 1, name: 'comp', seed: 2,
    dataset: { path: 'x.csv', on_invalid: 'error', inputs: [{ columns: els, kind: 'numeric' }], targets: [{ column: 'y', goal: 'maximize' }] },
    model: { type: 'gp' }, evaluation: { cv: { folds: 3, repeats: 1 } },
    optimize: { acquisition: 'ei', batch, space },
    output: { dir: 'runs' },
  };
  const pipeline = {
    featureNames: els,
    async transform(t: Table) {
      const n = t.rowNumbers.length;
      const data = new Float64Array(n * 4);
      for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) data[i * 4 + j] = Number(t.columns[t.header.indexOf(els[j])][i]);
      return { X: { rows: n, cols: 4, data }, ids: t.rowNumbers.map(String), rowNumbers: t.rowNumbers.slice(), dropped: [] };
    },
  };
  const runDir = join(dir, 'run');
  mkdirSync(runDir);
  await runOptimize({ spec, specPath: join(dir, 's.mi.yaml'), runDir, experimentDir: join(dir, 'exp'), runId: 'r1', model, train, table, pipeline, log: () => undefined });
  return readFileSync(join(runDir, 'suggestions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
}

test('simplex suggestions satisfy sum = 1 ± 1e-9, element bounds and linear constraints', async () => {
  const sug = await run({ composition: { elements: els, sum: 1, bounds: { Ni: [0.1, 0.7], Mn: [0, 0.2] } }, constraints: ['Ni + Fe <= 0.8'] }, 3);
  assert.equal(sug.length, 3);
  for (const r of sug) {
    const x = r.slice(2, 6).map(Number);
    assert.ok(Math.abs(x.reduce((a, b) => a + b, 0) - 1) <= 1e-9, `sum ${x}`);
    assert.ok(x[0] >= 0.1 - 1e-12 && x[0] <= 0.7 + 1e-12, `Ni bounds ${x}`);
    assert.ok(x[3] >= -1e-12 && x[3] <= 0.2 + 1e-12, `Mn bounds ${x}`);
    assert.ok(x.every((v) => v >= -1e-12), 'non-negative');
    assert.ok(x[0] + x[1] <= 0.8 + 1e-12, `Ni + Fe <= 0.8: ${x}`);
  }
  assert.equal(new Set(sug.map((r) => r.slice(2, 6).join())).size, 3, 'distinct');
});

test('composition grid step: suggestions on the 0.1 grid with exact sum', async () => {
  const sug = await run({ composition: { elements: els, sum: 1, step: 0.1 } }, 4);
  assert.equal(sug.length, 4);
  for (const r of sug) {
    const x = r.slice(2, 6).map(Number);
    assert.ok(Math.abs(x.reduce((a, b) => a + b, 0) - 1) <= 1e-9);
    for (const v of x) assert.ok(Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, `grid ${x}`);
  }
  assert.equal(new Set(sug.map((r) => r.slice(2, 6).join())).size, 4, 'distinct');
  // the optimum of the truth is near Ni 0.5 Fe 0.3 Co 0.2: the first suggestion should have little Mn
  assert.ok(Number(sug[0][5]) <= 0.2, `Mn of the top suggestion: ${sug[0]}`);
});
