import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specSchema } from '../../../src/core/spec';
import { createEnv, DataCache } from '../../../src/extension/language/dataEnv';
import type { JsonSchema } from '../../../src/extension/language/schema';
import { enumValuesAt, propertiesAt, schemasAt } from '../../../src/extension/language/schema';
import { completions, hover, referencedDataFiles, schemaHoverMarkdown, valueAt } from '../../../src/extension/language/service';
import { writeNewSpec } from '../../../src/extension/language/specFiles';

const root = process.env.MI_ROOT ?? process.cwd();
const fixtures = join(root, 'test/unit/extension/fixtures');
const schema = specSchema as unknown as JsonSchema;
const specPath = join(fixtures, 'probe.mi.yaml'); // never written: the env only resolves paths relative to it
const env = createEnv(specPath, schema, new DataCache());

function at(src: string) {
  const i = src.indexOf('|');
  const text = src.slice(0, i) + src.slice(i + 1);
  const before = text.slice(0, i).split('\n');
  return { text, line: before.length - 1, character: before[before.length - 1].length };
}
async function labels(src: string, e = env): Promise<string[]> {
  const { text, line, character } = at(src);
  return (await completions(text, line, character, e)).map((c) => c.label);
}

const SPEC = `version: 1
name: gaps
dataset:
  path: gaps.csv
  inputs:
    - column: chemicalFormula
      kind: composition
      descriptors: [magpie]
    - columns: [cond_Temperature]
      kind: numeric
  targets:
    - column: band_gap_eV
      goal: predict
model:
  type: gp
`;

test('schema navigation follows $ref, items and anyOf', () => {
  assert.ok(propertiesAt(schema, ['dataset', 'inputs', 0]).some((p) => p.name === 'kind'));
  assert.deepEqual(enumValuesAt(schema, ['dataset', 'targets', 0, 'goal']).map((v) => v.value), ['maximize', 'minimize', 'predict']);
  assert.deepEqual(enumValuesAt(schema, ['model', 'ard']).map((v) => v.value), ['true', 'false']);
  assert.ok(schemasAt(schema, ['optimize', 'space', 'bounds', 'Ni', 1]).some((s) => s.type === 'number'));
  assert.deepEqual(schemasAt(schema, ['nonsense', 'x']), []);
});

test('completion: root keys from the schema, without keys already present', async () => {
  const l = await labels(SPEC + '|');
  for (const k of ['seed', 'evaluation', 'optimize', 'output']) assert.ok(l.includes(k), k);
  for (const k of ['version', 'dataset', 'model', 'name']) assert.ok(!l.includes(k), k);
});

test('completion: keys of an input item; required first; inserts "key: "', async () => {
  const { text, line, character } = at(SPEC.replace('      kind: numeric\n', '      kind: numeric\n      |\n'));
  const items = await completions(text, line, character, env);
  const names = items.map((i) => i.label);
  assert.ok(names.includes('descriptors'));
  assert.ok(!names.includes('kind') && !names.includes('columns'));
  assert.equal(items.find((i) => i.label === 'descriptors')?.insertText, 'descriptors: ');
});

test('completion: enum values for kind, model type and goal', async () => {
  assert.deepEqual(await labels(SPEC.replace('kind: numeric', 'kind: |')), ['composition', 'smiles', 'numeric', 'categorical']);
  assert.deepEqual(await labels(SPEC.replace('goal: predict', 'goal: |')), ['maximize', 'minimize', 'predict', '{target: …}']);
  assert.ok((await labels(SPEC.replace('type: gp', 'type: |'))).includes('mlp-ensemble'));
});

test('completion: descriptors filtered by the input kind', async () => {
  assert.deepEqual(await labels(SPEC.replace('descriptors: [magpie]', 'descriptors: [|')), ['xenonpy', 'magpie', 'fractions']);
});

test('completion: the dataset column names wherever a column is expected', async () => {
  const header = readFileSync(join(fixtures, 'gaps.csv'), 'utf8').split('\n')[0].split(',');
  assert.deepEqual(await labels(SPEC.replace('column: band_gap_eV', 'column: |')), header);
  assert.deepEqual(await labels(SPEC.replace('columns: [cond_Temperature]', 'columns: [cond_Temperature, |')), header);
  assert.deepEqual(await labels(SPEC.replace('- column: chemicalFormula', '- column: che|')), header);
  assert.deepEqual(await labels(SPEC.replace('  inputs:', '  id: |\n  inputs:')), header);
  // a column name with a space is quoted when inserted
  const { text, line, character } = at(SPEC.replace('column: band_gap_eV', 'column: |'));
  const items = await completions(text, line, character, env);
  assert.equal(items.find((i) => i.label === 'cond_Electric field polarization')?.insertText, '"cond_Electric field polarization"');
  // bounds of a design space take column names as keys
  const b = await labels(SPEC + 'optimize:\n  space:\n    bounds:\n      |');
  assert.ok(b.includes('cond_Temperature'));
});

