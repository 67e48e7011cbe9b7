/**
 * 1-D acquisition-landscape slice: predicted mean ± σ band and the acquisition along one feature. Points outside the
 * design space (landscape `feasible`) are not drawn (gaps); suggestions sit at their own feature value and their own
 * predicted mean ± σ. The `rendered` report lists the drawn (feasible) feature values.
 */
import type { ChartConfiguration } from 'chart.js';
import type { LandscapeView } from '../../../../src/protocol/webview';
import { axisTitle } from '../../shared/charts';
import { fmt, h } from '../../shared/dom';
import { withAlpha } from '../../shared/theme';
import type { RunContext } from '../context';
import { acqTitle } from '../util';

export function buildSlice(ctx: RunContext, el: HTMLElement, L: LandscapeView): void {
  const card = h('div', { class: 'card' }, h('h3', {}, `1-D slice: predicted mean ± σ and ${L.acquisition}`));
  el.append(card);
  const features = L.slices.map((s) => s.feature);
  let current = features.includes(ctx.state.sliceFeature ?? '') ? (ctx.state.sliceFeature as string) : features[0];
  // searchable: type to filter the features
  const select = h('vscode-single-select', { id: 'slice-feature', combobox: true, filter: 'contains', 'aria-label': 'Feature of the 1-D slice (type to search)' }, ...features.map((f) => h('vscode-option', { value: f, selected: f === current }, f)));
  card.append(h('div', { class: 'toolbar' }, h('label', { for: 'slice-feature' }, 'Feature'), select, h('span', { class: 'muted' }, `${features.length} feature(s)`)));
  const cb = ctx.canvas('landscape1d');
  const note = h('p', { class: 'muted', id: 'slice-held' });
  card.append(cb.box, note);
  const u = ctx.unit(L.target);
  ctx.chart('landscape1d', cb, () => {
    const th = ctx.theme;
    const s = L.slices.find((x) => x.feature === current) ?? L.slices[0];
    const ok = (i: number): boolean => s.feasible?.[i] !== false;
    const pts = (ys: number[]) => s.x.map((x, i) => ({ x, y: ok(i) ? ys[i] : (null as unknown as number) }));
    const upper = s.mean.map((m, i) => m + (s.std[i] ?? 0));
    const lower = s.mean.map((m, i) => m - (s.std[i] ?? 0));
    const masked = s.x.filter((_, i) => !ok(i)).length;
    note.textContent = `${s.held ? `Along ${s.feature}: ${s.held}.` : 'Other features are held at the reference (incumbent) row.'}${masked ? ` ${masked} of ${s.x.length} points lie outside the design space and are not drawn.` : ''} Triangles: the suggestions at their own ${s.feature} and predicted mean ± σ.`;
    const datasets: ChartConfiguration['data']['datasets'] = [
      { type: 'line', label: '+σ', data: pts(upper), borderColor: withAlpha(th.series[0], 0.35), borderWidth: 1, pointRadius: 0, fill: false, spanGaps: false },
      { type: 'line', label: 'mean ± σ', data: pts(lower), borderColor: withAlpha(th.series[0], 0.35), backgroundColor: withAlpha(th.series[0], 0.18), borderWidth: 1, pointRadius: 0, fill: '-1', spanGaps: false },
      { type: 'line', label: `mean ${s.target}`, data: pts(s.mean), borderColor: th.series[0], backgroundColor: th.series[0], borderWidth: 2, pointRadius: 0, spanGaps: false },
    ];
    if (s.acquisition.length) datasets.push({ type: 'line', label: L.acquisition, data: pts(s.acquisition), borderColor: th.series[1], backgroundColor: th.series[1], borderWidth: 2, borderDash: [6, 3], pointRadius: 0, yAxisID: 'y1', spanGaps: false });
    if (s.marks.length) {
      datasets.push({
        type: 'scatter', label: 'suggestions (mean ± σ)', data: s.marks.map((m) => ({ x: m.x, y: m.mean })), pointStyle: 'triangle', pointRadius: 7, backgroundColor: th.series[4], borderColor: th.fg, borderWidth: 1,
        errorBars: s.marks.map((m) => [m.mean - m.std, m.mean + m.std]), errorBarColor: th.series[4],
      } as never);
    }
    const drawn = s.x.filter((_, i) => ok(i)).map((x) => [x]);
    const idx = (i: number): number => i;
    return {
      points: drawn.length,
      series: datasets.map((d) => String(d.label)),
      axes: [s.feature],
      drawn,
      label: `Acquisition landscape along ${s.feature}: predicted ${s.target} mean ± σ${u} and ${L.acquisition} at ${drawn.length} points inside the design space; ${s.marks.length} suggestion(s) marked`,
      data: { header: [s.feature, `${s.target} mean${u}`, `${s.target} σ${u}`, L.acquisition, 'inside design space'], rows: s.x.map((x, i) => [x, s.mean[i], s.std[i], s.acquisition[i] ?? '', ok(i) ? 'yes' : 'no']) },
      details: (di, i) => {
        if (di === datasets.length - 1 && s.marks.length) {
          const m = s.marks[i];
          return { title: `suggestion ${m.label}`, fields: [[s.feature, fmt(m.x)], [`${s.target} mean${u}`, fmt(m.mean)], [`σ${u}`, fmt(m.std)]] };
        }
        const k = idx(i);
        return { title: `${s.feature} = ${fmt(s.x[k])}`, fields: [[`${s.target} mean${u}`, fmt(s.mean[k])], [`σ${u}`, fmt(s.std[k])], [L.acquisition, fmt(s.acquisition[k])]] };
      },
      config: {
        type: 'line',
        data: { datasets },
        options: {
          interaction: { mode: 'nearest', intersect: false },
          plugins: {
            legend: { position: 'bottom', labels: { filter: (i) => i.text !== '+σ' } },
            tooltip: {
              filter: (c) => c.dataset.label !== '+σ' && c.dataset.label !== 'mean ± σ',
              callbacks: {
                label: (c) => {
                  if (c.dataset.label?.startsWith('suggestions')) {
                    const m = s.marks[c.dataIndex];
                    return `${m.label}: ${s.feature} ${fmt(m.x)}, predicted ${fmt(m.mean)} ± ${fmt(m.std)}${u}`;
                  }
                  if (c.dataset.yAxisID === 'y1') return `${L.acquisition} ${fmt(c.parsed.y)}`;
                  return `mean ${fmt(c.parsed.y)} ± ${fmt(s.std[c.dataIndex])}${u}`;
                },
              },
            },
          },
          scales: {
            x: { type: 'linear', title: axisTitle(s.feature) },
            y: { type: 'linear', title: axisTitle(`predicted ${s.target} (mean ± σ)${u}`) },
            ...(s.acquisition.length ? { y1: { type: 'linear' as const, position: 'right' as const, grid: { drawOnChartArea: false }, title: axisTitle(acqTitle(L.acquisition, u)) } } : {}),
          },
        },
      },
    };
  });
  select.addEventListener('change', () => {
    const v = (select as unknown as { value: string }).value;
    if (!features.includes(v)) return;
    current = v;
    ctx.saveState({ sliceFeature: current });
    ctx.rebuild('landscape1d');
  });
}
