import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.MI_ROOT ?? process.cwd();
interface Rule { beforeText: string; afterText?: string; action: { indent: string; appendText?: string } }
const conf = JSON.parse(readFileSync(join(root, 'language-configuration.json'), 'utf8')) as {
  comments: { lineComment: string };
  brackets: string[][];
  autoClosingPairs: { open: string; close: string }[];
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  onEnterRules: Rule[];
};

function onEnter(line: string): Rule['action'] | undefined {
  return conf.onEnterRules.find((r) => new RegExp(r.beforeText).test(line))?.action;
}

test('comments, brackets and auto-closing pairs for YAML', () => {
  assert.equal(conf.comments.lineComment, '#');
  assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']']]);
  assert.deepEqual(conf.autoClosingPairs.map((p) => p.open + p.close), ['{}', '[]', '""', "''"]);
});

test('indentation rules: a key that opens a block indents, closing brackets dedent', () => {
  const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
  const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
  for (const l of ['dataset:', '  inputs:', '    - column:', 'optimize:   # BO', '  - ', 'bounds: {']) assert.ok(inc.test(l), l);
  for (const l of ['  path: data/x.csv', '# dataset:', '  kind: composition', 'name: "a:"']) assert.ok(!inc.test(l), l);
  assert.ok(dec.test('  ]'));
  assert.ok(!dec.test('  kind: x'));
});

test('on Enter: indent after "key:", align under the key after "- key: value"', () => {
  assert.equal(onEnter('dataset:')?.indent, 'indent');
  assert.equal(onEnter('description: |')?.indent, 'indent');
  const item = onEnter('    - column: formula');
  assert.deepEqual(item, { indent: 'none', appendText: '  ' });
  assert.equal(onEnter('  path: data/x.csv'), undefined);
});
