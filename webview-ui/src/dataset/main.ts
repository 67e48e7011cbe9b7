/**
 * Dataset viewer webview (dist/webview/dataset.js): a virtualised table (fixed row height, only the visible rows in
 * the DOM, pages of rows fetched from the host on demand), column summaries with a histogram per numeric column,
 * and a scatter plot of any two columns.
 */
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { DatasetColumnSummary, DatasetInfo, DatasetRequests, HostToDatasetView } from '../../../src/protocol/webview';
import { applyChartTheme, axisTitle, createChart } from '../shared/charts';
import { adoptCss, fmt, h } from '../shared/dom';
import { getVsCodeApi, HostChannel } from '../shared/host';
import { baseCss } from '../shared/styles';
import { onThemeChange, readTheme, withAlpha, type Theme } from '../shared/theme';

const ROW_H = 22;
const PAGE = 200;
const MAX_SCROLL_PX = 8_000_000;
const MAX_PAGES = 60;

adoptCss(
  baseCss +
    `
.viewport { position: relative; overflow: auto; height: calc(100vh - 150px); min-height: 200px; border: 1px solid var(--vscode-editorWidget-border, #454545); }
.viewport:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0078d4); }
.vhead { position: sticky; top: 0; z-index: 2; display: flex; background: var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background, #1e1e1e)); font-weight: 600; border-bottom: 1px solid var(--vscode-editorWidget-border, #454545); }
.spacer { position: relative; }
.vrow { position: absolute; left: 0; display: flex; height: ${ROW_H}px; line-height: ${ROW_H}px; }
.vrow:nth-child(even) { background: var(--vscode-list-hoverBackground, rgba(128,128,128,0.07)); }
.cell { flex: none; padding: 0 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; box-sizing: border-box; border-right: 1px solid var(--vscode-editorWidget-border, rgba(128,128,128,0.25)); font-variant-numeric: tabular-nums; }
.cell.rn { color: var(--vscode-editorLineNumber-foreground, #858585); text-align: right; }
.cell.num { text-align: right; }
.vhead .cell { line-height: ${ROW_H + 2}px; }
.pending { color: var(--vscode-descriptionForeground, #9d9d9d); font-style: italic; }
`,
);

const host = new HostChannel<DatasetRequests>(getVsCodeApi());
const root = document.getElementById('root') ?? document.body.appendChild(h('main', { id: 'root' }));

interface ViewState {
  tab?: number;
  scrollTop?: number;
  histColumn?: string;
  scatterX?: string;
  scatterY?: string;
}
let state: ViewState = (host.api.getState() as ViewState | undefined) ?? {};
const saveState = (p: Partial<ViewState>): void => {
  state = { ...state, ...p };
  host.api.setState(state);
};

let info: DatasetInfo | undefined;
let totalRows = 0;
let indexDone = false;
let summary: { columns: DatasetColumnSummary[]; sampled: boolean; sampleRows: number; rows: number } | undefined;
let theme: Theme = readTheme();
applyChartTheme(theme);

const pages = new Map<number, string[][]>();
const inflight = new Set<number>();
const status = h('span', { class: 'muted', role: 'status', 'aria-live': 'polite' });

// --------------------------------------------------------------------------- layout

