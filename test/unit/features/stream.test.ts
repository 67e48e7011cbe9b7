// streamFeatures (what `featurize` uses: the CSV in chunks, never the whole table) must give exactly what
// loadTable + buildFeatures give: same columns, values, ids, targets, dropped rows and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadTable, streamTable } from '../../../src/core/data';
import { buildFeatures, streamFeatures, InvalidRowsError, type FeatureChunk } from '../../../src/core/features';
import { MiError } from '../../../src/core/diagnostics';
import type { Spec, InputSpec, TargetSpec } from '../../../src/core/spec/types';
import { command } from '../../../src/cli/commands/featurize';

function spec(inputs: InputSpec[], targets: TargetSpec[], extra: Partial<Spec['dataset']> = {}): Spec {
  return {
    version: 1, name: 't', seed: 0,
    dataset: { path: 'x.csv', on_invalid: 'skip', inputs, targets, ...extra },
    model: { type: 'gp' }, evaluation: { cv: { folds: 5, repeats: 1 } }, output: { dir: 'runs' },
  };
}

function tmpCsv(text: string, name = 'data.csv'): string {
  const p = join(mkdtempSync(join(tmpdir(), 'mi-stream-')), name);
  writeFileSync(p, text);
  return p;
}

async function streamed(s: Spec, path: string, chunkRows: number) {
  const chunks: FeatureChunk[] = [];
  let begun = 0;
  const r = await streamFeatures(s, path, { chunkRows, begin: () => void begun++ }, (c) => void chunks.push(c));
  assert.equal(begun, 1);
  const X: number[] = [];
  const Y: number[] = [];
  for (const c of chunks) {
    assert.equal(c.X.cols, r.featureNames.length);
    X.push(...c.X.data);
    Y.push(...c.Y.data);
  }
  return {
    featureNames: r.featureNames, targetNames: r.targetNames, rows: r.rows, dropped: r.dropped, X, Y,
    ids: chunks.flatMap((c) => c.ids), rowNumbers: chunks.flatMap((c) => c.rowNumbers),
    droppedConstant: r.pipeline.droppedConstant,
  };
}

async function inMemory(s: Spec, path: string) {
  const { set, pipeline } = await buildFeatures(s, await loadTable(path));
  return {
    featureNames: set.featureNames, targetNames: set.targetNames, rows: set.X.rows, dropped: set.dropped,
    X: [...set.X.data], Y: [...set.Y.data], ids: set.ids, rowNumbers: set.rowNumbers,
    droppedConstant: pipeline.droppedConstant,
  };
}

/** Same result for several chunk sizes (1 row, a chunk boundary inside the data, one chunk). */
async function assertSame(s: Spec, path: string): Promise<void> {
  const want = await inMemory(s, path);
  // buildFeatures' own two paths: pass-1 values kept (small tables) or featurised again (beyond its raw-value cap)
  const { set } = await buildFeatures(s, await loadTable(path), { rawCap: 0 });
  assert.deepEqual([...set.X.data], want.X, 'buildFeatures without kept raw values');
  assert.deepEqual(set.ids, want.ids);
  for (const chunkRows of [1, 2, 3, 4096]) assert.deepEqual(await streamed(s, path, chunkRows), want, `chunkRows ${chunkRows}`);
}

const FORMULA_CAT: InputSpec[] = [
  { column: 'formula', kind: 'composition', descriptors: ['fractions', 'magpie'] },
  { column: 'temp', kind: 'numeric' },
  { column: 'method', kind: 'categorical' },
];
const GAP: TargetSpec[] = [{ column: 'gap', goal: 'maximize' }];

const ROWS = [
  'id,formula,temp,method,gap',
  'a,NaCl,300,optical,8.5',
  'b,Fe2O3,310,optical,2.2',
  'c,Xy2O3,320,thermal,1',      // unknown element
  'd,KCl,abc,thermal,8.4',      // not a number
  'e,TiO2,330,,3.1',            // missing category
  'f,ZnO,340,thermal,x',        // bad target
  'g,GaN,350,optical,',         // missing target: kept (NaN)
  'h,SiO2,360,optical,9',
];

