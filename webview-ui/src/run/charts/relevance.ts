/** Feature relevance (top 20): for an ARD GP 1 / lengthscale in standardised units. Labels are never clipped. */
import { axisTitle } from '../../shared/charts';
import { fmt, h } from '../../shared/dom';
import type { RunContext } from '../context';

export function buildRelevance(ctx: RunContext, parent: HTMLElement): void {
  const rel = ctx.data.manifest.model?.featureRelevance;
  if (!rel || !rel.length) return;
  const top = [...rel].sort((a, b) => b.relevance - a.relevance).slice(0, 20);
  const card = h('div', { class: 'card' }, h('h3', {}, `Feature relevance${rel.length > 20 ? ' (top 20)' : ''}`));
  parent.append(card);
  const cb = ctx.canvas('relevance', top.length > 12);
  card.append(cb.box);
  const gp = /gp/i.test(ctx.data.manifest.model?.type ?? '');
  ctx.chart('relevance', cb, () => ({
    points: top.length,
    series: ['relevance'],
    label: `Feature relevance, top ${top.length}: ${top.slice(0, 5).map((r) => `${r.feature} ${fmt(r.relevance, 3)}`).join(', ')}${top.length > 5 ? ', …' : ''}`,
    data: { header: ['feature', 'relevance'], rows: top.map((r) => [r.feature, r.relevance]) },
    details: (_d, i) => ({ title: top[i].feature, fields: [['relevance', fmt(top[i].relevance, 4)]] }),
    config: {
      type: 'bar',
      data: { labels: top.map((r) => r.feature), datasets: [{ label: 'relevance', data: top.map((r) => r.relevance), backgroundColor: ctx.theme.series[2], borderWidth: 0 }] },
      options: {
        indexAxis: 'y',
        plugins: { legend: { display: false }, tooltip: { callbacks: { title: (items) => top[items[0]?.dataIndex ?? 0]?.feature ?? '' } } },
        scales: {
          x: { title: axisTitle(gp ? '1 / ARD lengthscale' : 'relevance') },
          // long descriptor names: shown whole up to 40 characters (the tooltip has the full name)
          y: { ticks: { autoSkip: false, callback: (_v, i) => (top[i].feature.length > 40 ? `${top[i].feature.slice(0, 39)}…` : top[i].feature) }, afterFit: (s) => { s.width = Math.min(Math.max(s.width, 120), 320); } },
        },
      },
    },
  }));
}
