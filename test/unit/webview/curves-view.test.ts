import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundles, countColor, launch, loadRunData, root, SERIES_RGB, shotsDir, skipReason, writeRunPage } from './harness';


test('curves tab: observed vs predicted with the 90% band for a searched sample, error vs argument, suggested curves', { skip: skipReason() }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const data = await loadRunData(join(root, 'test', 'fixtures', 'webview', 'functional-run'));
  const curves = data.curves as { grid: number[]; samples: { id: string; observed: { t: number[] } }[]; suggestions: unknown[] };
  assert.ok(curves && curves.samples.length === 24, 'curves.json is loaded into the view data');
  const G = curves.grid.length;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`file://${writeRunPage('functional-run', data, { replies: '' })}`);
    await page.click('#tab-curves');
    await page.waitForSelector('canvas#curve-sample[data-points]');
    const first = curves.samples[0];
    assert.equal(Number(await page.getAttribute('canvas#curve-sample', 'data-points')), first.observed.t.length + G);
    // search another sample by (part of) its formula
    const other = curves.samples[17];
    await page.fill('#curve-search', other.id.slice(0, 8));
    await page.$eval('#curve-search', (el) => el.dispatchEvent(new Event('change')));
    await page.waitForFunction((id) => (document.querySelector('canvas#curve-sample')?.getAttribute('aria-label') ?? '').includes(id), other.id);
    const painted = await countColor(page, 'canvas#curve-sample', SERIES_RGB);
    assert.ok(painted > 200, `the predicted curve and its band are painted in the series colour (${painted} pixels)`);
    assert.equal(Number(await page.getAttribute('canvas#curve-error', 'data-points')), 3 * G);
    await page.waitForSelector('canvas#curve-suggestions[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#curve-suggestions', 'data-points')), curves.suggestions.length * G);
    await page.screenshot({ path: join(shotsDir, 'run-curves-dark.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