test('streamed = in-memory with invalid rows skipped (ids, values, targets, dropped rows, constant columns)', async () => {
  const p = tmpCsv(ROWS.join('\n') + '\n');
  await assertSame(spec(FORMULA_CAT, GAP, { id: 'id' }), p);
  const r = await streamed(spec(FORMULA_CAT, GAP, { id: 'id' }), p, 2);
  assert.deepEqual(r.ids, ['a', 'b', 'g', 'h']);
  assert.deepEqual(r.dropped.map((d) => d.row), [4, 5, 6, 7]);
  // without an id column the id is the 1-based record number, counted across chunks
  const r2 = await streamed(spec(FORMULA_CAT, GAP), p, 3);
  assert.deepEqual(r2.ids, ['1', '2', '7', '8']);
  await assertSame(spec(FORMULA_CAT, GAP), p);
});

test('streamed = in-memory for CRLF, ";" with decimal commas, "|" and tab, quoted multi-line cells', async () => {
  const crlf = tmpCsv(ROWS.join('\r\n') + '\r\n');
  await assertSame(spec(FORMULA_CAT, GAP, { id: 'id' }), crlf);
  const pipe = tmpCsv(ROWS.map((l) => l.replace(/,/g, '|')).join('\n') + '\n');
  await assertSame(spec(FORMULA_CAT, GAP, { id: 'id' }), pipe);
  const tab = tmpCsv(ROWS.map((l) => l.replace(/,/g, '\t')).join('\n') + '\n', 'data.tsv');
  await assertSame(spec(FORMULA_CAT, GAP, { id: 'id' }), tab);
  // ";" with decimal commas, including element-fraction columns (their elements are fitted from the numbers)
  const semi = tmpCsv('id;Fe;Ni;Cr;temp;gap\nA;0,5;0,5;;300,5;1,25\nB;0,7;;0,3;310;2\nC;0,2;0,8;0;320,25;3,5\nD;1,0;;;330;4\nE;0,5;-0,1;;1;5\n');
  await assertSame(spec([{ columns: ['Fe', 'Ni', 'Cr'], kind: 'composition' }, { column: 'temp', kind: 'numeric' }], GAP, { id: 'id' }), semi);
  const rs = await streamed(spec([{ columns: ['Fe', 'Ni', 'Cr'], kind: 'composition' }, { column: 'temp', kind: 'numeric' }], GAP, { id: 'id' }), semi, 1);
  assert.deepEqual(rs.featureNames, ['fraction:Cr', 'fraction:Fe', 'fraction:Ni', 'temp']);
  assert.deepEqual(rs.Y, [1.25, 2, 3.5, 4]);
  assert.deepEqual(rs.X.slice(0, 4), [0, 0.5, 0.5, 300.5]);
  assert.deepEqual(rs.dropped, [{ row: 6, column: 'Fe,Ni,Cr', message: 'column "Ni": negative fraction -0.1' }]);
  // a quoted id and a quoted note spanning lines: row numbers are file lines
  const multi = tmpCsv('id,note,formula,temp,gap\n"x,1","two\nlines",NaCl,300,1\ny,"three\r\nline\ncell",KCl,zz,2\nz,plain,Fe2O3,320,3\n');
  const inputs: InputSpec[] = [{ column: 'formula', kind: 'composition', descriptors: ['magpie'] }, { column: 'temp', kind: 'numeric' }];
  await assertSame(spec(inputs, GAP, { id: 'id' }), multi);
  const rm = await streamed(spec(inputs, GAP, { id: 'id' }), multi, 1);
  assert.deepEqual(rm.ids, ['x,1', 'z']);
  assert.deepEqual(rm.rowNumbers, [2, 7]);
  assert.deepEqual(rm.dropped, [{ row: 4, column: 'temp', message: 'not a number: "zz"' }]);
});

