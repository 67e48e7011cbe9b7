// The run views in a real VS Code: on a composition-simplex example (examples/bo-oer/oer-campaign.mi.yaml, sum 1 and
// "ce_load + la_load <= 0.5") Suggest opens on the Suggestions tab and every landscape slice point / map cell the
// webview reports as drawn lies inside the design space; on a small formula dataset the parity tooltip names the
// formula, wheel zoom changes the axis range, and "PNG" saves a PNG holding the series-colour data pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession, openFile, waitForCodeLens, findWebview, screenshot, onFailScreenshot, sleep, unlessErrorToast, runCommand, waitForFile, trainGoodSpec } from '../helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let s;
const t = (title, fn, opts) => test(title, { timeout: 240_000, ...opts }, onFailScreenshot(() => s, title, fn));
before(async () => {
  s = await openSession('views', {
    prepare: async (ws) => {
      mkdirSync(join(ws, 'bo-oer', 'data'), { recursive: true });
      cpSync(join(ROOT, 'examples', 'bo-oer', 'oer-campaign.mi.yaml'), join(ws, 'bo-oer', 'oer-campaign.mi.yaml'));
      cpSync(join(ROOT, 'examples', 'bo-oer', 'data', 'measured.csv'), join(ws, 'bo-oer', 'data', 'measured.csv'));
    },
  });
});
after(() => s?.close());

function latestRun(dir) {
  if (!existsSync(dir)) return undefined;
  const ids = readdirSync(dir).filter((d) => !d.startsWith('.') && existsSync(join(dir, d, 'landscape.json'))).sort();
  return ids.length ? join(dir, ids.at(-1)) : undefined;
}

/** The full composition at a drawn point: the other elements share what is left in the reference's proportions. */
function fullRow(L, fixed) {
  const ref = Object.fromEntries(L.featureNames.map((n, i) => [n, L.reference.features[i]]));
  const comp = L.space.composition;
  const others = comp.names.filter((n) => !(n in fixed));
  const left = comp.sum - Object.values(fixed).reduce((a, b) => a + b, 0);
  const refOthers = others.reduce((a, n) => a + ref[n], 0);
  const row = { ...ref, ...fixed };
  for (const n of others) row[n] = refOthers > 0 ? (ref[n] * left) / refOthers : left / others.length;
  return row;
}
function violation(L, r) {
  const comp = L.space.composition;
  const sum = comp.names.reduce((a, n) => a + r[n], 0);
  if (Math.abs(sum - comp.sum) > 1e-6) return `sum ${sum}`;
  for (const n of comp.names) if (r[n] < -1e-9 || r[n] > comp.sum + 1e-9) return `${n} = ${r[n]}`;
  if (r.ce_load + r.la_load > 0.5 + 1e-9) return `ce_load + la_load = ${r.ce_load + r.la_load}`;
  return undefined;
}
// both attributes in one read: two reads could straddle a re-render (new axes with the previous map's cells)
const drawnOf = (canvas) => canvas.evaluate((el) => ({ drawn: JSON.parse(el.dataset.drawn ?? '[]'), axes: JSON.parse(el.dataset.axes ?? '[]') }));
/** What the canvas drew once its axes are `axes` (waits for the re-render a picker change starts). */
async function drawnFor(canvas, axes) {
  let d = await drawnOf(canvas);
  for (let i = 0; i < 150 && JSON.stringify(d.axes) !== JSON.stringify(axes); i++) {
    await sleep(200);
    d = await drawnOf(canvas);
  }
  return d;
}
async function choose(view, select, value) {
  await view.locator(select).evaluate((el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }, value);
}