test('completion: dataset columns for a function target\'s long layout and for a CV group column', async () => {
  const header = readFileSync(join(fixtures, 'gaps.csv'), 'utf8').split('\n')[0].split(',');
  const fn = SPEC.replace('    - column: band_gap_eV\n      goal: predict\n', '    - kind: function\n      long: {id: |, argument: cond_Temperature, value: band_gap_eV}\n');
  assert.deepEqual(await labels(fn), header);
  assert.deepEqual(await labels(fn.replace('{id: |, argument: cond_Temperature', '{id: chemicalFormula, argument: |')), header);
  assert.deepEqual(await labels(SPEC + 'evaluation:\n  cv: {folds: 5, group: |}'), header);
});

test('completion: candidates id uses the candidates file columns', async () => {
  const l = await labels(SPEC + 'optimize:\n  candidates: {path: perovskites.tsv, id: |}');
  assert.deepEqual(l, ['organic', 'cation', 'anion', 'hse_gap']);
});

test('completion: no columns when the dataset file does not exist', async () => {
  assert.deepEqual(await labels(SPEC.replace('gaps.csv', 'missing.csv').replace('column: band_gap_eV', 'column: |')), []);
});

test('completion: data file paths for path:, relative to the spec, folders retrigger', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-lang-'));
  try {
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(dir, 'data', 'b.tsv'), 'x\ty\n1\t2\n');
    writeFileSync(join(dir, 'data', 'notes.txt'), '');
    const e = createEnv(join(dir, 'exp.mi.yaml'), schema, new DataCache());
    const top = await completions('dataset:\n  path: ', 1, 8, e);
    assert.deepEqual(top.map((c) => [c.label, c.kind, c.retrigger ?? false]), [['data/', 'folder', true]]);
    const { text, line, character } = at('dataset:\n  path: data/|');
    const inData = await completions(text, line, character, e);
    assert.deepEqual(inData.map((c) => c.label), ['a.csv', 'b.tsv']);
    assert.equal(inData[0].start, 13); // replaces only after "data/"
    const cols = await completions('dataset:\n  path: data/b.tsv\n  id: ', 2, 6, e);
    assert.deepEqual(cols.map((c) => c.label), ['x', 'y']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hover: the schema description as markdown for a key', async () => {
  const { text, line } = at(SPEC.replace('kind: numeric', 'ki|nd: numeric'));
  const h = await hover(text, line, 8, env);
  assert.ok(h);
  assert.match(h.markdown, /^\*\*kind\*\* — `dataset\.inputs\[1\]\.kind`/);
  assert.match(h.markdown, /chemical formula/);
  assert.match(h.markdown, /Allowed: `composition` \| `smiles` \| `numeric` \| `categorical`/);
  assert.deepEqual([h.start, h.end], [6, 10]);
  const m = schemaHoverMarkdown(schema, ['model', 'kernel']);
  assert.match(m ?? '', /Default: `matern52`/);
});

test('hover: a column name shows type and missing count from the data', async () => {
  const lines = SPEC.split('\n');
  const l = lines.findIndex((x) => x.includes('band_gap_eV'));
  const h = await hover(SPEC, l, lines[l].indexOf('band_gap_eV') + 3, env);
  assert.ok(h);
  assert.match(h.markdown, /\*\*band_gap_eV\*\* — column 2 of `gaps\.csv`/);
  assert.match(h.markdown, /type: \*\*numeric\*\*/);
  assert.match(h.markdown, /missing: 0 of 30 rows/);
  assert.match(h.markdown, /min 0\.67, max 14\.5, mean 7\.013/);
  const l2 = lines.findIndex((x) => x.includes('cond_Temperature'));
  const h2 = await hover(SPEC, l2, lines[l2].indexOf('cond_Temperature') + 1, env);
  assert.match(h2?.markdown ?? '', /missing: 6 of 30 rows/);
});

test('valueAt and referencedDataFiles read paths leniently (also from invalid YAML)', () => {
  const broken = SPEC + 'optimize:\n  candidates:\n    path: pool.csv\n  ki\n   : [\n';
  assert.equal(valueAt(broken, ['dataset', 'path']), 'gaps.csv');
  assert.deepEqual(referencedDataFiles(broken), ['gaps.csv', 'pool.csv']);
});

