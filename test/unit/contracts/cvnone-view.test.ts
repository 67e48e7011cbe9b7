/** Issue 14 item 1: the run view renders a `cv: none` run (no metrics, no predictions.csv) without errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeNonce, webviewHtml } from '../../../src/extension/editors/html';
import { buildBundles, bundlePath, launch, loadRunData, outDir, root, skipReason, themeVars } from '../webview/harness';
import { executeRun } from '../../../src/core/run';

test('a cv: none run opens in the run view: summary shown, no metrics table, no page errors', { skip: skipReason() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-cvnone-view-'));
  copyFileSync(join(root, 'test/fixtures/run/tiny.csv'), join(dir, 'tiny.csv'));
  writeFileSync(join(dir, 's.mi.yaml'), 'version: 1\nname: s\ndataset:\n  path: tiny.csv\n  id: id\n  inputs: [{columns: [x1, x2], kind: numeric}]\n  targets: [{column: y}]\nmodel: {type: ridge}\nevaluation: {cv: none}\n');
  const { manifestPath, manifest } = await executeRun(join(dir, 's.mi.yaml'), { out: join(dir, 'runs') });
  assert.equal(manifest.status, 'completed');
  await buildBundles();
  const data = await loadRunData(dirname(manifestPath));
  const nonce = makeNonce();
  const stub = `<script nonce="${nonce}">
window.acquireVsCodeApi = () => ({ postMessage(m) { if (m.type === 'ready') setTimeout(() => window.postMessage({ type: 'init', data: window.__data, canEdit: false }, '*'), 0); }, getState() { return {}; }, setState() {} });
</script><script nonce="${nonce}">window.__data = ${JSON.stringify(data).replace(/</g, '\\u003c')};</script><style nonce="${nonce}">${themeVars()}</style>`;
  mkdirSync(outDir, { recursive: true });
  const page = join(outDir, 'cvnone.html');
  writeFileSync(page, webviewHtml({ scriptUri: `file://${bundlePath('run')}`, cspSource: 'file:', nonce, title: 'run', bodyClass: 'vscode-dark', extraHead: stub }));
  const browser = await launch();
  try {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await p.goto(`file://${page}`);
    await p.waitForFunction(() => document.body.innerText.includes('Summary'));
    const text = await p.evaluate(() => document.body.innerText);
    assert.ok(!text.includes('Cross-validation metrics'), 'no metrics table for a run without CV');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
