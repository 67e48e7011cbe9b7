// Runs from the editor: "Train" shows progress, then the run results editor with a painted parity plot;
// "Suggest next experiments" produces a suggestions table with `batch` rows and a painted acquisition landscape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  openSession, openFile, waitForCodeLens, findWebview, assertCanvasDrew, screenshot, onFailScreenshot, sleep, escape,
  unlessErrorToast, runCommand, env, tabLabels, trainGoodSpec,
} from '../helpers.mjs';

let s;
const t = (title, fn, opts) => test(title, { timeout: 240_000, ...opts }, onFailScreenshot(() => s, title, fn));
before(async () => { s = await openSession('runs'); });
after(() => s?.close());

const SPEC = 'bandgap/bandgap.mi.yaml';
const dataRows = () => readFileSync(join(s.ws, 'bandgap', 'data', 'gaps.csv'), 'utf8').trim().split('\n').length - 1;
const batchOf = () => Number(/^\s*batch:\s*(\d+)/m.exec(readFileSync(join(s.ws, SPEC), 'utf8'))?.[1]);
/** final run folders (<output.dir>/<name>/<runId>/run.mirun.json) of the example */
function finalRuns() {
  const dir = join(s.ws, 'bandgap', 'runs', 'bandgap-demo');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((d) => !d.startsWith('.') && existsSync(join(dir, d, 'run.mirun.json'))).map((d) => join(dir, d));
}
/** series colour n (0 = blue) as the webview resolves it from the theme's --vscode-charts-* variables */
async function seriesColour(frame, n) {
  const names = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
  return frame.locator('body').evaluate((b, v) => getComputedStyle(document.documentElement).getPropertyValue(v).trim()
    || getComputedStyle(b).getPropertyValue(v).trim(), `--vscode-charts-${names[n]}`);
}

t('"Train" shows progress, then the run results editor with a painted parity plot', async (ctx) => {
  assert.ok(existsSync(join(s.ws, SPEC)), `${SPEC} missing from the workspace (examples/bandgap not copied?)`);
  await openFile(s.page, SPEC);
  const lens = await waitForCodeLens(s.page, 'Train', { timeout: 60_000 });
  assert.match((await lens.innerText()).trim(), /Train$/);
  await screenshot(s.page, 'runs-01-lenses');
  const before = finalRuns();
  // progress: the cancellable notification "MI Studio: Training …" (watch for it from the click on: short runs end fast)
  const progress = s.page.locator('.notification-toast', { hasText: 'MI Studio: Training' }).first().waitFor({ timeout: 60_000 });
  await lens.click();
  await progress;
  await screenshot(s.page, 'runs-02-training-progress');

  // the run results editor: live on the temp folder while training (its tab says "(running)"), then reopened on the
  // final folder in the same place, with the parity plot of the target
  const live = await unlessErrorToast(s.page, findWebview(s.page, 'h1 .badge', { timeout: 180_000 }));
  const liveStatus = (await live.locator('h1 .badge').first().innerText().catch(() => '')).trim();
  const liveTabs = await tabLabels(s.page);
  const view = await unlessErrorToast(s.page, (async () => {
    const v = await findWebview(s.page, '.badge.completed', { timeout: 180_000 });
    await v.locator('canvas#parity-gap[data-rendered="true"]').waitFor({ timeout: 60_000 });
    return v;
  })());
  const canvas = view.locator('canvas#parity-gap[data-rendered="true"]');
  await canvas.waitFor();
  const points = Number(await canvas.getAttribute('data-points'));
  assert.equal(points, dataRows(), `parity plot shows ${points} points, dataset has ${dataRows()} rows`);
  await sleep(300);
  // each drawn point (radius 3) paints ~25 pixels of the series colour; error bars/axes alone paint < 200 (measured:
  // 184 with the points hidden, ~5600 with 250 points shown), so ask for 5 per point
  const px = await assertCanvasDrew(view, 'canvas#parity-gap', await seriesColour(view, 0), { min: Math.max(200, 5 * points) });
  await screenshot(s.page, 'runs-03-run-results');
  // and the run really finished on disk
  const runs = finalRuns().filter((r) => !before.includes(r));
  assert.equal(runs.length, 1, `expected one new run folder, got ${runs.length}`);
  const manifest = JSON.parse(readFileSync(join(runs[0], 'run.mirun.json'), 'utf8'));
  assert.equal(manifest.status, 'completed');
  // the tab is titled by experiment and run id, and no tab is left on the temp folder
  const runId = runs[0].split('/').pop();
  let labels = [];
  for (let i = 0; i < 40 && !labels.some((l) => l.includes(runId) && !l.includes('.tmp-')); i++) { labels = await tabLabels(s.page); await sleep(250); }
  assert.ok(labels.includes(`bandgap-demo · ${runId}`), `a tab "bandgap-demo · ${runId}" (tabs: ${JSON.stringify(labels)})`);
  assert.ok(!labels.some((l) => l.includes('.tmp-')), `no tab on the temp folder after completion (tabs: ${JSON.stringify(labels)})`);
  assert.ok(!labels.includes('run.mirun.json'), `no tab titled run.mirun.json (tabs: ${JSON.stringify(labels)})`);
  assert.equal(labels.filter((l) => l.includes(runId)).length, 1, `one tab for the run (tabs: ${JSON.stringify(labels)})`);
  ctx.diagnostic(`parity: ${points} points, ${px} series-colour pixels; live tab ${JSON.stringify(liveTabs)} (${liveStatus}) → ${JSON.stringify(labels)}`);
});

