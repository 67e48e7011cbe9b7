// Function targets (issue 17): "Train" on the functional example (ZT(T) curves in long format) opens the run results
// editor with a "Curves" tab whose observed-vs-predicted chart (90% band) and suggested-candidate curves are painted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  openSession, openFile, waitForCodeLens, findWebview, assertCanvasDrew, screenshot, onFailScreenshot, unlessErrorToast, env,
} from '../helpers.mjs';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'functional-zt');
const SPEC = 'functional-zt/functional-zt-e2e.mi.yaml';
let s;
const t = (title, fn, opts) => test(title, { timeout: 360_000, ...opts }, onFailScreenshot(() => s, title, fn));
before(async () => {
  s = await openSession('functional', {
    prepare: (ws) => {
      cpSync(EXAMPLE, join(ws, 'functional-zt'), { recursive: true, filter: (src) => basename(src) !== 'runs' });
      // the example's spec with a quicker model (the example itself uses model: auto, minutes on 2 cores)
      const spec = readFileSync(join(EXAMPLE, 'functional-zt.mi.yaml'), 'utf8')
        .replace(/^name: .*$/m, 'name: functional-zt-e2e')
        .replace(/^model: .*$/m, 'model: {type: kronecker-gp, ard: false}')
        .replace(/folds: 5/, 'folds: 3');
      writeFileSync(join(ws, SPEC), spec);
    },
  });
});
after(() => s?.close());

async function seriesColour(frame, n) {
  const names = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
  return frame.locator('body').evaluate((b, v) => getComputedStyle(document.documentElement).getPropertyValue(v).trim()
    || getComputedStyle(b).getPropertyValue(v).trim(), `--vscode-charts-${names[n]}`);
}

t('"Train" on a long-format function target shows predicted curves with their 90% band in the Curves tab', async (ctx) => {
  assert.ok(existsSync(join(s.ws, SPEC)), `${SPEC} missing from the workspace`);
  await openFile(s.page, basename(SPEC));
  const lens = await waitForCodeLens(s.page, 'Train', { timeout: 60_000 });
  await lens.click();
  const view = await unlessErrorToast(s.page, (async () => {
    const v = await findWebview(s.page, 'vscode-tab-header:has-text("Curves")', { timeout: 300_000 });
    await v.locator('.badge.completed').first().waitFor({ timeout: 300_000 });
    return v;
  })());
  await view.locator('vscode-tab-header', { hasText: 'Curves' }).click();
  const canvas = view.locator('canvas#curve-sample[data-rendered="true"]');
  await canvas.waitFor({ timeout: 30_000 });
  const points = Number(await canvas.getAttribute('data-points'));
  assert.ok(points >= 8 + 5, `observed + predicted points drawn (${points})`);
  const px = await assertCanvasDrew(view, 'canvas#curve-sample', await seriesColour(view, 0), { min: 300 });
  await view.locator('canvas#curve-error[data-rendered="true"]').waitFor();
  const sug = view.locator('canvas#curve-suggestions[data-rendered="true"]');
  await sug.waitFor();
  assert.equal(Number(await sug.getAttribute('data-points')), 4 * 8, '4 suggested candidates x 8 grid points');
  await assertCanvasDrew(view, 'canvas#curve-suggestions', await seriesColour(view, 0), { min: 100 });
  await screenshot(s.page, 'functional-01-curves');
  ctx.diagnostic(`curve-sample: ${points} points, ${px} series-colour pixels; workspace ${env.runDir}`);
});
