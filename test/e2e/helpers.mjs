// Helpers shared by the E2E suites (test/e2e/suites/*.test.mjs). The runner (run.mjs) starts code-server and passes:
//   MI_E2E_URL (http://127.0.0.1:PORT), MI_E2E_RUN_DIR (temp run folder), MI_E2E_WS_TEMPLATE (workspace to copy),
//   MI_E2E_PROFILE (code-server user-data-dir: logs live there), MI_E2E_RESULTS (test-results/e2e).
// Each suite opens its own window on its own copy of the workspace (openSession), so suites never see each other's
// editors or files. Selectors are for VS Code 1.100 (code-server 4.100.3).
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const env = {
  url: process.env.MI_E2E_URL,
  runDir: process.env.MI_E2E_RUN_DIR,
  wsTemplate: process.env.MI_E2E_WS_TEMPLATE,
  profile: process.env.MI_E2E_PROFILE,
  results: process.env.MI_E2E_RESULTS ?? join(process.cwd(), 'test-results', 'e2e'),
};
if (!env.url || !env.runDir) {
  throw new Error('E2E suites are started by the runner: node test/e2e/run.mjs [suite-name]');
}
const EXT_ID = 'mi-studio.mi-studio';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- session (browser + workbench window) ----------------------------------------------------------------------------
/**
 * Copy the workspace template to <run>/ws/<name> (or create it from `files` when `empty` is set), launch Debian's
 * Chromium with a fresh profile and open the workbench on that folder. Call `close()` when done (e.g. in `after`).
 * @param {string} name  unique per suite (folder and screenshot prefix)
 * @param {{ empty?: boolean, files?: Record<string,string>, prepare?: (ws: string) => Promise<void> }} [opts]
 *   `prepare` runs after the copy and before the window opens (e.g. to generate large files)
 */
export async function openSession(name, opts = {}) {
  const ws = join(env.runDir, 'ws', name);
  rmSync(ws, { recursive: true, force: true });
  if (opts.empty) mkdirSync(ws, { recursive: true });
  else cpSync(env.wsTemplate, ws, { recursive: true });
  for (const [rel, text] of Object.entries(opts.files ?? {})) {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  }
  if (opts.prepare) await opts.prepare(ws);
  const chromeProfile = mkdtempSync(join(env.runDir, `chrome-${name}-`));
  const hostsBefore = extensionHostLogs();
  const ctx = await chromium.launchPersistentContext(chromeProfile, {
    executablePath: process.env.MI_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    handleSIGINT: false, handleSIGTERM: false, // the runner owns teardown
  });
  const page = ctx.pages()[0] ?? await ctx.newPage();
  page.setDefaultTimeout(30_000);
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const s = {
    name, ws, page, ctx, consoleErrors,
    /** the extension host log of THIS window (the exthost folder that appeared after the window opened) */
    exthostLog: () => {
      const now = extensionHostLogs().filter((f) => !hostsBefore.includes(f));
      return now.map((f) => readFileSync(f, 'utf8')).join('\n');
    },
    close: async () => {
      await ctx.close().catch(() => {});
      rmSync(chromeProfile, { recursive: true, force: true });
    },
  };
  await page.goto(`${env.url}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return s;
}

/** All remote extension host logs of the code-server profile (one folder per extension host = per window). */
export function extensionHostLogs() {
  const root = join(env.profile, 'logs');
  const out = [];
  if (!existsSync(root)) return out;
  for (const d of readdirSync(root)) {
    const dir = join(root, d);
    if (!statSync(dir).isDirectory()) continue;
    for (const sub of readdirSync(dir)) {
      const f = join(dir, sub, 'remoteexthost.log');
      if (sub.startsWith('exthost') && existsSync(f)) out.push(f);
    }
  }
  return out;
}

/** Wait until this window's extension host log shows MI Studio's activation; returns the activation event. */
export async function waitForActivation(s, timeout = 30_000) {
  const re = new RegExp(`ExtensionService#_doActivateExtension ${EXT_ID.replace('.', '\\.')}[^\\n]*activationEvent: '([^']+)'`);
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const m = re.exec(s.exthostLog());
    if (m) return m[1];
    await sleep(250);
  }
  throw new Error(`${EXT_ID} was not activated within ${timeout} ms (no _doActivateExtension line in the extension host log)`);
}

