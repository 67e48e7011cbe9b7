import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '../../../src/core/data/types';
import type { FeatureSet, Matrix } from '../../../src/core/features/types';
import type { Spec } from '../../../src/core/spec/types';
import { createModel } from '../../../src/core/models';
import { runOptimize } from '../../../src/core/bo/run';
import { tableFromRows } from '../../../src/core/bo/candidates';
import { Rng } from '../../../src/core/bo/rng';

test('Thompson sampling on a pool above 2000 rows uses random-feature draws: q distinct, unmeasured picks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bo-ts-'));
  const rng = new Rng(3);
  const f = (a: number, b: number) => Math.sin(4 * a) * Math.cos(3 * b);
  const data = Array.from({ length: 30 }, (_, i) => {
    const a = Number(rng.next().toFixed(4));
    const b = Number(rng.next().toFixed(4));
    return [`m${i}`, String(a), String(b), f(a, b).toFixed(5)];
  });
  const pool = Array.from({ length: 2500 }, (_, i) => [`c${i}`, rng.next().toFixed(4), rng.next().toFixed(4)]);
  pool.push(['again', data[0][1], data[0][2]]);
  writeFileSync(join(dir, 'pool.csv'), ['id,a,b', ...pool.map((r) => r.join(','))].join('\n') + '\n');
  const table = tableFromRows(['id', 'a', 'b', 'y'], data);
  const X: Matrix = { rows: 30, cols: 2, data: Float64Array.from(data.flatMap((r) => [Number(r[1]), Number(r[2])])) };
  const Y: Matrix = { rows: 30, cols: 1, data: Float64Array.from(data.map((r) => Number(r[3]))) };
  const train: FeatureSet = { X, Y, featureNames: ['a', 'b'], targetNames: ['y'], ids: data.map((r) => r[0]), rowNumbers: table.rowNumbers, dropped: [] };
  const model = createModel({ type: 'gp', kernel: 'matern52', ard: true, restarts: 1 }, { seed: 1 });
  await model.fit(X, Y, { seed: 1 });
  const spec: Spec = {
    version: 1, name: 'ts', seed: 4,
    dataset: { path: 'd.csv', id: 'id', on_invalid: 'error', inputs: [{ columns: ['a', 'b'], kind: 'numeric' }], targets: [{ column: 'y', goal: 'maximize' }] },
    model: { type: 'gp' }, evaluation: { cv: { folds: 3, repeats: 1 } },
    optimize: { acquisition: 'ts', batch: 4, candidates: { path: 'pool.csv', id: 'id' } }, output: { dir: 'runs' },
  };
  const pipeline = {
    featureNames: ['a', 'b'],
    async transform(t: Table) {
      const n = t.rowNumbers.length;
      const d = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        d[2 * i] = Number(t.columns[t.header.indexOf('a')][i]);
        d[2 * i + 1] = Number(t.columns[t.header.indexOf('b')][i]);
      }
      return { X: { rows: n, cols: 2, data: d }, ids: t.rowNumbers.map(String), rowNumbers: t.rowNumbers.slice(), dropped: [] };
    },
  };
  const logs: string[] = [];
  const runDir = join(dir, 'run');
  mkdirSync(runDir);
  await runOptimize({ spec, specPath: join(dir, 's.mi.yaml'), runDir, experimentDir: join(dir, 'exp'), runId: 'r', model, train, table, pipeline, log: (m) => logs.push(m) });
  assert.ok(logs.some((l) => /random-feature/.test(l)), logs.join('\n'));
  const sug = readFileSync(join(runDir, 'suggestions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  assert.equal(sug.length, 4);
  assert.equal(new Set(sug.map((r) => r[1])).size, 4);
  assert.ok(!sug.some((r) => r[1] === 'again'));
  // draws favour high predicted values: every pick's mean is above the data median
  const med = [...Y.data].sort((a, b) => a - b)[15];
  for (const r of sug) assert.ok(Number(r[4]) > med, `pick ${r} mean vs median ${med}`);
});