test('on_invalid: error fails with the same error as buildFeatures (one cell; several; more than 200 listed)', async () => {
  const errorsOf = async (s: Spec, p: string): Promise<MiError[]> => {
    const out: MiError[] = [];
    await assert.rejects(buildFeatures(s, await loadTable(p)), (e: unknown) => (out.push(e as MiError), true));
    await assert.rejects(streamFeatures(s, p, { chunkRows: 2 }, () => assert.fail('no chunk may be written')), (e: unknown) => (out.push(e as MiError), true));
    return out;
  };
  const p = tmpCsv(ROWS.join('\n') + '\n');
  const [a, b] = await errorsOf(spec(FORMULA_CAT, GAP, { id: 'id', on_invalid: 'error' }), p);
  assert.ok(b instanceof InvalidRowsError);
  assert.equal(b.message, a.message);
  assert.deepEqual(b.details, a.details);
  assert.deepEqual(b.rows, (a as InvalidRowsError).rows);
  assert.match(b.message, /^4 invalid value\(s\) in 4 row\(s\):\ndata\.csv:4: column "formula": unknown element "Xy"/);
  const one = tmpCsv('formula,gap\nNaCl,1\nKCl,zz\n');
  const [c, d] = await errorsOf(spec([{ column: 'formula', kind: 'composition' }], GAP, { on_invalid: 'error' }), one);
  assert.equal(d.message, 'target is not a number: "zz"');
  assert.deepEqual(d.details, c.details);
  assert.equal(d.details.line, 3);
  const many = tmpCsv('formula,gap\n' + Array.from({ length: 250 }, (_, i) => `Qq${i},1`).join('\n') + '\nNaCl,2\n');
  const [e, f] = await errorsOf(spec([{ column: 'formula', kind: 'composition' }], GAP, { on_invalid: 'error' }), many);
  assert.equal(f.message, e.message);
  assert.match(f.message, /\n… and 50 more$/);
  assert.equal((f as InvalidRowsError).rows.length, 250);
  // all rows invalid with skip, and a missing column: same errors as well
  const bad = tmpCsv('formula,gap\nQq,1\nXx,2\n');
  const [g, h] = await errorsOf(spec([{ column: 'formula', kind: 'composition' }], GAP), bad);
  assert.equal(h.message, g.message);
  const [i, j] = await errorsOf(spec([{ column: 'formla', kind: 'composition' }], GAP), bad);
  assert.equal(j.message, i.message);
  assert.deepEqual(j.details, i.details);
  assert.equal(j.details.code, 'unknown-column');
});

test('streamTable gives loadTable\'s cells and line numbers in chunks; field-count errors name the line', async () => {
  const p = tmpCsv('a;b\n1,5;x\n\n"q\nr";2\n;;\n3;NA\n');
  const t = await loadTable(p);
  const cols: (string | null)[][] = [[], []];
  const lines: number[] = [];
  const offsets: number[] = [];
  await streamTable(p, { chunkRows: 2 }, (c, offset) => {
    offsets.push(offset);
    c.columns.forEach((col, j) => cols[j].push(...col));
    lines.push(...c.rowNumbers);
  });
  assert.deepEqual(cols, t.columns);
  assert.deepEqual(lines, t.rowNumbers);
  assert.deepEqual(offsets, [0, 2]);
  const broken = tmpCsv('a,b\n1,2\n3,4,5\n');
  await assert.rejects(streamTable(broken, {}, () => undefined), (e: unknown) => (e as MiError).details.line === 3 && /expected 2 fields/.test((e as Error).message));
});

test('featurize CLI: streamed output keeps the exact format (header, spreadsheet-safe ids, numbers, targets)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-stream-cli-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'd.csv'), 'id,formula,temp,gap\n=cmd,NaCl,300,1.5\n"b,2",KCl,310,\nc,Fe2O3,zz,3\n-d,TiO2,1e-3,4\n');
  writeFileSync(join(dir, 's.mi.yaml'), 'version: 1\nname: s\ndataset:\n  path: data/d.csv\n  id: id\n  on_invalid: skip\n  inputs:\n    - column: formula\n      kind: composition\n      descriptors: [fractions]\n    - column: temp\n      kind: numeric\n  targets:\n    - column: gap\n      goal: maximize\nmodel: {type: gp}\n');
  const out = join(dir, 'out', 'f.csv');
  const ew = process.stderr.write.bind(process.stderr);
  const ow = process.stdout.write.bind(process.stdout);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = ((s: string) => (String(s).startsWith('/') ? true : ow(s))) as typeof process.stdout.write;
  try {
    assert.equal(await command.main([join(dir, 's.mi.yaml'), '--out', out]), 0);
  } finally {
    process.stderr.write = ew;
    process.stdout.write = ow;
  }
  assert.equal(readFileSync(out, 'utf8'), [
    'id,fraction:O,fraction:Na,fraction:Cl,fraction:K,fraction:Ti,temp,gap',
    "'=cmd,0,0.5,0.5,0,0,300,1.5",
    '"b,2",0,0,0.5,0.5,0,310,',
    "'-d,0.6666666666666666,0,0,0,0.3333333333333333,0.001,4",
    '',
  ].join('\n'));
  assert.equal(readFileSync(`${out}.dropped.csv`, 'utf8'), 'row,column,message\n4,temp,"not a number: ""zz"""\n');
});
