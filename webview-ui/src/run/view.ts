/**
 * The run results view, shared by the custom editor (tabs) and the static report (one long page):
 * summary, parity plots with ±σ error bars, learning curve, feature relevance, suggestions table, acquisition
 * landscape (1-D slice and 2-D heatmap), Pareto plot for two objectives and the simulation plot.
 * After each chart render it reports `{type:'rendered', chart, points, series}` and sets `data-points` on the canvas.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { ChartConfiguration } from 'chart.js';
import type { CurvePoint, RunStatus } from '../../../src/core/run/manifest';
import type { CsvTable, LandscapeGrid, RunRequests, RunViewData, RunViewState } from '../../../src/protocol/webview';
import { toCsv } from '../../../src/protocol/webview';
import { applyChartTheme, axisTitle, Chart, colormap, createChart, zRange, type ErrorBarOptions } from '../shared/charts';
import { fmt, h } from '../shared/dom';
import type { HostChannel } from '../shared/host';
import { readTheme, withAlpha, type Theme } from '../shared/theme';
import { asCurvesData, buildCurvesSection, type CurvesViewContext } from './functions';

export interface RunViewOptions {
  mode: 'tabs' | 'page';
  host: HostChannel<RunRequests>;
  /** The host can write files (export, append); false in the static report. */
  canEdit: boolean;
}

interface Section {
  id: string;
  title: string;
  build(el: HTMLElement): void;
}

const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? NaN : Number(s));

function col(t: CsvTable | undefined, name: string): number {
  return t ? t.header.indexOf(name) : -1;
}

function goalName(goal: unknown): string {
  if (typeof goal === 'string') return goal;
  if (goal && typeof goal === 'object' && 'target' in goal) return `target ${(goal as { target: number }).target}`;
  return String(goal ?? '');
}

/** Non-dominated points for (maximize|minimize) × 2; returns indices sorted by x. */
export function paretoFront(xs: number[], ys: number[], maxX: boolean, maxY: boolean): number[] {
  const sx = maxX ? 1 : -1;
  const sy = maxY ? 1 : -1;
  const idx = xs.map((_, i) => i).filter((i) => Number.isFinite(xs[i]) && Number.isFinite(ys[i]));
  const front = idx.filter((i) => !idx.some((j) => j !== i && sx * xs[j] >= sx * xs[i] && sy * ys[j] >= sy * ys[i] && (sx * xs[j] > sx * xs[i] || sy * ys[j] > sy * ys[i])));
  return front.sort((a, b) => xs[a] - xs[b]);
}

export class RunView {
  private data: RunViewData;
  private state: RunViewState;
  private theme: Theme;
  private charts = new Map<string, { chart: Chart; rebuild: () => void }>();
  private built = new Set<string>();
  private panels = new Map<string, HTMLElement>();
  private sections: Section[] = [];
  private sort: { key?: string; desc: boolean } = { desc: false };
  private selected = new Set<number>();

  constructor(
    private root: HTMLElement,
    data: RunViewData,
    private opts: RunViewOptions,
  ) {
    this.data = data;
    this.state = (opts.host.api.getState() as RunViewState | undefined) ?? {};
    this.sort = { key: this.state.sortKey, desc: !!this.state.sortDesc };
    this.theme = readTheme();
    applyChartTheme(this.theme);
    this.render();
  }

