/** executeRun with the tree ensembles, auto's candidates and grouped CV (default on when compositions repeat). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { executeRun } from '../../../src/core/run';
import { loadModel } from '../../../src/core/models';
import { Rng } from '../../../src/core/linalg/random';

/** 14 oxides/alloys, each measured at 3 temperatures: the composition repeats with another condition. */
function writeData(dir: string): void {
  const formulas = ['Fe2O3', 'NiO', 'CuO', 'ZnO', 'TiO2', 'Al2O3', 'MgO', 'CoO', 'Cr2O3', 'MnO2', 'SiO2', 'FeNi', 'CuZn', 'NiAl'];
  const rng = new Rng(4);
  const lines = ['id,formula,T,y'];
  formulas.forEach((f, k) => {
    for (const T of [300, 500, 700]) lines.push(`${f}-${T},${f},${T},${(k % 5) + T / 400 + 0.1 * rng.normal()}`);
  });
  writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');
}

function spec(dir: string, name: string, model: string, evaluation = '{cv: {folds: 4, repeats: 1}}'): string {
  const p = join(dir, `${name}.mi.yaml`);
  writeFileSync(p, [
    'version: 1', `name: ${name}`, 'seed: 1', 'dataset:', '  path: data.csv', '  id: id', '  inputs:',
    '    - {column: formula, kind: composition, descriptors: [fractions]}', '    - {column: T, kind: numeric}',
    '  targets:', '    - {column: y, goal: maximize}', `model: ${model}`, `evaluation: ${evaluation}`, 'output: {dir: runs}', '',
  ].join('\n'));
  return p;
}

function foldsByFormula(manifestPath: string): Map<string, Set<string>> {
  const rows = readFileSync(join(dirname(manifestPath), 'predictions.csv'), 'utf8').trim().split('\n');
  const head = rows[0].split(',');
  const fi = head.indexOf('y_fold');
  const out = new Map<string, Set<string>>();
  for (const r of rows.slice(1)) {
    const c = r.split(',');
    const f = c[0].split('-')[0];
    if (!out.has(f)) out.set(f, new Set());
    out.get(f)!.add(c[fi]);
  }
  return out;
}

test('rf run: CV grouped by composition by default (note in the log), metrics and a reloadable model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-trees-'));
  writeData(dir);
  const { manifestPath, manifest: m } = await executeRun(spec(dir, 'rf', '{type: rf, trees: 60}'), { out: join(dir, 'out') });
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  assert.equal(m.model.type, 'rf');
  assert.deepEqual(m.model.cvGroups, { by: 'composition', groups: 14 });
  const cv = m.metrics.cv.y;
  assert.ok(Number.isFinite(cv.mae) && cv.coverage90 >= 0 && cv.coverage90 <= 1);
  for (const [f, folds] of foldsByFormula(manifestPath)) assert.equal(folds.size, 1, `${f} split across folds ${[...folds]}`);
  const log = readFileSync(join(dirname(manifestPath), 'run.log'), 'utf8');
  assert.match(log, /28 of 42 rows repeat a composition.*evaluation\.cv\.by: row/);
  assert.ok(m.model.featureRelevance && m.model.featureRelevance.length > 0);
  const saved = JSON.parse(readFileSync(join(dirname(manifestPath), 'model', 'model.json'), 'utf8'));
  assert.equal(loadModel(saved).type, 'rf');
});

test('auto run with by: row: manifest lists every candidate with its score and the pick; rows split freely', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-trees-'));
  writeData(dir);
  const { manifestPath, manifest: m } = await executeRun(spec(dir, 'auto', '{type: auto, trees: 40}', '{cv: {folds: 3, repeats: 1, by: row}}'), { out: join(dir, 'out') });
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  assert.equal(m.model.cvGroups, undefined);
  const cands = m.model.candidates ?? [];
  assert.deepEqual(cands.filter((c) => c.type !== 'stack').map((c) => c.type), ['gp', 'rf', 'gbm', 'rf-gp', 'ridge']);
  for (const c of cands) assert.ok(Number.isFinite(c.score) && c.score > 0);
  const picked = cands.filter((c) => c.chosen);
  assert.equal(picked.length, 1);
  assert.equal(m.model.chosen, picked[0].type);
  assert.equal(m.model.type, picked[0].type);
  const split = [...foldsByFormula(manifestPath).values()].some((s) => s.size > 1);
  assert.ok(split, 'by: row deals the rows of a composition into different folds');
});