const title = h('h1', {}, 'Dataset');
const tabs = h('vscode-tabs', { 'aria-label': 'Dataset views' });
const panelTable = h('vscode-tab-panel', { id: 'panel-table' });
const panelColumns = h('vscode-tab-panel', { id: 'panel-columns' });
const panelScatter = h('vscode-tab-panel', { id: 'panel-scatter' });
tabs.append(
  h('vscode-tab-header', { slot: 'header' }, 'Table'),
  panelTable,
  h('vscode-tab-header', { slot: 'header' }, 'Columns'),
  panelColumns,
  h('vscode-tab-header', { slot: 'header' }, 'Scatter'),
  panelScatter,
);
tabs.setAttribute('selected-index', String(state.tab ?? 0));
tabs.addEventListener('vsc-tabs-select', (ev: Event) => {
  const i = (ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  saveState({ tab: i });
  requestAnimationFrame(() => {
    if (i === 0) renderRows();
    if (i === 1) renderColumns();
    if (i === 2) renderScatter();
  });
});
root.replaceChildren(h('header', {}, title, status), tabs);
root.removeAttribute('aria-busy');

// --------------------------------------------------------------------------- virtual table

const viewport = h('div', { class: 'viewport', id: 'viewport', tabindex: 0, role: 'grid', 'aria-label': 'Dataset rows (scroll or use Page Up/Down)' });
const vhead = h('div', { class: 'vhead', role: 'row' });
const spacer = h('div', { class: 'spacer' });
viewport.append(vhead, spacer);
panelTable.append(viewport);
let widths: number[] = [];
const maxLen: number[] = [];
let rnWidth = 60;
let numericCols = new Set<number>();

function scrollHeight(): number {
  return Math.min(totalRows * ROW_H, MAX_SCROLL_PX);
}

function setupHeader(): void {
  if (!info) return;
  rnWidth = Math.max(50, String(totalRows || 1).length * 8 + 16);
  // widths from the header and the longest value seen so far (they only grow; ~7.5 px per character)
  widths = info.header.map((name, j) => Math.min(320, Math.max(60, Math.ceil(Math.max(name.length, maxLen[j] ?? 0) * 7.5) + 18)));
  vhead.replaceChildren(
    h('div', { class: 'cell rn', role: 'columnheader' }, '#'),
    ...info.header.map((name, j) => {
      const c = h('div', { class: `cell${numericCols.has(j) ? ' num' : ''}`, role: 'columnheader', title: name }, name);
      c.style.width = `${widths[j]}px`;
      return c;
    }),
  );
  (vhead.firstChild as HTMLElement).style.width = `${rnWidth}px`;
  const total = rnWidth + widths.reduce((a, b) => a + b, 0);
  vhead.style.width = `${total}px`;
  spacer.style.width = `${total}px`;
  spacer.style.height = `${scrollHeight()}px`;
  viewport.setAttribute('aria-rowcount', String(totalRows + 1));
  viewport.setAttribute('aria-colcount', String(info.header.length + 1));
}

/** First visible row for the current scroll position (scaled when the table is taller than MAX_SCROLL_PX). */
function firstVisibleRow(): number {
  const visible = Math.ceil(viewport.clientHeight / ROW_H);
  const sh = scrollHeight();
  if (totalRows * ROW_H <= MAX_SCROLL_PX) return Math.floor(viewport.scrollTop / ROW_H);
  const frac = viewport.scrollTop / Math.max(1, sh - viewport.clientHeight);
  return Math.floor(frac * Math.max(0, totalRows - visible + 1));
}

function requestPage(p: number): void {
  if (pages.has(p) || inflight.has(p)) return;
  inflight.add(p);
  host
    .request('page', { start: p * PAGE, count: PAGE })
    .then((r) => {
      pages.set(p, r.rows);
      let grew = false;
      for (const row of r.rows.slice(0, PAGE)) {
        row.forEach((c, j) => {
          if (c.length > (maxLen[j] ?? 0) && (maxLen[j] ?? 0) < 40) {
            maxLen[j] = Math.min(40, c.length);
            grew = true;
          }
        });
      }
      if (grew) setupHeader();
      if (pages.size > MAX_PAGES) {
        const cur = Math.floor(firstVisibleRow() / PAGE);
        for (const k of pages.keys()) if (Math.abs(k - cur) > 4 && pages.size > MAX_PAGES) pages.delete(k);
      }
      renderRows();
    })
    .catch((e: Error) => (status.textContent = `Could not read rows: ${e.message}`))
    .finally(() => inflight.delete(p));
}

let rafPending = false;
function scheduleRender(): void {
  if (rafPending) return;
  rafPending = true;
  requestAnimationFrame(() => {
    rafPending = false;
    renderRows();
  });
}

function renderRows(): void {
  if (!info) return;
  const head = vhead.offsetHeight || ROW_H;
  const visible = Math.ceil((viewport.clientHeight - head) / ROW_H) + 2;
  const first = Math.max(0, Math.min(firstVisibleRow(), Math.max(0, totalRows - visible + 2)));
  const last = Math.min(totalRows, first + visible);
  const needed = new Set<number>();
  for (let i = first; i < last; i++) needed.add(Math.floor(i / PAGE));
  // prefetch the neighbours so scrolling stays smooth
  needed.add(Math.floor(Math.min(totalRows - 1, last + PAGE / 2) / PAGE));
  for (const p of needed) if (p >= 0 && p * PAGE < totalRows) requestPage(p);
  const base = totalRows * ROW_H <= MAX_SCROLL_PX ? first * ROW_H : viewport.scrollTop;
  const rows: HTMLElement[] = [];
  for (let i = first; i < last; i++) {
    const page = pages.get(Math.floor(i / PAGE));
    const r = page?.[i % PAGE];
    const el = h('div', { class: 'vrow', role: 'row', 'aria-rowindex': i + 2, 'data-row': i + 1 });
    el.style.top = `${base + (i - first) * ROW_H}px`;
    const rn = h('div', { class: 'cell rn', role: 'rowheader' }, String(i + 1));
    rn.style.width = `${rnWidth}px`;
    el.append(rn);
    if (r) {
      info.header.forEach((_, j) => {
        const c = h('div', { class: `cell${numericCols.has(j) ? ' num' : ''}`, role: 'gridcell', title: r[j] ?? '' }, r[j] ?? '');
        c.style.width = `${widths[j]}px`;
        el.append(c);
      });
    } else el.append(h('div', { class: 'cell pending' }, 'loading…'));
    rows.push(el);
  }
  spacer.replaceChildren(...rows);
  spacer.dataset.first = String(first + 1);
  spacer.dataset.last = String(last);
}

viewport.addEventListener('scroll', () => {
  scheduleRender();
  saveState({ scrollTop: viewport.scrollTop });
});
new ResizeObserver(() => scheduleRender()).observe(viewport);

// --------------------------------------------------------------------------- columns

const charts = new Map<string, () => void>();

function report(name: string, canvas: HTMLCanvasElement, points: number, series: string[]): void {
  canvas.dataset.points = String(points);
  host.post({ type: 'rendered', chart: name, points, series });
}

function renderColumns(): void {
  panelColumns.replaceChildren();
  if (!summary || !info) {
    panelColumns.append(h('p', { class: 'muted' }, 'Computing column summaries…'));
    return;
  }
  const s = summary;
  panelColumns.append(
    h('p', { class: s.sampled ? 'warn' : 'muted', id: 'summary-note' }, s.sampled ? `Sampled: computed on ${s.sampleRows.toLocaleString()} evenly spaced rows of ${s.rows.toLocaleString()}.` : `Computed on all ${s.rows.toLocaleString()} rows.`),
  );
  const table = h(
    'table',
    { class: 'data', id: 'summary-table', 'aria-label': 'Column summaries' },
    h('thead', {}, h('tr', {}, ...['column', 'type', 'missing', 'values', 'distinct', 'min', 'max', 'mean'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...s.columns.map((c) =>
        h('tr', {}, h('th', { scope: 'row', class: 'text' }, c.name), h('td', { class: 'text' }, c.type), h('td', {}, String(c.missing)), h('td', {}, String(c.count)), h('td', {}, c.distinct !== undefined ? (c.distinct >= 1000 ? '≥1000' : String(c.distinct)) : '–'), h('td', {}, fmt(c.min)), h('td', {}, fmt(c.max)), h('td', {}, fmt(c.mean))),
      ),
    ),
  );
  panelColumns.append(h('div', { class: 'scroll-x' }, table));
  const numeric = s.columns.filter((c) => c.type === 'numeric' && c.histogram);
  if (!numeric.length) return;
  let current = numeric.find((c) => c.name === state.histColumn) ?? numeric[0];
  const select = h('vscode-single-select', { id: 'hist-column', 'aria-label': 'Column of the histogram' }, ...numeric.map((c) => h('vscode-option', { value: c.name, selected: c === current }, c.name)));
  const canvas = h('canvas', { id: 'histogram', role: 'img', tabindex: 0 });
  const box = h('div', { class: 'chart' }, canvas);
  panelColumns.append(h('h2', {}, 'Histogram'), h('div', { class: 'toolbar' }, h('label', { for: 'hist-column' }, 'Column'), select), h('div', { class: 'card' }, box));
  const draw = (): void => {
    const hist = current.histogram!;
    const labels = hist.counts.map((_, i) => fmt((hist.edges[i] + hist.edges[i + 1]) / 2, 3));
    const n = hist.counts.reduce((a, b) => a + b, 0);
    canvas.setAttribute('aria-label', `Histogram of ${current.name}: ${n} values in ${hist.counts.length} bins from ${fmt(current.min)} to ${fmt(current.max)}`);
    createChart(canvas, {
      type: 'bar',
      data: { labels, datasets: [{ label: current.name, data: hist.counts, backgroundColor: theme.series[0], borderWidth: 0, barPercentage: 1, categoryPercentage: 0.95 }] },
      options: { plugins: { legend: { display: false } }, scales: { x: { title: axisTitle(current.name) }, y: { title: axisTitle(s.sampled ? 'count (sample)' : 'count') } } },
    });
    report('histogram', canvas, n, [current.name]);
  };
  select.addEventListener('change', () => {
    current = numeric.find((c) => c.name === (select as unknown as { value: string }).value) ?? current;
    saveState({ histColumn: current.name });
    draw();
  });
  charts.set('histogram', draw);
  draw();
}

// --------------------------------------------------------------------------- scatter

function renderScatter(): void {
  panelScatter.replaceChildren();
  if (!info) return;
  const cols = info.header;
  const numeric = summary ? summary.columns.map((c, j) => (c.type === 'numeric' ? j : -1)).filter((j) => j >= 0) : cols.map((_, j) => j);
  let xi = Math.max(0, cols.indexOf(state.scatterX ?? ''));
  let yi = Math.max(0, cols.indexOf(state.scatterY ?? ''));
  if (!state.scatterX) xi = numeric[0] ?? 0;
  if (!state.scatterY) yi = numeric[1] ?? numeric[0] ?? 0;
  const mk = (id: string, sel: number, label: string) => h('vscode-single-select', { id, 'aria-label': label }, ...cols.map((c, j) => h('vscode-option', { value: String(j), selected: j === sel }, c)));
  const sx = mk('scatter-x', xi, 'x column');
  const sy = mk('scatter-y', yi, 'y column');
  const note = h('p', { class: 'muted', role: 'status' });
  const canvas = h('canvas', { id: 'scatter', role: 'img', tabindex: 0 });
  panelScatter.append(h('div', { class: 'toolbar' }, h('label', { for: 'scatter-x' }, 'x'), sx, h('label', { for: 'scatter-y' }, 'y'), sy), h('div', { class: 'card' }, h('div', { class: 'chart tall' }, canvas)), note);
  let last: { x: number[]; y: number[]; sampled: boolean; total: number } | undefined;
  const draw = (): void => {
    if (!last) return;
    const d = last;
    canvas.setAttribute('aria-label', `Scatter of ${cols[yi]} against ${cols[xi]}: ${d.x.length} points${d.sampled ? ' (sample)' : ''}`);
    createChart(canvas, {
      type: 'scatter',
      data: { datasets: [{ label: `${cols[yi]} vs ${cols[xi]}`, data: d.x.map((x, i) => ({ x, y: d.y[i] })), backgroundColor: withAlpha(theme.series[0], d.x.length > 2000 ? 0.35 : 0.8), borderWidth: 0, pointRadius: d.x.length > 2000 ? 1.5 : 2.5 }] },
      options: { plugins: { legend: { display: false } }, scales: { x: { type: 'linear', title: axisTitle(cols[xi]) }, y: { type: 'linear', title: axisTitle(cols[yi]) } } },
    });
    report('scatter', canvas, d.x.length, [cols[xi], cols[yi]]);
    note.textContent = `${d.x.length.toLocaleString()} numeric pairs${d.sampled ? ` from an evenly spaced sample of ${d.total.toLocaleString()} rows` : ''}.`;
  };
  const load = (): void => {
    note.textContent = 'Loading…';
    host
      .request('scatter', { x: xi, y: yi, max: 5000 })
      .then((r) => {
        last = r;
        draw();
      })
      .catch((e: Error) => (note.textContent = `Could not load: ${e.message}`));
  };
  const onChange = (): void => {
    xi = Number((sx as unknown as { value: string }).value);
    yi = Number((sy as unknown as { value: string }).value);
    saveState({ scatterX: cols[xi], scatterY: cols[yi] });
    load();
  };
  sx.addEventListener('change', onChange);
  sy.addEventListener('change', onChange);
  charts.set('scatter', draw);
  load();
}

// --------------------------------------------------------------------------- messages

function describe(): void {
  if (!info) return;
  const mb = info.bytes / 1024 / 1024;
  status.textContent = `${info.fileName} · ${mb >= 1 ? `${mb.toFixed(1)} MB` : `${(info.bytes / 1024).toFixed(1)} kB`} · ${info.header.length} columns · ${totalRows.toLocaleString()} rows${indexDone ? '' : ' (indexing…)'} · delimiter ${info.delimiter === '\t' ? 'tab' : `"${info.delimiter}"`}`;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as HostToDatasetView;
  if (host.handleReply(m)) return;
  switch (m.type) {
    case 'init':
      info = m.info;
      title.textContent = m.info.fileName;
      setupHeader();
      describe();
      break;
    case 'index': {
      totalRows = m.rows;
      indexDone = m.done;
      describe();
      if (m.done) {
        pages.clear();
        setupHeader();
        if (state.scrollTop) viewport.scrollTop = state.scrollTop;
        renderRows();
      }
      break;
    }
    case 'summary':
      summary = m;
      numericCols = new Set(m.columns.map((c, j) => (c.type === 'numeric' ? j : -1)).filter((j) => j >= 0));
      setupHeader();
      renderRows();
      if (Number(tabs.getAttribute('selected-index')) === 1 || state.tab === 1) renderColumns();
      if (state.tab === 2) renderScatter();
      break;
    case 'error':
      root.append(h('p', { class: 'error', role: 'alert' }, m.message));
      break;
  }
});

onThemeChange(() => {
  theme = readTheme();
  applyChartTheme(theme);
  for (const rebuild of charts.values()) rebuild();
});
host.post({ type: 'ready' });
