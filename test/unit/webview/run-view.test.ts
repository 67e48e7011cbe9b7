import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundles, countColor, launch, loadRunData, root, SERIES_RGB, shotsDir, skipReason, themeVars, writeRunPage } from './harness';
import type { RunViewData } from '../../../src/protocol/webview';

const fixture = (name: string) => join(root, 'test', 'fixtures', 'webview', name);


const skip = skipReason();

test('run view draws parity, curve and relevance for a real bandgap run', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const data = await loadRunData(fixture('bandgap-run'));
  assert.equal(data.predictions!.rows.length, 250);
  const nPred = data.predictions!.rows.length;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`file://${writeRunPage('bandgap-run', data)}`);
    await page.waitForSelector('canvas#parity-gap[data-points]');
    await page.waitForSelector('canvas#curve[data-points]');
    await page.waitForSelector('canvas#relevance[data-points]');
    await page.waitForTimeout(200);
    const pts = await page.getAttribute('canvas#parity-gap', 'data-points');
    assert.equal(Number(pts), nPred);
    const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; chart?: string; points?: number; series?: string[] }[] }).__posted);
    const parity = posted.find((m) => m.type === 'rendered' && m.chart === 'parity');
    assert.ok(parity, 'a rendered report for the parity chart was posted');
    assert.equal(parity.points, nPred);
    assert.deepEqual(parity.series, ['gap', 'y = x']);
    // the learning curve shows the phase with most points (the final fit), the other phases are one click away
    const curve = posted.find((m) => m.type === 'rendered' && m.chart === 'curve');
    const fitPoints = data.manifest.curve.filter((p) => p.phase === 'fit').length;
    assert.equal(curve?.points, fitPoints);
    // each optimiser start of the final fit is its own series, with its own iteration count
    assert.deepEqual(curve?.series, ['start 1 (80 iterations)', 'start 2 (80 iterations)', 'start 3 (80 iterations)']);
    await page.$eval('#curve-phase', (el) => {
      (el as unknown as { value: string }).value = 'cv';
      el.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction((n) => document.querySelector('canvas#curve')?.getAttribute('data-points') === String(n), data.manifest.curve.length - fitPoints);
    await page.$eval('#curve-phase', (el) => {
      (el as unknown as { value: string }).value = 'fit';
      el.dispatchEvent(new Event('change'));
    });
    const magenta = await countColor(page, 'canvas#parity-gap', SERIES_RGB);
    assert.ok(magenta >= nPred * 3, `expected the ${nPred} parity points painted in the series colour, found ${magenta} pixels`);
    assert.equal(Number(await page.getAttribute('canvas#relevance', 'data-points')), Math.min(20, data.manifest.model.featureRelevance!.length));
    const label = await page.getAttribute('canvas#parity-gap', 'aria-label');
    assert.match(label ?? '', new RegExp(`${nPred} out-of-fold predictions`));
    await page.screenshot({ path: join(shotsDir, 'run-overview-dark.png'), fullPage: true });
    await page.click('#tab-suggestions');
    await page.waitForSelector('#suggestions-table tbody tr');
    assert.equal((await page.$$('#suggestions-table tbody tr')).length, data.manifest.optimize!.batch);
    await page.click('#tab-landscape');
    await page.waitForSelector('canvas#landscape2d[data-points]');
    await page.waitForSelector('canvas#landscape1d[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#landscape1d', 'data-points')), data.landscape!.slices[0].x.length);
    // colour the 2-D map by the predicted mean instead of the acquisition
    await page.$eval('#grid-layer', (el) => {
      (el as unknown as { value: string }).value = '1';
      el.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => /predicted gap \(mean\)/.test(document.querySelector('canvas#landscape2d')?.getAttribute('aria-label') ?? ''));
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(shotsDir, 'run-real-landscape.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

type Posted = { type: string; chart?: string; points?: number; series?: string[]; method?: string; params?: { ranks?: number[] } };
const posted = (page: import('playwright-core').Page) => page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted);

test('run view tabs: suggestions (sort, append request), landscape, simulation; live curve; theme change', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const data = await loadRunData(fixture('run1'));
  const nPred = data.predictions!.rows.length;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${writeRunPage('run1-tabs', data)}`);
    await page.waitForSelector('canvas#curve[data-points]');

    // live learning curve: the host posts new points while the run is running
    const before = Number(await page.getAttribute('canvas#curve', 'data-points'));
    await page.evaluate(() => window.postMessage({ type: 'curve', status: 'running', points: [{ phase: 'final-fit', iteration: 40, value: 21 }, { phase: 'final-fit', iteration: 41, value: 20.9 }] }, '*'));
    await page.waitForFunction((n) => Number(document.querySelector('canvas#curve')?.getAttribute('data-points')) === n + 2, before);
    assert.equal(await page.textContent('.badge'), 'running');
    assert.ok((await posted(page)).filter((m) => m.chart === 'curve').length >= 2, 'curve re-rendered and reported');

    // theme change: new colours are read from the CSS variables and the charts redrawn
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-charts-blue', 'rgb(0, 255, 0)');
      document.body.className = 'vscode-light';
    });
    await page.waitForFunction(() => {
      const c = document.querySelector('canvas#parity-band_gap') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 0 && d[i + 1] === 255 && d[i + 2] === 0 && d[i + 3] === 255) n++;
      return n > 100;
    });
    assert.ok((await countColor(page, 'canvas#parity-band_gap', [0, 255, 0])) >= nPred * 4);
    assert.equal(await countColor(page, 'canvas#parity-band_gap', SERIES_RGB), 0, 'old colour gone after the theme change');
    await page.evaluate(() => {
      document.documentElement.style.removeProperty('--vscode-charts-blue');
      document.body.className = 'vscode-dark';
    });

    // suggestions: sortable table, append request goes to the host with the selected ranks
    await page.click('#tab-suggestions');
    await page.waitForSelector('#suggestions-table tbody tr');
    assert.equal((await page.$$('#suggestions-table tbody tr')).length, data.suggestions!.rows.length);
    await page.click('button.sort:has-text("acquisition")');
    const acq = async () => page.$$eval('#suggestions-table tbody tr', (trs) => trs.map((tr) => Number(tr.lastElementChild!.textContent)));
    const asc = await acq();
    assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
    assert.equal(await page.getAttribute('th:has(button.sort:has-text("acquisition"))', 'aria-sort'), 'ascending');
    await page.click('button.sort:has-text("acquisition")');
    const desc = await acq();
    assert.deepEqual(desc, [...asc].reverse());
    await page.uncheck('input[aria-label="Select suggestion 5"]');
    await page.click('#append-pending');
    await page.waitForFunction(() => /Appended 4 pending/.test(document.querySelector('.status-line')?.textContent ?? ''));
    const req = (await posted(page)).find((m) => m.type === 'request' && m.method === 'appendPending');
    assert.deepEqual([...(req?.params?.ranks ?? [])].sort(), [1, 2, 3, 4]);
    await page.screenshot({ path: join(shotsDir, 'run-suggestions.png') });
    // the host re-sends everything when the run finishes: the view redraws and stays on the chosen tab,
    // and the stable ids survive vscode-tabs renaming its headers
    await page.evaluate(() => window.postMessage({ type: 'update', data: (window as unknown as { __data: unknown }).__data }, '*'));
    await page.waitForTimeout(300);
    assert.ok(await page.isVisible('#suggestions-table'), 'still on the suggestions tab after an update');
    assert.equal(await page.locator('#tab-suggestions').count(), 1);
    assert.equal(await page.locator('#tab-landscape').count(), 1);

    // landscape tab: 1-D slice and 2-D map drawn
    await page.click('#tab-landscape');
    await page.waitForSelector('canvas#landscape1d[data-points]');
    await page.waitForSelector('canvas#landscape2d[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#landscape1d', 'data-points')), data.landscape!.slices[0].x.length);
    const g = data.landscape!.grids[0];
    assert.equal(Number(await page.getAttribute('canvas#landscape2d', 'data-points')), g.x.length * g.y.length);
    assert.ok((await countColor(page, 'canvas#landscape1d', SERIES_RGB)) > 200, 'mean line painted in the series colour');
    // the pool's PC1/PC2 view is the second option of the 2-D map
    await page.$eval('#grid-select', (el) => {
      (el as unknown as { value: string }).value = '1';
      el.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => document.querySelector('canvas#landscape2d')?.getAttribute('data-points') === '300');
    await page.screenshot({ path: join(shotsDir, 'run-landscape-pca.png') });
    await page.$eval('#grid-select', (el) => {
      (el as unknown as { value: string }).value = '0';
      el.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction((n) => document.querySelector('canvas#landscape2d')?.getAttribute('data-points') === String(n), g.x.length * g.y.length);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(shotsDir, 'run-landscape.png'), fullPage: true });
    // view state: the chosen tab is saved with setState
    const st = await page.evaluate(() => (window as unknown as { acquireVsCodeApi: () => { getState(): { tab?: string } } }).acquireVsCodeApi().getState());
    assert.equal(st.tab, 'landscape');

    await page.click('#tab-simulation');
    await page.waitForSelector('canvas#simulation[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#simulation', 'data-points')), data.simulation!.series[0].steps.length);
    assert.deepEqual((await posted(page)).find((m) => m.chart === 'simulation')?.series, ['BO (ei, batch 1)', 'random']);
    await page.screenshot({ path: join(shotsDir, 'run-simulation.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('run view: two objectives get a Pareto plot; light and high-contrast themes render', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const data = await loadRunData(fixture('run2'));
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${writeRunPage('run2-light', data, { bodyClass: 'vscode-light', vars: themeVars('#ffffff', '#1f1f1f') })}`);
    await page.waitForSelector('canvas#parity-mobility[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#parity-mobility', 'data-points')), data.predictions!.rows.length);
    await page.screenshot({ path: join(shotsDir, 'run2-overview-light.png'), fullPage: true });
    await page.click('#tab-pareto');
    await page.waitForSelector('canvas#pareto[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#pareto', 'data-points')), data.predictions!.rows.length);
    await page.screenshot({ path: join(shotsDir, 'run2-pareto-light.png') });

    const hc = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    hc.on('pageerror', (e) => errors.push(e.message));
    await hc.goto(`file://${writeRunPage('run2-hc', data, { bodyClass: 'vscode-high-contrast', vars: themeVars('#000000', '#ffffff') })}`);
    await hc.waitForSelector('canvas#parity-band_gap[data-points]');
    await hc.screenshot({ path: join(shotsDir, 'run2-overview-high-contrast.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('run view, live run: manifest updates refresh status/progress/rows in place; progress messages; then the final run', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const done = await loadRunData(fixture('run1'));
  const live = (rows: number, phase: string, fraction: number, points: number): RunViewData => ({
    kind: 'run',
    runDir: `.tmp-${done.manifest.runId}`,
    location: `runs/demo/.tmp-${done.manifest.runId}`,
    warnings: [],
    manifest: { ...done.manifest, status: 'running', finishedAt: undefined, metrics: { cv: {} }, files: {}, dataset: { ...done.manifest.dataset, rows }, progress: { phase, fraction, message: `${phase} step` }, curve: done.manifest.curve.slice(0, points) },
  });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 500 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${writeRunPage('run-live', live(0, 'spec', 0, 0))}`);
    await page.waitForSelector('#run-progress');
    assert.match(await page.textContent('#panel-overview') ?? '', /— 0 rows/);
    await page.evaluate(() => window.scrollTo(0, 200));
    const scrolled = await page.evaluate(() => document.scrollingElement!.scrollTop);

    const update = (d: RunViewData) => page.evaluate((data) => window.postMessage({ type: 'update', data }, '*'), d as unknown as Record<string, unknown>);
    await update(live(250, 'cv', 0.4, 5));
    await page.waitForFunction(() => document.querySelector('#run-progress')?.getAttribute('data-phase') === 'cv');
    assert.equal(await page.getAttribute('#run-progress', 'data-fraction'), '40');
    assert.match(await page.textContent('#panel-overview') ?? '', /— 250 rows/);
    await page.waitForFunction(() => Number(document.querySelector('canvas#curve')?.getAttribute('data-points')) === 5);
    assert.equal(await page.evaluate(() => document.scrollingElement!.scrollTop), scrolled, 'scroll position kept');
    assert.equal(await page.locator('vscode-tabs').count(), 1);

    // progress from the run bus between rewrites
    await page.evaluate(() => window.postMessage({ type: 'progress', progress: { phase: 'fit', fraction: 0.8, message: 'final fit' } }, '*'));
    await page.waitForFunction(() => document.querySelector('#run-progress')?.getAttribute('data-phase') === 'fit');
    assert.match(await page.textContent('#run-progress') ?? '', /fit 80% — final fit/);
    await page.screenshot({ path: join(shotsDir, 'run-live.png') });

    // the run ends in its final folder: progress gone, results and tabs appear, folder name is the final one
    assert.match(await page.textContent('#run-folder') ?? '', /· runs\/demo\/\.tmp-/);
    await update({ ...done, location: `runs/demo/${done.runDir}` });
    await page.waitForSelector('#tab-suggestions');
    assert.equal(await page.locator('#run-progress').count(), 0);
    assert.equal(await page.textContent('.badge'), 'completed');
    assert.match(await page.textContent('#run-folder') ?? '', new RegExp(`· runs/demo/${done.runDir}$`));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
