// Transfer learning from the editor: "MI Studio: Pretrain Source Models" shows progress and writes a library; "Train"
// on a spec with `transfer: {library, sources: all, strategy: auto}` opens the results editor whose Transfer tab draws
// the ranked candidates (bars) against the no-transfer baseline (line).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  openSession, openFile, waitForCodeLens, findWebview, assertCanvasDrew, screenshot, onFailScreenshot, sleep,
  unlessErrorToast, runCommand, waitForFile,
} from '../helpers.mjs';

let s;
const t = (title, fn, opts) => test(title, { timeout: 300_000, ...opts }, onFailScreenshot(() => s, title, fn));
before(async () => { s = await openSession('transfer'); });
after(() => s?.close());

const DIR = 'transfer';
async function seriesColour(frame, n) {
  const names = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
  return frame.locator('body').evaluate((b, v) => getComputedStyle(document.documentElement).getPropertyValue(v).trim()
    || getComputedStyle(b).getPropertyValue(v).trim(), `--vscode-charts-${names[n]}`);
}

function writeFixtures() {
  const d = join(s.ws, DIR);
  mkdirSync(d, { recursive: true });
  // source: the bandgap example's 250 measured gaps (a stand-in for a big computed dataset)
  const src = readFileSync(join(s.ws, 'bandgap', 'data', 'gaps.csv'), 'utf8');
  writeFileSync(join(d, 'source.csv'), src);
  writeFileSync(join(d, 'source.mi.yaml'), [
    'version: 1', 'name: e2e_source', 'seed: 1', 'dataset:', '  path: source.csv', '  id: id',
    '  inputs: [{column: formula, kind: composition, descriptors: [magpie]}]', '  targets: [{column: gap, unit: eV}]', '',
  ].join('\n'));
  writeFileSync(join(d, 'target.mi.yaml'), [
    'version: 1', 'name: e2e_target', 'seed: 2', 'dataset:', '  path: ../data/gaps.csv', '  id: id',
    '  inputs: [{column: formula, kind: composition, descriptors: [magpie]}]', '  targets: [{column: gap, unit: eV}]',
    'model: {type: gp, ard: false, restarts: 1}', 'evaluation: {cv: {folds: 4}}',
    'transfer:', '  library: lib', '  sources: all', '  strategy: auto', '',
  ].join('\n'));
}

async function answerInput(value) {
  const input = s.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(value);
  await input.press('Enter');
  await sleep(300);
}

t('"Pretrain Source Models" shows progress and writes a library with one source', async () => {
  writeFixtures();
  await openFile(s.page, `${DIR}/source.mi.yaml`);
  const progress = s.page.locator('.notification-toast', { hasText: 'Pretraining source models on' }).first().waitFor({ timeout: 120_000 });
  await runCommand(s.page, 'MI Studio: Pretrain Source Models');
  await answerInput('lib');
  await answerInput('2');
  await unlessErrorToast(s.page, progress);
  await screenshot(s.page, 'transfer-01-pretrain-progress');
  const lib = join(s.ws, DIR, 'lib', 'library.json');
  await unlessErrorToast(s.page, waitForFile(lib, { timeout: 240_000 }));
  const index = JSON.parse(readFileSync(lib, 'utf8'));
  assert.equal(index.format, 'mi-studio-library');
  assert.deepEqual(index.sources.map((x) => x.name), ['e2e_source']);
  assert.equal(index.sources[0].models.length, 2);
});

t('"Train" with transfer: auto draws the ranked candidates against the baseline in the Transfer tab', async (ctx) => {
  await runCommand(s.page, 'View: Close All Editors');
  await runCommand(s.page, 'Notifications: Clear All Notifications');
  await openFile(s.page, `${DIR}/target.mi.yaml`);
  const lens = await waitForCodeLens(s.page, 'Train', { timeout: 60_000 });
  await lens.click();
  const view = await unlessErrorToast(s.page, (async () => {
    const v = await findWebview(s.page, 'vscode-tab-header:has-text("Transfer")', { timeout: 280_000 });
    await v.locator('.badge.completed').first().waitFor({ timeout: 60_000 });
    return v;
  })());
  await view.locator('vscode-tab-header', { hasText: 'Transfer' }).click();
  const canvas = view.locator('canvas#transfer-candidates[data-rendered="true"]');
  await canvas.waitFor({ timeout: 30_000 });
  const points = Number(await canvas.getAttribute('data-points'));
  await sleep(300);
  const px = await assertCanvasDrew(view, 'canvas#transfer-candidates', await seriesColour(view, 0), { min: 200 });
  const selected = (await view.locator('#transfer-selected').innerText()).trim();
  await screenshot(s.page, 'transfer-02-candidates');
  // and the manifest on disk says the same
  const exp = join(s.ws, DIR, 'runs', 'e2e_target');
  const runs = readdirSync(exp).filter((d) => !d.startsWith('.') && existsSync(join(exp, d, 'run.mirun.json')));
  assert.equal(runs.length, 1);
  const m = JSON.parse(readFileSync(join(exp, runs[0], 'run.mirun.json'), 'utf8'));
  assert.equal(m.status, 'completed');
  assert.equal(m.transfer.selected.label, selected);
  // none, prediction, features, finetune of the single source, plus auto's average when it picked one
  const average = m.transfer.selected.strategy === 'average';
  assert.equal(m.transfer.candidates.length, 4 + (average ? 1 : 0));
  if (average) assert.equal(m.transfer.selected.members.length, 3);
  assert.equal(points, m.transfer.candidates.length, `candidate chart shows ${points} bars`);
  assert.ok(Number.isFinite(m.metrics.cv.gap.mae));
  ctx.diagnostic(`transfer chart: ${points} bars, ${px} pixels of the pick's colour; selected ${selected}`);
});