test('writeNewSpec never overwrites: gaps.mi.yaml, then gaps-2.mi.yaml', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-new-'));
  try {
    const csv = join(dir, 'gaps.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    writeFileSync(join(dir, 'gaps.mi.yaml'), 'mine\n');
    const p = await writeNewSpec(csv, (sp) => `# for ${sp}\n`);
    assert.equal(p, join(dir, 'gaps-2.mi.yaml'));
    assert.equal(readFileSync(join(dir, 'gaps.mi.yaml'), 'utf8'), 'mine\n');
    assert.equal(readFileSync(p, 'utf8'), `# for ${p}\n`);
    assert.equal(await writeNewSpec(csv, () => ''), join(dir, 'gaps-3.mi.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hover: a root key is titled without a redundant path; unknown keys have no hover', async () => {
  const h = await hover(SPEC, 13, 2, env);
  assert.ok(h);
  assert.match(h.markdown, /^\*\*model\*\*\n\nSurrogate model/);
  assert.equal(await hover('bogus: 1\n', 0, 2, env), undefined);
});

test('completion: nested mappings and lists insert their structure', async () => {
  const { text, line, character } = at('version: 1\n|');
  const items = await completions(text, line, character, env);
  const by = (n: string) => items.find((i) => i.label === n);
  assert.equal(by('model')?.snippet, 'model:\n  $0');
  assert.equal(by('seed')?.snippet, undefined);
  assert.equal(by('seed')?.insertText, 'seed: ');
  const inItem = at(SPEC.replace('      kind: numeric\n', '      kind: numeric\n      |\n'));
  const d = (await completions(inItem.text, inItem.line, inItem.character, env)).find((i) => i.label === 'descriptors');
  assert.equal(d?.snippet, 'descriptors: [$0]');
  assert.equal(d?.retrigger, true);
  const ds = at('dataset:\n  path: gaps.csv\n  |');
  const inputs = (await completions(ds.text, ds.line, ds.character, env)).find((i) => i.label === 'inputs');
  assert.equal(inputs?.snippet, 'inputs:\n  - $0');
});

test('quick fix text for "did you mean" diagnostics keeps or adds quotes', async () => {
  const { didYouMeanReplacement } = await import('../../../src/extension/language/service');
  assert.equal(didYouMeanReplacement('unknown column "formla" (did you mean "formula"?)', 'formla'), 'formula');
  assert.equal(didYouMeanReplacement('x (did you mean "formula"?)', '"formla"'), '"formula"');
  assert.equal(didYouMeanReplacement('x (did you mean "Exp_Tg(K)"?)', 'Exp_Tg'), '"Exp_Tg(K)"');
  assert.equal(didYouMeanReplacement("x (did you mean \"it's\"?)", "'its'"), "'it''s'");
  assert.equal(didYouMeanReplacement('unknown column "zzz"', 'zzz'), undefined);
});

test('hover on a data file path lists its columns, or says it cannot be read', async () => {
  const lines = SPEC.split('\n');
  const l = lines.findIndex((x) => x.includes('path: gaps.csv'));
  const h = await hover(SPEC, l, lines[l].indexOf('gaps.csv') + 2, env);
  assert.match(h?.markdown ?? '', /^`gaps\.csv` — 13 columns: `chemicalFormula`, `band_gap_eV`/);
  const bad = SPEC.replace('gaps.csv', 'nope.csv');
  const h2 = await hover(bad, l, lines[l].indexOf('gaps.csv') + 2, env);
  assert.match(h2?.markdown ?? '', /cannot be read/);
});

test('completion: inline mappings for goal/candidates and column names inside constraints', async () => {
  const { text, line, character } = at(SPEC.replace('goal: predict', 'goal: |'));
  const items = await completions(text, line, character, env);
  const target = items.find((i) => i.label === '{target: …}');
  assert.equal(target?.snippet, '{target: $1}');
  assert.deepEqual(items.slice(0, 3).map((i) => i.label), ['maximize', 'minimize', 'predict']);
  const cand = await labels(SPEC + 'optimize:\n  candidates: |');
  assert.deepEqual(cand, ['{path: …}']);
  const c = at(SPEC + 'optimize:\n  space:\n    constraints: ["cond_Temperature + band|"]');
  const ci = await completions(c.text, c.line, c.character, env);
  const col = ci.find((i) => i.label === 'band_gap_eV');
  assert.ok(col);
  assert.equal(c.text.split('\n')[c.line].slice(col.start, col.end), 'band');
});