t('"Suggest next experiments" produces a suggestions table with `batch` rows and a painted landscape', async () => {
  // start clean: no editors (the Train results view must not be mistaken for the new one), no old notifications
  await runCommand(s.page, 'View: Close All Editors');
  await runCommand(s.page, 'Notifications: Clear All Notifications');
  await openFile(s.page, SPEC);
  const lens = await waitForCodeLens(s.page, 'Suggest next experiments', { timeout: 30_000 });
  const before = finalRuns();
  await lens.click();
  // vscode-tabs rewrites the headers' ids, so find the tabs by their text
  const view = await unlessErrorToast(s.page, findWebview(s.page, 'vscode-tab-header:has-text("Suggestions")', { timeout: 180_000 }));
  await view.locator('vscode-tab-header', { hasText: 'Suggestions' }).click();
  const rows = view.locator('#suggestions-table tbody tr');
  await rows.first().waitFor({ timeout: 30_000 });
  const batch = batchOf();
  assert.ok(batch > 0, 'spec has no optimize.batch');
  assert.equal(await rows.count(), batch, `suggestions table rows != batch (${batch})`);
  await screenshot(s.page, 'runs-04-suggestions');

  await view.locator('vscode-tab-header', { hasText: 'landscape' }).click();
  const canvas = view.locator('canvas[id^="landscape"][data-rendered="true"]').first();
  await canvas.waitFor({ timeout: 30_000 });
  assert.ok(Number(await canvas.getAttribute('data-points')) > 0, 'landscape reports no points');
  const id = await canvas.getAttribute('id');
  // suggestions are marked with series colour 4 (red triangles) in both the 1-D and the 2-D landscape
  await sleep(300);
  await assertCanvasDrew(view, `canvas#${id}`, await seriesColour(view, 4), { min: 20 });
  await screenshot(s.page, 'runs-05-landscape');

  const runs = finalRuns().filter((r) => !before.includes(r));
  assert.equal(runs.length, 1, `expected one new run folder, got ${runs.length}`);
  const sug = readFileSync(join(runs[0], 'suggestions.csv'), 'utf8').trim().split('\n');
  assert.equal(sug.length - 1, batch, 'suggestions.csv rows != batch');
});

