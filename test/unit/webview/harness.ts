/**
 * Shared helpers of the webview tests: builds the webview bundles with esbuild (same options as scripts/build.mjs),
 * launches Debian's headless Chromium through playwright-core, and writes test pages that load a bundle behind the
 * real CSP shell with a stub `acquireVsCodeApi` (a fake host).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunViewData } from '../../../src/protocol/webview';
import { buildRunViewData } from '../../../src/runview/build';
import { nodeRunFolder } from '../../../src/runview/folder';
import { makeNonce, webviewHtml } from '../../../src/extension/editors/html';

export const root = process.env.MI_ROOT ?? process.cwd();
export const CHROMIUM = '/usr/bin/chromium';
/** Per test process: node --test runs test files in parallel processes, each builds its own bundles. */
export const outDir = join(tmpdir(), 'mi-webview-test', String(process.pid));
export const shotsDir = join(root, 'test-results', 'webview');

/** Why the browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium) — skipping the headless-browser webview tests`;
  return undefined;
}

let built: Promise<void> | undefined;
/** Bundles webview-ui/src/{run,dataset,report}/main.ts into out/webview-test/ (once per process). */
export function buildBundles(): Promise<void> {
  built ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    mkdirSync(outDir, { recursive: true });
    await esbuild.build({
      entryPoints: ['run', 'dataset', 'report'].map((n) => join(root, 'webview-ui', 'src', n, 'main.ts')),
      outdir: outDir,
      entryNames: '[dir]',
      outbase: join(root, 'webview-ui', 'src'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      logLevel: 'warning',
      absWorkingDir: root,
    });
  })();
  return built;
}
export const bundlePath = (name: 'run' | 'dataset' | 'report'): string => join(outDir, `${name}.js`);

export async function launch(): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function loadRunData(dir: string): Promise<RunViewData> {
  return buildRunViewData(nodeRunFolder(dir), basename(dir));
}

/** Test colours: the run view's first series colour is --vscode-charts-blue; make it an exact, rare RGB. */
export const SERIES_RGB: [number, number, number] = [255, 0, 255];
export const themeVars = (bg = '#1e1e1e', fg = '#d4d4d4', border = bg === '#ffffff' ? '#d4d4d4' : '#555555'): string =>
  `:root { --vscode-charts-blue: rgb(${SERIES_RGB.join(',')}); --vscode-editor-background: ${bg}; --vscode-foreground: ${fg}; --vscode-editor-foreground: ${fg}; ` +
  `--vscode-font-family: 'DejaVu Sans', sans-serif; --vscode-font-size: 13px; --vscode-editorWidget-border: ${border}; --vscode-descriptionForeground: #8b8b8b; ` +
  `--vscode-settings-headerBorder: ${border}; --vscode-panelTitle-activeForeground: ${fg}; --vscode-panelTitle-inactiveForeground: #8b8b8b; --vscode-panel-background: ${bg}; ` +
  // the controls (@vscode-elements) read these: without them a light page showed dark dropdowns and inputs
  `--vscode-dropdown-background: ${bg}; --vscode-dropdown-foreground: ${fg}; --vscode-dropdown-border: ${border}; --vscode-dropdown-listBackground: ${bg}; ` +
  `--vscode-input-background: ${bg}; --vscode-input-foreground: ${fg}; --vscode-input-border: ${border}; --vscode-settings-dropdownBackground: ${bg}; ` +
  `--vscode-settings-dropdownForeground: ${fg}; --vscode-settings-dropdownBorder: ${border}; --vscode-list-activeSelectionBackground: ${border}; --vscode-list-activeSelectionForeground: ${fg}; }`;

/** Counts pixels of exactly `rgb` (opaque) on a canvas. */
export async function countColor(page: Page | import('playwright-core').Frame, selector: string, rgb: [number, number, number]): Promise<number> {
  return page.$eval(
    selector,
    (el, c) => {
      const cv = el as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] === c[0] && d[i + 1] === c[1] && d[i + 2] === c[2] && d[i + 3] === 255) n++;
      return n;
    },
    rgb,
  );
}

export function readText(p: string): string {
  return readFileSync(p, 'utf8');
}

/** The fake host's default answers (inside `postMessage(m)`): every request is recorded in `window.__requests` and
 *  succeeds (export/copy/save; appendPending appends every rank). */
const DEFAULT_REPLIES = `if (m.type === 'request') { window.__requests.push(m); setTimeout(() => window.postMessage({ type: 'reply', id: m.id, ok: true, result: m.method === 'appendPending' ? { appended: m.params.ranks.length, path: 'data.csv' } : { saved: true, copied: true, path: '/tmp/x.csv' } }, '*'), 0); }`;

/**
 * Writes a page that loads the run view (run.js) behind the real CSP shell with a fake host: it records every posted
 * message in `window.__posted`, answers `ready` with `init` (the data), and requests with `replies` (JS run inside
 * `postMessage(m)`; default: DEFAULT_REPLIES). `globals` become `window.__<name>` beside `window.__data`;
 * `freshState` makes getState() return undefined, as in a webview that never saved state.
 */
export function writeRunPage(
  name: string,
  data: RunViewData,
  opts: { bodyClass?: string; vars?: string; replies?: string; globals?: Record<string, unknown>; freshState?: boolean } = {},
): string {
  const nonce = makeNonce();
  const json = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');
  const globals = Object.entries(opts.globals ?? {}).map(([k, v]) => ` window.__${k} = ${json(v)};`).join('');
  const stub = `<script nonce="${nonce}">
window.__posted = []; window.__requests = []; let st = ${opts.freshState ? 'undefined' : '{}'};
window.acquireVsCodeApi = () => ({
  postMessage(m) {
    window.__posted.push(m);
    if (m.type === 'ready') setTimeout(() => window.postMessage({ type: 'init', data: window.__data, canEdit: true }, '*'), 0);
    ${opts.replies ?? DEFAULT_REPLIES}
  },
  getState() { return st; }, setState(s) { st = s; },
});
</script>
<script nonce="${nonce}" id="data-holder">window.__data = ${json(data)};${globals}</script>
<style nonce="${nonce}">${opts.vars ?? themeVars()}</style>`;
  const html = webviewHtml({ scriptUri: `file://${bundlePath('run')}`, cspSource: 'file:', nonce, title: 'run', bodyClass: opts.bodyClass ?? 'vscode-dark', extraHead: stub });
  mkdirSync(outDir, { recursive: true });
  const p = join(outDir, `${name}.html`);
  writeFileSync(p, html);
  return p;
}
