// Audit regression: with a 1-row dataset the folds check hinted "use at most 1 folds", which cross-validation
// (≥ 2 folds) then refuses; the hint now says what is actually needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { validateSpecText } from '../../../src/core/spec';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');

test('folds > rows on a 1-row dataset: error at folds with a usable hint', async () => {
  const text = 'version: 1\nname: x\ndataset:\n  path: one_row.csv\n  inputs:\n    - column: formula\n      kind: composition\n  targets:\n    - column: gap\nevaluation: {cv: {folds: 2}}\n';
  const v = await validateSpecText(text, join(FIX, 'x.mi.yaml'));
  const d = v.diagnostics.find((x) => x.code === 'out-of-range');
  assert.ok(d);
  assert.equal(d.range.start.line, 9);
  assert.equal(d.message, '"folds" is 2 but the dataset has only 1 row');
  assert.equal(d.hint, 'cross-validation needs at least 2 rows: add data');
});
