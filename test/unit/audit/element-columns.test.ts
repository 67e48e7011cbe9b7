// Audit regression: element-fraction columns as real exports name them (`wt%_Al` in Conduit's Ni-superalloy data)
// must validate and featurize as composition columns, without renaming the user's columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/data';
import { validateSpecText } from '../../../src/core/spec';
import { buildFeatures, elementOfColumn } from '../../../src/core/features';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');

test('elementOfColumn accepts a unit prefix/suffix around a case-sensitive symbol', () => {
  assert.equal(elementOfColumn('Fe'), 26);
  assert.equal(elementOfColumn('wt%_Al'), 13);
  assert.equal(elementOfColumn('at% Fe'), 26);
  assert.equal(elementOfColumn('Fe (wt%)'), 26);
  assert.equal(elementOfColumn('Ni_at%'), 28);
  assert.equal(elementOfColumn('Co%'), 27);
  assert.equal(elementOfColumn('CO'), undefined);
  assert.equal(elementOfColumn('formula'), undefined);
  assert.equal(elementOfColumn('wt%_Xy'), undefined);
  assert.equal(elementOfColumn('temperature'), undefined);
});

test('a spec with wt%_<El> composition columns validates and gives fraction:<El> features', async () => {
  const text = `version: 1
name: ni
dataset:
  path: ni_superalloys_wt.csv
  id: uid
  inputs:
    - columns: [wt%_Al, wt%_Cr, wt%_Ni]
      kind: composition
      basis: weight
      descriptors: [fractions]
    - columns: ["Test Temperature [degC]"]
      kind: numeric
  targets:
    - column: target_value
model: {type: ridge}
`;
  const v = await validateSpecText(text, join(FIX, 'ni.mi.yaml'));
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(v.spec);
  const { set } = await buildFeatures(v.spec, await loadTable(join(FIX, 'ni_superalloys_wt.csv')));
  assert.equal(set.X.rows, 8);
  for (const el of ['Al', 'Cr', 'Ni']) assert.ok(set.featureNames.includes(`fraction:${el}`), set.featureNames.join());
  // a misspelled element column is still an error at its own node
  const bad = await validateSpecText(text.replace('wt%_Cr', 'wt%_Cx'), join(FIX, 'ni.mi.yaml'));
  assert.ok(bad.diagnostics.some((d) => d.severity === 'error' && d.range.start.line === 6));
});
