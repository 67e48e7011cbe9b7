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
import type { Chart } from 'chart.js';
import { applyChartTheme, axisTitle, createChart, zoomOptions } from '../shared/charts';
import { chartToolbar, type ChartData, type ChartToolsHost } from '../shared/chartTools';
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
.vhead .cell button.sort { all: unset; cursor: pointer; display: block; width: 100%; overflow: hidden; text-overflow: ellipsis; }
.vhead .cell button.sort:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0078d4); }
.vrow.selected { background: var(--vscode-list-activeSelectionBackground, rgba(0,120,212,0.35)) !important; color: var(--vscode-list-activeSelectionForeground, inherit); }
input.filter { font: inherit; color: var(--vscode-input-foreground, inherit); background: var(--vscode-input-background, transparent); border: 1px solid var(--vscode-input-border, var(--vscode-editorWidget-border, #454545)); padding: 2px 6px; min-width: 220px; }
.pending { color: var(--vscode-descriptionForeground, #9d9d9d); font-style: italic; }
`,
);

const host = new HostChannel<DatasetRequests>(getVsCodeApi());
const root = document.getElementById('root') ?? document.body.appendChild(h('main', { id: 'root' }));

interface ViewState {
  tab?: number;
  sortColumn?: number;
  sortDesc?: boolean;
  filter?: string;
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
/** Data-row index of each row of a page (differs from the position when the view is sorted or filtered). */
const pageIndex = new Map<number, number[]>();
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
const filterBox = h('input', { type: 'search', class: 'filter', id: 'table-filter', placeholder: 'Filter rows (text in any cell)', 'aria-label': 'Filter rows by text' }) as HTMLInputElement;
filterBox.value = state.filter ?? '';
const viewNote = h('span', { class: 'muted', id: 'view-note', role: 'status' });
panelTable.append(h('div', { class: 'toolbar' }, filterBox, viewNote), viewport);
/** Rows in the table's current view (sorted / filtered), data-row index of a selected row. */
let viewRows = 0;
let selectedRow: number | undefined;
let viewSeq = 0;

/** Asks the host to sort/filter; the table then pages through that view. */
function applyView(): void {
  if (!indexDone) return;
  const seq = ++viewSeq;
  const filter = filterBox.value.trim();
  viewNote.textContent = filter || state.sortColumn !== undefined ? 'Sorting / filtering…' : '';
  host
    .request('view', { column: state.sortColumn, desc: state.sortDesc, filter })
    .then((r) => {
      if (seq !== viewSeq) return;
      viewRows = r.rows;
      pages.clear();
      pageIndex.clear();
      setupHeader();
      viewport.scrollTop = 0;
      const sortName = state.sortColumn !== undefined && info ? info.header[state.sortColumn] : undefined;
      viewNote.textContent = [filter ? `${r.rows.toLocaleString()} of ${totalRows.toLocaleString()} rows contain "${filter}"` : '', sortName ? `sorted by ${sortName} (${state.sortDesc ? 'descending' : 'ascending'})` : ''].filter(Boolean).join('; ');
      renderRows();
    })
    .catch((e: Error) => (viewNote.textContent = `Could not sort/filter: ${e.message}`));
}
let filterTimer: number | undefined;
filterBox.addEventListener('input', () => {
  if (filterTimer !== undefined) clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => {
    saveState({ filter: filterBox.value });
    applyView();
  }, 250);
});
let widths: number[] = [];
const maxLen: number[] = [];
let rnWidth = 60;
let numericCols = new Set<number>();

function scrollHeight(): number {
  return Math.min(viewRows * ROW_H, MAX_SCROLL_PX);
}

function setupHeader(): void {
  if (!info) return;
  rnWidth = Math.max(50, String(totalRows || 1).length * 8 + 16);
  // widths from the header and the longest value seen so far (they only grow; ~7.5 px per character)
  widths = info.header.map((name, j) => Math.min(320, Math.max(60, Math.ceil(Math.max(name.length, maxLen[j] ?? 0) * 7.5) + 18)));
  vhead.replaceChildren(
    h('div', { class: 'cell rn', role: 'columnheader' }, '#'),
    ...info.header.map((name, j) => {
      const sorted = state.sortColumn === j;
      const btn = h('button', { class: 'sort', type: 'button', 'aria-label': `Sort by ${name}` }, `${name}${sorted ? (state.sortDesc ? ' ▼' : ' ▲') : ''}`);
      btn.addEventListener('click', () => {
        // ascending, descending, then the file's order
        if (state.sortColumn !== j) saveState({ sortColumn: j, sortDesc: false });
        else if (!state.sortDesc) saveState({ sortDesc: true });
        else saveState({ sortColumn: undefined, sortDesc: false });
        applyView();
      });
      const c = h('div', { class: `cell${numericCols.has(j) ? ' num' : ''}`, role: 'columnheader', title: name, 'aria-sort': sorted ? (state.sortDesc ? 'descending' : 'ascending') : 'none' }, btn);
      c.style.width = `${widths[j]}px`;
      return c;
    }),
  );
  (vhead.firstChild as HTMLElement).style.width = `${rnWidth}px`;
  const total = rnWidth + widths.reduce((a, b) => a + b, 0);
  vhead.style.width = `${total}px`;
  spacer.style.width = `${total}px`;
  spacer.style.height = `${scrollHeight()}px`;
  viewport.setAttribute('aria-rowcount', String(viewRows + 1));
  viewport.setAttribute('aria-colcount', String(info.header.length + 1));
}

/** First visible row for the current scroll position (scaled when the table is taller than MAX_SCROLL_PX). */
function firstVisibleRow(): number {
  const visible = Math.ceil(viewport.clientHeight / ROW_H);
  const sh = scrollHeight();
  if (viewRows * ROW_H <= MAX_SCROLL_PX) return Math.floor(viewport.scrollTop / ROW_H);
  const frac = viewport.scrollTop / Math.max(1, sh - viewport.clientHeight);
  return Math.floor(frac * Math.max(0, viewRows - visible + 1));
}

function requestPage(p: number): void {
  if (pages.has(p) || inflight.has(p)) return;
  inflight.add(p);
  host
    .request('page', { start: p * PAGE, count: PAGE })
    .then((r) => {
      pages.set(p, r.rows);
      pageIndex.set(p, r.index ?? r.rows.map((_, k) => p * PAGE + k));
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
  const first = Math.max(0, Math.min(firstVisibleRow(), Math.max(0, viewRows - visible + 2)));
  const last = Math.min(viewRows, first + visible);
  const needed = new Set<number>();
  for (let i = first; i < last; i++) needed.add(Math.floor(i / PAGE));
  // prefetch the neighbours so scrolling stays smooth
  needed.add(Math.floor(Math.min(viewRows - 1, last + PAGE / 2) / PAGE));
  for (const p of needed) if (p >= 0 && p * PAGE < viewRows) requestPage(p);
  const base = viewRows * ROW_H <= MAX_SCROLL_PX ? first * ROW_H : viewport.scrollTop;
  const rows: HTMLElement[] = [];
  for (let i = first; i < last; i++) {
    const page = pages.get(Math.floor(i / PAGE));
    const r = page?.[i % PAGE];
    const dataRow = pageIndex.get(Math.floor(i / PAGE))?.[i % PAGE] ?? i;
    const el = h('div', { class: `vrow${dataRow === selectedRow ? ' selected' : ''}`, role: 'row', 'aria-rowindex': i + 2, 'data-row': dataRow + 1, 'aria-selected': dataRow === selectedRow ? 'true' : undefined });
    el.style.top = `${base + (i - first) * ROW_H}px`;
    const rn = h('div', { class: 'cell rn', role: 'rowheader' }, String(dataRow + 1));
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
const toolsHost: ChartToolsHost = {
  background: () => theme.bg,
  save: async (name, format, data) => {
    const r = await host.request('saveImage', { suggestedName: `${(info?.fileName ?? 'dataset').replace(/\.[^.]+$/, '')}-${name}`, format, data });
    return r.saved ? `Saved ${r.path}.` : 'Not saved.';
  },
  copy: async (text) => {
    await host.request('copy', { text });
    return `Copied ${text.split('\n').length - 2} row(s) as CSV.`;
  },
};

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
    h('thead', {}, h('tr', {}, ...['column', 'type', 'missing', 'values', 'distinct', 'min', 'Q1', 'median', 'Q3', 'max', 'mean', 'std'].map((c, k) => h('th', { scope: 'col', class: k < 2 ? 'text' : 'num' }, c)))),
    h(
      'tbody',
      {},
      ...s.columns.map((c) =>
        h('tr', {}, h('th', { scope: 'row', class: 'text' }, c.name), h('td', { class: 'text' }, c.type), h('td', {}, String(c.missing)), h('td', {}, String(c.count)), h('td', {}, c.distinct !== undefined ? (c.distinct >= 1000 ? '≥1000' : String(c.distinct)) : '–'), h('td', {}, fmt(c.min)), h('td', {}, fmt(c.q1)), h('td', {}, fmt(c.median)), h('td', {}, fmt(c.q3)), h('td', {}, fmt(c.max)), h('td', {}, fmt(c.mean)), h('td', {}, fmt(c.std))),
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
  let chart: Chart | undefined;
  let data: ChartData | undefined;
  const card = h('div', { class: 'card' }, box);
  card.append(chartToolbar('histogram', () => chart, () => data, toolsHost, () => canvas.getAttribute('aria-label') ?? 'histogram'));
  panelColumns.append(h('h2', {}, 'Histogram'), h('div', { class: 'toolbar' }, h('label', { for: 'hist-column' }, 'Column'), select), card);
  const draw = (): void => {
    const hist = current.histogram!;
    const e = hist.edges;
    const n = hist.counts.reduce((a, b) => a + b, 0);
    canvas.setAttribute('aria-label', `Histogram of ${current.name}: ${n} values in ${hist.counts.length} bins from ${fmt(current.min)} to ${fmt(current.max)}`);
    data = { header: ['from', 'to', 'count'], rows: hist.counts.map((c, i) => [e[i], e[i + 1], c]) };
    // bars between bin edges on a linear axis: ticks fall on edges, the tooltip gives each bin's range
    const every = Math.max(1, Math.ceil(hist.counts.length / 10));
    chart = createChart(canvas, {
      type: 'bar',
      data: { datasets: [{ label: current.name, data: hist.counts.map((c, i) => ({ x: (e[i] + e[i + 1]) / 2, y: c })), backgroundColor: theme.series[0], borderWidth: 0, barPercentage: 1, categoryPercentage: 0.96 }] },
      options: {
        plugins: {
          legend: { display: false },
          zoom: zoomOptions,
          tooltip: { callbacks: { title: (items: { dataIndex: number }[]) => { const i = items[0].dataIndex; return `${fmt(e[i])} to ${fmt(e[i + 1])}`; }, label: (c: { dataIndex: number }) => `${hist.counts[c.dataIndex]} value(s)` } },
        } as never,
        scales: {
          // a linear axis whose ticks fall on the bin edges
          x: { type: 'linear', offset: false, min: e[0], max: e[e.length - 1], title: axisTitle(`${current.name} (ticks at bin edges)`), afterBuildTicks: (axis) => { axis.ticks = e.filter((_, i) => i % every === 0 || i === e.length - 1).map((value) => ({ value })); }, ticks: { callback: (v) => fmt(Number(v), 3) } },
          y: { beginAtZero: true, title: axisTitle(s.sampled ? 'count (sample)' : 'count') },
        },
      },
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
  if (!summary) {
    panelScatter.append(h('p', { class: 'muted' }, 'Finding the numeric columns…'));
    return;
  }
  // only numeric columns can be plotted
  const numeric = summary.columns.map((c, j) => (c.type === 'numeric' ? j : -1)).filter((j) => j >= 0);
  if (numeric.length < 1) {
    panelScatter.append(h('p', { class: 'muted' }, 'No numeric columns to plot.'));
    return;
  }
  let xi = numeric.includes(cols.indexOf(state.scatterX ?? '')) ? cols.indexOf(state.scatterX ?? '') : numeric[0];
  let yi = numeric.includes(cols.indexOf(state.scatterY ?? '')) ? cols.indexOf(state.scatterY ?? '') : (numeric[1] ?? numeric[0]);
  const mk = (id: string, sel: number, label: string) => h('vscode-single-select', { id, combobox: true, filter: 'contains', 'aria-label': label }, ...numeric.map((j) => h('vscode-option', { value: String(j), selected: j === sel }, cols[j])));
  const sx = mk('scatter-x', xi, 'x column');
  const sy = mk('scatter-y', yi, 'y column');
  const note = h('p', { class: 'muted', role: 'status' });
  const canvas = h('canvas', { id: 'scatter', role: 'img', tabindex: 0 });
  let chart: Chart | undefined;
  const card = h('div', { class: 'card' }, h('div', { class: 'chart tall' }, canvas));
  panelScatter.append(h('div', { class: 'toolbar' }, h('label', { for: 'scatter-x' }, 'x'), sx, h('label', { for: 'scatter-y' }, 'y'), sy), card, note);
  let last: { x: number[]; y: number[]; rows?: number[]; sampled: boolean; total: number } | undefined;
  card.append(chartToolbar('scatter', () => chart, () => (last ? { header: ['row', cols[xi], cols[yi]], rows: last.x.map((x, i) => [(last!.rows?.[i] ?? i) + 1, x, last!.y[i]]) } : undefined), toolsHost, () => canvas.getAttribute('aria-label') ?? 'scatter'));
  const draw = (): void => {
    if (!last) return;
    const d = last;
    canvas.setAttribute('aria-label', `Scatter of ${cols[yi]} against ${cols[xi]}: ${d.x.length} points${d.sampled ? ' (sample)' : ''}`);
    const rowOf = (i: number): number => d.rows?.[i] ?? i;
    chart = createChart(canvas, {
      type: 'scatter',
      data: { datasets: [{ label: `${cols[yi]} vs ${cols[xi]}`, data: d.x.map((x, i) => ({ x, y: d.y[i] })), backgroundColor: d.x.length > 2000 ? withAlpha(theme.series[0], 0.35) : theme.series[0], borderWidth: 0, pointRadius: d.x.length > 2000 ? 1.5 : 2.5 }] },
      options: {
        plugins: { legend: { display: false }, zoom: zoomOptions, tooltip: { callbacks: { label: (c: { dataIndex: number }) => `row ${rowOf(c.dataIndex) + 1}: ${cols[xi]} ${fmt(d.x[c.dataIndex])}, ${cols[yi]} ${fmt(d.y[c.dataIndex])}` } } } as never,
        scales: { x: { type: 'linear', title: axisTitle(cols[xi]) }, y: { type: 'linear', title: axisTitle(cols[yi]) } },
        // click a point: show that row selected in the table
        onClick: (_e, els) => {
          if (els.length) selectRow(rowOf(els[0].index));
        },
      },
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

/** Shows a data row selected in the Table tab (clearing any sort or filter so it is where the file has it). */
function selectRow(row: number): void {
  selectedRow = row;
  tabs.setAttribute('selected-index', '0');
  saveState({ tab: 0 });
  const go = (): void => {
    viewport.scrollTop = Math.max(0, row * ROW_H - viewport.clientHeight / 3);
    renderRows();
  };
  if (state.sortColumn !== undefined || filterBox.value.trim()) {
    filterBox.value = '';
    saveState({ sortColumn: undefined, sortDesc: false, filter: '' });
    host.request('view', {}).then((r) => {
      viewRows = r.rows;
      pages.clear();
      pageIndex.clear();
      viewNote.textContent = '';
      setupHeader();
      requestAnimationFrame(go);
    }).catch(() => undefined);
  } else requestAnimationFrame(go);
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
      viewRows = totalRows;
      describe();
      if (m.done) {
        pages.clear();
        pageIndex.clear();
        setupHeader();
        if (state.sortColumn !== undefined || filterBox.value.trim()) applyView();
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
