// The static report names rows like the editor: measured rows by the formula / SMILES of the run's dataset — read only
// when its SHA-256 is the one the run recorded — and candidates by the input column of suggestions.csv; in headless
// Chromium the report's parity tooltip shows "<id> — <formula>".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateReport } from '../../../src/cli/commands/report';
import { buildRunViewData } from '../../../src/runview/build';
import { nodeRunFolder } from '../../../src/runview/folder';
import { buildBundles, bundlePath, launch, outDir, root, skipReason } from './harness';

/** The bandgap fixture run, with its manifest pointing at a copy of its dataset (examples/bandgap/data/gaps.csv). */
function runFolder(): { dir: string; dataset: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'mi-report-names-'));
  const dir = join(tmp, 'run');
  cpSync(join(root, 'test', 'fixtures', 'webview', 'bandgap-run'), dir, { recursive: true });
  const dataset = join(tmp, 'gaps.csv');
  cpSync(join(root, 'examples', 'bandgap', 'data', 'gaps.csv'), dataset);
  const mf = join(dir, 'run.mirun.json');
  const m = JSON.parse(readFileSync(mf, 'utf8'));
  m.dataset.path = dataset;
  writeFileSync(mf, JSON.stringify(m));
  return { dir, dataset };
}

test('report data: measured rows named from the unchanged dataset, candidates from suggestions.csv; a changed dataset is not read', async () => {
  const { dir, dataset } = runFolder();
  const rows = readFileSync(dataset, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const d = await buildRunViewData(nodeRunFolder(dir), 'run');
  assert.equal(d.nameColumn, 'formula');
  for (const r of rows.slice(0, 20)) assert.equal(d.names![r[0]], r[1], `row ${r[0]}`);
  const s = d.suggestions!;
  const [id, f] = [s.header.indexOf('id'), s.header.indexOf('formula')];
  for (const r of s.rows) assert.equal(d.names![r[id]], r[f], `suggestion ${r[id]}`);
  // the editor host reads the dataset by its own (workspace) rule: its reader does not
  const host = await buildRunViewData(nodeRunFolder(dir, { dataset: false }), 'run');
  assert.equal(host.names![rows[0][0]], undefined);
  assert.equal(host.names![s.rows[0][id]], s.rows[0][f]);
  // the dataset changed since the run (another SHA-256): not read
  appendFileSync(dataset, 'extra,H2O,1\n');
  const changed = await buildRunViewData(nodeRunFolder(dir), 'run');
  assert.equal(changed.names![rows[0][0]], undefined, 'measured rows are not named from a changed dataset');
  assert.equal(changed.names![s.rows[0][id]], s.rows[0][f]);
});

test('report in Chromium: the parity tooltip names the formula', { skip: skipReason() }, async () => {
  const { dir, dataset } = runFolder();
  const byId = Object.fromEntries(readFileSync(dataset, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map((r) => [r[0], r[1]]));
  await buildBundles();
  const out = await generateReport(dir, join(outDir, 'report-names.html'), bundlePath('report'));
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${out}`);
    await page.waitForSelector('body[data-ready]');
    const canvas = page.locator('canvas#parity-gap[data-points]');
    await canvas.waitFor();
    await canvas.scrollIntoViewIfNeeded();
    const pos = await canvas.evaluate((el) => {
      const p = (el as unknown as { miChart: { getDatasetMeta(i: number): { data: { x: number; y: number }[] } } }).miChart.getDatasetMeta(0).data[0];
      return { x: p.x, y: p.y };
    });
    await canvas.hover({ position: pos });
    await page.waitForFunction(() => {
      const c = document.querySelector('canvas#parity-gap') as unknown as { miChart: { tooltip: { title?: string[] } } };
      return (c.miChart.tooltip.title ?? []).join('').length > 0;
    });
    const title = await canvas.evaluate((el) => (el as unknown as { miChart: { tooltip: { title: string[] } } }).miChart.tooltip.title.join(' '));
    const id = title.split(' — ')[0];
    assert.equal(title, `${id} — ${byId[id]}`, `tooltip title "${title}"`);
  } finally {
    await browser.close();
  }
});
