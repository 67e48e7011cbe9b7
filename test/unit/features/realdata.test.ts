import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/data';
import { buildFeatures } from '../../../src/core/features';
import { MiError } from '../../../src/core/diagnostics';
import type { Spec } from '../../../src/core/spec/types';

// 32 rows of the Citrine superconductors set (see test/fixtures/data/SOURCE.md), placeholders included.
const FILE = join(process.env.MI_ROOT ?? '.', 'test/fixtures/data/superconductors_subset.csv');

function spec(onInvalid: 'error' | 'skip'): Spec {
  return {
    version: 1, name: 'tc', seed: 0,
    dataset: { path: FILE, on_invalid: onInvalid, inputs: [{ column: 'formula', kind: 'composition', descriptors: ['magpie'] }], targets: [{ column: 'tc_K', goal: 'maximize' }] },
    model: { type: 'gp' }, evaluation: { cv: { folds: 5, repeats: 1 } }, output: { dir: 'runs' },
  };
}

const EXPECTED_DROPPED = [
  { row: 10, column: 'formula', message: 'variable amount "1-x" in "Ba1-xKxBiO3" (at 3)' },
  { row: 11, column: 'formula', message: 'unknown element "L" in "LSCO" (at 1)' },
  { row: 12, column: 'formula', message: 'unexpected character "-" in "Hg-1201" (at 3)' },
  { row: 13, column: 'formula', message: 'unexpected character "," in "(Ba,K)BiO3" (at 4)' },
  { row: 18, column: 'formula', message: 'unexpected character "," in "(K,Rb,Cs,Tl)xFe2-ySe2" (at 3)' },
  { row: 22, column: 'formula', message: 'unexpected character ":" in "YBa2Cu3O6.98:C" (at 13)' },
  { row: 23, column: 'formula', message: 'variable amount "7-d" in "NdBa2Cu3O7-d" (at 10)' },
  { row: 24, column: 'formula', message: 'variable amount "1-y" in "SmFeAsO1-y" (at 8)' },
  { row: 25, column: 'formula', message: 'variable amount "4+d" in "HgBa2CuO4+d" (at 9)' },
  { row: 33, column: 'formula', message: 'unexpected character "," in "(K,Cs)xFe2Se2" (at 3)' },
];

test('real formulas with placeholders: inferred as composition, skip drops exactly the placeholder rows', async () => {
  const t = await loadTable(FILE);
  const info = t.info.find((i) => i.name === 'formula');
  assert.equal(info?.type, 'composition');
  const { set } = await buildFeatures(spec('skip'), t);
  assert.deepEqual(set.dropped, EXPECTED_DROPPED);
  assert.equal(set.X.rows, 32 - EXPECTED_DROPPED.length);
  assert.ok(set.X.cols > 100, `${set.X.cols} magpie columns kept`);
  // RbOs2O6 is the first valid row: its mean atomic number = (37 + 2*76 + 6*8) / 9
  assert.ok(Math.abs(set.X.data[set.featureNames.indexOf('mean:Number')] - (37 + 152 + 48) / 9) < 1e-9);
});

test('real formulas with placeholders: on_invalid error lists all ten, in file order', async () => {
  const t = await loadTable(FILE);
  await assert.rejects(buildFeatures(spec('error'), t), (e: unknown) => {
    assert.ok(e instanceof MiError);
    const lines = e.message.split('\n');
    assert.equal(lines[0], '10 invalid value(s) in 10 row(s):');
    assert.deepEqual(lines.slice(1), EXPECTED_DROPPED.map((d) => `superconductors_subset.csv:${d.row}: column "formula": ${d.message}`));
    return true;
  });
});
