/** Simulation tab: best value so far against experiments, BO vs random search (median and quartile bands). */
import type { ChartConfiguration } from 'chart.js';
import { axisTitle } from '../../shared/charts';
import { fmt, h } from '../../shared/dom';
import { withAlpha } from '../../shared/theme';
import type { RunContext, RunTab } from '../context';

function build(ctx: RunContext, el: HTMLElement): void {
  const sim = ctx.data.simulation;
  if (!sim) return;
  const u = sim.unit ? ` [${sim.unit}]` : ctx.unit(sim.target);
  const card = h('div', { class: 'card' }, h('h3', {}, `Retrospective simulation: best ${sim.target} so far${u} (${sim.goal})`));
  el.append(card);
  const cb = ctx.canvas('simulation', true);
  card.append(cb.box, h('p', { class: 'muted' }, 'Lines: median over repeats; bands: 25–75% quartiles.'));
  for (const n of sim.notes) card.append(h('p', {}, n));
  ctx.chart('simulation', cb, () => {
    const th = ctx.theme;
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
      label: `Simulation: best-so-far ${sim.target}${u} against number of experiments for ${sim.series.map((s) => `${s.label} (final median ${fmt(s.median[s.median.length - 1])})`).join(' and ')}`,
      data: { header: ['method', 'experiments', `median best ${sim.target}${u}`, 'q25', 'q75'], rows: sim.series.flatMap((s) => s.steps.map((x, i) => [s.label, x, s.median[i], s.q1[i] ?? '', s.q3[i] ?? ''])) },
      config: {
        type: 'line',
        data: { datasets },
        options: {
          interaction: { mode: 'index', intersect: false },
          plugins: {
            legend: { position: 'bottom', labels: { filter: (i) => !/ q(25|75)$/.test(i.text) } },
            tooltip: { filter: (c) => !/ q(25|75)$/.test(String(c.dataset.label)), callbacks: { title: (items) => `after ${items[0]?.parsed.x} experiments`, label: (c) => `${c.dataset.label}: ${fmt(c.parsed.y)}${u}` } },
          },
          scales: { x: { type: 'linear', title: axisTitle('experiments (measurements made)') }, y: { type: 'linear', title: axisTitle(`best ${sim.target} so far${u}`) } },
        },
      },
    };
  });
}

export const simulationTab: RunTab = {
  id: 'simulation',
  order: 40,
  title: () => 'Simulation',
  available: (d) => !!d.simulation && d.simulation.series.length > 0,
  // a Simulate Campaign run opens on its plot
  news: (d) => d.kind === 'simulation' || d.manifest.command === 'simulate',
  build,
};
