import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeNonce, webviewHtml } from '../../../src/extension/editors/html';
import { buildBundles, bundlePath, countColor, launch, outDir, SERIES_RGB, shotsDir, skipReason, themeVars } from './harness';

/** A fake host inside the page: answers the viewer's page/scatter requests for a synthetic N-row table. */
function writeDatasetPage(rows: number, bodyClass = 'vscode-dark', vars = themeVars(), name = `dataset-${rows}`): string {
  const nonce = makeNonce();
  const stub = `<script nonce="${nonce}">
window.__pageRequests = []; window.__posted = []; let st;
const N = ${rows}, header = ['id', 'x', 'y', 'label'];
const cell = (i, j) => j === 0 ? 'r' + i : j === 1 ? String(i % 97) : j === 2 ? String((i * 7) % 50 + (i % 3)) : 'L' + (i % 5);
window.acquireVsCodeApi = () => ({
  postMessage(m) {
    window.__posted.push(m);
    const send = (x) => setTimeout(() => window.postMessage(x, '*'), 0);
    if (m.type === 'ready') {
      send({ type: 'init', info: { fileName: 'big.csv', bytes: N * 24, delimiter: ',', header } });
      send({ type: 'index', rows: N, bytesScanned: N * 24, done: true });
      const hist = { edges: Array.from({ length: 11 }, (_, k) => k * 9.6), counts: [10, 12, 9, 11, 10, 10, 12, 9, 8, 9] };
      send({ type: 'summary', rows: N, sampled: N > 50000, sampleRows: Math.min(N, 50000), columns: [
        { name: 'id', type: 'text', missing: 0, count: N, distinct: 1000 },
        { name: 'x', type: 'numeric', missing: 0, count: N, min: 0, max: 96, mean: 48, distinct: 97, histogram: hist },
        { name: 'y', type: 'numeric', missing: 0, count: N, min: 0, max: 51, mean: 25, distinct: 52, histogram: hist },
        { name: 'label', type: 'text', missing: 0, count: N, distinct: 5 } ] });
    }
    if (m.type === 'request' && m.method === 'page') {
      window.__pageRequests.push(m.params);
      const rowsOut = [];
      for (let i = m.params.start; i < Math.min(N, m.params.start + m.params.count); i++) rowsOut.push(header.map((_, j) => cell(i, j)));
      send({ type: 'reply', id: m.id, ok: true, result: { start: m.params.start, rows: rowsOut } });
    }
    if (m.type === 'request' && m.method === 'scatter') {
      const x = [], y = [];
      for (let k = 0; k < 400; k++) { const i = Math.floor(k * N / 400); x.push(i % 97); y.push((i * 7) % 50 + (i % 3)); }
      send({ type: 'reply', id: m.id, ok: true, result: { x, y, sampled: true, total: N } });
    }
  },
  getState() { return st; }, setState(s) { st = s; },
});
</script><style nonce="${nonce}">${vars}</style>`;
  const html = webviewHtml({ scriptUri: `file://${bundlePath('dataset')}`, cspSource: 'file:', nonce, title: 'dataset', bodyClass, extraHead: stub });
  mkdirSync(outDir, { recursive: true });
  const p = join(outDir, `${name}.html`);
  writeFileSync(p, html);
  return p;
}

const skip = skipReason();

