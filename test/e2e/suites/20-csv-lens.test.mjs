// CSV code lens "New experiment from this dataset": creates a spec beside the data that validates with zero problems.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  openSession, openFile, waitForCodeLens, waitForProblems, languageMode, screenshot, onFailScreenshot, sleep, env,
} from '../helpers.mjs';

let s;
const t = (title, fn, opts) => test(title, opts ?? {}, onFailScreenshot(() => s, title, fn));
before(async () => { s = await openSession('csv-lens'); });
after(() => s?.close());

const specsIn = (dir) => readdirSync(dir).filter((f) => f.endsWith('.mi.yaml'));

t('CSV lens "New experiment from this dataset" creates a spec with zero problems', async () => {
  const dataDir = join(s.ws, 'data');
  const before = specsIn(dataDir);
  await openFile(s.page, 'data/gaps.csv');
  const lens = await waitForCodeLens(s.page, 'New experiment from this dataset', { timeout: 60_000 });
  await screenshot(s.page, 'csv-01-lens');
  await lens.click();

  // a new <stem>.mi.yaml appears beside the CSV and opens as "MI Spec"
  let created = [];
  for (let i = 0; i < 100 && !created.length; i++) { created = specsIn(dataDir).filter((f) => !before.includes(f)); await sleep(200); }
  assert.equal(created.length, 1, `expected one new spec in data/, got ${JSON.stringify(created)}`);
  const name = created[0];
  await s.page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  assert.equal(await languageMode(s.page), 'MI Spec');
  const text = readFileSync(join(dataDir, name), 'utf8');
  assert.match(text, /gaps\.csv/, 'generated spec does not point at the dataset');
  assert.match(text, /formula/, 'generated spec does not use the formula column');

  // zero problems, stable across the diagnostics debounce
  await waitForProblems(s.page, (p) => p.errors === 0 && p.warnings === 0, { timeout: 20_000 });
  await sleep(2500);
  const c = await waitForProblems(s.page, () => true);
  assert.deepEqual(c, { errors: 0, warnings: 0 });
  await screenshot(s.page, 'csv-02-generated-spec');

  // the zero is real: the same editor reports an error as soon as a column is misspelled (then undo)
  const line = text.split('\n').findIndex((l) => /column:\s*formula\b/.test(l));
  assert.ok(line >= 0, 'generated spec has no "column: formula" line');
  const editor = s.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await editor.click();
  await s.page.keyboard.press('Control+Home');
  for (let i = 0; i < line; i++) await s.page.keyboard.press('ArrowDown');
  await s.page.keyboard.press('End');
  await s.page.keyboard.type('zz');
  const bad = await waitForProblems(s.page, (p) => p.errors >= 1, { timeout: 20_000 });
  assert.ok(bad.errors >= 1);
  await s.page.keyboard.press('Control+Z');
  await waitForProblems(s.page, (p) => p.errors === 0, { timeout: 20_000 });

  // and the CLI validator agrees (same engine, outside VS Code)
  const cli = join(env.root ?? process.env.MI_ROOT, 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'validate', join(dataDir, name)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `cli validate: ${r.stdout}${r.stderr}`);
});
