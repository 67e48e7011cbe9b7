import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateReport, scriptSafe } from '../../../src/cli/commands/report';
import { buildBundles, bundlePath, countColor, launch, loadRunData, outDir, root, shotsDir, skipReason } from './harness';

const fixture = (name: string) => join(root, 'test', 'fixtures', 'webview', name);

test('scriptSafe keeps embedded code from closing its <script> element', () => {
  assert.equal(scriptSafe('a</script>b<!--c'), 'a<\\/script>b<\\!--c');
  assert.ok(!/<\/script/i.test(scriptSafe('x</SCRIPT>')));
});

test('report refuses a folder without run.mirun.json, naming it', async () => {
  await assert.rejects(generateReport(join(root, 'test', 'fixtures', 'webview'), join(outDir, 'x.html'), __filename), /not a run folder \(no run\.mirun\.json or simulation\.json\)/);
});

test('report --out accepts a folder and writes report.html inside it', async () => {
  const dir = join(outDir, 'out-folder') + '/';
  const out = await generateReport(fixture('run1'), dir, __filename);
  assert.equal(out, join(outDir, 'out-folder', 'report.html'));
  assert.match(readFileSync(out, 'utf8'), /<script type="application\/json" id="mi-run-data">/);
});

const skip = skipReason();

for (const run of ['bandgap-run', 'run1']) test(`report of ${run}: one self-contained HTML file whose charts render offline`, { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const out = await generateReport(fixture(run), join(outDir, `report-${run}.html`), bundlePath('report'));
  const html = readFileSync(out, 'utf8');
  // the markup outside the inlined code references nothing external (the browser check below catches the rest)
  const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>');
  assert.equal((html.match(/<script\b/gi) ?? []).length, 2, 'embedded data + inlined bundle');
  assert.ok(!/\s(src|href)=/i.test(markup), 'no src/href attributes in the page markup');
  const data = await loadRunData(fixture(run));
  const nPred = data.predictions!.rows.length;
  const target = data.manifest.targets[0].column;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`file://${out}`);
    await page.waitForSelector('body[data-ready]');
    const charts = [`parity-${target}`, 'curve', 'relevance', 'landscape1d', 'landscape2d', ...(data.simulation ? ['simulation'] : [])];
    for (const id of charts) await page.waitForSelector(`canvas#${id}[data-points]`);
    await page.waitForTimeout(200);
    assert.equal(Number(await page.getAttribute(`canvas#parity-${target}`, 'data-points')), nPred);
    const phases = new Map<string, number>();
    for (const p of data.manifest.curve) phases.set(p.phase, (phases.get(p.phase) ?? 0) + 1);
    assert.equal(Number(await page.getAttribute('canvas#curve', 'data-points')), Math.max(...phases.values()));
    assert.equal(Number(await page.getAttribute('canvas#landscape1d', 'data-points')), data.landscape!.slices[0].x.length);
    // the parity points are painted in the report's first series colour (#1a73e8)
    const blue = await countColor(page, `canvas#parity-${target}`, [0x1a, 0x73, 0xe8]);
    assert.ok(blue >= nPred * 4, `parity points painted: ${blue} pixels of the series colour`);
    const rendered = await page.evaluate(() => (window as unknown as { __miRendered: { chart: string; points: number }[] }).__miRendered);
    assert.ok(rendered.some((r) => r.chart === 'parity' && r.points === nPred));
    assert.equal((await page.$$('#suggestions-table tbody tr')).length, data.suggestions!.rows.length);
    assert.deepEqual(requests.filter((u) => u !== `file://${out}`), [], 'no network or file requests beyond the report itself');
    await page.screenshot({ path: join(shotsDir, `report-${run}.png`), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

for (const [folder, steps] of [['sim1', 30], ['oer-simulation', 20]] as const) test(`report of a simulate output folder (${folder}) draws the BO vs random plot`, { skip }, async () => {
  await buildBundles();
  const out = await generateReport(fixture(folder), join(outDir, `report-${folder}.html`), bundlePath('report'));
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${out}`);
    await page.waitForSelector('canvas#simulation[data-points]');
    assert.equal(Number(await page.getAttribute('canvas#simulation', 'data-points')), steps);
    assert.ok((await countColor(page, 'canvas#simulation', [0x1a, 0x73, 0xe8])) > 300, 'BO median line painted');
    assert.deepEqual(requests.filter((u) => u !== `file://${out}`), []);
    await page.screenshot({ path: join(shotsDir, `report-${folder}.png`), fullPage: true });
  } finally {
    await browser.close();
  }
});

/** The static report of a transfer run folder, opened in headless Chromium once its Transfer chart has rendered; page errors fail the test. */
async function withTransferReport(dir: string, name: string, check: (page: import('playwright-core').Page) => Promise<void>): Promise<void> {
  await buildBundles();
  const out = await generateReport(dir, join(outDir, `${name}.html`), bundlePath('report'));
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${out}`);
    await page.waitForSelector('body[data-ready]');
    await page.waitForSelector('canvas#transfer-candidates[data-points]');
    await page.waitForTimeout(200);
    await check(page);
    await (await page.$('#transfer-summary'))?.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
}

test('report of a transfer run: the Transfer section draws one bar per candidate and the baseline line', { skip }, async () => {
  const dir = fixture('transfer-run');
  const t = (await loadRunData(dir)).manifest.transfer!;
  await withTransferReport(dir, 'report-transfer', async (page) => {
    assert.equal(Number(await page.getAttribute('canvas#transfer-candidates', 'data-points')), t.candidates.length);
    assert.equal((await page.textContent('#transfer-selected'))?.trim(), t.selected.label);
    assert.match((await page.textContent('#transfer-overlap')) ?? '', /Leakage check/);
    // the selected candidate's bar is painted in the report's first series colour (#1a73e8)
    const blue = await countColor(page, 'canvas#transfer-candidates', [0x1a, 0x73, 0xe8]);
    assert.ok(blue >= 300, `selected bar painted: ${blue} pixels`);
  });
});

test('report of a transfer run whose pick is auto\'s average: its bar is drawn as the pick and the members are named', { skip }, async () => {
  const { cpSync, mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'mi-report-average-'));
  cpSync(fixture('transfer-run'), dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'run.mirun.json'), 'utf8'));
  const t = m.transfer;
  const members = t.candidates.filter((c: { strategy: string }) => c.strategy !== 'none').map((c: { label: string }) => c.label);
  const avg = { source: 'mp_gap_small', strategy: 'average', label: `average:${members.join('+')}`, metric: 0.7, mae: 0.7, rmse: 1, rank: 1, members };
  for (const c of t.candidates) c.rank += 1;
  t.candidates.push(avg);
  t.selected = avg;
  writeFileSync(join(dir, 'run.mirun.json'), JSON.stringify(m));
  await withTransferReport(dir, 'report-transfer-average', async (page) => {
    assert.equal(Number(await page.getAttribute('canvas#transfer-candidates', 'data-points')), 5);
    assert.equal((await page.textContent('#transfer-selected'))?.trim(), avg.label);
    const named = (await page.textContent('#transfer-members')) ?? '';
    for (const l of members) assert.ok(named.includes(l), `the members are named: ${named}`);
    const blue = await countColor(page, 'canvas#transfer-candidates', [0x1a, 0x73, 0xe8]);
    assert.ok(blue >= 300, `the average's bar painted as the pick: ${blue} pixels`);
  });
});
