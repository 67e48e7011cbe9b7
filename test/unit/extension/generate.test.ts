import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadTable } from '../../../src/core/data';
import { validateSpecText } from '../../../src/core/spec';
import { defaultSpecPath, generateSpecFromTable, unitFromName, yamlString } from '../../../src/core/spec/generate';

const root = process.env.MI_ROOT ?? process.cwd();
const fixtures = join(root, 'test/unit/extension/fixtures');

async function generateAndValidate(file: string, specName?: string) {
  const csv = join(fixtures, file);
  const table = await loadTable(csv);
  const specPath = specName ? join(fixtures, specName) : defaultSpecPath(csv);
  const text = generateSpecFromTable(table, csv, specPath);
  const { diagnostics, spec } = await validateSpecText(text, specPath);
  return { text, diagnostics, spec, raw: parse(text) };
}

test('gaps.csv: formula column becomes a composition input, band_gap_eV the target, zero diagnostics', async () => {
  const { diagnostics, spec, raw } = await generateAndValidate('gaps.csv');
  assert.deepEqual(diagnostics, []);
  assert.ok(spec);
  assert.equal(raw.dataset.path, 'gaps.csv');
  assert.equal(raw.name, 'gaps');
  const formula = raw.dataset.inputs.find((i: { column?: string }) => i.column === 'chemicalFormula');
  assert.equal(formula.kind, 'composition');
  assert.deepEqual(raw.dataset.targets.map((t: { column: string }) => t.column), ['band_gap_eV']);
  assert.equal(raw.dataset.targets[0].goal, 'predict');
  assert.equal(raw.dataset.targets[0].unit, 'eV');
  // a DOI (no element symbols) must never be taken for a SMILES/formula input
  assert.ok(!JSON.stringify(raw.dataset.inputs).includes('doi'));
  // missing cells in used columns: rows are skipped rather than failing the run
  assert.equal(raw.dataset.on_invalid, 'skip');
});

test('polymer-tg.csv: SMILES column detected from values, quoted column name with parentheses, zero diagnostics', async () => {
  const { diagnostics, raw, text } = await generateAndValidate('polymer-tg.csv');
  assert.deepEqual(diagnostics, []);
  const smiles = raw.dataset.inputs.find((i: { column?: string }) => i.column === 'PSMILES');
  assert.equal(smiles.kind, 'smiles');
  assert.equal(raw.dataset.targets[0].column, 'Exp_Tg(K)');
  assert.equal(raw.dataset.targets[0].unit, 'K');
  assert.match(text, /- column: "Exp_Tg\(K\)"/);
  assert.equal(raw.dataset.id, 'polymer');
});

test('perovskites.tsv: categorical inputs with few levels, numeric target, zero diagnostics', async () => {
  const { diagnostics, raw } = await generateAndValidate('perovskites.tsv');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(raw.dataset.inputs.map((i: { column?: string; kind: string }) => [i.column, i.kind]), [['cation', 'categorical'], ['anion', 'categorical']]);
  assert.equal(raw.dataset.targets[0].column, 'hse_gap');
});

test('a spec in another folder refers to the dataset relative to itself', async () => {
  const { diagnostics, raw } = await generateAndValidate('gaps.csv', '../fixtures/gaps-2.mi.yaml');
  assert.deepEqual(diagnostics, []);
  assert.equal(raw.name, 'gaps-2');
  const dir = mkdtempSync(join(tmpdir(), 'mi-gen-'));
  try {
    cpSync(join(fixtures, 'perovskites.tsv'), join(dir, 'data', 'p.tsv'), { recursive: true });
    const csv = join(dir, 'data', 'p.tsv');
    const specPath = join(dir, 'exp', 'p.mi.yaml');
    const text = generateSpecFromTable(await loadTable(csv), csv, specPath);
    assert.equal(parse(text).dataset.path, '../data/p.tsv');
    writeFileSync(join(dir, 'x.txt'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('numeric inputs are grouped, the property-named column wins over the last numeric column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-gen-'));
  try {
    const csv = join(dir, 'alloys.csv');
    const rows = ['sample_id,Ni,Fe,anneal_T,hardness,batch'];
    for (let i = 0; i < 12; i++) rows.push(`s${i},${(0.1 * (i % 7)).toFixed(2)},${(1 - 0.1 * (i % 7)).toFixed(2)},${300 + 10 * i},${200 + i * 3.5},${i % 3}`);
    writeFileSync(csv, rows.join('\n') + '\n');
    const text = generateSpecFromTable(await loadTable(csv), csv);
    const raw = parse(text);
    assert.equal(raw.dataset.id, 'sample_id');
    assert.equal(raw.dataset.targets[0].column, 'hardness');
    assert.deepEqual(raw.dataset.inputs[0], { columns: ['Ni', 'Fe', 'anneal_T', 'batch'], kind: 'numeric' });
    const { diagnostics } = await validateSpecText(text, defaultSpecPath(csv));
    assert.deepEqual(diagnostics, []);
    assert.match(text, /^# MI Studio experiment generated from alloys\.csv \(12 rows, 6 columns\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('helpers: default spec path, units from names, YAML quoting', () => {
  assert.equal(defaultSpecPath('/d/gaps.csv'), '/d/gaps.mi.yaml');
  assert.equal(defaultSpecPath('/d/x.tsv'), '/d/x.mi.yaml');
  assert.equal(unitFromName('band_gap_eV'), 'eV');
  assert.equal(unitFromName('Tc [K]'), 'K');
  assert.equal(unitFromName('hardness'), undefined);
  assert.equal(yamlString('gap'), 'gap');
  assert.equal(yamlString('yes'), '"yes"');
  assert.equal(yamlString('a: b'), '"a: b"');
  assert.equal(yamlString('1abc'), '"1abc"');
});

test('a sampled table says so in the header comment', async () => {
  const csv = join(fixtures, 'perovskites.tsv');
  const text = generateSpecFromTable(await loadTable(csv, { maxRows: 10 }), csv, undefined, { sampled: true });
  assert.match(text, /^# MI Studio experiment generated from perovskites\.tsv \(guessed from the first 10 rows, 4 columns\)/);
});

test('target choice: a property word beats a later column whose name merely ends in y; label columns as fallback inputs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-gen-'));
  try {
    const csv = join(dir, 'alloy.csv');
    const rows = ['alloy,target_value,wt%_Ni,wt%_Y'];
    for (let i = 0; i < 10; i++) rows.push(`A${i % 4},${100 + i},${(50 + i).toFixed(1)},${(i % 3) * 0.1}`);
    writeFileSync(csv, rows.join('\n') + '\n');
    const raw = parse(generateSpecFromTable(await loadTable(csv), csv));
    assert.equal(raw.dataset.targets[0].column, 'target_value');
    // only a label column with many levels and a numeric column: the labels are one-hot encoded rather than nothing
    const csv2 = join(dir, 'blocks.csv');
    const r2 = ['acceptor,so'];
    for (let i = 0; i < 40; i++) r2.push(`A${i % 25},${(i * 0.37).toFixed(2)}`);
    writeFileSync(csv2, r2.join('\n') + '\n');
    const table = await loadTable(csv2);
    assert.equal(table.info[0].type, 'text'); // 25 levels in 40 rows: too many for "categorical"
    const text = generateSpecFromTable(table, csv2);
    const raw2 = parse(text);
    assert.deepEqual(raw2.dataset.inputs, [{ column: 'acceptor', kind: 'categorical' }]);
    assert.deepEqual((await validateSpecText(text, defaultSpecPath(csv2))).diagnostics, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
