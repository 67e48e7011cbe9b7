// Audit regression: a saved pandas index (unnamed first column) or trailing delimiters (an unnamed empty last
// column) made the whole file unreadable ("column 1 has no name in the header"). They are now named pandas-style
// ("Unnamed: 0"), the spec on the named columns validates and runs, and the spec generator never uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/data';
import { validateSpecText } from '../../../src/core/spec';
import { generateSpecFromTable } from '../../../src/core/spec/generate';
import { buildFeatures } from '../../../src/core/features';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');
const CSV = join(FIX, 'pandas_index_trailing.csv');

test('unnamed columns load as "Unnamed: <j>" and the named ones are usable', async () => {
  const t = await loadTable(CSV);
  assert.deepEqual(t.header, ['Unnamed: 0', 'formula', 'T', 'gap', 'Unnamed: 4']);
  assert.deepEqual(t.columns[1], ['NaCl', 'KCl', 'LiF', 'MgO', 'CsI']);
  const text = 'version: 1\nname: x\ndataset:\n  path: pandas_index_trailing.csv\n  inputs:\n    - column: formula\n      kind: composition\n      descriptors: [fractions]\n  targets:\n    - column: gap\n';
  const v = await validateSpecText(text, join(FIX, 'x.mi.yaml'));
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(v.spec);
  assert.equal((await buildFeatures(v.spec, t)).set.X.rows, 5);
});

test('the spec generator does not use an unnamed index column as input or target', async () => {
  const yaml = generateSpecFromTable(await loadTable(CSV), CSV);
  assert.doesNotMatch(yaml.split('# not used')[0], /Unnamed/);
  assert.match(yaml, /- column: gap/);
});
