/**
 * Transfer tab of the run view (and the same section in the static report): the ranked candidates of the nested
 * selection as a bar chart of their inner-CV MAE with the no-transfer baseline as a dashed line, the pick highlighted,
 * plus a summary (selected, baseline, outer-CV comparison, sources and the leakage overlap note).
 * Self-contained so the tab registry can host it: `buildTransferSection(el, transfer, deps)`.
 */
import type { ChartConfiguration } from 'chart.js';
import type { TransferManifest } from '../../../src/core/transfer';
import type { TargetMetrics } from '../../../src/core/run/manifest';
import { axisTitle } from '../shared/charts';
import { fmt, h } from '../shared/dom';
import { withAlpha, type Theme } from '../shared/theme';

export interface TransferChart {
  config: ChartConfiguration;
  points: number;
  series: string[];
  label: string;
}

/** Chart.js config: one bar per candidate (rank order, inner-CV MAE), the baseline MAE as a dashed line. */
export function transferChartConfig(t: TransferManifest, theme: Theme): TransferChart {
  const cands = [...t.candidates].sort((a, b) => a.rank - b.rank);
  // auto's average is named by its members in full in the tooltip and the summary; on the axis it stays short
  const labels = cands.map((c) => (c.members?.length ? `average of ${c.members.length}` : c.label));
  const base = t.baseline.metric;
  const pick = theme.series[0];
  const other = theme.series[1] ?? theme.series[0];
  const datasets: ChartConfiguration['data']['datasets'] = [
    {
      type: 'bar',
      label: 'inner-CV MAE',
      data: cands.map((c) => c.metric),
      backgroundColor: cands.map((c) => (c.label === t.selected.label ? pick : c.strategy === 'none' ? withAlpha(theme.fg, 0.45) : withAlpha(other, 0.75))),
      borderColor: cands.map((c) => (c.label === t.selected.label ? pick : withAlpha(theme.fg, 0.3))),
      borderWidth: 1,
    },
    {
      type: 'line',
      label: `no-transfer baseline (${fmt(base)})`,
      data: labels.map(() => base),
      borderColor: theme.fg,
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
      fill: false,
    },
  ];
  return {
    points: cands.length,
    series: ['inner-CV MAE', 'baseline'],
    label: `Transfer candidates ranked by inner-CV MAE: ${cands.map((c) => `${c.rank}. ${c.label} ${fmt(c.metric)}`).join(', ')}; baseline ${fmt(base)}; selected ${t.selected.label}`,
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: {
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { title: (items: { dataIndex: number }[]) => cands[items[0]?.dataIndex ?? 0]?.label ?? '' } },
        },
        scales: { x: { type: 'category', title: axisTitle('candidate (strategy:source)') }, y: { type: 'linear', beginAtZero: true, title: axisTitle('inner-CV MAE') } },
      },
    },
  };
}

export interface TransferDeps {
  canvas(id: string): { box: HTMLElement; canvas: HTMLCanvasElement };
  chart(name: string, box: { box: HTMLElement; canvas: HTMLCanvasElement }, make: () => TransferChart): void;
  theme(): Theme;
  /** Outer-CV metrics of the run (metrics.cv), to compare with the baseline's outer CV. */
  cv: Record<string, TargetMetrics>;
}

/** The Transfer section: summary card, candidate chart, candidate table. */
export function buildTransferSection(el: HTMLElement, t: TransferManifest, deps: TransferDeps): void {
  const target = Object.keys(deps.cv)[0];
  const outer = target ? deps.cv[target] : undefined;
  const baseOuter = target && t.baselineCv ? t.baselineCv[target] : undefined;
  const summary = h('div', { class: 'card', id: 'transfer-summary' },
    h('h3', {}, 'Transfer learning'),
    h('p', {}, 'Selected: ', h('strong', { id: 'transfer-selected' }, t.selected.label), ` (inner-CV MAE ${fmt(t.selected.metric)}; no-transfer baseline ${fmt(t.baseline.metric)}). Strategy requested: ${t.requested.strategy}; library ${t.library}.`),
    t.selected.members?.length
      ? h('p', { class: 'muted', id: 'transfer-members' }, `The pick is the equal-weight average of the ${t.selected.members.length} best transfer candidates (${t.selected.members.join(', ')}): its mean is the average of theirs, its band also widens where they disagree.`)
      : null,
    outer && baseOuter
      ? h('p', {}, `Outer ${target} MAE with nested selection ${fmt(outer.mae)} vs ${fmt(baseOuter.mae)} without transfer (same folds)${baseOuter.mae > 0 ? `: ${((Math.abs(baseOuter.mae - outer.mae) / baseOuter.mae) * 100).toFixed(1)} % ${outer.mae <= baseOuter.mae ? 'lower' : 'higher (transfer did not help here)'}` : ''}. The parity plot in Overview shows the selected procedure's out-of-fold predictions.`)
      : null,
    h('p', { class: t.overlap.rows > 0 ? 'warning' : 'muted', id: 'transfer-overlap' }, `Leakage check: ${t.overlap.note}.`),
    h('p', { class: 'muted', id: 'transfer-sources' }, `Sources: ${t.sources.map((s) => `${s.name} (${s.target}, ${s.models} model(s), held-out MAE ${fmt(s.valMae)}${s.skill !== undefined && s.skill !== null ? `, R² ${fmt(s.skill)}` : ''})${s.leftOut ? ` — left out by auto: ${s.leftOut}` : ''}`).join('; ') || 'none'}.`),
  );
  el.append(summary);
  const card = h('div', { class: 'card' }, h('h3', {}, 'Candidates (inner cross-validation)'));
  const { box, canvas } = deps.canvas('transfer-candidates');
  card.append(box);
  el.append(card);
  deps.chart('transfer', { box, canvas }, () => transferChartConfig(t, deps.theme()));
  const table = h('table', { class: 'data', id: 'transfer-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'rank'), h('th', {}, 'strategy'), h('th', {}, 'source'), h('th', {}, 'inner-CV MAE'), h('th', {}, 'RMSE'))),
    h('tbody', {}, ...[...t.candidates].sort((a, b) => a.rank - b.rank).map((c) =>
      h('tr', { class: c.label === t.selected.label ? 'selected' : '' }, h('td', {}, String(c.rank)), h('td', {}, c.strategy), h('td', {}, c.source ?? '—'), h('td', {}, fmt(c.metric)), h('td', {}, fmt(c.rmse))))),
  );
  card.append(table);
}
