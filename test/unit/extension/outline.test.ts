import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outline } from '../../../src/extension/language/outline';

const SPEC = `version: 1
dataset:
  path: data/gaps.csv
  inputs:
    - column: formula
      kind: composition
    - columns: [t, p]
      kind: numeric
  targets:
    - {column: gap, goal: maximize}
model: {type: gp}
`;

test('outline: sections, keys and list items named by their columns', () => {
  const o = outline(SPEC);
  assert.deepEqual(o.map((s) => [s.name, s.kind]), [['version', 'section'], ['dataset', 'section'], ['model', 'section']]);
  const ds = o[1];
  assert.deepEqual([ds.range.startLine, ds.range.endLine], [1, 10]);
  const inputs = ds.children.find((c) => c.name === 'inputs');
  assert.deepEqual(inputs?.children.map((c) => [c.name, c.detail]), [['[0] formula', 'composition'], ['[1] t, p', 'numeric']]);
  assert.equal(inputs?.children[0].range.startLine, 4);
  const targets = ds.children.find((c) => c.name === 'targets');
  assert.deepEqual(targets?.children.map((c) => [c.name, c.detail]), [['[0] gap', 'maximize']]);
  assert.equal(o[0].detail, '1');
});

test('outline of broken or empty text never throws', () => {
  assert.deepEqual(outline(''), []);
  assert.ok(Array.isArray(outline('a: [\n  - {b: }}\n:::\n')));
});
