/**
 * "Curves" tab / report section for function targets (curves.json, written by src/core/functional/run.ts):
 * observed vs out-of-fold predicted curve with its 90% band (and the pointwise baseline) for any sample, searchable by
 * id / formula; error and band coverage as a function of the argument; predicted curves of suggested candidates.
 * Theme-aware through the view's chart factory; every chart reports its drawn points like the other charts.
 */
import type { ChartConfiguration } from 'chart.js';
import { axisTitle } from '../shared/charts';
import { fmt, h } from '../shared/dom';
import { withAlpha, type Theme } from '../shared/theme';

const Z90 = 1.6448536269514722;

/** The part of curves.json the view reads (tolerant: anything missing is skipped). */
export interface CurvesData {
  target: string;
  argument: { name: string; unit?: string };
  unit?: string;
  model: string;
  grid: number[];
  samples: { id: string; observed: { t: number[]; y: number[] }; y: (number | null)[]; mean: (number | null)[]; std: (number | null)[]; pointwiseMean?: (number | null)[]; fold?: number }[];
  curveR2?: (number | null)[];
  errorByArgument?: { model: { rmse: number[]; coverage90: number[] }; pointwise: { rmse: number[]; coverage90: number[] } };
  suggestions?: { id: string; rank: number; objective: number; objectiveStd: number; mean: number[]; std: number[] }[];
}

export interface CurvesViewContext {
  theme(): Theme;
  chart(name: string, box: { box: HTMLElement; canvas: HTMLCanvasElement }, make: () => { config: ChartConfiguration; points: number; series: string[]; label: string }): void;
  canvas(id: string, tall?: boolean): { box: HTMLElement; canvas: HTMLCanvasElement };
  rebuild(name: string): void;
  selected(): string | undefined;
  select(id: string): void;
}

/** A tolerant reader of curves.json (returns undefined when it is not one). */
export function asCurvesData(v: unknown): CurvesData | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Partial<CurvesData>;
  if (!Array.isArray(o.grid) || !Array.isArray(o.samples)) return undefined;
  return { target: String(o.target ?? 'curve'), argument: o.argument ?? { name: 'argument' }, unit: o.unit, model: String(o.model ?? ''), grid: o.grid, samples: o.samples, curveR2: o.curveR2, errorByArgument: o.errorByArgument, suggestions: o.suggestions ?? [] };
}

const pts = (xs: number[], ys: (number | null)[]): { x: number; y: number }[] =>
  xs.map((x, i) => ({ x, y: ys[i] as number })).filter((p) => p.y !== null && Number.isFinite(p.y));