// ---- screenshots -----------------------------------------------------------------------------------------------------
/** Save a PNG of the whole window to test-results/e2e/<name>.png and return its path. */
export async function screenshot(page, name) {
  mkdirSync(env.results, { recursive: true });
  const path = join(env.results, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path }).catch(() => {});
  return path;
}
/**
 * node:test `test()` wrapper: on failure, saves a screenshot FAIL-<suite>-<test>.png before rethrowing.
 * Usage: uiTest(s, 'title', async () => { ... }) — pass the session holder (object with .page) lazily.
 */
export function onFailScreenshot(getSession, title, fn) {
  return async (t) => {
    try { await fn(t); } catch (e) {
      const s = getSession();
      if (s?.page) await screenshot(s.page, `FAIL-${s.name}-${title}`);
      throw e;
    }
  };
}

// ---- workbench actions -----------------------------------------------------------------------------------------------
const quickInput = (page) => page.locator('.quick-input-widget input.input');
const quickRows = (page) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

/** Close any open quick input / suggest / hover. */
export async function escape(page, times = 2) {
  for (let i = 0; i < times; i++) { await page.keyboard.press('Escape'); await sleep(50); }
}

/** Quick Open (Ctrl+P) a workspace file by name or relative path; waits for the result row and the active tab. */
export async function openFile(page, fileName, { timeout = 30_000 } = {}) {
  const base = fileName.split('/').pop();
  const active = page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: base });
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await escape(page);
      await page.keyboard.press('Control+P');
      await quickInput(page).waitFor({ state: 'visible' });
      await quickInput(page).fill(fileName);
      // file search runs ripgrep in the remote extension host: results arrive 1-4 s later; Enter earlier opens nothing
      const row = quickRows(page).filter({ has: page.locator('.label-name', { hasText: base }) }).first();
      await row.waitFor({ timeout });
      await row.click();
      await active.waitFor({ timeout: 10_000 });
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout: 10_000 });
      return;
    } catch (e) { lastErr = e; }
  }
  throw lastErr;
}

/** Run a palette command by its full title, e.g. 'MI Studio: Train' (waits for the exact row to be listed). */
export async function runCommand(page, title, { timeout = 15_000 } = {}) {
  // The palette can close under us (a run tab reopening or a notification takes the focus): then the row is still
  // in the DOM but hidden. Open it again, up to three times, instead of waiting for a hidden row.
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await openPalette(page);
      await quickInput(page).fill('>' + title);
      const row = quickRows(page).filter({ has: page.locator('.label-name', { hasText: title }) }).first();
      await row.waitFor({ state: 'visible', timeout });
      // the list filters as it renders: click the exact row rather than pressing Enter on whichever is focused
      await row.click({ timeout: 5_000 });
      return;
    } catch (e) {
      lastErr = e;
    }
  }
  throw lastErr;
}

async function openPalette(page) {
  await escape(page);
  await page.keyboard.press('Control+Shift+P');
  // A webview that just opened (e.g. a run's results) can hold the keyboard focus and swallow the shortcut: give the
  // focus back to the workbench (the explorer's title) and press again until the palette is open.
  for (let i = 0; i < 3; i++) {
    try {
      await quickInput(page).waitFor({ state: 'visible', timeout: 5_000 });
      return;
    } catch {
      const text = page.locator('.editor-group-container .monaco-editor .view-lines').first();
      if (await text.isVisible().catch(() => false)) await text.click().catch(() => {});
      else await page.locator('.part.sidebar .composite.title').first().click().catch(() => {});
      await escape(page);
      await page.keyboard.press('Control+Shift+P');
    }
  }
  await quickInput(page).waitFor({ state: 'visible' });
}

/** Wait for a code lens whose text contains `text` in the active editor; returns its locator. */
export async function waitForCodeLens(page, text, { timeout = 30_000 } = {}) {
  const lens = page.locator('.editor-group-container.active .codelens-decoration a', { hasText: text }).first();
  await lens.waitFor({ timeout });
  return lens;
}
/** Texts of all code lenses in the active editor. */
export async function codeLensTexts(page) {
  return page.locator('.editor-group-container.active .codelens-decoration a').allInnerTexts();
}

/**
 * Find the webview whose content contains `selector`. Webviews are two iframes deep:
 * <iframe class="webview ready"> → <iframe id="active-frame"> with the extension's HTML; several may exist at once.
 * @returns {Promise<import('playwright-core').FrameLocator>}
 */
export async function findWebview(page, selector, { timeout = 30_000 } = {}) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const outers = page.locator('iframe.webview.ready');
    const n = await outers.count();
    for (let i = 0; i < n; i++) {
      const inner = outers.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
      if (await inner.locator(selector).count().catch(() => 0)) return inner;
    }
    await sleep(250);
  }
  throw new Error(`no webview containing ${selector} within ${timeout} ms`);
}

