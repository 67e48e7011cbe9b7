import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursorContext, pathMatches, stripComment, tokenAt } from '../../../src/extension/language/yamlPath';

/** Cursor position marked with `|` in the text. */
function at(src: string) {
  const i = src.indexOf('|');
  const text = src.slice(0, i) + src.slice(i + 1);
  const before = text.slice(0, i).split('\n');
  return { text, line: before.length - 1, character: before[before.length - 1].length };
}
function ctx(src: string) {
  const { text, line, character } = at(src);
  return cursorContext(text, line, character);
}

const SPEC = `version: 1
dataset:
  path: data/gaps.csv
  inputs:
    - column: formula
      kind: composition
    - columns: [temperature, pressure]
      kind: numeric
  targets:
  - column: gap
    goal: maximize
model: {type: gp, kernel: matern52}
`;

test('root key being typed', () => {
  const c = ctx('vers|');
  assert.deepEqual([c?.kind, c?.path, c?.prefix, c?.prefixStart], ['key', [], 'vers', 0]);
});

test('value of a nested key', () => {
  const c = ctx('dataset:\n  path: data/ga|');
  assert.deepEqual([c?.kind, c?.path, c?.prefix, c?.prefixStart], ['value', ['dataset', 'path'], 'data/ga', 8]);
});

test('value on a sequence item line gets the item index', () => {
  const c = ctx(SPEC.replace('kind: numeric', 'kind: num|'));
  assert.deepEqual([c?.kind, c?.path, c?.prefix], ['value', ['dataset', 'inputs', 1, 'kind'], 'num']);
  const d = ctx(SPEC.replace('- column: formula', '- column: form|'));
  assert.deepEqual(d?.path, ['dataset', 'inputs', 0, 'column']);
});

test('compact sequence (dash at the same column as its key)', () => {
  const c = ctx(SPEC.replace('goal: maximize', 'goal: |'));
  assert.deepEqual(c?.path, ['dataset', 'targets', 0, 'goal']);
});

test('key position in a sequence item mapping lists sibling keys', () => {
  const c = ctx(SPEC.replace('      kind: composition\n', '      kind: composition\n      |\n'));
  assert.equal(c?.kind, 'key');
  assert.deepEqual(c?.path, ['dataset', 'inputs', 0]);
  assert.deepEqual(c?.existingKeys.sort(), ['column', 'kind']);
});

test('new sequence item: key position inside the new item', () => {
  const c = ctx(SPEC.replace('      kind: numeric\n', '      kind: numeric\n    - |\n'));
  assert.equal(c?.kind, 'key');
  assert.deepEqual(c?.path, ['dataset', 'inputs', 2]);
});

test('flow sequence item and flow mapping value/key', () => {
  assert.deepEqual(ctx(SPEC.replace('[temperature, pressure]', '[temperature, pre|'))?.path, ['dataset', 'inputs', 1, 'columns', 1]);
  const v = ctx(SPEC.replace('kernel: matern52}', 'kernel: mat|'));
  assert.deepEqual([v?.kind, v?.path, v?.prefix], ['value', ['model', 'kernel'], 'mat']);
  const k = ctx(SPEC.replace('kernel: matern52}', 'ke|'));
  assert.deepEqual([k?.kind, k?.path, k?.prefix, k?.existingKeys], ['key', ['model'], 'ke', ['type']]);
});

test('block scalar sequence item under columns:', () => {
  const c = ctx('dataset:\n  inputs:\n    - columns:\n        - a\n        - b|\n      kind: numeric\n');
  assert.deepEqual([c?.kind, c?.path, c?.prefix], ['key', ['dataset', 'inputs', 0, 'columns', 1], 'b']);
});

test('empty indented line after a key: key position under it', () => {
  const c = ctx('optimize:\n  |');
  assert.deepEqual([c?.kind, c?.path], ['key', ['optimize']]);
});

test('quoted value: prefix excludes the quote', () => {
  const c = ctx('dataset:\n  targets:\n    - column: "Exp_T|');
  assert.deepEqual([c?.prefix, c?.quoted, c?.path], ['Exp_T', '"', ['dataset', 'targets', 0, 'column']]);
});

test('no context inside a comment', () => {
  assert.equal(ctx('dataset:  # the da|'), undefined);
  assert.equal(stripComment('a: b # c'), 'a: b ');
  assert.equal(stripComment('a: "b # c"'), 'a: "b # c"');
});

test('tokenAt: a key, an enum value, a scalar item in a flow sequence', () => {
  const lines = SPEC.split('\n');
  const kindLine = lines.findIndex((l) => l.includes('kind: composition'));
  assert.deepEqual(tokenAt(SPEC, kindLine, 7), { kind: 'key', path: ['dataset', 'inputs', 0, 'kind'], word: 'kind', start: 6, end: 10 });
  const v = tokenAt(SPEC, kindLine, 15);
  assert.deepEqual([v?.kind, v?.path, v?.word], ['value', ['dataset', 'inputs', 0, 'kind'], 'composition']);
  const colLine = lines.findIndex((l) => l.includes('pressure'));
  const t = tokenAt(SPEC, colLine, lines[colLine].indexOf('pressure') + 2);
  assert.deepEqual([t?.kind, t?.path, t?.word], ['value', ['dataset', 'inputs', 1, 'columns', 1], 'pressure']);
  assert.equal(tokenAt(SPEC, colLine, 4), undefined); // the dash
});

test('pathMatches with * for sequence indices', () => {
  assert.ok(pathMatches(['dataset', 'inputs', 3, 'column'], 'dataset.inputs.*.column'));
  assert.ok(!pathMatches(['dataset', 'inputs', 'x', 'column'], 'dataset.inputs.*.column'));
  assert.ok(!pathMatches(['dataset', 'inputs'], 'dataset.inputs.*.column'));
});
