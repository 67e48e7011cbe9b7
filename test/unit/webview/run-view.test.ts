import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeNonce, webviewHtml } from '../../../src/extension/editors/html';
import { buildBundles, bundlePath, countColor, launch, loadRunData, outDir, root, SERIES_RGB, shotsDir, skipReason, themeVars } from './harness';
import type { RunViewData } from '../../../src/protocol/webview';

const fixture = (name: string) => join(root, 'test', 'fixtures', 'webview', name);

/** Writes a page that loads dist-like run.js behind the real CSP shell, with a fake host answering requests. */
function writeRunPage(name: string, data: RunViewData, bodyClass = 'vscode-dark', vars = themeVars()): string {
  const nonce = makeNonce();
  const stub = `<script nonce="${nonce}">
window.__posted = []; window.__requests = []; let st = ${JSON.stringify({})};
window.acquireVsCodeApi = () => ({
  postMessage(m) {
    window.__posted.push(m);
    if (m.type === 'ready') setTimeout(() => window.postMessage({ type: 'init', data: window.__data, canEdit: true }, '*'), 0);
    if (m.type === 'request') { window.__requests.push(m); setTimeout(() => window.postMessage({ type: 'reply', id: m.id, ok: true, result: m.method === 'appendPending' ? { appended: m.params.ranks.length, path: 'data.csv' } : { saved: true, copied: true, path: '/tmp/x.csv' } }, '*'), 0); }
  },
  getState() { return st; }, setState(s) { st = s; },
});
</script>
<script nonce="${nonce}" id="data-holder">window.__data = ${JSON.stringify(data).replace(/</g, '\\u003c')};</script>
<style nonce="${nonce}">${vars}</style>`;
  const html = webviewHtml({ scriptUri: `file://${bundlePath('run')}`, cspSource: 'file:', nonce, title: 'run', bodyClass, extraHead: stub });
  mkdirSync(outDir, { recursive: true });
  const p = join(outDir, `${name}.html`);
  writeFileSync(p, html);
  return p;
}

const skip = skipReason();

test('run view draws parity, curve and relevance for the fixture run', { skip }, async () => {
  await buildBundles();
  mkdirSync(shotsDir, { recursive: true });
  const data = await loadRunData(fixture('run1'));
  const nPred = data.predictions!.rows.length;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`file://${writeRunPage('run1', data)}`);
    await page.waitForSelector('canvas#parity-band_gap[data-points]');
    await page.waitForSelector('canvas#curve[data-points]');
    await page.waitForTimeout(200);
    const pts = await page.getAttribute('canvas#parity-band_gap', 'data-points');
    assert.equal(Number(pts), nPred);
    const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; chart?: string; points?: number; series?: string[] }[] }).__posted);
    const parity = posted.find((m) => m.type === 'rendered' && m.chart === 'parity');
    assert.ok(parity, 'a rendered report for the parity chart was posted');
    assert.equal(parity.points, nPred);
    assert.deepEqual(parity.series, ['band_gap', 'y = x']);
    const curve = posted.find((m) => m.type === 'rendered' && m.chart === 'curve');
    assert.equal(curve?.points, data.manifest.curve.length);
    const magenta = await countColor(page, 'canvas#parity-band_gap', SERIES_RGB);
    assert.ok(magenta >= nPred * 4, `expected the ${nPred} parity points painted in the series colour, found ${magenta} pixels`);
    const label = await page.getAttribute('canvas#parity-band_gap', 'aria-label');
    assert.match(label ?? '', new RegExp(`${nPred} out-of-fold predictions`));
    await page.screenshot({ path: join(shotsDir, 'run-overview-dark.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
