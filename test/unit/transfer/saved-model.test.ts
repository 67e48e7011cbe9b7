/**
 * A transfer run's saved model (model/model.json) comes back: the loader the editor host uses for maps over any pair
 * (dist/models.js → loadTransferModel) restores auto's pick — a single candidate or the average of the best few — and
 * a map it draws over a precomputed pair equals the precomputed map of landscape.json, value for value. Before, the
 * host's loader knew no transfer model and such runs could only show the precomputed maps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { landscapeMap, type Landscape } from '../../../src/core/bo/landscape';
import { Rng } from '../../../src/core/linalg/random';
import type { SavedModel } from '../../../src/core/models/types';
import { executeRun } from '../../../src/core/run';
import { loadModel } from '../../../src/extension/modelBundle';
import { pretrainNumeric, writeCsv } from './fixtures';

test('a transfer Suggest run: the saved model loads in the host loader and redraws the precomputed map exactly', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-transfer-saved-'));
  const rng = new Rng(11);
  // six inputs: a source of 600 rows learns the property, 25 target rows alone do not, so auto transfers
  const w = [1, 0.8, -0.6, 0.5, -0.4, 0.3];
  const f = (x: number[]): number => x.reduce((a, v, k) => a + w[k] * v, 0) + 0.5 * x[0] * x[1];
  const X = (): number[] => w.map(() => rng.uniform() * 2 - 1);
  const cols = w.map((_, k) => `x${k + 1}`);
  const src: number[][] = [];
  for (let i = 0; i < 600; i++) {
    const x = X();
    src.push([...x, f(x)]);
  }
  writeCsv(join(dir, 'source.csv'), src, [...cols, 's']);
  // two sources of the same property (like the band-gap sources of the bundled library): auto averages the best few
  for (const [name, seed] of [['related', 1], ['related2', 2]] as const) await pretrainNumeric(dir, { name, seed, csv: 'source.csv', inputs: cols, target: 's', models: 2, epochs: 100 });
  const tgt: number[][] = [];
  for (let i = 0; i < 25; i++) {
    const x = X();
    tgt.push([...x, 2 * f(x) + 1 + 0.02 * rng.normal()]);
  }
  writeCsv(join(dir, 'target.csv'), tgt, [...cols, 'y']);
  writeCsv(join(dir, 'pool.csv'), Array.from({ length: 25 }, X), cols);
  writeFileSync(
    join(dir, 'target.mi.yaml'),
    `version: 1\nname: target\nseed: 4\ndataset:\n  path: target.csv\n  inputs: [{columns: [${cols}], kind: numeric}]\n  targets: [{column: y, goal: maximize}]\n` +
      'model: {type: gp, ard: false, restarts: 1}\nevaluation: {cv: none}\ntransfer: {library: lib, sources: all, strategy: auto}\n' +
      'optimize: {acquisition: ei, batch: 2, candidates: {path: pool.csv}}\n',
  );
  const r = await executeRun(join(dir, 'target.mi.yaml'), { command: 'suggest', optimize: true, out: join(dir, 'runs'), runId: '20260101-000000-tsav' });
  assert.equal(r.manifest.status, 'completed', JSON.stringify(r.manifest.error));
  const sel = r.manifest.transfer!.selected;
  assert.equal(sel.strategy, 'average', `precondition: auto averages here (${sel.label})`);
  assert.equal(sel.members?.length, 3);
  assert.ok(r.manifest.transfer!.candidates.some((c) => c.label === sel.label), 'the average is ranked among the candidates');
  const run = join(dir, 'runs', '20260101-000000-tsav');
  const saved = JSON.parse(readFileSync(join(run, 'model', 'model.json'), 'utf8')) as SavedModel;
  assert.equal(saved.type, 'transfer-selected');
  const model = loadModel(saved);
  const L = JSON.parse(readFileSync(join(run, 'landscape.json'), 'utf8')) as Landscape;
  assert.ok(L.grid2d && L.context, 'a precomputed map and the context for other maps');
  const g = await landscapeMap(L, model, L.grid2d.xFeature, L.grid2d.yFeature);
  assert.deepEqual(g.mean, L.grid2d.mean, `the loaded model (${sel.label}) predicts the map's means`);
  assert.deepEqual(g.std, L.grid2d.std);
  assert.deepEqual(g.acquisition, L.grid2d.acquisition);
  t.diagnostic(`selected ${sel.label}`);
});
