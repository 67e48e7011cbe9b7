import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiError } from '../../../src/core/diagnostics';
import {
  SPEC_DEFAULTS, loadSpec, resolveSpecPath, specSchema, schemaAt, validateSpecText, type JsonSchema,
} from '../../../src/core/spec';

const root = process.env.MI_ROOT ?? process.cwd();
const fx = (p: string): string => join(root, 'test/fixtures/spec', p);
const example = join(root, 'examples/bandgap/bandgap.mi.yaml');

test('the band-gap example validates with zero diagnostics and keeps its values', async () => {
  const r = await validateSpecText(readFileSync(example, 'utf8'), example);
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.spec);
  assert.equal(r.spec.name, 'bandgap-demo');
  assert.equal(r.spec.seed, 42);
  assert.deepEqual(r.spec.dataset.inputs, [{ column: 'formula', kind: 'composition', descriptors: ['magpie'] }]);
  assert.deepEqual(r.spec.dataset.targets, [{ column: 'gap', goal: 'maximize', unit: 'eV' }]);
  assert.deepEqual(r.spec.model, { type: 'gp', kernel: 'matern52' }, 'no ard: decided by the number of features');
  assert.deepEqual(r.spec.evaluation, { cv: { folds: 5, repeats: 1 } });
  assert.equal(r.spec.optimize?.acquisition, 'ei');
  assert.equal(r.spec.optimize?.batch, 4);
  assert.deepEqual(r.spec.optimize?.candidates, { path: 'data/candidates.csv' });
  assert.deepEqual(r.spec.output, { dir: 'runs' });
});

test('a spec using every optional key validates with zero diagnostics', async () => {
  const p = fx('good-full.mi.yaml');
  const r = await validateSpecText(readFileSync(p, 'utf8'), p);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.spec?.dataset.on_invalid, 'skip');
  assert.deepEqual(r.spec?.dataset.targets[0].goal, { target: 1.5 });
  assert.deepEqual(r.spec?.optimize?.space?.bounds, { temperature: [300, 900], pressure: [0.5, 2] });
  assert.equal(r.spec?.model.type, 'mlp-ensemble');
  assert.equal(r.spec?.model.kernel, undefined, 'GP defaults are not forced on other model types');
  assert.deepEqual(r.spec?.transfer, { library: 'lib', sources: ['self'], strategy: 'prediction' });
});

test('defaults from SPEC_DEFAULTS are applied to a minimal spec', async () => {
  const text = 'version: 1\ndataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\noptimize: {candidates: {path: data/candidates.csv}}\n';
  const r = await validateSpecText(text.replace('targets: [{column: gap}]', 'targets: [{column: gap, goal: minimize}]'), fx('my-exp.mi.yaml'));
  assert.deepEqual(r.diagnostics, []);
  const s = r.spec;
  assert.ok(s);
  assert.equal(s.name, 'my-exp', 'name defaults to the file name');
  assert.equal(s.seed, SPEC_DEFAULTS.seed);
  assert.equal(s.dataset.on_invalid, SPEC_DEFAULTS.on_invalid);
  assert.deepEqual(s.model, SPEC_DEFAULTS.model);
  assert.deepEqual(s.evaluation, SPEC_DEFAULTS.evaluation);
  assert.deepEqual(s.output, SPEC_DEFAULTS.output);
  assert.equal(s.optimize?.acquisition, SPEC_DEFAULTS.optimize.acquisition);
  assert.equal(s.optimize?.batch, SPEC_DEFAULTS.optimize.batch);
  const noGoal = await validateSpecText(text.replace(/optimize.*\n/, ''), fx('x.mi.yaml'));
  assert.equal(noGoal.spec?.dataset.targets[0].goal, 'predict');
});

test('warnings alone still return a spec', async () => {
  const text = 'version: 1\ndataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: numeric}]\n  targets: [{column: gap}]\n';
  const r = await validateSpecText(text, fx('w.mi.yaml'));
  assert.deepEqual(r.diagnostics.map((d) => d.severity), ['warning']);
  assert.ok(r.spec);
});

