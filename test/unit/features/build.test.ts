import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadTable } from '../../../src/core/data';
import { buildFeatures, restorePipeline, InvalidRowsError } from '../../../src/core/features';
import { MiError } from '../../../src/core/diagnostics';
import type { Spec, InputSpec, TargetSpec } from '../../../src/core/spec/types';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/data');

function spec(inputs: InputSpec[], targets: TargetSpec[], extra: Partial<Spec['dataset']> = {}): Spec {
  return {
    version: 1, name: 't', seed: 0,
    dataset: { path: 'x.csv', on_invalid: 'error', inputs, targets, ...extra },
    model: { type: 'gp' }, evaluation: { cv: { folds: 5, repeats: 1 } }, output: { dir: 'runs' },
  };
}

function tmpCsv(text: string, name = 'data.csv'): string {
  const p = join(mkdtempSync(join(tmpdir(), 'mi-feat-')), name);
  writeFileSync(p, text);
  return p;
}

test('on_invalid: error lists every invalid cell as file:line: column "x": message', async () => {
  const t = await loadTable(join(FIX, 'gaps_bad.csv'));
  const s = spec([{ column: 'formula', kind: 'composition', descriptors: ['magpie'] }, { column: 'temp', kind: 'numeric' }],
    [{ column: 'gap', goal: 'maximize' }], { id: 'id' });
  await assert.rejects(buildFeatures(s, t), (e: unknown) => {
    assert.ok(e instanceof MiError);
    const lines = e.message.split('\n');
    assert.equal(lines[0], '4 invalid value(s) in 4 row(s):');
    assert.ok(e instanceof InvalidRowsError);
    assert.deepEqual(e.rows.map((r) => r.row), [3, 4, 5, 7]);
    assert.equal(e.details.file, 'gaps_bad.csv');
    assert.deepEqual(lines.slice(1), [
      'gaps_bad.csv:3: column "formula": unknown element "Xy" in "Xy2O3" (at 1)',
      'gaps_bad.csv:4: column "temp": not a number: "abc"',
      'gaps_bad.csv:5: column "formula": unclosed "(" in "(Al2O3" (at 1)',
      'gaps_bad.csv:7: column "gap": target is not a number: "notanumber"',
    ]);
    return true;
  });
});

test('a single invalid cell is one MiError with file, line and column details', async () => {
  const p = tmpCsv('formula,gap\nNaCl,1\nKCl,2\nXy2O3,3\nLiF,4\n', 'gaps.csv');
  const t = await loadTable(p);
  await assert.rejects(buildFeatures(spec([{ column: 'formula', kind: 'composition' }], [{ column: 'gap', goal: 'maximize' }]), t),
    (e: unknown) => e instanceof MiError && e.message === 'unknown element "Xy" in "Xy2O3" (at 1)' &&
      e.details.file === 'gaps.csv' && e.details.line === 4 && e.details.column === 'formula');
});

test('on_invalid: skip drops bad rows into set.dropped with the file line, column and message', async () => {
  const t = await loadTable(join(FIX, 'gaps_bad.csv'));
  const s = spec([{ column: 'formula', kind: 'composition', descriptors: ['xenonpy'] }, { column: 'temp', kind: 'numeric' }],
    [{ column: 'gap', goal: 'maximize' }], { id: 'id', on_invalid: 'skip' });
  const { set } = await buildFeatures(s, t);
  assert.deepEqual(set.ids, ['g1', 'g5']);
  assert.deepEqual(set.rowNumbers, [2, 6]);
  assert.deepEqual(set.dropped, [
    { row: 3, column: 'formula', message: 'unknown element "Xy" in "Xy2O3" (at 1)' },
    { row: 4, column: 'temp', message: 'not a number: "abc"' },
    { row: 5, column: 'formula', message: 'unclosed "(" in "(Al2O3" (at 1)' },
    { row: 7, column: 'gap', message: 'target is not a number: "notanumber"' },
  ]);
  assert.deepEqual(Array.from(set.Y.data), [8.5, 8.4]);
  assert.equal(set.X.rows, 2);
});

test('constant columns dropped and recorded; missing targets are NaN; ids default to row numbers', async () => {
  const p = tmpCsv('formula,gap,other\nNaCl,1,\nKCl,,5\nNaBr,3,\n');
  const t = await loadTable(p);
  const { set, pipeline } = await buildFeatures(spec([{ column: 'formula', kind: 'composition', descriptors: ['xenonpy'] }],
    [{ column: 'gap', goal: 'maximize' }, { column: 'other', goal: 'predict' }]), t);
  assert.deepEqual(set.ids, ['1', '2', '3']);
  assert.deepEqual(set.targetNames, ['gap', 'other']);
  assert.deepEqual(Array.from(set.Y.data), [1, NaN, NaN, 5, 3, NaN]);
  // NaCl, KCl, NaBr: every compound is an alkali (1 s electron) + halogen (2 s electrons) 1:1 salt
  assert.ok(pipeline.droppedConstant.includes('ave:num_s_valence'));
  for (const name of pipeline.droppedConstant) assert.ok(!set.featureNames.includes(name));
  assert.equal(set.featureNames.length + pipeline.droppedConstant.length, 290);
  // each kept column varies
  for (let j = 0; j < set.X.cols; j++) {
    const col = [0, 1, 2].map((i) => set.X.data[i * set.X.cols + j]);
    assert.ok(!(col[0] === col[1] && col[1] === col[2]), set.featureNames[j]);
  }
});