/** Builds the curves section into `el`. */
export function buildCurvesSection(el: HTMLElement, d: CurvesData, ctx: CurvesViewContext): void {
  const argLabel = `${d.argument.name}${d.argument.unit ? ` [${d.argument.unit}]` : ''}`;
  const yLabel = `${d.target}${d.unit ? ` [${d.unit}]` : ''}`;
  el.append(h('p', { class: 'muted' }, `Out-of-fold predictions of ${d.target} (${d.model}) on a grid of ${d.grid.length} ${d.argument.name} values; the band is the calibrated 90% interval. Dashed: the pointwise baseline.`));

  // ---- one sample: search by id / formula
  const ids = d.samples.map((s) => s.id);
  const list = h('datalist', { id: 'curve-ids' }, ...ids.slice(0, 5000).map((id) => h('option', { value: id })));
  const search = h('input', { id: 'curve-search', type: 'search', list: 'curve-ids', placeholder: 'search id or formula', 'aria-label': 'Sample to show (id or formula)' }) as HTMLInputElement;
  const prev = h('vscode-button', { secondary: true, 'aria-label': 'Previous sample' }, '◀');
  const next = h('vscode-button', { secondary: true, 'aria-label': 'Next sample' }, '▶');
  const info = h('span', { class: 'muted', id: 'curve-info', 'aria-live': 'polite' });
  const card = h('div', { class: 'card' }, h('h3', {}, `Observed vs predicted — ${d.target}`), h('div', { class: 'toolbar' }, h('label', { for: 'curve-search' }, 'Sample'), search, list, prev, next, info));
  el.append(card);
  const { box, canvas } = ctx.canvas('curve-sample', true);
  card.append(box);
  const index = (): number => {
    const cur = ctx.selected();
    const i = cur !== undefined ? ids.indexOf(cur) : -1;
    return i >= 0 ? i : 0;
  };
  const choose = (i: number): void => {
    if (!ids.length) return;
    const k = ((i % ids.length) + ids.length) % ids.length;
    ctx.select(ids[k]);
    search.value = ids[k];
    ctx.rebuild('curve-sample');
  };
  search.addEventListener('change', () => {
    const q = search.value.trim().toLowerCase();
    let i = ids.findIndex((id) => id.toLowerCase() === q);
    if (i < 0) i = ids.findIndex((id) => id.toLowerCase().includes(q));
    if (i >= 0) choose(i);
    else info.textContent = `no sample matches "${search.value}"`;
  });
  prev.addEventListener('click', () => choose(index() - 1));
  next.addEventListener('click', () => choose(index() + 1));
  search.value = ids[index()] ?? '';
  ctx.chart('curve-sample', { box, canvas }, () => {
    const th = ctx.theme();
    const i = index();
    const s = d.samples[i];
    const lo = s ? s.mean.map((m, k) => (m === null || s.std[k] === null ? null : m - Z90 * (s.std[k] as number))) : [];
    const hi = s ? s.mean.map((m, k) => (m === null || s.std[k] === null ? null : m + Z90 * (s.std[k] as number))) : [];
    const observed = s ? pts(s.observed.t, s.observed.y) : [];
    const mean = s ? pts(d.grid, s.mean) : [];
    const r2 = d.curveR2?.[i];
    info.textContent = s ? `${i + 1} of ${ids.length}${r2 !== null && r2 !== undefined ? ` · curve R² ${fmt(r2, 3)}` : ''}${s.fold !== undefined ? ` · fold ${s.fold + 1}` : ''}` : '';
    const datasets = [
      { type: 'line' as const, label: '90% band (upper)', data: pts(d.grid, hi), borderColor: withAlpha(th.series[0], 0.3), backgroundColor: withAlpha(th.series[0], 0.18), pointRadius: 0, borderWidth: 1, fill: false },
      { type: 'line' as const, label: '90% band', data: pts(d.grid, lo), borderColor: withAlpha(th.series[0], 0.3), backgroundColor: withAlpha(th.series[0], 0.18), pointRadius: 0, borderWidth: 1, fill: '-1' },
      { type: 'line' as const, label: `predicted (${d.model})`, data: mean, borderColor: th.series[0], backgroundColor: th.series[0], pointRadius: 2, borderWidth: 2, fill: false },
      ...(s?.pointwiseMean ? [{ type: 'line' as const, label: 'pointwise baseline', data: pts(d.grid, s.pointwiseMean), borderColor: th.muted, borderDash: [5, 4], pointRadius: 0, borderWidth: 1, fill: false }] : []),
      { type: 'scatter' as const, label: 'measured', data: observed, borderColor: th.series[1] ?? th.fg, backgroundColor: th.series[1] ?? th.fg, pointRadius: 4 },
    ];
    return {
      points: observed.length + mean.length,
      series: datasets.map((x) => x.label),
      label: s ? `${d.target} of ${s.id} against ${d.argument.name}: ${observed.length} measured points and the out-of-fold predicted curve with its 90% band` : 'no samples',
      config: {
        type: 'line',
        data: { datasets: datasets as never },
        options: {
          parsing: false,
          plugins: { legend: { display: true, labels: { filter: (it) => it.text !== '90% band (upper)' } } },
          scales: { x: { type: 'linear', title: axisTitle(argLabel) }, y: { type: 'linear', title: axisTitle(yLabel) } },
        },
      } as ChartConfiguration,
    };
  });

  // ---- error vs argument
  const e = d.errorByArgument;
  if (e) {
    const c2 = h('div', { class: 'card' }, h('h3', {}, `Error vs ${d.argument.name}`));
    el.append(c2);
    const { box: b2, canvas: cv2 } = ctx.canvas('curve-error');
    c2.append(b2);
    ctx.chart('curve-error', { box: b2, canvas: cv2 }, () => {
      const th = ctx.theme();
      const datasets = [
        { type: 'line' as const, label: `RMSE (${d.model})`, data: pts(d.grid, e.model.rmse), borderColor: th.series[0], backgroundColor: th.series[0], pointRadius: 3, yAxisID: 'y' },
        { type: 'line' as const, label: 'RMSE (pointwise)', data: pts(d.grid, e.pointwise.rmse), borderColor: th.muted, borderDash: [5, 4], pointRadius: 2, yAxisID: 'y' },
        { type: 'line' as const, label: '90% coverage', data: pts(d.grid, e.model.coverage90), borderColor: th.series[2] ?? th.fg, backgroundColor: th.series[2] ?? th.fg, pointRadius: 2, yAxisID: 'y1' },
      ];
      return {
        points: datasets.reduce((a, x) => a + x.data.length, 0),
        series: datasets.map((x) => x.label),
        label: `Out-of-fold RMSE of ${d.target} and 90% band coverage at each of ${d.grid.length} ${d.argument.name} values`,
        config: {
          type: 'line',
          data: { datasets: datasets as never },
          options: {
            parsing: false,
            scales: {
              x: { type: 'linear', title: axisTitle(argLabel) },
              y: { type: 'linear', title: axisTitle(`RMSE${d.unit ? ` [${d.unit}]` : ''}`), beginAtZero: true },
              y1: { type: 'linear', position: 'right', min: 0, max: 1, title: axisTitle('90% coverage'), grid: { drawOnChartArea: false } },
            },
          },
        } as ChartConfiguration,
      };
    });
  }

  // ---- predicted curves of suggested candidates
  const sug = d.suggestions ?? [];
  if (sug.length) {
    const c3 = h('div', { class: 'card' }, h('h3', {}, `Suggested candidates — predicted ${d.target}`));
    el.append(c3);
    const { box: b3, canvas: cv3 } = ctx.canvas('curve-suggestions', true);
    c3.append(b3);
    ctx.chart('curve-suggestions', { box: b3, canvas: cv3 }, () => {
      const th = ctx.theme();
      const datasets = sug.flatMap((s, k) => {
        const color = th.series[k % th.series.length];
        const hi = s.mean.map((m, j) => m + Z90 * s.std[j]);
        const lo = s.mean.map((m, j) => m - Z90 * s.std[j]);
        return [
          { type: 'line' as const, label: `#${s.rank} band+`, data: pts(d.grid, hi), borderColor: 'transparent', backgroundColor: withAlpha(color, 0.12), pointRadius: 0, fill: false },
          { type: 'line' as const, label: `#${s.rank} band`, data: pts(d.grid, lo), borderColor: 'transparent', backgroundColor: withAlpha(color, 0.12), pointRadius: 0, fill: '-1' },
          { type: 'line' as const, label: `#${s.rank} ${s.id} (objective ${fmt(s.objective, 3)} ± ${fmt(s.objectiveStd, 2)})`, data: pts(d.grid, s.mean), borderColor: color, backgroundColor: color, pointRadius: 2, borderWidth: 2, fill: false },
        ];
      });
      return {
        points: sug.length * d.grid.length,
        series: sug.map((s) => s.id),
        label: `Predicted ${d.target} curves with 90% bands of ${sug.length} suggested candidates`,
        config: {
          type: 'line',
          data: { datasets: datasets as never },
          options: {
            parsing: false,
            plugins: { legend: { labels: { filter: (it) => !/band/.test(it.text) } } },
            scales: { x: { type: 'linear', title: axisTitle(argLabel) }, y: { type: 'linear', title: axisTitle(yLabel) } },
          },
        } as ChartConfiguration,
      };
    });
    const table = h('table', { class: 'data compact', 'aria-label': 'Suggested candidates and their objective' },
      h('thead', {}, h('tr', {}, ...['rank', 'id', 'objective', '± std'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...sug.map((s) => h('tr', {}, h('td', {}, String(s.rank)), h('td', { class: 'text' }, s.id), h('td', {}, fmt(s.objective, 4)), h('td', {}, fmt(s.objectiveStd, 3))))));
    c3.append(h('div', { class: 'scroll-x' }, table));
  }
}