/** Errors + warnings from the status bar's problems counter: { errors, warnings }. */
export async function problemsCount(page) {
  const item = page.locator('#status\\.problems');
  await item.waitFor();
  const label = (await item.getAttribute('aria-label').catch(() => null)) ?? '';
  const text = await item.innerText();
  // aria-label reads e.g. "Errors: 1, Warnings: 0" (VS Code 1.100); the visible text is "⊗ 1 ⚠ 0"
  let m = /Errors?: (\d+)/i.exec(label);
  const w = /Warnings?: (\d+)/i.exec(label);
  if (m) return { errors: Number(m[1]), warnings: w ? Number(w[1]) : 0 };
  const nums = text.match(/\d+/g)?.map(Number) ?? [];
  if (nums.length >= 2) return { errors: nums[0], warnings: nums[1] };
  if (/no problems/i.test(label + text)) return { errors: 0, warnings: 0 };
  throw new Error(`cannot parse problems counter: text=${JSON.stringify(text)} aria-label=${JSON.stringify(label)}`);
}
/** Poll problemsCount until pred(counts) holds; returns the counts. */
export async function waitForProblems(page, pred, { timeout = 30_000 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await problemsCount(page).catch(() => undefined);
    if (last && pred(last)) return last;
    await sleep(250);
  }
  throw new Error(`problems counter never satisfied ${pred} (last: ${JSON.stringify(last)})`);
}

/** Text of the active editor's status-bar language mode item (e.g. "MI Spec"). */
export async function languageMode(page) {
  return (await page.locator('#status\\.editor\\.mode').innerText()).trim();
}

/** Put the cursor at (1-based) line:col of the active editor via Quick Open's ":line:col" (Ctrl+G is not bound in the browser). */
export async function goToLine(page, line, col = 1) {
  await escape(page);
  await page.keyboard.press('Control+P');
  await quickInput(page).waitFor({ state: 'visible' });
  await quickInput(page).fill(`:${line}:${col}`);
  await quickRows(page).filter({ hasText: `${line}` }).first().waitFor({ timeout: 5000 }).catch(() => {});
  await page.keyboard.press('Enter');
  await sleep(150);
}

/**
 * 1-based line numbers under error squiggles in the active editor: each `.squiggly-error` decoration's top is matched
 * to the line-number gutter row at the same height.
 */
export async function squiggleLines(page, cls = 'squiggly-error') {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  return editor.evaluate((el, cls) => {
    const lines = [...el.querySelectorAll('.margin-view-overlays .line-numbers')].map((n) => {
      const r = n.getBoundingClientRect();
      return { line: Number(n.textContent.trim()), top: r.top, bottom: r.bottom };
    });
    const out = new Set();
    for (const d of el.querySelectorAll(`.view-overlays .${cls}, .${cls}`)) {
      const r = d.getBoundingClientRect();
      const mid = (r.top + r.bottom) / 2;
      const hit = lines.find((l) => mid >= l.top && mid <= l.bottom);
      if (hit) out.add(hit.line);
    }
    return [...out].sort((a, b) => a - b);
  }, cls);
}

/** Visible suggest widget labels after triggering suggest (Ctrl+Space) at the cursor. */
export async function triggerSuggest(page, { timeout = 15_000, expect } = {}) {
  await page.keyboard.press('Control+Space');
  const widget = page.locator('.editor-widget.suggest-widget.visible');
  await widget.waitFor({ timeout });
  const rows = widget.locator('.monaco-list-row');
  const end = Date.now() + timeout;
  let labels = [];
  while (Date.now() < end) {
    labels = (await rows.locator('.label-name').allInnerTexts().catch(() => [])).map((l) => l.trim());
    if (labels.length && (!expect || expect.every((e) => labels.includes(e)))) break;
    await sleep(200);
  }
  return labels;
}