t('Suggest on a simplex space opens on Suggestions, and no drawn landscape point violates the space', async (ctx) => {
  await openFile(s.page, 'oer-campaign.mi.yaml');
  const lens = await waitForCodeLens(s.page, 'Suggest next experiments', { timeout: 60_000 });
  await lens.click();
  const view = await unlessErrorToast(s.page, findWebview(s.page, '#root[data-open-tab="suggestions"] #suggestions-table tbody tr', { timeout: 180_000 }));
  await view.locator('.badge.completed').first().waitFor({ timeout: 60_000 });
  assert.equal(await view.locator('#root').getAttribute('data-open-tab'), 'suggestions', 'a finished Suggest opens on Suggestions');
  await screenshot(s.page, 'views-01-suggestions');
  const run = latestRun(join(s.ws, 'bo-oer', 'runs', 'oer-campaign'));
  assert.ok(run, 'a run folder with landscape.json');
  const L = JSON.parse(readFileSync(join(run, 'landscape.json'), 'utf8'));
  assert.ok(L.space?.composition, 'landscape.json records the design space');

  await view.locator('vscode-tab-header', { hasText: 'landscape' }).click();
  const c1 = view.locator('canvas#landscape1d[data-rendered="true"]');
  await c1.waitFor({ timeout: 30_000 });
  let points = 0;
  for (const sl of L.slices) {
    await choose(view, '#slice-feature', sl.feature);
    const { drawn, axes } = await drawnFor(c1, [sl.feature]);
    assert.equal(axes[0], sl.feature);
    assert.ok(drawn.length > 0, `${sl.feature}: nothing drawn`);
    for (const [x] of drawn) {
      const v = violation(L, fullRow(L, { [sl.feature]: x }));
      assert.equal(v, undefined, `slice ${sl.feature} = ${x} drawn outside the space (${v})`);
      points++;
    }
  }
  const c2 = view.locator('canvas#landscape2d[data-rendered="true"]');
  let cells = 0;
  for (let gi = 0; gi < 1 + (L.grids?.length ?? 0); gi++) {
    await choose(view, '#grid-select', String(gi));
    const g = [L.grid2d, ...(L.grids ?? [])][gi];
    const { drawn, axes } = await drawnFor(c2, [g.xFeature, g.yFeature]);
    assert.deepEqual(axes, [g.xFeature, g.yFeature], `map ${gi} drawn`);
    if (axes[0] === 'PC1') continue;
    for (const [x, y] of drawn) {
      const v = violation(L, fullRow(L, { [axes[0]]: x, [axes[1]]: y }));
      assert.equal(v, undefined, `map ${axes} cell (${x}, ${y}) painted outside the space (${v})`);
      cells++;
    }
  }
  await choose(view, '#grid-select', '0');
  await sleep(200);
  await screenshot(s.page, 'views-02-simplex-landscape');
  assert.ok(points > 100 && cells > 1000, `checked ${points} slice points and ${cells} map cells`);

  // any pair, searchable: the first map's features swapped (not precomputed), drawn by the host from the saved model
  const [fx, fy] = [L.grid2d.yFeature, L.grid2d.xFeature];
  assert.ok(![L.grid2d, ...(L.grids ?? [])].some((g) => g.xFeature === fx && g.yFeature === fy), 'the swapped pair is not precomputed');
  assert.equal(await view.locator('#map-x').getAttribute('combobox') !== null, true, 'the x picker is a searchable combobox');
  await choose(view, '#map-x', fx);
  await choose(view, '#map-y', fy);
  const od = await drawnFor(c2, [fx, fy]);
  assert.deepEqual(od.axes, [fx, fy], `the map shows the picked pair (status: ${await view.locator('#map-status').innerText()})`);
  assert.match(await view.locator('#map-status').innerText(), /drawn from the saved model/);
  let onDemand = 0;
  for (const [x, y] of od.drawn) {
    const v = violation(L, fullRow(L, { [fx]: x, [fy]: y }));
    assert.equal(v, undefined, `on-demand map ${fx} × ${fy} cell (${x}, ${y}) painted outside the space (${v})`);
    onDemand++;
  }
  assert.ok(onDemand > 50, `${onDemand} on-demand map cells`);
  const options = await view.locator('#grid-select vscode-option').allInnerTexts();
  assert.ok(options.map((o) => o.trim()).includes(`${fx} × ${fy}`), `the drawn map joins the Axes list (${options.length} options)`);
  await screenshot(s.page, 'views-02b-any-pair');
  ctx.diagnostic(`${points} slice points, ${cells} map cells and ${onDemand} cells of the on-demand map ${fx} × ${fy} drawn, all inside the simplex`);
});