t('Cancel during training leaves no completed run and the extension keeps working', async () => {
  await runCommand(s.page, 'View: Close All Editors');
  await runCommand(s.page, 'Notifications: Clear All Notifications');
  await openFile(s.page, SPEC);
  const lens = await waitForCodeLens(s.page, 'Train', { timeout: 30_000 });
  const before = finalRuns();
  await lens.click();
  const toast = s.page.locator('.notification-toast', { hasText: 'MI Studio: Training' }).first();
  await toast.waitFor({ timeout: 60_000 });
  await sleep(3000); // let the worker start the run (the run folder exists once it has started)
  await toast.hover();
  await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Cancel' }).first().click();
  await s.page.locator('.notification-toast', { hasText: 'was cancelled' }).first().waitFor({ timeout: 60_000 });
  // the live results view follows the run to its final folder and says so
  const view = await findWebview(s.page, '.badge.cancelled', { timeout: 30_000 });
  assert.equal((await view.locator('h1 .badge').first().innerText()).trim().toLowerCase(), 'cancelled');
  await screenshot(s.page, 'runs-06-cancelled');
  // the run ends as <runId>/ with status cancelled; nothing new is marked completed
  let runs = [];
  for (let i = 0; i < 50 && !runs.length; i++) { runs = finalRuns().filter((r) => !before.includes(r)); await sleep(200); }
  for (const r of runs) {
    const m = JSON.parse(readFileSync(join(r, 'run.mirun.json'), 'utf8'));
    assert.notEqual(m.status, 'completed', `${r} is marked completed after Cancel`);
  }
  assert.equal(runs.length, 1, `expected the cancelled run's folder, got ${runs.length}`);
  assert.equal(JSON.parse(readFileSync(join(runs[0], 'run.mirun.json'), 'utf8')).status, 'cancelled');
  // the live tab was reopened on the final folder: titled by the run id, none left on `.tmp-`
  const cancelledId = runs[0].split('/').pop();
  let labels = [];
  for (let i = 0; i < 40 && !labels.some((l) => l.includes(cancelledId)); i++) { labels = await tabLabels(s.page); await sleep(250); }
  assert.ok(labels.includes(`bandgap-demo · ${cancelledId}`), `a tab "bandgap-demo · ${cancelledId}" (tabs: ${JSON.stringify(labels)})`);
  assert.ok(!labels.some((l) => l.includes('.tmp-')), `no tab on the temp folder (tabs: ${JSON.stringify(labels)})`);
  // the extension keeps working: the lenses are still served and the "running" status item is gone
  await openFile(s.page, SPEC);
  await waitForCodeLens(s.page, 'Suggest next experiments');
  await s.page.locator('.statusbar-item', { hasText: 'MI Studio: train' }).waitFor({ state: 'detached', timeout: 30_000 });
});

/** pids of MI Studio run workers started by this E2E run's extension hosts */
function workerPids() {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'latin1').split('\0');
      if (cmd.some((a) => a.startsWith(env.runDir) && a.endsWith('/dist/worker.js'))) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

t('killing the worker shows an error, and the next run works', async () => {
  await runCommand(s.page, 'View: Close All Editors');
  await runCommand(s.page, 'Notifications: Clear All Notifications');
  await openFile(s.page, SPEC);
  const lens = await waitForCodeLens(s.page, 'Train', { timeout: 30_000 });
  const before = workerPids();
  await lens.click();
  await s.page.locator('.notification-toast', { hasText: 'MI Studio: Training' }).first().waitFor({ timeout: 60_000 });
  let pids = [];
  for (let i = 0; i < 100 && !pids.length; i++) { pids = workerPids().filter((p) => !before.includes(p)); await sleep(100); }
  assert.equal(pids.length, 1, `expected one new worker process, found ${pids.length}`);
  await sleep(1500);
  process.kill(pids[0], 'SIGKILL');
  const err = s.page.locator('.notification-toast', { hasText: /failed/ }).filter({ has: s.page.locator('.codicon-error') }).first();
  await err.waitFor({ timeout: 60_000 });
  await screenshot(s.page, 'runs-07-worker-killed');

  // the extension host carries on: a new (small) run completes and shows its parity plot
  const view = await trainGoodSpec(s.page);
  assert.equal(Number(await view.locator('canvas#parity-gap').getAttribute('data-points')), 40);
  await screenshot(s.page, 'runs-08-next-run-after-kill');
});