/** Hover over the text `word` on a 1-based line of the active editor; returns the hover widget's text. */
export async function hoverText(page, line, word, { timeout = 15_000 } = {}) {
  const view = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  const box = await view.evaluate((el, { line, word }) => {
    // view-lines children are absolutely positioned rows; match the row at the height of the gutter's line number
    const ed = el.closest('.monaco-editor');
    const numRow = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].find((n) => n.textContent.trim() === String(line));
    if (!numRow) return null;
    const top = numRow.getBoundingClientRect().top;
    const row = [...el.children].find((r) => Math.abs(r.getBoundingClientRect().top - top) < 3);
    if (!row) return null;
    // exact rectangle of the word's characters (a token span may hold more than the word)
    const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.textContent.indexOf(word);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(n, i); range.setEnd(n, i + word.length);
      const r = range.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    return null;
  }, { line, word });
  if (!box) throw new Error(`"${word}" not visible on line ${line}`);
  await page.mouse.move(box.x + box.width / 2 - 1, box.y + box.height / 2 - 1);
  await sleep(50);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents').first();
  await hover.waitFor({ state: 'visible', timeout });
  await sleep(150);
  return (await hover.innerText()).trim();
}

/** Text of the active editor (from the model via the DOM is lossy; read the file instead when saved). */
export function readWs(s, rel) { return readFileSync(join(s.ws, rel), 'utf8'); }

// ---- canvas ----------------------------------------------------------------------------------------------------------
/**
 * Count pixels of one exact series colour (±tol per channel, alpha > 200) in a canvas inside a webview and assert there
 * are at least `min`. An empty Chart.js chart paints thousands of axis/grid/legend pixels, so counting non-transparent
 * pixels proves nothing; the series colour only appears where data was drawn.
 * @param {import('playwright-core').FrameLocator} frame
 * @param {string} canvasSelector
 * @param {[number,number,number]|string} rgb  [r,g,b] or a CSS colour ('#1f77b4', 'rgb(…)')
 */
export async function assertCanvasDrew(frame, canvasSelector, rgb, { min = 30, tol = 6 } = {}) {
  const canvas = frame.locator(canvasSelector).first();
  await canvas.waitFor();
  const n = await canvas.evaluate((c, { rgb, tol }) => {
    let target = rgb;
    if (typeof rgb === 'string') {
      const ctx0 = document.createElement('canvas').getContext('2d');
      ctx0.fillStyle = rgb; ctx0.fillRect(0, 0, 1, 1);
      target = [...ctx0.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    }
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let k = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 200 && Math.abs(d[i] - target[0]) <= tol && Math.abs(d[i + 1] - target[1]) <= tol && Math.abs(d[i + 2] - target[2]) <= tol) k++;
    }
    return k;
  }, { rgb, tol });
  assert.ok(n >= min, `canvas ${canvasSelector}: ${n} pixels of series colour ${JSON.stringify(rgb)} (want >= ${min})`);
  return n;
}

/** Wait until a file exists in the workspace (written by the extension); returns its absolute path. */
export async function waitForFile(path, { timeout = 30_000 } = {}) {
  const end = Date.now() + timeout;
  while (Date.now() < end) { if (existsSync(path)) return path; await sleep(200); }
  throw new Error(`timeout waiting for ${path}`);
}

/**
 * Resolve with `work`, but reject as soon as an error notification matching `re` shows up (e.g. "train … failed"),
 * with the notification's text, so a failing run fails the test at once instead of after the full timeout.
 */
export async function unlessErrorToast(page, work, re = /MI Studio: .* failed/) {
  let stop = false;
  const watch = (async () => {
    while (!stop) {
      const toasts = page.locator('.notification-toast').filter({ has: page.locator('.codicon-error') });
      const texts = await toasts.allInnerTexts().catch(() => []);
      const hit = texts.find((x) => re.test(x));
      if (hit) throw new Error(`error notification: ${hit.replace(/\s+/g, ' ').trim()}`);
      await sleep(500);
    }
  })();
  try { return await Promise.race([work, watch]); } finally { stop = true; watch.catch(() => {}); }
}

/**
 * From a clean window (no editors, no notifications): open the workspace's `good.mi.yaml`, click its Train lens and
 * wait for the completed run's view with the parity plot drawn; returns that webview.
 */
export async function trainGoodSpec(page) {
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Notifications: Clear All Notifications');
  await openFile(page, 'good.mi.yaml');
  await (await waitForCodeLens(page, 'Train', { timeout: 30_000 })).click();
  return unlessErrorToast(page, (async () => {
    const v = await findWebview(page, '.badge.completed', { timeout: 180_000 });
    await v.locator('canvas#parity-gap[data-rendered="true"]').waitFor({ timeout: 60_000 });
    return v;
  })());
}

/** Labels of all editor tabs (the text VS Code shows on each tab), as read from the DOM. */
export async function tabLabels(page) {
  return (await page.locator('.tabs-container .tab .label-name').allInnerTexts().catch(() => [])).map((l) => l.trim());
}