test('diagnostics come sorted by position and all lie inside the text', async () => {
  const text = 'version: 3\nname: t\ndataset:\n  path: nope.csv\n  inputs: [{column: a, kind: magic}]\n  targets: [{column: b, goal: up}]\nfoo: 1\n';
  const r = await validateSpecText(text, fx('s.mi.yaml'));
  const lines = text.split('\n');
  let prev = -1;
  for (const d of r.diagnostics) {
    const key = d.range.start.line * 1000 + d.range.start.character;
    assert.ok(key >= prev, 'sorted');
    prev = key;
    assert.ok(d.range.start.line < lines.length);
    assert.ok(d.range.start.character <= lines[d.range.start.line].length);
  }
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['version', 'dataset-not-found', 'bad-enum', 'bad-enum', 'unknown-key']);
});

test('the misspelled-column fixture reports the column line with a suggestion', async () => {
  const p = fx('misspelled-column.mi.yaml');
  const r = await validateSpecText(readFileSync(p, 'utf8'), p);
  assert.equal(r.diagnostics.length, 1);
  const [d] = r.diagnostics;
  assert.equal(d.code, 'unknown-column');
  assert.equal(d.range.start.line + 1, 6);
  assert.equal(d.range.start.character + 1, 15);
  assert.equal(d.range.end.character + 1, 22, 'the range covers the value');
  assert.match(d.hint ?? '', /did you mean "formula"/);
});

test('loadSpec returns the spec and throws an MiError listing the errors', async () => {
  const ok = await loadSpec(example);
  assert.equal(ok.spec.name, 'bandgap-demo');
  assert.match(ok.text, /bandgap-demo/);
  await assert.rejects(loadSpec(fx('misspelled-column.mi.yaml')), (e: unknown) => {
    assert.ok(e instanceof MiError);
    assert.match(e.message, /misspelled-column\.mi\.yaml:6:15: error: .*fromula.*\[unknown-column\]/);
    assert.equal(e.details.line, 6);
    assert.equal(e.details.code, 'unknown-column');
    return true;
  });
  await assert.rejects(loadSpec(fx('does-not-exist.mi.yaml')), MiError);
});

test('resolveSpecPath is relative to the spec file, absolute paths pass through', () => {
  assert.equal(resolveSpecPath('/a/b/c.mi.yaml', 'data/x.csv'), '/a/b/data/x.csv');
  assert.equal(resolveSpecPath('/a/b/c.mi.yaml', '../x.csv'), '/a/x.csv');
  assert.equal(resolveSpecPath('/a/b/c.mi.yaml', '/abs/x.csv'), '/abs/x.csv');
});

test('every property in the schema has a description and a markdownDescription', () => {
  const missing: string[] = [];
  let count = 0;
  const visit = (s: JsonSchema, path: string): void => {
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      count++;
      if (!sub.description) missing.push(`${path}.${k}`);
      if (!sub.markdownDescription) missing.push(`${path}.${k} (markdown)`);
      visit(sub, `${path}.${k}`);
    }
    for (const b of s.anyOf ?? []) visit(b, path);
    if (s.items && !Array.isArray(s.items)) visit(s.items, `${path}[]`);
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${path}.*`);
  };
  visit(specSchema, '');
  for (const [k, d] of Object.entries(specSchema.definitions ?? {})) visit(d, `#${k}`);
  assert.deepEqual(missing, []);
  assert.ok(count > 50, `${count} properties`);
});