  private saveState(patch: Partial<RunViewState>): void {
    this.state = { ...this.state, ...patch };
    this.opts.host.api.setState(this.state);
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
    for (const { chart } of this.charts.values()) chart.destroy();
    this.charts.clear();
    const rebuild = [...this.built];
    this.built.clear();
    this.root.querySelector('header')?.replaceWith(this.header());
    for (const s of this.sections) {
      const label = this.root.querySelector(`#tab-${s.id}`);
      if (label && label.textContent !== s.title) label.textContent = s.title;
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
    const entry = this.charts.get('curve');
    if (entry) entry.rebuild();
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

  private report(name: string, canvas: HTMLCanvasElement, points: number, series: string[]): void {
    canvas.dataset.points = String(points);
    canvas.dataset.rendered = 'true';
    this.opts.host.post({ type: 'rendered', chart: name, points, series });
  }

  /** Creates (or re-creates) a chart and remembers how to rebuild it on theme change / live updates. */
  private chart(name: string, canvas: HTMLCanvasElement, make: () => { config: ChartConfiguration; points: number; series: string[]; label: string }): void {
    const rebuild = (): void => {
      const { config, points, series, label } = make();
      canvas.setAttribute('aria-label', label);
      const chart = createChart(canvas, config);
      this.charts.set(name, { chart, rebuild });
      this.report(name.split('#')[0], canvas, points, series);
    };
    rebuild();
  }

  private canvas(id: string, tall = false): { box: HTMLElement; canvas: HTMLCanvasElement } {
    const canvas = h('canvas', { id, role: 'img', tabindex: 0, class: 'focusable' });
    return { box: h('div', { class: tall ? 'chart tall' : 'chart' }, canvas), canvas };
  }

  // ------------------------------------------------------------------ layout

  private render(): void {
    for (const { chart } of this.charts.values()) chart.destroy();
    this.charts.clear();
    this.built.clear();
    this.panels.clear();
    this.root.replaceChildren();
    this.sections = this.computeSections();
    this.root.append(this.header());

    if (this.opts.mode === 'page') {
      for (const s of this.sections) {
        const el = h('section', { id: `section-${s.id}`, 'aria-label': s.title }, s.id === 'overview' ? null : h('h2', {}, s.title));
        this.root.append(el);
        this.panels.set(s.id, el);
        s.build(el);
        this.built.add(s.id);
      }
      return;
    }
    const tabs = h('vscode-tabs', { 'aria-label': 'Run result views' });
    let selected = Math.max(0, this.sections.findIndex((s) => s.id === this.state.tab));
    // vscode-tabs assigns its own ids to headers and panels, so the stable ids (#tab-<id>, #panel-<id>, used by
    // tests and the E2E suite) live on elements inside them; clicks on the inner label still select the tab.
    for (const s of this.sections) {
      tabs.append(h('vscode-tab-header', { slot: 'header', 'data-tab': s.id }, h('span', { id: `tab-${s.id}` }, s.title)));
      const body = h('div', { id: `panel-${s.id}`, class: 'panel-body' });
      this.panels.set(s.id, body);
      tabs.append(h('vscode-tab-panel', { 'data-tab': s.id }, body));
    }
    tabs.setAttribute('selected-index', String(selected));
    tabs.addEventListener('vsc-tabs-select', (ev: Event) => {
      selected = (ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const s = this.sections[selected];
      if (!s) return;
      this.saveState({ tab: s.id });
      requestAnimationFrame(() => this.ensureBuilt(s.id));
    });
    this.root.append(tabs);
    requestAnimationFrame(() => this.ensureBuilt(this.sections[selected].id));
  }

  private computeSections(): Section[] {
    const d = this.data;
    const sections: Section[] = [{ id: 'overview', title: d.kind === 'simulation' ? 'About' : 'Overview', build: (el) => this.buildOverview(el) }];
    const curves = asCurvesData(d.curves);
    if (curves) sections.push({ id: 'curves', title: 'Curves', build: (el) => buildCurvesSection(el, curves, this.curvesContext()) });
    if (d.suggestions) sections.push({ id: 'suggestions', title: `Suggestions (${d.suggestions.rows.length})`, build: (el) => this.buildSuggestions(el) });
    if (d.landscape && (d.landscape.slices.length || d.landscape.grids.length)) sections.push({ id: 'landscape', title: 'Acquisition landscape', build: (el) => this.buildLandscape(el) });
    if (this.objectives().length >= 2) sections.push({ id: 'pareto', title: 'Pareto', build: (el) => this.buildPareto(el) });
    if (d.simulation && d.simulation.series.length) {
      const sim: Section = { id: 'simulation', title: 'Simulation', build: (el) => this.buildSimulation(el) };
      if (d.kind === 'simulation') sections.unshift(sim);
      else sections.push(sim);
    }
    return sections;
  }

  /** What the curves section (./functions.ts) needs from the view. */
  private curvesContext(): CurvesViewContext {
    return {
      theme: () => this.theme,
      chart: (name, canvas, make) => this.chart(name, canvas, make),
      canvas: (id, tall) => this.canvas(id, tall),
      rebuild: (name) => this.charts.get(name)?.rebuild(),
      selected: () => this.state.curveSample,
      select: (id) => this.saveState({ curveSample: id }),
    };
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
    s.build(panel);
  }

  // ------------------------------------------------------------------ overview

  private buildOverview(el: HTMLElement): void {
    const d = this.data;
    const m = d.manifest;
    const kv = h('dl', { class: 'kv' });
    const add = (k: string, v: string | Node): void => {
      kv.append(h('dt', {}, k), h('dd', {}, v));
    };
    add('Status', m.status + (m.finishedAt ? ` (finished ${m.finishedAt})` : ''));
    if (m.status === 'running' && m.progress) add('Progress', `${m.progress.phase}${m.progress.fraction !== undefined ? ` ${Math.round(m.progress.fraction * 100)}%` : ''} — ${m.progress.message}`);
    add('Created', m.createdAt ?? '–');
    const sha = (v: unknown): string => (v ? ` (sha256 ${String(v).slice(0, 12)}…)` : '');
    add('Spec', `${m.spec?.path || '–'}${sha(m.spec?.sha256)}`);
    if (m.dataset) add('Dataset', `${m.dataset.path || '–'} — ${m.dataset.rows} rows${m.dataset.dropped ? `, ${m.dataset.dropped} dropped` : ''}${sha(m.dataset.sha256)}`);
    add('Seed', String(m.seed));
    add('Backend', m.backend ?? '–');
    add('Model', `${m.model?.type ?? '–'}${m.features?.count ? ` on ${m.features.count} features` : ''}${m.features?.dropped?.length ? ` (${m.features.dropped.length} constant dropped)` : ''}`);
    add('Targets', m.targets.map((t) => `${t.column}${t.unit ? ` [${t.unit}]` : ''} — ${goalName(t.goal)}`).join('; ') || '–');
    const timings = Object.entries(m.timings ?? {});
    if (timings.length) add('Timings', timings.map(([k, v]) => `${k} ${fmt(v, 3)} s`).join(' · '));
    if (m.optimize) add('Optimize', `${m.optimize.acquisition}, batch ${m.optimize.batch}, ${m.optimize.suggestions} suggestions from ${m.optimize.candidatesScored} candidates`);
    if (m.packageVersion) add('Version', `mi-studio ${m.packageVersion}`);
    const files = Object.entries(m.files ?? {});
    if (files.length) {
      const dd = h('span');
      files.forEach(([name, rel], i) => {
        if (i) dd.append(' · ');
        if (this.opts.canEdit && !rel.endsWith('/')) {
          const b = h('button', { class: 'link', type: 'button', 'aria-label': `Open ${rel}` }, rel);
          b.addEventListener('click', () => void this.opts.host.request('openFile', { relPath: rel }).catch(() => undefined));
          dd.append(b);
        } else dd.append(name === 'model' ? `${rel} (model)` : rel);
      });
      add('Files', dd);
    }
    el.append(h('h2', {}, 'Summary'), kv);
    if (m.error) {
      const e = m.error;
      const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ''}${e.column !== undefined ? ` column ${e.column}` : ''}: ` : '';
      el.append(h('p', { class: 'error', role: 'alert' }, `Error: ${where}${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`));
    }
    for (const w of d.warnings) el.append(h('p', { class: 'warn' }, `⚠ ${w}`));

    // metrics table
    const cv = m.metrics?.cv ?? {};
    const targets = Object.keys(cv);
    if (targets.length) {
      const cols: [string, string][] = [['mae', 'MAE'], ['rmse', 'RMSE'], ['r2', 'R²'], ['spearman', 'Spearman ρ'], ['nlpd', 'NLPD'], ['coverage90', '90% coverage']];
      const table = h('table', { class: 'data compact', 'aria-label': 'Cross-validation metrics per target' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'target'), ...cols.map(([, l]) => h('th', { scope: 'col' }, l)))),
        h('tbody', {}, ...targets.map((t) => h('tr', {}, h('th', { scope: 'row', class: 'text' }, t), ...cols.map(([k]) => h('td', {}, fmt((cv[t] as unknown as Record<string, number>)[k], 3)))))),
      );
      el.append(h('h2', {}, 'Cross-validation metrics'), h('p', { class: 'muted' }, 'Out-of-fold predictions; a well-calibrated model covers about 90% of the measured values with its 90% intervals.'), h('div', { class: 'scroll-x' }, table));
    }

    if (d.kind === 'simulation') return;
    const grid = h('div', { class: 'grid' });
    el.append(grid);
    for (const t of m.targets.map((x) => x.column)) this.buildParity(grid, t);
    this.buildCurve(grid);
    this.buildRelevance(grid);
  }

  private buildParity(parent: HTMLElement, target: string): void {
    const p = this.data.predictions;
    const iy = col(p, target);
    const im = col(p, `${target}_mean`);
    const is = col(p, `${target}_std`);
    const card = h('div', { class: 'card' }, h('h3', {}, `Parity — ${target}`));
    parent.append(card);
    if (!p || iy < 0 || im < 0) {
      card.append(h('p', { class: 'muted' }, this.data.manifest.status === 'running' ? 'Predictions appear when cross-validation finishes.' : 'No out-of-fold predictions in this run.'));
      return;
    }
    const { box, canvas } = this.canvas(`parity-${target}`);
    card.append(box);
    const unit = this.data.manifest.targets.find((t) => t.column === target)?.unit;
    const metrics = this.data.manifest.metrics?.cv?.[target];
    this.chart(`parity#${target}`, canvas, () => {
      const th = this.theme;
      const pts: { x: number; y: number }[] = [];
      const bars: [number, number][] = [];
      const ids: string[] = [];
      const idCol = col(p, 'id');
      for (const r of p.rows) {
        const y = num(r[iy]);
        const mu = num(r[im]);
        if (!Number.isFinite(y) || !Number.isFinite(mu)) continue;
        const sd = is >= 0 ? num(r[is]) : NaN;
        pts.push({ x: y, y: mu });
        bars.push([mu - sd, mu + sd]);
        ids.push(idCol >= 0 ? r[idCol] : '');
      }
      const all = pts.flatMap((q, i) => [q.x, q.y, bars[i][0], bars[i][1]]).filter(Number.isFinite);
      const lo = Math.min(...all);
      const hi = Math.max(...all);
      const pad = (hi - lo) * 0.04 || 1;
      const ds = {
        type: 'scatter' as const,
        label: `${target}: out-of-fold mean ± σ`,
        data: pts,
        pointRadius: 3,
        pointHoverRadius: 5,
        backgroundColor: th.series[0],
        borderColor: th.series[0],
        errorBars: bars,
        errorBarColor: withAlpha(th.series[0], 0.4),
      } satisfies ErrorBarOptions & Record<string, unknown>;
      const label = `Parity plot for ${target}: ${pts.length} out-of-fold predictions (mean ± σ) against measured values` +
        (metrics ? `; MAE ${fmt(metrics.mae, 3)}, R² ${fmt(metrics.r2, 3)}, 90% coverage ${fmt(metrics.coverage90, 3)}` : '');
      const u = unit ? ` [${unit}]` : '';
      return {
        points: pts.length,
        series: [target, 'y = x'],
        label,
        config: {
          type: 'scatter',
          data: {
            datasets: [
              ds as never,
              { type: 'line', label: 'y = x', data: [{ x: lo - pad, y: lo - pad }, { x: hi + pad, y: hi + pad }], borderColor: th.muted, borderDash: [5, 4], borderWidth: 1, pointRadius: 0 },
            ],
          },
          options: {
            plugins: {
              legend: { display: false },
              tooltip: { callbacks: { label: (c) => (c.datasetIndex === 0 ? `${ids[c.dataIndex]}: measured ${fmt(pts[c.dataIndex].x)}, predicted ${fmt(pts[c.dataIndex].y)} ± ${fmt((bars[c.dataIndex][1] - bars[c.dataIndex][0]) / 2)}` : 'y = x') } },
            },
            scales: {
              x: { type: 'linear', suggestedMin: lo - pad, suggestedMax: hi + pad, title: axisTitle(`measured ${target}${u}`) },
              y: { type: 'linear', suggestedMin: lo - pad, suggestedMax: hi + pad, title: axisTitle(`predicted (out-of-fold mean ± σ)${u}`) },
            },
          },
        },
      };
    });
    if (metrics) card.append(h('p', { class: 'muted' }, `MAE ${fmt(metrics.mae, 3)} · RMSE ${fmt(metrics.rmse, 3)} · R² ${fmt(metrics.r2, 3)} · 90% coverage ${fmt(metrics.coverage90, 3)}`));
  }

  private buildCurve(parent: HTMLElement): void {
    const card = h('div', { class: 'card' }, h('h3', {}, 'Learning curve'));
    parent.append(card);
    const { box, canvas } = this.canvas('curve');
    card.append(box);
    const live = h('p', { class: 'muted', 'aria-live': 'polite' });
    // phases have different scales (e.g. per-fold CV error vs the final fit's objective): show one at a time
    const select = h('vscode-single-select', { id: 'curve-phase', 'aria-label': 'Phase of the learning curve' });
    const bar = h('div', { class: 'toolbar' }, h('label', { for: 'curve-phase' }, 'Phase'), select);
    card.insertBefore(bar, box);
    card.append(live);
    let optionKey = '';
    select.addEventListener('change', () => {
      this.saveState({ curvePhase: (select as unknown as { value: string }).value });
      this.charts.get('curve')?.rebuild();
    });
    this.chart('curve', canvas, () => {
      const th = this.theme;
      const m = this.data.manifest;
      const counts = new Map<string, number>();
      for (const p of m.curve) counts.set(p.phase, (counts.get(p.phase) ?? 0) + 1);
      const allPhases = [...counts.keys()];
      const busiest = allPhases.reduce((a, b) => ((counts.get(b) ?? 0) > (counts.get(a) ?? 0) ? b : a), allPhases[0] ?? '');
      const current = allPhases.includes(this.state.curvePhase ?? '') ? (this.state.curvePhase as string) : busiest;
      bar.hidden = allPhases.length < 2;
      const key = allPhases.join('\u0000') + '\u0001' + current;
      if (key !== optionKey) {
        optionKey = key;
        select.replaceChildren(...allPhases.map((ph) => h('vscode-option', { value: ph, selected: ph === current }, `${ph} (${counts.get(ph)} points)`)));
      }
      const phases = current ? [current] : [];
      const datasets = phases.map((ph, i) => {
        const pts = m.curve.filter((p) => p.phase === ph).map((p) => ({ x: p.iteration, y: p.value }));
        return { type: 'line' as const, label: ph, data: pts, borderColor: th.series[i % th.series.length], backgroundColor: th.series[i % th.series.length], pointRadius: pts.length > 60 ? 0 : 2, borderWidth: 1.5 };
      });
      const last = m.curve[m.curve.length - 1];
      live.textContent = m.status === 'running' ? `Running — ${m.curve.length} points so far${last ? `, last ${fmt(last.value)}` : ''}; updates live.` : `${m.curve.length} points${last ? `, final ${fmt(last.value)}` : ''}.`;
      const shown = datasets.reduce((a, d) => a + d.data.length, 0);
      const yLabel = /epoch|loss|mlp/i.test(current) ? 'loss' : /^cv|fold/i.test(current) ? `${current}: value per fold` : 'objective (e.g. −log marginal likelihood)';
      return {
        points: shown,
        series: phases,
        label: `Learning curve (${current || 'no points yet'}): ${shown} points${last ? `; last value ${fmt(last.value)}` : ''}${allPhases.length > 1 ? `; other phases: ${allPhases.filter((p) => p !== current).join(', ')}` : ''}`,
        config: {
          type: 'line',
          data: { datasets },
          options: {
            plugins: { legend: { display: false } },
            scales: { x: { type: 'linear', title: axisTitle(/^cv|fold/i.test(current) ? 'fold' : 'iteration / epoch') }, y: { type: 'linear', title: axisTitle(yLabel) } },
          },
        },
      };
    });
  }

  private buildRelevance(parent: HTMLElement): void {
    const rel = this.data.manifest.model?.featureRelevance;
    if (!rel || !rel.length) return;
    const top = [...rel].sort((a, b) => b.relevance - a.relevance).slice(0, 20);
    const card = h('div', { class: 'card' }, h('h3', {}, `Feature relevance${rel.length > 20 ? ' (top 20)' : ''}`));
    parent.append(card);
    const { box, canvas } = this.canvas('relevance', top.length > 12);
    card.append(box);
    this.chart('relevance', canvas, () => ({
      points: top.length,
      series: ['relevance'],
      label: `Feature relevance, top ${top.length}: ${top.slice(0, 5).map((r) => `${r.feature} ${fmt(r.relevance, 3)}`).join(', ')}${top.length > 5 ? ', …' : ''}`,
      config: {
        type: 'bar',
        data: { labels: top.map((r) => r.feature), datasets: [{ label: 'relevance', data: top.map((r) => r.relevance), backgroundColor: this.theme.series[2], borderWidth: 0 }] },
        options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { title: axisTitle('relevance (e.g. 1 / ARD lengthscale)') }, y: { ticks: { autoSkip: false } } } },
      },
    }));
  }