t('parity tooltip names the formula; wheel zoom changes the axis range; Save as PNG writes the data pixels', async (ctx) => {
  const view = await trainGoodSpec(s.page);
  const canvas = view.locator('canvas#parity-gap');
  // the names arrive with the final reload (the dataset is read once the run has completed)
  let pos;
  let tip = { title: '' };
  for (let i = 0; i < 40 && !/ — /.test(tip.title); i++) {
    pos = await canvas.evaluate((el) => { const p = el.miChart.getDatasetMeta(0).data[0]; return { x: p.x, y: p.y }; });
    await canvas.hover({ position: { x: pos.x + 20, y: pos.y + 20 } });
    await canvas.hover({ position: pos });
    await sleep(250);
    tip = await canvas.evaluate((el) => ({ title: el.miChart.tooltip.title.join(' '), body: el.miChart.tooltip.body.flatMap((b) => b.lines).join(' | ') }));
  }
  const csv = readFileSync(join(s.ws, 'data', 'gaps.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const byId = Object.fromEntries(csv.map((r) => [r[0], r[1]]));
  const id = tip.title.split(' — ')[0];
  assert.equal(tip.title, `${id} — ${byId[id]}`, `tooltip title "${tip.title}" names the formula`);
  assert.match(tip.body, /measured .* \[eV\] \| predicted .* ± .* \[eV\] \(σ\)/);
  await screenshot(s.page, 'views-03-parity-tooltip');

  const r0 = await canvas.getAttribute('data-x-range');
  await canvas.hover({ position: { x: pos.x + 30, y: pos.y - 30 } });
  for (let k = 0; k < 3; k++) { await s.page.mouse.wheel(0, -300); await sleep(100); }
  let r1 = r0;
  for (let i = 0; i < 30 && r1 === r0; i++) { await sleep(100); r1 = await canvas.getAttribute('data-x-range'); }
  const span = (r) => { const [a, b] = r.split(',').map(Number); return b - a; };
  assert.ok(span(r1) < span(r0), `zoom narrows the x range: ${r0} → ${r1}`);
  await screenshot(s.page, 'views-04-zoomed');
  await view.locator('[data-chart="parity-gap"] button.reset').click();

  // Save as PNG through the save dialog (code-server's simple file dialog). Accept the proposed file (the chart's name
  // in the run folder) once the dialog shows it: a path typed in and confirmed at once races the dialog's own
  // asynchronous validation, which then only navigates instead of saving.
  await view.locator('[data-chart="parity-gap"] button.png').click();
  const input = s.page.locator('.quick-input-widget input').first();
  await input.waitFor({ timeout: 20_000 });
  let target = '';
  for (const end = Date.now() + 20_000; Date.now() < end && !target.endsWith('.png'); await sleep(100)) target = await input.inputValue();
  assert.match(target, /\.png$/, `the save dialog proposes a .png file (${target})`);
  await input.press('Enter');
  await waitForFile(target, { timeout: 20_000 });
  await sleep(300);
  const png = readFileSync(target);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG file');
  const colour = await view.locator('body').evaluate((b) => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim() || getComputedStyle(b).getPropertyValue('--vscode-charts-blue').trim());
  const dataPx = await s.page.evaluate(async ([b64, col]) => {
    const c = document.createElement('canvas');
    const ctx2 = c.getContext('2d');
    ctx2.fillStyle = col;
    ctx2.fillRect(0, 0, 1, 1);
    const [R, G, B] = ctx2.getImageData(0, 0, 1, 1).data;
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    c.width = img.width;
    c.height = img.height;
    ctx2.drawImage(img, 0, 0);
    const d = ctx2.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - R) <= 6 && Math.abs(d[i + 1] - G) <= 6 && Math.abs(d[i + 2] - B) <= 6) n++;
    return n;
  }, [png.toString('base64'), colour]);
  assert.ok(dataPx >= 200, `the saved PNG holds ${dataPx} pixels of the series colour (the 40 points)`);
  ctx.diagnostic(`tooltip "${tip.title}"; zoom ${r0} → ${r1}; PNG ${png.length} bytes, ${dataPx} data pixels`);
});
