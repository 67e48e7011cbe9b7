/**
 * The run results view, shared by the custom editor (tabs) and the static report (one long page). This file is the
 * shell — header, tab strip, view state, live updates, theme changes — and the chart machinery every tab uses
 * (`RunContext`: zoom/pan, toolbar with Reset zoom / PNG / SVG / Copy CSV, click-a-point details, `rendered`
 * reports). The tabs themselves are one file each in ./tabs/ (charts in ./charts/), listed by ./tabs/index.ts.
 * After each chart render it posts `{type:'rendered', chart, points, series, drawn?, xRange?, yRange?}` and sets
 * `data-points` on the canvas (zoom and pan post again with the new ranges).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { ActiveElement, ChartEvent } from 'chart.js';
import type { CurvePoint, RunStatus } from '../../../src/core/run/manifest';
import type { RunViewData, RunViewState } from '../../../src/protocol/webview';
import { applyChartTheme, Chart, createChart, zoomOptions } from '../shared/charts';
import { chartToolbar, type ChartToolsHost } from '../shared/chartTools';
import { h } from '../shared/dom';
import { readTheme, type Theme } from '../shared/theme';
import type { ChartBox, ChartSpec, RunContext, RunTab, RunViewOptions } from './context';
import { registeredTabs } from './tabs';

export type { RunViewOptions } from './context';
export { paretoFront } from './charts/pareto';

interface ChartEntry {
  chart?: Chart;
  spec?: ChartSpec;
  rebuild: () => void;
}

export class RunView implements RunContext {
  data: RunViewData;
  state: RunViewState;
  theme: Theme;
  readonly selected = new Set<number>();
  private charts = new Map<string, ChartEntry>();
  private built = new Set<string>();
  private panels = new Map<string, HTMLElement>();
  private sections: RunTab[] = [];

  constructor(
    private root: HTMLElement,
    data: RunViewData,
    readonly opts: RunViewOptions,
  ) {
    this.data = data;
    const own = opts.host.api.getState() as RunViewState | undefined;
    this.state = own ?? { ...(opts.initialState ?? {}) };
    if (!own && opts.initialState) opts.host.api.setState(this.state);
    this.theme = readTheme();
    applyChartTheme(this.theme);
    this.render();
  }

  saveState(patch: Partial<RunViewState>): void {
    this.state = { ...this.state, ...patch };
    this.opts.host.api.setState(this.state);
    // the host keeps the latest state to hand it to the tab that replaces this one (live run → final folder)
    if (this.opts.mode === 'tabs') this.opts.host.post({ type: 'state', state: this.state });
  }

  rowName(id: string): string {
    const n = this.data.names?.[id];
    return n && n !== id ? `${id} — ${n}` : id;
  }

  unit(target: string | undefined): string {
    const u = this.data.manifest.targets.find((t) => t.column === target)?.unit;
    return u ? ` [${u}]` : '';
  }

  /**
   * Replace all data (manifest changed / run finished) and redraw, keeping the view state. When the same tabs remain
   * (a live run's manifest rewrite), the tab strip stays in place and only the header and the already built panels are
   * rebuilt, at the same scroll position, so the view does not jump every half second while a run trains.
   */
  update(data: RunViewData): void {
    const prevIds = this.sections.map((s) => s.id).join(',');
    this.data = data;
    const tabs = this.root.querySelector('vscode-tabs');
    if (this.opts.mode !== 'tabs' || !tabs || this.computeSections().map((s) => s.id).join(',') !== prevIds) {
      this.render();
      return;
    }
    const scroller = document.scrollingElement;
    const top = scroller?.scrollTop ?? 0;
    this.sections = this.computeSections();
    this.destroyCharts();
    const rebuild = [...this.built];
    this.built.clear();
    this.root.querySelector('header')?.replaceWith(this.header());
    for (const s of this.sections) {
      const label = this.root.querySelector(`#tab-${s.id}`);
      const title = s.title(this.data);
      if (label && label.textContent !== title) label.textContent = title;
      this.panels.get(s.id)?.replaceChildren();
    }
    for (const id of rebuild) this.ensureBuilt(id);
    if (scroller) scroller.scrollTop = top;
  }

  /** Live progress between manifest rewrites (phase, fraction, message). */
  setProgress(progress: { phase: string; fraction?: number; message: string }): void {
    if (this.data.manifest.status !== 'running') return;
    this.data.manifest.progress = progress;
    this.root.querySelector('header')?.replaceWith(this.header());
  }

  /** Append live learning-curve points. */
  appendCurve(points: CurvePoint[], status: RunStatus): void {
    const m = this.data.manifest;
    const seen = new Set(m.curve.map((p) => `${p.phase}:${p.iteration}`));
    for (const p of points) if (!seen.has(`${p.phase}:${p.iteration}`)) m.curve.push(p);
    m.status = status;
    this.rebuild('curve');
    const badge = this.root.querySelector('.badge');
    if (badge) {
      badge.textContent = status;
      badge.className = `badge ${status}`;
    }
  }

  /** Theme changed: read colours again and redraw every chart. */
  retheme(): void {
    this.theme = readTheme();
    applyChartTheme(this.theme);
    for (const { rebuild } of [...this.charts.values()]) rebuild();
  }

  rebuild(name: string): void {
    this.charts.get(name)?.rebuild();
  }

  private destroyCharts(): void {
    for (const e of this.charts.values()) e.chart?.destroy();
    this.charts.clear();
  }

  private ranges(canvas: HTMLCanvasElement, chart: Chart): { xRange?: [number, number]; yRange?: [number, number] } {
    const x = chart.scales.x;
    const y = chart.scales.y;
    const xRange: [number, number] | undefined = x && Number.isFinite(x.min) ? [x.min, x.max] : undefined;
    const yRange: [number, number] | undefined = y && Number.isFinite(y.min) ? [y.min, y.max] : undefined;
    if (xRange) canvas.dataset.xRange = xRange.join(',');
    if (yRange) canvas.dataset.yRange = yRange.join(',');
    return { xRange, yRange };
  }

  private report(name: string, canvas: HTMLCanvasElement, spec: ChartSpec, chart: Chart, reason: string): void {
    canvas.dataset.points = String(spec.points);
    canvas.dataset.rendered = 'true';
    // what was drawn, readable from the DOM too (the E2E suite checks landscape points against the design space)
    if (spec.drawn) canvas.dataset.drawn = JSON.stringify(spec.drawn);
    else delete canvas.dataset.drawn;
    if (spec.axes) canvas.dataset.axes = JSON.stringify(spec.axes);
    const { xRange, yRange } = this.ranges(canvas, chart);
    this.opts.host.post({ type: 'rendered', chart: name.split('#')[0], points: spec.points, series: spec.series, reason, ...(spec.drawn ? { drawn: spec.drawn } : {}), ...(spec.axes ? { axes: spec.axes } : {}), ...(xRange ? { xRange } : {}), ...(yRange ? { yRange } : {}) });
  }

  private toolsHost(): ChartToolsHost {
    return {
      background: () => this.theme.bg,
      save: async (name, format, data) => {
        const file = `${this.data.manifest.runId || 'run'}-${name}`;
        if (!this.opts.canEdit) {
          const blob = format === 'png' ? new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: 'image/png' }) : new Blob([data], { type: 'image/svg+xml' });
          h('a', { download: file, href: URL.createObjectURL(blob) }).click();
          return `Downloaded ${file}.`;
        }
        const r = await this.opts.host.request('saveImage', { suggestedName: file, format, data });
        return r.saved ? `Saved ${r.path}.` : 'Not saved.';
      },
      copy: async (text) => {
        if (this.opts.canEdit) await this.opts.host.request('copy', { text });
        else await navigator.clipboard.writeText(text);
        return `Copied ${text.split('\n').length - 2} row(s) as CSV.`;
      },
    };
  }

  canvas(id: string, tall = false): ChartBox {
    const canvas = h('canvas', { id, role: 'img', tabindex: 0, class: 'focusable' });
    const details = h('div', { class: 'row-details', id: `${id}-details`, hidden: true, role: 'region', 'aria-label': 'Clicked point', 'aria-live': 'polite' });
    const area = h('div', { class: tall ? 'chart tall' : 'chart' }, canvas);
    const box = h('div', { class: 'chart-box', 'data-chart': id }, area, details);
    return { box, canvas };
  }

  /** Creates (or re-creates) a chart and remembers how to rebuild it on theme change / live updates. */
  chart(name: string, cb: ChartBox, make: () => ChartSpec): void {
    const { canvas, box } = cb;
    const entry: ChartEntry = { rebuild: () => undefined };
    const details = box.querySelector('.row-details') as HTMLElement | null;
    const showDetails = (d: { title: string; fields: [string, string][] } | undefined): void => {
      if (!details) return;
      if (!d) {
        details.hidden = true;
        return;
      }
      details.hidden = false;
      details.replaceChildren(h('strong', {}, d.title), h('dl', { class: 'kv' }, ...d.fields.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    };
    entry.rebuild = (): void => {
      const spec = make();
      entry.spec = spec;
      canvas.setAttribute('aria-label', spec.label);
      const cfg = spec.config;
      const plugins = (cfg.options?.plugins ?? {}) as Record<string, unknown>;
      const report = (reason: string) => ({ chart }: { chart: Chart }) => this.report(name, canvas, spec, chart, reason);
      cfg.options = {
        ...(cfg.options ?? {}),
        plugins: {
          ...plugins,
          zoom: { ...zoomOptions, zoom: { ...zoomOptions.zoom, onZoomComplete: report('zoom') }, pan: { ...zoomOptions.pan, onPanComplete: report('pan') } },
        },
        onClick: (_e: ChartEvent, els: ActiveElement[]) => showDetails(els.length && spec.details ? spec.details(els[0].datasetIndex, els[0].index) : undefined),
      } as typeof cfg.options;
      // keep data-x-range / data-y-range current after every layout (zoom, pan, resize)
      cfg.plugins = [...(cfg.plugins ?? []), { id: 'miRanges', afterUpdate: (c: Chart) => this.ranges(canvas, c) }];
      const chart = createChart(canvas, cfg);
      entry.chart = chart;
      // tests and the E2E suite inspect the live chart (tooltip, scales, element positions) through the canvas
      (canvas as HTMLCanvasElement & { miChart?: Chart }).miChart = chart;
      this.report(name, canvas, spec, chart, 'render');
    };
    this.charts.set(name, entry);
    if (!box.querySelector('.chart-tools')) {
      const tools = chartToolbar(canvas.id, () => entry.chart, () => entry.spec?.data, this.toolsHost(), () => entry.spec?.label ?? canvas.id);
      box.append(tools);
      canvas.addEventListener('dblclick', () => {
        (entry.chart as (Chart & { resetZoom?: () => void }) | undefined)?.resetZoom?.();
        if (entry.chart && entry.spec) this.report(name, canvas, entry.spec, entry.chart, 'reset');
      });
      canvas.addEventListener('keydown', (ev) => {
        const c = entry.chart as (Chart & { zoom?: (f: number) => void; resetZoom?: () => void }) | undefined;
        if (!c) return;
        if (ev.key === '+' || ev.key === '=') c.zoom?.(1.25);
        else if (ev.key === '-') c.zoom?.(0.8);
        else if (ev.key === '0') c.resetZoom?.();
        else return;
        ev.preventDefault();
        if (entry.spec) this.report(name, canvas, entry.spec, c, 'zoom');
      });
      tools.querySelector('.reset')?.addEventListener('click', () => {
        if (entry.chart && entry.spec) this.report(name, canvas, entry.spec, entry.chart, 'reset');
      });
    }
    entry.rebuild();
  }

  // ------------------------------------------------------------------ layout

  private render(): void {
    this.destroyCharts();
    this.built.clear();
    this.panels.clear();
    this.root.replaceChildren();
    this.sections = this.computeSections();
    this.root.append(this.header());

    if (this.opts.mode === 'page') {
      for (const s of this.sections) {
        const el = h('section', { id: `section-${s.id}`, 'aria-label': s.title(this.data) }, s.id === 'overview' ? null : h('h2', {}, s.title(this.data)));
        this.root.append(el);
        this.panels.set(s.id, el);
        s.build(this, el);
        this.built.add(s.id);
      }
      return;
    }
    const tabs = h('vscode-tabs', { 'aria-label': 'Run result views' });
    // open where the news is: the saved tab, else the tab that says it holds this run's news, else the first
    let selected = this.sections.findIndex((s) => s.id === this.state.tab);
    if (selected < 0) selected = Math.max(0, this.sections.findIndex((s) => s.news?.(this.data)));
    // vscode-tabs assigns its own ids to headers and panels, so the stable ids (#tab-<id>, #panel-<id>, used by
    // tests and the E2E suite) live on elements inside them; clicks on the inner label still select the tab.
    for (const s of this.sections) {
      tabs.append(h('vscode-tab-header', { slot: 'header', 'data-tab': s.id }, h('span', { id: `tab-${s.id}` }, s.title(this.data))));
      const body = h('div', { id: `panel-${s.id}`, class: 'panel-body' });
      this.panels.set(s.id, body);
      tabs.append(h('vscode-tab-panel', { 'data-tab': s.id }, body));
    }
    tabs.setAttribute('selected-index', String(selected));
    this.root.dataset.openTab = this.sections[selected]?.id ?? '';
    tabs.addEventListener('vsc-tabs-select', (ev: Event) => {
      selected = (ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const s = this.sections[selected];
      if (!s) return;
      this.saveState({ tab: s.id });
      this.root.dataset.openTab = s.id;
      requestAnimationFrame(() => this.ensureBuilt(s.id));
    });
    this.root.append(tabs);
    requestAnimationFrame(() => this.ensureBuilt(this.sections[selected].id));
  }

  private computeSections(): RunTab[] {
    const all = registeredTabs().filter((t) => t.available(this.data));
    // a simulate output folder opens on its simulation (its "About" tab second)
    if (this.data.kind === 'simulation') {
      const sim = all.find((t) => t.id === 'simulation');
      if (sim) return [sim, ...all.filter((t) => t !== sim)];
    }
    return all;
  }

  /** Title, status badge, run id and folder; while running also the current phase and progress. */
  private header(): HTMLElement {
    const d = this.data;
    const m = d.manifest;
    const title = h('h1', {}, m.name || m.runId, h('span', { class: `badge ${m.status}`, role: 'status' }, m.status));
    const sub = h('div', { class: 'muted', id: 'run-folder', title: d.location ?? d.runDir }, `run ${m.runId} · ${d.location ?? d.runDir}`);
    const header = h('header', {}, title, sub);
    if (m.status === 'running' && m.progress) {
      const p = m.progress;
      const pct = p.fraction !== undefined && Number.isFinite(p.fraction) ? Math.round(Math.min(1, Math.max(0, p.fraction)) * 100) : undefined;
      const bar = h('progress', { max: 100, 'aria-label': 'Run progress' });
      if (pct !== undefined) bar.value = pct;
      header.append(
        h('div', { class: 'run-progress', id: 'run-progress', role: 'status', 'aria-live': 'polite', 'data-phase': p.phase, 'data-fraction': pct === undefined ? '' : String(pct) },
          bar, ` ${p.phase}${pct !== undefined ? ` ${pct}%` : ''}${p.message ? ` — ${p.message}` : ''}`),
      );
    }
    return header;
  }

  /** Builds a tab's content the first time it is shown (charts need a visible, sized container). */
  ensureBuilt(id: string): void {
    if (this.built.has(id)) return;
    const s = this.sections.find((x) => x.id === id);
    const panel = this.panels.get(id);
    if (!s || !panel) return;
    this.built.add(id);
    s.build(this, panel);
  }
}
