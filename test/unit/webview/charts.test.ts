/**
 * Every run chart rendered in headless Chromium in light, dark and high-contrast themes (screenshots in
 * test-results/webview/charts-*.png), with assertions on what was drawn: landscape slices and maps only inside the
 * design space (a composition simplex with a linear constraint), suggestions at their own predicted values, named
 * points in tooltips, zoom changing the axis range, PNG export holding the data pixels, and opening on the news.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Landscape } from '../../../src/core/bo/landscape';
import type { RenderedReport } from '../../../src/protocol/webview';
import { rowNames } from '../../../src/runview/names';
import { buildBundles, countColor, launch, loadRunData, root, SERIES_RGB, shotsDir, skipReason, themeVars, writeRunPage } from './harness';
import { fullRow, insideSimplex } from './simplex';


const fixture = (name: string) => join(root, 'test', 'fixtures', 'webview', name);
const skip = skipReason();

const THEMES = [
  { name: 'light', cls: 'vscode-light', vars: themeVars('#ffffff', '#1f1f1f') },
  { name: 'dark', cls: 'vscode-dark', vars: themeVars('#1e1e1e', '#d4d4d4') },
  { name: 'high-contrast', cls: 'vscode-high-contrast', vars: themeVars('#000000', '#ffffff', '#6fc3df') + ':root { --vscode-contrastActiveBorder: #f38518; }' },
];


const rendered = (p: Page, chart: string): Promise<RenderedReport[]> =>
  p.evaluate((c) => (window as unknown as { __posted: RenderedReport[] }).__posted.filter((m) => m.type === 'rendered' && m.chart === c), chart);

async function openTab(p: Page, id: string): Promise<void> {
  await p.click(`#tab-${id}`);
  await p.waitForSelector(`#panel-${id} canvas[data-rendered]`);
}


test('simplex run: opens on Suggestions; landscape slice and map draw only points inside the design space', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const data = await loadRunData(fixture('simplex-run'));
  const L = JSON.parse(readFileSync(join(fixture('simplex-run'), 'landscape.json'), 'utf8')) as Landscape;
  assert.deepEqual(L.space?.constraints, ['ce_load + la_load <= 0.5']);
  const browser = await launch();
  try {
    for (const th of THEMES) {
      const p = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(`file://${writeRunPage(`simplex-${th.name}`, data, { bodyClass: th.cls, vars: th.vars })}`);
      // a finished Suggest opens on its news: the Suggestions tab
      await p.waitForSelector('#suggestions-table tbody tr');
      assert.equal(await p.getAttribute('#root', 'data-open-tab'), 'suggestions');
      await p.screenshot({ path: join(shotsDir, `charts-suggestions-${th.name}.png`) });
      await openTab(p, 'landscape');
      await p.waitForSelector('canvas#landscape2d[data-rendered]');
      await p.waitForTimeout(100);
      // every slice: what was drawn is exactly the feasible part, and each drawn point is inside the simplex
      const features = L.slices.map((s) => s.feature);
      let checked = 0;
      for (const f of features) {
        await p.$eval('#slice-feature', (el, v) => {
          (el as unknown as { value: string }).value = v;
          el.dispatchEvent(new Event('change'));
        }, f);
        await p.waitForFunction((n) => (window as unknown as { __posted: RenderedReport[] }).__posted.some((m) => m.type === 'rendered' && m.chart === 'landscape1d' && m.axes?.[0] === n), f);
        const last = (await rendered(p, 'landscape1d')).filter((r) => r.axes?.[0] === f).at(-1)!;
        const slice = L.slices.find((s) => s.feature === f)!;
        assert.equal(last.drawn!.length, slice.feasible!.filter(Boolean).length, `${f}: drawn = feasible points`);
        for (const [x] of last.drawn!) {
          assert.ok(insideSimplex(fullRow(L, { [f]: x }), L), `${f} = ${x} drawn but outside the space`);
          checked++;
        }
        if (slice.feasible!.some((v) => !v)) assert.ok(last.drawn!.length < slice.grid.length, `${f}: infeasible points are not drawn`);
      }
      assert.ok(checked > 150, `${checked} slice points checked`);
      // every map over two features: painted cells inside the simplex; infeasible cells (there are some) left blank
      const nGrids = 1 + (L.grids ?? []).length;
      let cells = 0;
      let blank = 0;
      for (let gi = 0; gi < nGrids; gi++) {
        const before = (await rendered(p, 'landscape2d')).length;
        await p.$eval('#grid-select', (el, v) => {
          (el as unknown as { value: string }).value = v;
          el.dispatchEvent(new Event('change'));
        }, String(gi));
        if (gi > 0) await p.waitForFunction((n) => (window as unknown as { __posted: RenderedReport[] }).__posted.filter((m) => m.type === 'rendered' && m.chart === 'landscape2d').length > n, before);
        const r = (await rendered(p, 'landscape2d')).at(-1)!;
        const [ax, ay] = r.axes!;
        if (ax === 'PC1') continue;
        for (const [x, y] of r.drawn!) {
          assert.ok(insideSimplex(fullRow(L, { [ax]: x, [ay]: y }), L), `${ax}=${x}, ${ay}=${y} painted but outside the space`);
          cells++;
        }
        blank += 900 - r.drawn!.length;
        if (gi === 0) await p.screenshot({ path: join(shotsDir, `charts-landscape-${th.name}.png`), fullPage: true });
      }
      assert.ok(cells > 2000 && blank > 100, `${cells} painted cells checked, ${blank} infeasible cells left blank`);
      // suggestions sit at their own predicted mean on the slice (not on the slice's curve)
      const slice = data.landscape!.slices[0];
      const sugg = data.suggestions!;
      const m = sugg.header.indexOf('overpotential_mean');
      assert.deepEqual(slice.marks.map((k) => k.mean).sort(), sugg.rows.map((r) => +Number(r[m]).toPrecision(6)).sort());
      // the design-space colour of a heatmap cell: viridis somewhere in the painted area, nothing painted where blank
      assert.deepEqual(errors, []);
      await p.close();
    }
  } finally {
    await browser.close();
  }
});

test('every chart in light, dark and high contrast: data pixels, named tooltips, zoom, PNG export', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const bandgap = await loadRunData(fixture('bandgap-run'));
  const named = rowNames(readFileSync(join(root, 'examples', 'bandgap', 'data', 'gaps.csv'), 'utf8'), bandgap.manifest)!;
  bandgap.names = named.names;
  bandgap.nameColumn = named.column;
  const run1 = await loadRunData(fixture('run1'));
  const run2 = await loadRunData(fixture('run2'));
  const browser = await launch();
  try {
    for (const th of THEMES) {
      const p = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(`file://${writeRunPage(`bandgap-${th.name}`, bandgap, { bodyClass: th.cls, vars: th.vars })}`);
      await p.waitForSelector('canvas#parity-gap[data-rendered]');
      await p.waitForSelector('canvas#relevance[data-rendered]');
      await p.waitForTimeout(150);
      const n = bandgap.predictions!.rows.length;
      const magenta = await countColor(p, 'canvas#parity-gap', SERIES_RGB);
      assert.ok(magenta >= n * 3, `${th.name}: parity points painted in the series colour (${magenta} px)`);
      // tooltip of a parity point names the row by id and formula, with measured/predicted, σ and the unit
      const pos = await p.$eval('canvas#parity-gap', (el) => {
        const c = (el as unknown as { miChart: { getDatasetMeta(i: number): { data: { x: number; y: number }[] } } }).miChart;
        const pt = c.getDatasetMeta(0).data[0];
        const r = el.getBoundingClientRect();
        return { x: r.left + pt.x, y: r.top + pt.y };
      });
      await p.mouse.move(pos.x, pos.y);
      await p.waitForTimeout(100);
      const tip = await p.$eval('canvas#parity-gap', (el) => {
        const t = (el as unknown as { miChart: { tooltip: { title: string[]; body: { lines: string[] }[] } } }).miChart.tooltip;
        return { title: t.title.join(' '), body: t.body.flatMap((b) => b.lines).join(' | ') };
      });
      const id0 = bandgap.predictions!.rows[0][0];
      assert.equal(tip.title, `${id0} — ${named.names[id0]}`, 'the tooltip names the formula');
      assert.match(tip.body, /measured [-\d.]+ \[eV\] \| predicted [-\d.]+ ± [\d.]+ \[eV\] \(σ\)/);
      // clicking the point shows its row
      await p.mouse.click(pos.x, pos.y);
      await p.waitForSelector('#parity-gap-details:not([hidden])');
      assert.match(await p.textContent('#parity-gap-details') ?? '', new RegExp(`${id0} — ${named.names[id0].replace(/[()]/g, '\\$&')}`));
      // wheel zoom narrows the x range; Reset zoom restores it
      const range0 = (await p.getAttribute('canvas#parity-gap', 'data-x-range'))!.split(',').map(Number);
      await p.mouse.move(pos.x + 40, pos.y - 40);
      for (let k = 0; k < 3; k++) {
        await p.mouse.wheel(0, -400);
        await p.waitForTimeout(50);
      }
      await p.waitForFunction((r) => document.querySelector('canvas#parity-gap')?.getAttribute('data-x-range') !== r, range0.join(','));
      const range1 = (await p.getAttribute('canvas#parity-gap', 'data-x-range'))!.split(',').map(Number);
      assert.ok(range1[1] - range1[0] < 0.95 * (range0[1] - range0[0]), `zoomed: ${range0} → ${range1}`);
      await p.click('[data-chart="parity-gap"] button.reset');
      await p.waitForFunction((r) => document.querySelector('canvas#parity-gap')?.getAttribute('data-x-range') === r, range0.join(','));
      // Save PNG: the request carries a PNG with the series-colour data pixels
      await p.click('[data-chart="parity-gap"] button.png');
      const req = await p.waitForFunction(() => (window as unknown as { __posted: { type: string; method?: string; params?: { data: string; format: string } }[] }).__posted.find((m) => m.type === 'request' && m.method === 'saveImage'));
      const params = (await req.jsonValue())!.params!;
      assert.equal(params.format, 'png');
      const png = Buffer.from(params.data, 'base64');
      assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
      const pngMagenta = await p.evaluate(async ([b64, rgb]) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let k = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2]) k++;
        return k;
      }, [params.data, SERIES_RGB] as const);
      assert.ok(pngMagenta >= n * 3, `the saved PNG holds the data pixels (${pngMagenta})`);
      // Save SVG: a vector drawing — one filled circle path per parity point in the series colour, axis titles as text
      await p.click('[data-chart="parity-gap"] button.svg');
      const svgReq = await p.waitForFunction(() => (window as unknown as { __posted: { type: string; method?: string; params?: { data: string; format: string } }[] }).__posted.find((m) => m.type === 'request' && m.method === 'saveImage' && m.params?.format === 'svg'));
      const svg = (await svgReq.jsonValue())!.params!.data;
      const dots = (svg.match(/<path d="M[^"]*A[^"]*" fill="rgb\(255, ?0, ?255\)"/g) ?? []).length;
      assert.ok(dots >= n, `the SVG has ${dots} vector points in the series colour (${n} rows)`);
      assert.match(svg, /<text [^>]*>measured gap \[eV\]<\/text>/);
      assert.ok(!/<image/.test(svg), 'no raster inside');
      assert.match(svg, /<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+" fill="none" stroke="[^"]+" stroke-width="1"[^>]*stroke-dasharray="5 4"/, 'the dashed y = x line is a vector path');
      if (th.name === 'light') writeFileSync(join(shotsDir, 'charts-parity-light.svg'), svg);
      await p.screenshot({ path: join(shotsDir, `charts-overview-${th.name}.png`), fullPage: true });
      await openTab(p, 'landscape');
      await p.waitForTimeout(100);
      await p.screenshot({ path: join(shotsDir, `charts-bandgap-landscape-${th.name}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await p.close();

      // simulation (run1) and Pareto (run2)
      const s = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await s.goto(`file://${writeRunPage(`run1-${th.name}`, run1, { bodyClass: th.cls, vars: th.vars })}`);
      await s.waitForSelector('#tab-simulation');
      await openTab(s, 'simulation');
      const sim = (await rendered(s, 'simulation')).at(-1)!;
      assert.equal(sim.points, run1.simulation!.series[0].steps.length);
      assert.ok((await countColor(s, 'canvas#simulation', SERIES_RGB)) > 200, 'BO median drawn in the first series colour');
      await s.screenshot({ path: join(shotsDir, `charts-simulation-${th.name}.png`) });
      await s.goto(`file://${writeRunPage(`run2-${th.name}`, run2, { bodyClass: th.cls, vars: th.vars })}`);
      await s.waitForSelector('#tab-pareto');
      await openTab(s, 'pareto');
      const par = (await rendered(s, 'pareto')).at(-1)!;
      assert.equal(par.points, run2.predictions!.rows.length);
      await s.screenshot({ path: join(shotsDir, `charts-pareto-${th.name}.png`) });
      await s.close();
    }
  } finally {
    await browser.close();
  }
});

test('a cv: none run says so instead of empty axes; extra suggestion columns (in_domain, reason) are shown', { skip }, async () => {
  await buildBundles();
  const data = await loadRunData(fixture('simplex-run'));
  const m = data.manifest as unknown as Record<string, unknown>;
  delete m.metrics;
  data.predictions = undefined;
  m.command = 'run';
  (data.manifest.spec.content as { evaluation?: unknown }).evaluation = { cv: 'none' };
  const s = data.suggestions!;
  s.header.push('in_domain', 'domain_reason');
  s.rows.forEach((r, i) => r.push(i ? 'true' : 'false', i ? '' : 'nearest measured row 3× the usual spacing'));
  const browser = await launch();
  try {
    const p = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`file://${writeRunPage('cv-none', data, { bodyClass: 'vscode-dark', vars: themeVars() })}`);
    await p.waitForSelector('#no-cv');
    assert.match((await p.textContent('#no-cv')) ?? '', /No cross-validation \(cv: none\)/);
    assert.equal(await p.$$eval('canvas[id^="parity-"]', (els) => els.length), 0, 'no empty parity axes');
    assert.equal(await p.getAttribute('#root', 'data-open-tab'), 'overview', 'a training run opens on the Overview');
    await p.click('#tab-suggestions');
    await p.waitForSelector('#suggestions-table');
    const heads = await p.$$eval('#suggestions-table thead th', (els) => els.map((e) => e.textContent));
    assert.ok(heads.includes('in_domain') && heads.includes('domain_reason'), heads.join(','));
    assert.ok(heads.includes('overpotential_mean [V]'), 'units in the headers');
    assert.match((await p.textContent('#suggestions-table tbody tr:first-child')) ?? '', /3× the usual spacing/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
