// The map's "any pair" pickers in headless Chromium (light, dark, high contrast; screenshots in
// test-results/webview/landscape-pair-*.png): two searchable comboboxes over every input feature; picking a pair that
// was not precomputed sends a `landscapeMap` request, and the host's reply (computed here by the engine's
// `landscapeMap` from a real Suggest run on the OER simplex) is drawn with only the cells inside the design space.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { landscapeMap, type Landscape } from '../../../src/core/bo/landscape';
import { loadModel } from '../../../src/core/models';
import type { RenderedReport } from '../../../src/protocol/webview';
import { gridView } from '../../../src/runview/landscape';
import { buildBundles, launch, loadRunData, root, shotsDir, skipReason, themeVars, writeRunPage } from './harness';
import { fullRow, insideSimplex } from './simplex';

/** The host draws only the one pair it was given (window.__map); any other pair is an error reply. */
const MAP_REPLIES = `if (m.type === 'request' && m.method === 'landscapeMap') {
      const ok = m.params.x === window.__map.xLabel && m.params.y === window.__map.yLabel;
      setTimeout(() => window.postMessage(ok ? { type: 'reply', id: m.id, ok: true, result: window.__map } : { type: 'reply', id: m.id, ok: false, error: 'not this pair' }, '*'), 50);
    }`;

const THEMES = [
  { name: 'light', cls: 'vscode-light', vars: themeVars('#ffffff', '#1f1f1f') },
  { name: 'dark', cls: 'vscode-dark', vars: themeVars('#1e1e1e', '#d4d4d4') },
  { name: 'high-contrast', cls: 'vscode-high-contrast', vars: themeVars('#000000', '#ffffff', '#6fc3df') },
];


type Posted = { type: string; method?: string; params?: { x: string; y: string }; chart?: string; drawn?: number[][] };
const posted = (p: Page): Promise<Posted[]> =>
  p.evaluate(() => (window as unknown as { __posted: never[] }).__posted);


test('any-pair map pickers: a pair not precomputed is requested from the host and drawn inside the simplex only', { skip: skipReason() }, async () => {
  const { executeRun } = await import('../../../src/core/run');
  const dir = mkdtempSync(join(tmpdir(), 'mi-landscape-picker-'));
  mkdirSync(join(dir, 'data'));
  cpSync(join(root, 'examples', 'bo-oer', 'oer-campaign.mi.yaml'), join(dir, 'oer-campaign.mi.yaml'));
  cpSync(join(root, 'examples', 'bo-oer', 'data', 'measured.csv'), join(dir, 'data', 'measured.csv'));
  const r = await executeRun(join(dir, 'oer-campaign.mi.yaml'), { command: 'suggest', optimize: true, runId: '20260101-000000-pick' });
  assert.equal(r.manifest.status, 'completed');
  const runDir = join(dir, 'runs', 'oer-campaign', '20260101-000000-pick');
  const L = JSON.parse(readFileSync(join(runDir, 'landscape.json'), 'utf8')) as Landscape;
  const model = loadModel(JSON.parse(readFileSync(join(runDir, 'model', 'model.json'), 'utf8')));
  const [x, y] = [L.grid2d!.yFeature, L.grid2d!.xFeature];
  const map = gridView(await landscapeMap(L, model, x, y), L);
  const feasibleCells = map.feasible!.flat().filter(Boolean).length;
  const data = await loadRunData(runDir);
  data.landscape!.onDemand = true; // as the editor host sets it
  assert.deepEqual(data.landscape!.mapFeatures, L.featureNames);
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const browser = await launch();
  try {
    for (const th of THEMES) {
      const p = await browser.newPage({ viewport: { width: 1200, height: 1300 } });
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(`file://${writeRunPage(`pair-${th.name}`, data, { bodyClass: th.cls, vars: th.vars, replies: MAP_REPLIES, globals: { map }, freshState: true })}`);
      await p.waitForSelector('#tab-landscape');
      await p.click('#tab-landscape');
      await p.waitForSelector('canvas#landscape2d[data-rendered]');
      // searchable pickers listing every feature
      for (const id of ['#map-x', '#map-y']) {
        assert.equal(await p.$eval(id, (el) => el.hasAttribute('combobox') && el.getAttribute('filter')), 'contains');
        assert.deepEqual(await p.$$eval(`${id} vscode-option`, (els) => els.map((e) => e.getAttribute('value'))), L.featureNames);
      }
      for (const [id, v] of [['#map-x', x], ['#map-y', y]]) {
        await p.$eval(id, (el, val) => {
          (el as unknown as { value: string }).value = val;
          el.dispatchEvent(new Event('change'));
        }, v);
      }
      await p.waitForFunction(([a, b]) => (window as unknown as { __posted: RenderedReport[] }).__posted.some((m) => m.type === 'rendered' && m.chart === 'landscape2d' && m.axes?.[0] === a && m.axes?.[1] === b), [x, y]);
      const all = await posted(p);
      const requests = all.filter((m) => m.type === 'request' && m.method === 'landscapeMap');
      assert.deepEqual(requests.map((m) => m.params), [{ x, y }], 'one request for the picked pair');
      const last = all.filter((m) => m.type === 'rendered' && m.chart === 'landscape2d').at(-1)!;
      assert.equal(last.drawn!.length, feasibleCells, 'drawn = the feasible cells of the reply');
      assert.ok(feasibleCells > 50 && feasibleCells < 900, `${feasibleCells} of 900 cells inside`);
      for (const [cx, cy] of last.drawn!) assert.ok(insideSimplex(fullRow(L, { [x]: cx, [y]: cy }), L), `${x}=${cx}, ${y}=${cy} painted outside the space`);
      assert.match(await p.textContent('#map-status') ?? '', /drawn from the saved model/);
      assert.ok((await p.$$eval('#grid-select vscode-option', (els) => els.map((e) => e.textContent?.trim()))).includes(`${x} × ${y}`));
      await p.waitForTimeout(150);
      const card = p.locator('canvas#landscape2d').locator('xpath=ancestor::div[contains(@class,"card")][1]');
      await card.screenshot({ path: join(shotsDir, `landscape-pair-${th.name}.png`) });
      assert.deepEqual(errors, []);
      await p.close();
    }
  } finally {
    await browser.close();
  }
});
