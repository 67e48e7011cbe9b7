/** Highlighting of *.mi.yaml: runs the TextMate grammar tests in test/grammar/ with vscode-tmgrammar-test. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.env.MI_ROOT ?? process.cwd();
const bin = join(root, 'node_modules/.bin/vscode-tmgrammar-test');
const grammar = join(root, 'syntaxes/mi-yaml.tmLanguage.json');

function runTests(pattern: string): { code: number | null; out: string } {
  const r = spawnSync(bin, ['-g', grammar, pattern], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('grammar test files in test/grammar pass', () => {
  const r = runTests('test/grammar/*.mi.yaml');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /basic\.mi\.yaml run successfuly/);
  assert.match(r.out, /values\.mi\.yaml run successfuly/);
});

test('a wrong scope assertion makes the grammar test fail (the check can fail)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-grammar-'));
  try {
    writeFileSync(join(dir, 'wrong.mi.yaml'), [
      '# SYNTAX TEST "source.mi-yaml" "deliberately wrong"',
      'model: {type: gp}',
      '#             ^^ string.quoted.double.mi-yaml',
      '',
    ].join('\n'));
    const r = runTests(join(dir, '*.mi.yaml'));
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /string\.quoted\.double\.mi-yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the grammar is self-contained and highlights every section and enum value of the schema', () => {
  const g = JSON.parse(readFileSync(grammar, 'utf8')) as { scopeName: string; repository: Record<string, { match?: string; patterns?: { match?: string; name?: string }[] }> };
  assert.equal(g.scopeName, 'source.mi-yaml');
  const text = readFileSync(grammar, 'utf8');
  assert.doesNotMatch(text, /"include":\s*"source\./, 'no dependency on other grammars');
  const sections = g.repository['section-key'].match ?? '';
  for (const s of ['version', 'name', 'seed', 'dataset', 'model', 'evaluation', 'optimize', 'output', 'transfer']) {
    assert.ok(sections.includes(s), s);
  }
  const enumRule = g.repository.value.patterns?.find((p) => p.name === 'constant.language.enum.mi-yaml')?.match ?? '';
  const schema = JSON.parse(readFileSync(join(root, 'schemas/mi-spec.schema.json'), 'utf8')) as unknown;
  const values = new Set<string>();
  const visit = (s: unknown): void => {
    if (Array.isArray(s)) { s.forEach(visit); return; }
    if (typeof s !== 'object' || s === null) return;
    const o = s as Record<string, unknown>;
    if (Array.isArray(o.enum)) for (const v of o.enum) if (typeof v === 'string') values.add(v);
    Object.values(o).forEach(visit);
  };
  visit(schema);
  assert.ok(values.size > 25);
  for (const v of values) assert.ok(enumRule.includes(v.replace(/-/g, '\\-')), `enum value ${v} is highlighted`);
});
