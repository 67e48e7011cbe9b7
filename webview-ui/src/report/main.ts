/**
 * Entry of the static HTML report (dist/webview/report.js, inlined by `mi-studio report`): the same run view,
 * laid out as one page, reading the run data embedded in `<script type="application/json" id="mi-run-data">`.
 * No VS Code here: a tiny shim stands in for acquireVsCodeApi (state in memory; `rendered` reports kept on window).
 */
import type { RunRequests, RunViewData } from '../../../src/protocol/webview';
import { adoptCss, h } from '../shared/dom';
import { HostChannel, type VsCodeApi } from '../shared/host';
import { baseCss } from '../shared/styles';
import { onThemeChange } from '../shared/theme';
import { RunView } from '../run/view';

declare global {
  interface Window {
    __miRendered?: unknown[];
  }
}

let state: unknown;
const shim: VsCodeApi = {
  postMessage: (m) => {
    (window.__miRendered ??= []).push(m);
  },
  getState: () => state,
  setState: (s) => {
    state = s;
  },
};

adoptCss(baseCss);
const root = document.getElementById('root') ?? document.body.appendChild(h('main', { id: 'root' }));
try {
  const el = document.getElementById('mi-run-data');
  if (!el?.textContent) throw new Error('no embedded run data');
  const data = JSON.parse(el.textContent) as RunViewData;
  const view = new RunView(root, data, { mode: 'page', host: new HostChannel<RunRequests>(shim), canEdit: false });
  onThemeChange(() => view.retheme());
  document.body.dataset.ready = 'true';
} catch (e) {
  root.append(h('p', { class: 'error', role: 'alert' }, `Could not render the report: ${(e as Error).message}`));
}
