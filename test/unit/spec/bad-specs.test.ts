/**
 * Table of bad specs. In each spec text, `§` marks where the diagnostic must start (it is removed before validating),
 * so each case asserts the code, the 1-based line and the 1-based column of the diagnostic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { validateSpecText } from '../../../src/core/spec';

const root = process.env.MI_ROOT ?? process.cwd();
const specPath = join(root, 'test/fixtures/spec/case.mi.yaml');

interface Case { name: string; code: string; text: string; severity?: 'error' | 'warning' | 'info'; hint?: RegExp; message?: RegExp }

const HEAD = 'version: 1\nname: t\n';
/** A valid dataset section (data/train.csv has id,formula,smiles,temperature,pressure,phase,gap). */
const DS = `dataset:
  path: data/train.csv
  id: id
  inputs:
    - column: formula
      kind: composition
      descriptors: [magpie]
    - columns: [temperature, pressure]
      kind: numeric
  targets:
    - column: gap
      goal: maximize
`;
const GOOD = HEAD + DS;

const cases: Case[] = [
  // --- YAML syntax ---
  { name: 'unclosed flow mapping', code: 'yaml-syntax', text: GOOD + 'model: §{type: gp\n', message: /never closed/, hint: /add \}/ },
  { name: 'unclosed flow list', code: 'yaml-syntax', text: HEAD + 'dataset:\n  path: "a[b].csv"  # [x\n  inputs: §[{column: a, kind: numeric}\n  targets: [{column: b}]\n', message: /\[ is never closed/ },
  { name: 'tab indentation', code: 'yaml-syntax', text: HEAD + 'dataset:\n§\tpath: x.csv\n', hint: /spaces/ },
  { name: 'two documents', code: 'yaml-syntax', text: GOOD + '§---\nversion: 1\n', hint: /---/ },
  { name: 'duplicate key', code: 'duplicate-key', text: GOOD + '§name: again\n', hint: /once/, message: /duplicate key "name"/ },
  { name: 'unclosed quote', code: 'yaml-syntax', text: GOOD + 'output: {dir: "runs}\n§' },
  // --- missing keys ---
  { name: 'version missing', code: 'missing-key', text: '§name: t\n' + DS, message: /"version"/ },
  { name: 'dataset missing', code: 'missing-key', text: '§' + HEAD + 'seed: 1\n', message: /"dataset"/ },
  { name: 'dataset.path missing', code: 'missing-key', text: HEAD + '§dataset:\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\n', message: /"path"/ },
  { name: 'inputs missing', code: 'missing-key', text: HEAD + '§dataset:\n  path: data/train.csv\n  targets: [{column: gap}]\n', message: /"inputs"/ },
  { name: 'targets missing', code: 'missing-key', text: HEAD + '§dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n', message: /"targets"/ },
  { name: 'input kind missing', code: 'missing-key', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - §column: formula\n  targets: [{column: gap}]\n', message: /"kind"/ },
  { name: 'input column missing', code: 'missing-key', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - §kind: numeric\n  targets: [{column: gap}]\n', message: /column/ },
  { name: 'target column missing', code: 'missing-key', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - §goal: maximize\n', message: /"column"/ },
  { name: 'optimize without candidates or space (fine for simulate; issue 14)', code: 'no-pool', severity: 'info', text: GOOD + '§optimize:\n  acquisition: ei\n', hint: /candidates/ },
  { name: 'cv neither none nor settings', code: 'bad-enum', text: GOOD + 'evaluation: {cv: §nope}\n', hint: /none/ },
  { name: 'candidates without path', code: 'missing-key', text: GOOD + 'optimize:\n  §candidates: {id: id}\n', message: /"path"/ },
  { name: 'composition space without elements', code: 'missing-key', text: GOOD + 'optimize:\n  space:\n    §composition: {sum: 1}\n' },
  { name: 'empty spec', code: 'missing-key', text: '§# nothing here\n' },
  // --- unknown keys ---
  { name: 'misspelled top-level key', code: 'unknown-key', text: GOOD + '§modle: {type: gp}\n', hint: /did you mean "model"/ },
  { name: 'misspelled dataset key', code: 'unknown-key', text: HEAD + 'dataset:\n  path: data/train.csv\n  §input: []\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\n', hint: /did you mean "inputs"/ },
  { name: 'misspelled input key', code: 'unknown-key', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - column: formula\n      kind: composition\n      §descriptor: [magpie]\n  targets: [{column: gap}]\n', hint: /did you mean "descriptors"/ },
  { name: 'misspelled model key', code: 'unknown-key', text: GOOD + 'model: {type: gp, §kernal: rbf}\n', hint: /kernel/ },
  { name: 'folds one level too high', code: 'unknown-key', text: GOOD + 'evaluation:\n  §folds: 5\n', hint: /belongs under evaluation\.cv/ },
  { name: 'unknown optimize key', code: 'unknown-key', text: GOOD + 'optimize:\n  candidates: {path: data/candidates.csv}\n  §acq: ei\n', hint: /acquisition/ },
  { name: 'unknown output key', code: 'unknown-key', text: GOOD + 'output:\n  §folder: runs\n', hint: /allowed here: dir/ },
  { name: 'unknown target key', code: 'unknown-key', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - column: gap\n      §units: eV\n', hint: /did you mean "unit"/ },
  // --- wrong types ---
  { name: 'seed is a word', code: 'wrong-type', text: GOOD + 'seed: §abc\n' },
  { name: 'dataset is a string', code: 'wrong-type', text: HEAD + 'dataset: §data/train.csv\n', hint: /expected keys/ },
  { name: 'dataset is empty', code: 'wrong-type', text: HEAD + '§dataset:\n' },
  { name: 'inputs is a mapping', code: 'wrong-type', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    §column: formula\n  targets: [{column: gap}]\n' },
  { name: 'descriptors is a scalar', code: 'wrong-type', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition, descriptors: §magpie}]\n  targets: [{column: gap}]\n', hint: /\[magpie\]/ },
  { name: 'ard is yes', code: 'wrong-type', text: GOOD + 'model: {type: gp, ard: §yes}\n', hint: /true or false/ },
  { name: 'batch is fractional', code: 'wrong-type', text: GOOD + 'optimize:\n  candidates: {path: data/candidates.csv}\n  batch: §2.5\n', hint: /whole number/ },
  { name: 'folds is quoted', code: 'wrong-type', text: GOOD + 'evaluation: {cv: {folds: §"5"}}\n', hint: /remove the quotes/ },
  { name: 'goal is a list', code: 'wrong-type', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - column: gap\n      goal: §[maximize]\n', hint: /maximize/ },
  { name: 'goal target is text', code: 'wrong-type', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - column: gap\n      goal: {target: §high}\n' },
  { name: 'spec is a list', code: 'wrong-type', text: '§- version: 1\n' },
  { name: 'column is a number', code: 'wrong-type', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: §42, kind: numeric}]\n  targets: [{column: gap}]\n', hint: /quote/ },
  // --- enums ---
  { name: 'misspelled kind', code: 'bad-enum', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: §compositon}]\n  targets: [{column: gap}]\n', hint: /did you mean "composition"/ },
  { name: 'unknown descriptor', code: 'bad-enum', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition, descriptors: [§magpi]}]\n  targets: [{column: gap}]\n', hint: /magpie/ },
  { name: 'British goal spelling', code: 'bad-enum', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - column: gap\n      goal: §maximise\n', hint: /did you mean "maximize"/ },
  { name: 'unknown model type', code: 'bad-enum', text: GOOD + 'model:\n  type: §gpp\n', hint: /allowed: gp, rf-gp/ },
  { name: 'unknown kernel', code: 'bad-enum', text: GOOD + 'model:\n  kernel: §matern\n' },
  { name: 'upper-case acquisition', code: 'bad-enum', text: GOOD + 'optimize:\n  acquisition: §EI\n  candidates: {path: data/candidates.csv}\n', hint: /did you mean "ei"/ },
  { name: 'unknown on_invalid', code: 'bad-enum', text: HEAD + 'dataset:\n  path: data/train.csv\n  on_invalid: §ignore\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\n' },
  { name: 'unknown batch strategy', code: 'bad-enum', text: GOOD + 'optimize:\n  candidates: {path: data/candidates.csv}\n  batch_strategy: §greedy\n' },
  { name: 'unsupported version', code: 'version', text: 'version: §2\nname: t\n' + DS },
  { name: 'version as text', code: 'wrong-type', text: 'version: §"1"\nname: t\n' + DS },
  // --- ranges and values ---
  { name: 'one fold', code: 'out-of-range', text: GOOD + 'evaluation: {cv: {folds: §1}}\n' },
  { name: 'zero batch', code: 'out-of-range', text: GOOD + 'optimize:\n  candidates: {path: data/candidates.csv}\n  batch: §0\n' },
  { name: 'negative seed', code: 'out-of-range', text: GOOD + 'seed: §-3\n' },
  { name: 'zero repeats', code: 'out-of-range', text: GOOD + 'evaluation:\n  cv:\n    repeats: §0\n' },
  { name: 'huge morgan radius', code: 'out-of-range', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: smiles, kind: smiles, radius: §9}]\n  targets: [{column: gap}]\n' },
  { name: 'more folds than rows', code: 'out-of-range', text: GOOD + 'evaluation: {cv: {folds: §20}}\n', hint: /at most 12/ },
  { name: 'bounds reversed', code: 'out-of-range', text: GOOD + 'optimize:\n  space:\n    bounds: {temperature: §[900, 300]}\n' },
  { name: 'constraint min above max', code: 'out-of-range', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - column: gap\n      constraint: {min: §5, max: 1}\n' },
  { name: 'no inputs', code: 'too-few-items', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: §[]\n  targets: [{column: gap}]\n' },
  { name: 'empty path', code: 'empty-value', text: HEAD + 'dataset:\n  path: §""\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\n' },
  { name: 'name with a slash', code: 'bad-value', text: 'version: 1\nname: §runs/a\n' + DS },
  { name: 'descriptor listed twice', code: 'duplicate-item', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition, descriptors: [magpie, §magpie]}]\n  targets: [{column: gap}]\n' },
  // --- semantic: files and columns ---
  { name: 'dataset file missing', code: 'dataset-not-found', text: HEAD + 'dataset:\n  path: §data/trian.csv\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\n', hint: /did you mean "data\/train\.csv"/ },
  { name: 'dataset path is a folder', code: 'dataset-not-found', text: HEAD + 'dataset:\n  path: §data\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\n', hint: /folder/ },
  { name: 'misspelled input column', code: 'unknown-column', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - column: §fromula\n      kind: composition\n  targets: [{column: gap}]\n', hint: /did you mean "formula"/ },
  { name: 'misspelled target column', code: 'unknown-column', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - column: §Gap\n', hint: /did you mean "gap"/ },
  { name: 'unknown id column', code: 'unknown-column', text: HEAD + 'dataset:\n  path: data/train.csv\n  id: §sample_id\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap}]\n' },
  { name: 'unknown column in a columns list', code: 'unknown-column', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - columns: [temperature, §presure]\n      kind: numeric\n  targets: [{column: gap}]\n', hint: /did you mean "pressure"/ },
  { name: 'text target', code: 'target-not-numeric', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: temperature, kind: numeric}]\n  targets:\n    - column: §phase\n' },
  { name: 'target also an input', code: 'column-both-input-and-target', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{columns: [temperature, gap], kind: numeric}]\n  targets:\n    - column: §gap\n', hint: /line 5/ },
  { name: 'input listed twice', code: 'duplicate-column', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - column: temperature\n      kind: numeric\n    - columns: [pressure, §temperature]\n      kind: numeric\n  targets: [{column: gap}]\n' },
  { name: 'target listed twice', code: 'duplicate-column', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets:\n    - column: gap\n    - column: §gap\n' },
  { name: 'candidates file missing', code: 'candidates-not-found', text: GOOD + 'optimize:\n  candidates: {path: §data/cands.csv}\n' },
  { name: 'candidates lack an input column', code: 'candidates-missing-column', text: HEAD + DS.replace('      kind: numeric\n', '      kind: numeric\n    - column: phase\n      kind: categorical\n') + 'optimize:\n  candidates:\n    path: §data/candidates.csv\n', message: /"phase"/ },
  { name: 'candidates lack the id column', code: 'candidates-missing-column', text: GOOD + 'optimize:\n  candidates: {path: data/candidates.csv, id: §name}\n' },
  { name: 'morgan on a composition', code: 'descriptor-kind-mismatch', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition, descriptors: [magpie, §morgan]}]\n  targets: [{column: gap}]\n', hint: /xenonpy, magpie, fractions/ },
  { name: 'descriptors on numeric', code: 'descriptor-kind-mismatch', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: temperature, kind: numeric, descriptors: [§magpie]}]\n  targets: [{column: gap}]\n' },
  { name: 'column and columns together', code: 'conflicting-keys', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - column: temperature\n      §columns: [pressure]\n      kind: numeric\n  targets: [{column: gap}]\n' },
  { name: 'candidates and space together', code: 'conflicting-keys', text: GOOD + 'optimize:\n  candidates: {path: data/candidates.csv}\n  §space: {bounds: {temperature: [300, 900]}}\n' },
  { name: 'nothing to optimise', code: 'no-objective', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition}]\n  targets: [{column: gap, goal: predict}]\n§optimize: {candidates: {path: data/candidates.csv}}\n' },
  { name: 'unreadable constraint', code: 'bad-constraint', text: GOOD + 'optimize:\n  space:\n    constraints: [§"temperature + <= 3"]\n' },
  { name: 'constraint on an unknown column', code: 'unknown-column', text: GOOD + 'optimize:\n  space:\n    constraints:\n      - §temprature + pressure <= 900\n', hint: /did you mean "temperature"/ },
  { name: 'bounds on a non-input', code: 'unknown-column', text: GOOD + 'optimize:\n  space:\n    bounds: {§pressur: [0, 1]}\n', hint: /did you mean "pressure"/ },
  { name: 'equality constraint', code: 'bad-constraint', text: GOOD + 'optimize:\n  space:\n    bounds: {temperature: [300, 900]}\n    constraints: [§"temperature == 400"]\n', message: /equality/ },
  { name: 'constraint on an input without bounds', code: 'unknown-column', text: GOOD + 'optimize:\n  space:\n    bounds: {temperature: [300, 900]}\n    constraints: [§"temperature + pressure <= 900"]\n', hint: /give it bounds/ },
  { name: 'space without variables', code: 'missing-key', text: GOOD + 'optimize:\n  §space: {constraints: []}\n' },
  { name: 'infeasible composition bounds', code: 'out-of-range', text: GOOD + 'optimize:\n  space:\n    composition:\n      elements: [temperature, pressure]\n      §bounds: {temperature: [0.7, 0.9], pressure: [0.6, 0.9]}\n', message: /sum to 1/ },
  { name: 'composition columns that are not elements', code: 'not-an-element', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs:\n    - columns: [§temperature, pressure]\n      kind: composition\n  targets: [{column: gap}]\n', hint: /formula column/ },
  { name: 'transfer library missing', code: 'library-not-found', text: GOOD + 'transfer:\n  library: §nolib\n' },
  { name: 'transfer source not in the library', code: 'unknown-source', text: GOOD + 'transfer:\n  library: lib\n  sources: [§selff]\n', hint: /did you mean "self"/ },
  { name: 'bad transfer strategy', code: 'bad-enum', text: GOOD + 'transfer:\n  library: lib\n  strategy: §predictions\n', hint: /prediction/ },
  { name: 'old-style transfer sources', code: 'wrong-type', text: GOOD + 'transfer:\n  library: lib\n  sources:\n    - §{path: data/mp.csv}\n' },
  // --- warnings ---
  { name: 'formula column declared numeric', code: 'kind-mismatch', severity: 'warning', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: §formula, kind: numeric}]\n  targets: [{column: gap}]\n', hint: /kind: composition/ },
  { name: 'repeated ids', code: 'duplicate-id', severity: 'warning', text: HEAD + 'dataset:\n  path: data/dup-ids.csv\n  id: §id\n  inputs: [{column: x, kind: numeric}]\n  targets: [{column: y}]\n', message: /lines 2 and 4/ },
  { name: 'beta without ucb', code: 'unused-key', severity: 'warning', text: GOOD + 'optimize:\n  candidates: {path: data/candidates.csv}\n  §beta: 2\n' },
  { name: 'radius on a composition', code: 'unused-key', severity: 'warning', text: HEAD + 'dataset:\n  path: data/train.csv\n  inputs: [{column: formula, kind: composition, §radius: 2}]\n  targets: [{column: gap}]\n' },
];

function splitMarker(marked: string): { text: string; line: number; column: number } {
  const at = marked.indexOf('§');
  assert.ok(at >= 0, 'case has no § marker');
  const before = marked.slice(0, at);
  const lines = before.split('\n');
  return { text: before + marked.slice(at + 1), line: lines.length, column: lines[lines.length - 1].length + 1 };
}

test('the table has at least 45 bad-spec cases', () => {
  assert.ok(cases.length >= 45, `${cases.length} cases`);
  assert.ok(new Set(cases.map((c) => c.code)).size >= 20);
});

test('the base spec of the table is itself valid', async () => {
  const r = await validateSpecText(GOOD, specPath);
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.spec);
});

for (const c of cases) {
  test(`bad spec: ${c.name} → ${c.code}`, async () => {
    const { text, line, column } = splitMarker(c.text);
    const r = await validateSpecText(text, specPath);
    const found = r.diagnostics.filter((d) => d.code === c.code);
    const all = r.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`).join('\n');
    assert.ok(found.length > 0, `expected ${c.code}, got:\n${all}`);
    const d = found.find((x) => x.range.start.line + 1 === line && x.range.start.character + 1 === column);
    assert.ok(d, `expected ${c.code} at ${line}:${column}, got:\n${all}`);
    assert.equal(d.severity, c.severity ?? 'error');
    assert.ok(d.message.length > 0);
    if (c.hint) assert.match(d.hint ?? '', c.hint);
    if (c.message) assert.match(d.message, c.message);
    if ((c.severity ?? 'error') === 'error') assert.equal(r.spec, undefined, 'no spec is returned when there are errors');
    assert.ok(!r.diagnostics.some((x) => x.code === 'internal-error'), all);
  });
}