test('numeric + categorical one-hot; unseen category in a pool -> all zeros and a warning', async () => {
  const t = await loadTable(join(FIX, 'alloys.csv'));
  const s = spec([
    { columns: ['Fe', 'C', 'Mn'], kind: 'composition', basis: 'atomic' },
    { column: 'process', kind: 'categorical' },
  ], [{ column: 'hardness', goal: 'maximize' }], { id: 'id' });
  const { set, pipeline } = await buildFeatures(s, t);
  assert.deepEqual(set.featureNames, ['fraction:C', 'fraction:Mn', 'fraction:Fe', 'process=anneal', 'process=quench', 'process=temper']);
  assert.deepEqual(Array.from(set.X.data.slice(0, 6)), [0.05, 0.05, 0.9, 0, 1, 0]);
  const pool = await loadTable(tmpCsv('id,Fe,C,Mn,process\nc1,0.5,0.25,0.25,anneal\nc2,0.6,0.2,0.2,cryo\n', 'pool.csv'));
  const r = await pipeline.transform(pool);
  assert.deepEqual(r.ids, ['c1', 'c2']);
  assert.deepEqual(Array.from(r.X.data), [0.25, 0.25, 0.5, 1, 0, 0, 0.2, 0.2, 0.6, 0, 0, 0]);
  assert.deepEqual(r.warnings, ['pool.csv: column "process": category "cryo" was not in the training data (1 row(s)); encoded as all zeros']);
});

test('weight basis converts weight fractions with atomic masses', async () => {
  const t = await loadTable(tmpCsv('Fe,O,y\n69.94,30.06,1\n50,50,2\n'));
  const { set } = await buildFeatures(spec([{ columns: ['Fe', 'O'], kind: 'composition', basis: 'weight', descriptors: ['fractions'] }],
    [{ column: 'y', goal: 'predict' }]), t);
  assert.deepEqual(set.featureNames, ['fraction:O', 'fraction:Fe']);
  // 69.94 wt% Fe / 30.06 wt% O is Fe2O3: atomic fractions 0.6 O, 0.4 Fe
  assert.ok(Math.abs(set.X.data[0] - 0.6) < 1e-3 && Math.abs(set.X.data[1] - 0.4) < 1e-3, String(set.X.data.slice(0, 2)));
});

test('element-fraction columns must be element symbols', async () => {
  const t = await loadTable(join(FIX, 'alloys.csv'));
  await assert.rejects(buildFeatures(spec([{ columns: ['Fe', 'process'], kind: 'composition' }], [{ column: 'hardness', goal: 'maximize' }]), t),
    (e: unknown) => e instanceof MiError && e.message === 'composition column "process" is not an element symbol');
});

test('unknown column names a hint', async () => {
  const t = await loadTable(join(FIX, 'alloys.csv'));
  await assert.rejects(buildFeatures(spec([{ column: 'Process', kind: 'categorical' }], [{ column: 'hardness', goal: 'maximize' }]), t),
    (e: unknown) => e instanceof MiError && e.message === 'input column "Process" not found in alloys.csv' && e.details.hint === 'did you mean "process"?');
});

test('pipeline.transform on the training rows reproduces the training matrix (also after save/restore)', async () => {
  const t = await loadTable(join(FIX, 'multiline.csv'));
  const s = spec([{ column: 'formula', kind: 'composition', descriptors: ['magpie', 'fractions'] }], [{ column: 'gap', goal: 'maximize' }]);
  const { set, pipeline } = await buildFeatures(s, t);
  const r = await pipeline.transform(t);
  assert.deepEqual(r.X, set.X);
  assert.deepEqual(r.ids, set.ids);
  assert.deepEqual(r.rowNumbers, set.rowNumbers);
  const restored = restorePipeline(JSON.parse(JSON.stringify(pipeline.save())));
  assert.deepEqual((await restored.transform(t)).X, set.X);
  assert.deepEqual(restored.featureNames, set.featureNames);
  // fraction columns cover exactly the elements of the training data
  assert.deepEqual(set.featureNames.filter((n) => n.startsWith('fraction:')),
    ['fraction:H', 'fraction:Li', 'fraction:O', 'fraction:Na', 'fraction:Al', 'fraction:S', 'fraction:Cl', 'fraction:Fe', 'fraction:Cu',
      'fraction:Ga', 'fraction:Zr', 'fraction:La']);
});

test('pool rows with invalid inputs are dropped with a reason, not thrown', async () => {
  const t = await loadTable(tmpCsv('formula,gap\nNaCl,1\nKBr,2\nLiF,3\n'));
  const { pipeline } = await buildFeatures(spec([{ column: 'formula', kind: 'composition' }], [{ column: 'gap', goal: 'maximize' }]), t);
  const pool = await loadTable(tmpCsv('formula\nNaBr\nQq2\n', 'cands.csv'));
  const r = await pipeline.transform(pool);
  assert.equal(r.X.rows, 1);
  assert.deepEqual(r.dropped, [{ row: 3, column: 'formula', message: 'unknown element "Qq" in "Qq2" (at 1)' }]);
});