  // ------------------------------------------------------------------ suggestions

  private buildSuggestions(el: HTMLElement): void {
    const s = this.data.suggestions;
    if (!s) return;
    const rankCol = col(s, 'rank');
    const rankOf = (r: string[], i: number): number => (rankCol >= 0 ? Number(r[rankCol]) : i + 1);
    if (!this.selected.size) s.rows.forEach((r, i) => this.selected.add(rankOf(r, i)));
    const status = h('p', { class: 'status-line muted', role: 'status', 'aria-live': 'polite' });
    const numeric = s.header.map((_, j) => s.rows.every((r) => r[j] === '' || Number.isFinite(Number(r[j]))));
    const tbody = h('tbody');
    const headRow = h('tr', {}, h('th', { scope: 'col', class: 'text' }, h('span', { class: 'sr-only' }, 'selected')));
    const table = h('table', { class: 'data', id: 'suggestions-table', 'aria-label': 'Suggested experiments' }, h('thead', {}, headRow), tbody);
    const headerCells: HTMLElement[] = [];
    s.header.forEach((name, j) => {
      const btn = h('button', { class: 'sort', type: 'button', 'aria-label': `Sort by ${name}` }, name);
      const th = h('th', { scope: 'col', class: numeric[j] ? '' : 'text' }, btn);
      headerCells.push(th);
      btn.addEventListener('click', () => {
        this.sort = { key: name, desc: this.sort.key === name ? !this.sort.desc : false };
        this.saveState({ sortKey: this.sort.key, sortDesc: this.sort.desc });
        fill();
      });
      headRow.append(th);
    });
    const sortedRows = (): string[][] => {
      const j = this.sort.key ? s.header.indexOf(this.sort.key) : -1;
      if (j < 0) return s.rows;
      const dir = this.sort.desc ? -1 : 1;
      return [...s.rows].sort((a, b) => (numeric[j] ? (num(a[j]) - num(b[j])) : a[j].localeCompare(b[j])) * dir);
    };
    const fill = (): void => {
      headerCells.forEach((th, j) => th.setAttribute('aria-sort', s.header[j] === this.sort.key ? (this.sort.desc ? 'descending' : 'ascending') : 'none'));
      tbody.replaceChildren(
        ...sortedRows().map((r) => {
          const rank = rankOf(r, s.rows.indexOf(r));
          const cb = h('input', { type: 'checkbox', 'aria-label': `Select suggestion ${rank}` }) as HTMLInputElement;
          cb.checked = this.selected.has(rank);
          cb.addEventListener('change', () => {
            if (cb.checked) this.selected.add(rank);
            else this.selected.delete(rank);
          });
          return h('tr', {}, h('td', { class: 'text' }, cb), ...r.map((c, j) => h('td', { class: numeric[j] ? '' : 'text' }, numeric[j] && c !== '' ? fmt(Number(c), 5) : c)));
        }),
      );
    };
    fill();
    const chosen = (): { header: string[]; rows: string[][] } => ({ header: s.header, rows: sortedRows().filter((r) => this.selected.has(rankOf(r, s.rows.indexOf(r)))) });
    const copyBtn = h('vscode-button', { secondary: true, 'aria-label': 'Copy selected suggestions as tab-separated text' }, 'Copy');
    copyBtn.addEventListener('click', async () => {
      const c = chosen();
      const text = [c.header, ...c.rows].map((r) => r.join('\t')).join('\n') + '\n';
      try {
        if (this.opts.canEdit) await this.opts.host.request('copy', { text });
        else await navigator.clipboard.writeText(text);
        status.textContent = `Copied ${c.rows.length} row(s).`;
      } catch (e) {
        status.textContent = `Copy failed: ${(e as Error).message}`;
      }
    });
    const exportBtn = h('vscode-button', { secondary: true, 'aria-label': 'Export selected suggestions as CSV' }, 'Export CSV…');
    exportBtn.addEventListener('click', async () => {
      const c = chosen();
      const text = toCsv(c.header, c.rows);
      const name = `suggestions-${this.data.manifest.runId}.csv`;
      if (!this.opts.canEdit) {
        const a = h('a', { download: name, href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })) });
        a.click();
        status.textContent = `Downloaded ${name}.`;
        return;
      }
      try {
        const r = await this.opts.host.request('exportCsv', { suggestedName: name, text });
        status.textContent = r.saved ? `Saved ${c.rows.length} row(s) to ${r.path}.` : 'Export cancelled.';
      } catch (e) {
        status.textContent = `Export failed: ${(e as Error).message}`;
      }
    });
    const bar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Suggestion actions' }, copyBtn, exportBtn);
    if (this.opts.canEdit) {
      const appendBtn = h('vscode-button', { id: 'append-pending', 'aria-label': 'Append selected suggestions to the dataset as pending rows (asks for confirmation)' }, 'Append to dataset as pending rows…');
      appendBtn.addEventListener('click', async () => {
        const ranks = chosen().rows.map((r) => rankOf(r, s.rows.indexOf(r)));
        if (!ranks.length) {
          status.textContent = 'Select at least one suggestion first.';
          return;
        }
        try {
          const r = await this.opts.host.request('appendPending', { ranks });
          status.textContent = r.cancelled ? 'Nothing written (cancelled).' : `Appended ${r.appended} pending row(s) to ${r.path}.`;
        } catch (e) {
          status.textContent = `Append failed: ${(e as Error).message}`;
        }
      });
      bar.append(appendBtn);
    }
    const m = this.data.manifest;
    el.append(
      h('p', { class: 'muted' }, `${s.rows.length} suggestion(s)${m.optimize ? ` by ${m.optimize.acquisition} (batch ${m.optimize.batch}) from ${m.optimize.candidatesScored} scored candidates` : ''}${this.data.acquisitionRows !== undefined ? `; every scored candidate is in acquisition.csv (${this.data.acquisitionRows} rows)` : ''}. Columns <target>_mean / _std are the model's prediction and its standard deviation.`),
      bar,
      h('div', { class: 'scroll-x' }, table),
      status,
    );
  }

  // ------------------------------------------------------------------ landscape

  private buildLandscape(el: HTMLElement): void {
    const L = this.data.landscape;
    if (!L) return;
    if (L.slices.length) {
      const card = h('div', { class: 'card' }, h('h3', {}, `1-D slice: predicted mean ± σ and ${L.acquisition}`));
      el.append(card);
      const features = L.slices.map((s) => s.feature);
      let current = features.includes(this.state.sliceFeature ?? '') ? (this.state.sliceFeature as string) : features[0];
      const select = h('vscode-single-select', { id: 'slice-feature', 'aria-label': 'Feature of the 1-D slice' }, ...features.map((f) => h('vscode-option', { value: f, selected: f === current }, f)));
      card.append(h('div', { class: 'toolbar' }, h('label', { for: 'slice-feature' }, 'Feature'), select));
      const { box, canvas } = this.canvas('landscape1d');
      const featured = new Set([...features, ...L.grids.flatMap((g) => [g.xLabel, g.yLabel])]);
      const ref = L.reference ? Object.entries(L.reference).sort((a, b) => Number(featured.has(b[0])) - Number(featured.has(a[0]))) : [];
      const refText = ref.length ? `Other features are held at the reference (incumbent) row: ${ref.slice(0, 6).map(([k, v]) => `${k} = ${fmt(v, 4)}`).join(', ')}${ref.length > 6 ? `, … (${ref.length} features)` : ''}.` : 'Other features are held fixed at a reference row.';
      card.append(box, h('p', { class: 'muted' }, `${refText} Triangles mark suggested candidates (their value of this feature).`));
      const draw = (): void =>
        this.chart('landscape1d', canvas, () => {
          const th = this.theme;
          const s = L.slices.find((x) => x.feature === current) ?? L.slices[0];
          const pts = (ys: number[]) => s.x.map((x, i) => ({ x, y: ys[i] }));
          const upper = s.mean.map((m, i) => m + (s.std[i] ?? 0));
          const lower = s.mean.map((m, i) => m - (s.std[i] ?? 0));
          const interp = (v: number): number => {
            let k = s.x.findIndex((x) => x >= v);
            if (k <= 0) k = Math.max(1, Math.min(s.x.length - 1, k < 0 ? s.x.length - 1 : 1));
            const t = (v - s.x[k - 1]) / (s.x[k] - s.x[k - 1] || 1);
            return s.mean[k - 1] + t * (s.mean[k] - s.mean[k - 1]);
          };
          const datasets: ChartConfiguration['data']['datasets'] = [
            { type: 'line', label: '+σ', data: pts(upper), borderColor: withAlpha(th.series[0], 0.35), borderWidth: 1, pointRadius: 0, fill: false },
            { type: 'line', label: 'mean ± σ', data: pts(lower), borderColor: withAlpha(th.series[0], 0.35), backgroundColor: withAlpha(th.series[0], 0.18), borderWidth: 1, pointRadius: 0, fill: '-1' },
            { type: 'line', label: `mean ${s.target}`, data: pts(s.mean), borderColor: th.series[0], backgroundColor: th.series[0], borderWidth: 2, pointRadius: 0 },
          ];
          if (s.acquisition.length) datasets.push({ type: 'line', label: L.acquisition, data: pts(s.acquisition), borderColor: th.series[1], backgroundColor: th.series[1], borderWidth: 2, borderDash: [6, 3], pointRadius: 0, yAxisID: 'y1' });
          if (s.suggestions.length) datasets.push({ type: 'scatter', label: 'suggestions', data: s.suggestions.map((x) => ({ x, y: interp(x) })), pointStyle: 'triangle', pointRadius: 7, backgroundColor: th.series[4], borderColor: th.fg, borderWidth: 1 });
          return {
            points: s.x.length,
            series: datasets.map((d) => String(d.label)),
            label: `Acquisition landscape along ${s.feature}: predicted ${s.target} mean ± σ and ${L.acquisition} at ${s.x.length} points; ${s.suggestions.length} suggestion(s) marked`,
            config: {
              type: 'line',
              data: { datasets },
              options: {
                plugins: { legend: { position: 'bottom', labels: { filter: (i) => i.text !== '+σ' } } },
                scales: {
                  x: { type: 'linear', title: axisTitle(s.feature) },
                  y: { type: 'linear', title: axisTitle(`${s.target} (mean ± σ)`) },
                  ...(s.acquisition.length ? { y1: { type: 'linear' as const, position: 'right' as const, grid: { drawOnChartArea: false }, title: axisTitle(L.acquisition) } } : {}),
                },
              },
            },
          };
        });
      select.addEventListener('change', () => {
        current = (select as unknown as { value: string }).value || current;
        this.saveState({ sliceFeature: current });
        draw();
      });
      draw();
    }
    const pool = L.pool;
    const nMaps = L.grids.length + (pool ? 1 : 0);
    if (nMaps) {
      const card = h('div', { class: 'card' }, h('h3', {}, '2-D map'));
      el.append(card);
      let gi = Math.min(nMaps - 1, Math.max(0, this.state.grid ?? 0));
      const labels = [...L.grids.map((g) => g.label), ...(pool ? [`pool PC1 / PC2 (${pool.total} scored candidates)`] : [])];
      const select = h('vscode-single-select', { id: 'grid-select', 'aria-label': 'Axes of the 2-D map' }, ...labels.map((l, i) => h('vscode-option', { value: String(i), selected: i === gi }, l)));
      const legendBar = h('span', { class: 'legend-bar', 'aria-hidden': 'true' });
      legendBar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => `rgb(${colormap(t).join(',')})`).join(', ')})`;
      const legendText = h('span', { class: 'muted' });
      // colour: acquisition, predicted mean or σ on the 2-D grid (when landscape.json has them)
      let layer = 0;
      const layerSelect = h('vscode-single-select', { id: 'grid-layer', 'aria-label': 'Quantity shown as colour' });
      const layerBox = h('span', { class: 'toolbar' }, h('label', { for: 'grid-layer' }, 'Colour'), layerSelect);
      const syncLayers = (): void => {
        const ls = gi < L.grids.length ? (L.grids[gi].layers ?? []) : [];
        layerBox.hidden = ls.length < 2;
        layer = Math.min(layer, Math.max(0, ls.length - 1));
        layerSelect.replaceChildren(...ls.map((l, i) => h('vscode-option', { value: String(i), selected: i === layer }, l.label)));
      };
      card.append(h('div', { class: 'toolbar' }, h('label', { for: 'grid-select' }, 'Axes'), select, layerBox), h('div', { class: 'toolbar' }, legendText, legendBar));
      const { box, canvas } = this.canvas('landscape2d', true);
      card.append(box);
      const note = h('p', { class: 'muted' });
      card.append(note);
      const drawPool = (p: NonNullable<typeof pool>): ReturnType<Parameters<RunView['chart']>[2]> => {
        const th = this.theme;
        const finite = p.value.filter(Number.isFinite);
        const lo = finite.length ? Math.min(...finite) : 0;
        const hi = finite.length ? Math.max(...finite) : 1;
        legendText.textContent = `${L.acquisition}: ${fmt(lo, 3)} (low)`;
        legendBar.nextSibling?.remove();
        legendBar.after(h('span', { class: 'muted' }, `${fmt(hi, 3)} (high)`));
        note.textContent = `Each dot is a scored candidate (${p.shown === p.total ? 'all' : `${p.shown} of`} ${p.total}) on the first two principal components of its standardised inputs (${p.columns.length} columns; PC1 ${(p.explained[0] * 100).toFixed(0)}%, PC2 ${(p.explained[1] * 100).toFixed(0)}% of the variance).`;
        const colours = p.value.map((v) => `rgb(${colormap(hi > lo ? (v - lo) / (hi - lo) : 0.5).join(',')})`);
        const order = p.value.map((_, i) => i).sort((a, b) => (p.value[a] || 0) - (p.value[b] || 0));
        return {
          points: p.shown,
          series: ['pool', 'suggestions'],
          label: `Pool of ${p.total} scored candidates on PC1/PC2 coloured by ${L.acquisition} (${fmt(lo, 3)} to ${fmt(hi, 3)}); ${p.suggestions.length} suggestion(s) marked`,
          config: {
            type: 'scatter',
            data: {
              datasets: [
                { type: 'scatter', label: 'pool candidates', data: order.map((i) => ({ x: p.x[i], y: p.y[i] })), pointRadius: 3, backgroundColor: order.map((i) => colours[i]), borderWidth: 0 },
                { type: 'scatter', label: 'suggestions', data: p.suggestions.map((q) => ({ x: q.x, y: q.y })), pointStyle: 'triangle', pointRadius: 8, backgroundColor: th.series[4], borderColor: th.fg, borderWidth: 1.5 },
              ],
            },
            options: {
              plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (c) => (c.datasetIndex === 1 ? p.suggestions[c.dataIndex].label : `${L.acquisition} ${fmt(p.value[order[c.dataIndex]])}`) } } },
              scales: { x: { type: 'linear', title: axisTitle('PC1') }, y: { type: 'linear', title: axisTitle('PC2') } },
            },
          },
        };
      };
      const draw = (): void =>
        this.chart('landscape2d', canvas, () => {
          if (pool && gi >= L.grids.length) return drawPool(pool);
          note.textContent = L.reference ? 'Features not on the axes are held at the reference (incumbent) row.' : '';
          const th = this.theme;
          const base: LandscapeGrid = L.grids[gi];
          const chosen = base.layers?.[layer];
          const g: LandscapeGrid = chosen ? { ...base, z: chosen.z, zLabel: chosen.label } : base;
          const [lo, hi] = zRange(g.z);
          legendText.textContent = `${g.zLabel}: ${fmt(lo, 3)} (low)`;
          legendBar.nextSibling?.remove();
          legendBar.after(h('span', { class: 'muted' }, `${fmt(hi, 3)} (high)`));
          const half = (v: number[]): number => (v.length > 1 ? (v[1] - v[0]) / 2 : 0.5);
          const datasets: ChartConfiguration['data']['datasets'] = [];
          if (g.points.length) datasets.push({ type: 'scatter', label: 'measured rows', data: g.points.map((p) => ({ x: p.x, y: p.y })), pointRadius: 3, backgroundColor: 'rgba(0,0,0,0)', borderColor: '#ffffff', borderWidth: 1.2 });
          datasets.push({ type: 'scatter', label: 'suggestions', data: g.suggestions.map((p) => ({ x: p.x, y: p.y })), pointStyle: 'triangle', pointRadius: 8, backgroundColor: th.series[4], borderColor: '#ffffff', borderWidth: 1.5 });
          const cells = g.x.length * g.y.length;
          return {
            points: cells,
            series: ['heatmap', ...datasets.map((d) => String(d.label))],
            label: `2-D ${g.zLabel} map over ${g.xLabel} and ${g.yLabel}: ${g.x.length} × ${g.y.length} grid, values ${fmt(lo, 3)} to ${fmt(hi, 3)}; ${g.suggestions.length} suggestion(s) marked`,
            config: {
              type: 'scatter',
              data: { datasets },
              options: {
                plugins: { legend: { position: 'bottom' }, miHeatmap: { x: g.x, y: g.y, z: g.z } } as never,
                scales: {
                  x: { type: 'linear', min: g.x[0] - half(g.x), max: g.x[g.x.length - 1] + half(g.x), title: axisTitle(g.xLabel), grid: { display: false }, ticks: { includeBounds: false } },
                  y: { type: 'linear', min: g.y[0] - half(g.y), max: g.y[g.y.length - 1] + half(g.y), title: axisTitle(g.yLabel), grid: { display: false }, ticks: { includeBounds: false } },
                },
              },
            },
          };
        });
      select.addEventListener('change', () => {
        gi = Number((select as unknown as { value: string }).value) || 0;
        this.saveState({ grid: gi });
        syncLayers();
        draw();
      });
      layerSelect.addEventListener('change', () => {
        layer = Number((layerSelect as unknown as { value: string }).value) || 0;
        draw();
      });
      syncLayers();
      draw();
    }
  }

  // ------------------------------------------------------------------ pareto

  private objectives(): { column: string; maximize: boolean }[] {
    return this.data.manifest.targets
      .filter((t) => t.goal === 'maximize' || t.goal === 'minimize')
      .map((t) => ({ column: t.column, maximize: t.goal === 'maximize' }));
  }

  private buildPareto(el: HTMLElement): void {
    const [a, b] = this.objectives();
    const p = this.data.predictions;
    const s = this.data.suggestions;
    const card = h('div', { class: 'card' }, h('h3', {}, `Pareto: ${a.column} (${a.maximize ? 'max' : 'min'}) vs ${b.column} (${b.maximize ? 'max' : 'min'})`));
    el.append(card);
    const { box, canvas } = this.canvas('pareto', true);
    card.append(box, h('p', { class: 'muted' }, 'Measured rows, their Pareto front (line), and suggested candidates with predicted mean ± σ in both objectives.'));
    this.chart('pareto', canvas, () => {
      const th = this.theme;
      const xs: number[] = [];
      const ys: number[] = [];
      if (p) {
        const ia = col(p, a.column);
        const ib = col(p, b.column);
        for (const r of p.rows) {
          const x = num(r[ia]);
          const y = num(r[ib]);
          if (Number.isFinite(x) && Number.isFinite(y)) {
            xs.push(x);
            ys.push(y);
          }
        }
      }
      const front = paretoFront(xs, ys, a.maximize, b.maximize);
      const datasets: ChartConfiguration['data']['datasets'] = [
        { type: 'scatter', label: 'measured', data: xs.map((x, i) => ({ x, y: ys[i] })), backgroundColor: withAlpha(th.series[0], 0.6), borderColor: th.series[0], pointRadius: 3 },
        { type: 'line', label: 'Pareto front', data: front.map((i) => ({ x: xs[i], y: ys[i] })), borderColor: th.series[1], backgroundColor: th.series[1], pointRadius: 4, borderWidth: 2, stepped: false },
      ];
      let nSug = 0;
      if (s) {
        const ma = col(s, `${a.column}_mean`);
        const sa = col(s, `${a.column}_std`);
        const mb = col(s, `${b.column}_mean`);
        const sb = col(s, `${b.column}_std`);
        if (ma >= 0 && mb >= 0) {
          const pts = s.rows.map((r) => ({ x: num(r[ma]), y: num(r[mb]) }));
          nSug = pts.length;
          const sug = {
            type: 'scatter' as const,
            label: 'suggestions (mean ± σ)',
            data: pts,
            pointStyle: 'triangle' as const,
            pointRadius: 7,
            backgroundColor: th.series[4],
            borderColor: th.series[4],
            errorBars: s.rows.map((r) => [num(r[mb]) - num(r[sb]), num(r[mb]) + num(r[sb])] as [number, number]),
            xErrorBars: s.rows.map((r) => [num(r[ma]) - num(r[sa]), num(r[ma]) + num(r[sa])] as [number, number]),
            errorBarColor: withAlpha(th.series[4], 0.6),
          };
          datasets.push(sug as never);
        }
      }
      return {
        points: xs.length,
        series: datasets.map((d) => String(d.label)),
        label: `Pareto plot of ${a.column} vs ${b.column}: ${xs.length} measured rows, ${front.length} on the front, ${nSug} suggestion(s)`,
        config: {
          type: 'scatter',
          data: { datasets },
          options: { plugins: { legend: { position: 'bottom' } }, scales: { x: { type: 'linear', title: axisTitle(a.column) }, y: { type: 'linear', title: axisTitle(b.column) } } },
        },
      };
    });
  }

  // ------------------------------------------------------------------ simulation

  private buildSimulation(el: HTMLElement): void {
    const sim = this.data.simulation;
    if (!sim) return;
    const card = h('div', { class: 'card' }, h('h3', {}, `Retrospective simulation: best ${sim.target} so far (${sim.goal})`));
    el.append(card);
    const { box, canvas } = this.canvas('simulation', true);
    card.append(box, h('p', { class: 'muted' }, 'Lines: median over repeats; bands: 25–75% quartiles.'));
    for (const n of sim.notes) card.append(h('p', {}, n));
    this.chart('simulation', canvas, () => {
      const th = this.theme;
      const datasets: ChartConfiguration['data']['datasets'] = [];
      sim.series.forEach((s, k) => {
        const c = th.series[k % th.series.length];
        const pts = (v: number[]) => s.steps.map((x, i) => ({ x, y: v[i] }));
        if (s.q1.length && s.q3.length) {
          datasets.push({ type: 'line', label: `${s.label} q75`, data: pts(s.q3), borderColor: withAlpha(c, 0.3), borderWidth: 1, pointRadius: 0, fill: false });
          datasets.push({ type: 'line', label: `${s.label} q25`, data: pts(s.q1), borderColor: withAlpha(c, 0.3), backgroundColor: withAlpha(c, 0.18), borderWidth: 1, pointRadius: 0, fill: '-1' });
        }
        datasets.push({ type: 'line', label: `${s.label} (median of ${s.repeats})`, data: pts(s.median), borderColor: c, backgroundColor: c, borderWidth: 2, pointRadius: 0 });
      });
      const steps = Math.max(0, ...sim.series.map((s) => s.steps.length));
      return {
        points: steps,
        series: sim.series.map((s) => s.label),
        label: `Simulation: best-so-far ${sim.target} against number of experiments for ${sim.series.map((s) => `${s.label} (final median ${fmt(s.median[s.median.length - 1])})`).join(' and ')}`,
        config: {
          type: 'line',
          data: { datasets },
          options: {
            plugins: { legend: { position: 'bottom', labels: { filter: (i) => !/ q(25|75)$/.test(i.text) } } },
            scales: { x: { type: 'linear', title: axisTitle('experiments') }, y: { type: 'linear', title: axisTitle(`best ${sim.target} so far`) } },
          },
        },
      };
    });
  }
}