test('every object in the schema forbids unknown keys', () => {
  const open: string[] = [];
  const visit = (s: JsonSchema, path: string): void => {
    if (s.type === 'object' && s.additionalProperties === undefined) open.push(path);
    for (const [k, sub] of Object.entries(s.properties ?? {})) visit(sub, `${path}.${k}`);
    for (const b of s.anyOf ?? []) visit(b, path);
    if (s.items && !Array.isArray(s.items)) visit(s.items, `${path}[]`);
  };
  for (const [k, d] of Object.entries(specSchema.definitions ?? {})) visit(d, `#${k}`);
  visit(specSchema, '');
  assert.deepEqual(open, []);
});

test('schemaAt finds enums for completion', () => {
  assert.deepEqual(schemaAt(['dataset', 'inputs', 0, 'kind'])?.enum, ['composition', 'smiles', 'numeric', 'categorical']);
  assert.deepEqual(schemaAt(['model', 'type'])?.enum, ['gp', 'rf-gp', 'mlp-ensemble', 'ridge', 'rf', 'gbm', 'auto', 'kronecker-gp', 'basis-gp', 'pointwise-gp', 'conditional-mlp']);
  assert.deepEqual(schemaAt(['optimize', 'acquisition'])?.enum, ['ei', 'logei', 'pi', 'ucb', 'ts']);
  assert.match(schemaAt(['dataset', 'path'])?.description ?? '', /relative to the spec file/);
  assert.equal(schemaAt(['optimize', 'space', 'bounds', 'temperature'])?.type, 'array');
  assert.equal(schemaAt(['nope']), undefined);
});

test('CRLF line endings and a byte-order mark give the same positions', async () => {
  const p = fx('misspelled-column.mi.yaml');
  const lf = readFileSync(p, 'utf8');
  for (const text of [lf.replace(/\n/g, '\r\n'), '\ufeff' + lf]) {
    const r = await validateSpecText(text, p);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [['unknown-column', 5, 14, 21]]);
  }
});

test('element columns named like "wt%_Ni" are element columns; other names are not (audit: real exports use wt%_Ni)', async () => {
  const text = 'version: 1\ndataset:\n  path: data/train.csv\n  inputs: [{columns: [wt%_Ni, Fe, nickel], kind: composition}]\n  targets: [{column: gap}]\n';
  const r = await validateSpecText(text, fx('el.mi.yaml'));
  const bad = r.diagnostics.filter((x) => x.code === 'not-an-element');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].range.start.line, 3);
  assert.equal(bad[0].range.start.character, 34);
  assert.match(bad[0].message, /"nickel"/);
});

test('skipFiles checks syntax, schema and structure without touching data files', async () => {
  const text = 'version: 1\ndataset:\n  path: nowhere.csv\n  inputs: [{column: a, kind: numeric, descriptors: [magpie]}]\n  targets: [{column: a}]\noptimize: {candidates: {path: none.csv}}\n';
  const r = await validateSpecText(text, fx('skip.mi.yaml'), { skipFiles: true });
  const codes = r.diagnostics.map((d) => d.code).sort();
  assert.deepEqual(codes, ['column-both-input-and-target', 'descriptor-kind-mismatch', 'no-objective']);
  const full = await validateSpecText(text, fx('skip.mi.yaml'));
  assert.ok(full.diagnostics.some((d) => d.code === 'dataset-not-found'));
  assert.ok(full.diagnostics.some((d) => d.code === 'candidates-not-found'));
});

test('a custom DataReader is used for the semantic checks', async () => {
  const text = 'version: 1\ndataset:\n  path: data/train.csv\n  inputs: [{column: q, kind: numeric}]\n  targets: [{column: t}]\n';
  const reader = {
    header: async (): Promise<string[]> => ['q', 't'],
    probe: async () => ({
      header: ['q', 't'], rows: 3, complete: true,
      types: new Map([['q', { type: 'numeric' as const, evidence: '' }], ['t', { type: 'text' as const, evidence: '3/3 values are text' }]]),
      firstDuplicate: () => undefined,
    }),
  };
  const r = await validateSpecText(text, fx('reader.mi.yaml'), { reader });
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start.line + 1]), [['target-not-numeric', 5]]);
});