test('dataset viewer pages a 1M-row table on demand and renders the rows scrolled to', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${writeDatasetPage(1_000_000)}`);
    await page.waitForSelector('.vrow[data-row="1"] .cell[role=gridcell]');
    const firstCells = await page.$$eval('.vrow[data-row="1"] .cell', (els) => els.map((e) => e.textContent));
    assert.deepEqual(firstCells, ['1', 'r0', '0', '0', 'L0']);
    // only the visible rows are in the DOM
    const domRows = await page.$$eval('.vrow', (els) => els.length);
    assert.ok(domRows > 5 && domRows < 80, `expected a virtualised table, found ${domRows} row elements`);
    // jump to the middle of the file: the rows shown must be the rows at that position
    await page.$eval('#viewport', (el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
    await page.waitForFunction(() => {
      const r = document.querySelector('.vrow .cell[role=gridcell]');
      return !!r && r.textContent !== 'r0' && !document.querySelector('.vrow .pending');
    });
    const rows = await page.$$eval('.vrow', (els) => els.map((e) => [Number((e as HTMLElement).dataset.row), e.querySelectorAll('.cell')[1]?.textContent]));
    for (const [n, id] of rows) assert.equal(id, `r${(n as number) - 1}`, `row ${n} shows the record of that row`);
    const mid = rows[0][0] as number;
    assert.ok(mid > 400_000 && mid < 600_000, `middle of 1M rows, got row ${mid}`);
    const reqs = await page.evaluate(() => (window as unknown as { __pageRequests: { start: number; count: number }[] }).__pageRequests);
    assert.ok(reqs.length <= 8, `pages fetched on demand only, got ${reqs.length} requests`);
    assert.ok(reqs.some((r) => r.start <= mid - 1 && r.start + r.count > mid - 1));
    // the end of the table
    await page.keyboard.press('Tab');
    await page.$eval('#viewport', (el) => (el.scrollTop = el.scrollHeight));
    await page.waitForSelector('.vrow[data-row="1000000"] .cell[role=gridcell]');
    assert.equal(await page.$eval('.vrow[data-row="1000000"]', (e) => e.querySelectorAll('.cell')[1]?.textContent), 'r999999');
    await page.screenshot({ path: join(shotsDir, 'dataset-table.png') });

    // columns tab: sampled summary + histogram drawn in the series colour
    await page.click('vscode-tab-header:nth-of-type(2)');
    await page.waitForSelector('canvas#histogram[data-points]');
    assert.match((await page.textContent('#summary-note')) ?? '', /Sampled: computed on 50,000 evenly spaced rows of 1,000,000/);
    assert.equal(Number(await page.getAttribute('canvas#histogram', 'data-points')), 100);
    assert.ok((await countColor(page, 'canvas#histogram', SERIES_RGB)) > 500);
    await page.screenshot({ path: join(shotsDir, 'dataset-columns.png'), fullPage: true });

    await page.click('vscode-tab-header:nth-of-type(3)');
    await page.waitForSelector('canvas#scatter[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#scatter', 'data-points')), 400);
    await page.screenshot({ path: join(shotsDir, 'dataset-scatter.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('dataset charts in light and high contrast: histogram bars and scatter points in the series colour', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const browser = await launch();
  try {
    for (const [name, cls, vars] of [['light', 'vscode-light', themeVars('#ffffff', '#1f1f1f')], ['high-contrast', 'vscode-high-contrast', themeVars('#000000', '#ffffff', '#6fc3df')]] as const) {
      const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${writeDatasetPage(2000, cls, vars, `dataset-${name}`)}`);
      await page.waitForSelector('.vrow[data-row="1"] .cell[role=gridcell]');
      await page.click('vscode-tab-header:nth-of-type(2)');
      await page.waitForSelector('canvas#histogram[data-points]');
      await page.waitForTimeout(100);
      assert.ok((await countColor(page, 'canvas#histogram', SERIES_RGB)) > 2000, `${name}: histogram bars painted`);
      await page.screenshot({ path: join(shotsDir, `dataset-columns-${name}.png`), fullPage: true });
      await page.click('vscode-tab-header:nth-of-type(3)');
      await page.waitForSelector('canvas#scatter[data-points]');
      await page.waitForTimeout(100);
      // the scatter offers the numeric columns only
      const options = await page.$$eval('#scatter-x vscode-option', (els) => els.map((e) => e.textContent));
      assert.deepEqual(options, ['x', 'y']);
      assert.ok((await countColor(page, 'canvas#scatter', SERIES_RGB)) > 100, `${name}: scatter points painted`);
      await page.screenshot({ path: join(shotsDir, `dataset-scatter-${name}.png`) });
      assert.deepEqual(errors, []);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
