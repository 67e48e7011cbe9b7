import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/data';
import { buildFeatures } from '../../../src/core/features';
import { createModel } from '../../../src/core/models';
import { runOptimize } from '../../../src/core/bo/run';
import type { Spec } from '../../../src/core/spec/types';

// Invalid candidate rows must be named (file:line: column: why), not silently left out of the scored pool.
test('pool rows that cannot be featurised are reported by line, and pipeline warnings reach the log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bo-pool-issues-'));
  const train = ['NaCl', 'KCl', 'LiF', 'NaF', 'KBr', 'LiCl', 'MgO', 'CaO', 'SrO', 'BaO', 'ZnO', 'CdS'];
  writeFileSync(join(dir, 'data.csv'), ['id,formula,gap', ...train.map((f, i) => `t${i},${f},${(1 + (i % 5) * 0.7).toFixed(2)}`)].join('\n') + '\n');
  // line 1 header; lines 2-3 fine; line 4 unknown element; line 5 placeholder amount; line 6 an element unseen in training
  writeFileSync(join(dir, 'pool.csv'), 'id,formula\nc1,NaBr\nc2,KF\nc3,Xy2O3\nc4,Ba1-xKxBiO3\nc5,PuO2\nc6,MgS\n');
  const spec: Spec = {
    version: 1, name: 'issues', seed: 1,
    dataset: { path: 'data.csv', id: 'id', on_invalid: 'error', inputs: [{ column: 'formula', kind: 'composition', descriptors: ['fractions'] }], targets: [{ column: 'gap', goal: 'maximize' }] },
    model: { type: 'gp', kernel: 'matern52', ard: false, restarts: 1 }, evaluation: { cv: { folds: 3, repeats: 1 } },
    optimize: { acquisition: 'ei', batch: 2, candidates: { path: 'pool.csv', id: 'id' } },
    output: { dir: 'runs' },
  };
  const table = await loadTable(join(dir, 'data.csv'));
  const { set, pipeline } = await buildFeatures(spec, table);
  const model = createModel(spec.model, { seed: 1 });
  await model.fit(set.X, set.Y, { seed: 1 });
  const runDir = join(dir, 'run');
  mkdirSync(runDir);
  const log: string[] = [];
  const res = await runOptimize({ spec, specPath: join(dir, 'x.mi.yaml'), runDir, experimentDir: join(dir, 'exp'), runId: 'r1', model, train: set, table, pipeline, log: (m) => log.push(m) });
  const text = log.join('\n');
  assert.equal(res.candidatesScored, 4);
  assert.match(text, /2 candidate row\(s\) could not be featurised/);
  assert.match(text, /pool\.csv:4: column "formula": unknown element "Xy"/);
  assert.match(text, /pool\.csv:5: column "formula": .*1-x/);
  assert.match(text, /warning: .*Pu.*"fraction:" column/);
});
