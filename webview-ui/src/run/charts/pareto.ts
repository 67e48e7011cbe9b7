/** Pareto plot for two objectives: measured rows, their front, and the suggestions with mean ± σ in both. */
import type { ChartConfiguration } from 'chart.js';
import { axisTitle } from '../../shared/charts';
import { fmt, h } from '../../shared/dom';
import { withAlpha } from '../../shared/theme';
import type { RunContext } from '../context';
import { col, num } from '../util';

/** Non-dominated points for (maximize|minimize) × 2; returns indices sorted by x. */
export function paretoFront(xs: number[], ys: number[], maxX: boolean, maxY: boolean): number[] {
  const sx = maxX ? 1 : -1;
  const sy = maxY ? 1 : -1;
  const idx = xs.map((_, i) => i).filter((i) => Number.isFinite(xs[i]) && Number.isFinite(ys[i]));
  const front = idx.filter((i) => !idx.some((j) => j !== i && sx * xs[j] >= sx * xs[i] && sy * ys[j] >= sy * ys[i] && (sx * xs[j] > sx * xs[i] || sy * ys[j] > sy * ys[i])));
  return front.sort((a, b) => xs[a] - xs[b]);
}

export function objectives(targets: { column: string; goal: unknown }[]): { column: string; maximize: boolean }[] {
  return targets.filter((t) => t.goal === 'maximize' || t.goal === 'minimize').map((t) => ({ column: t.column, maximize: t.goal === 'maximize' }));
}

export function buildPareto(ctx: RunContext, el: HTMLElement): void {
  const [a, b] = objectives(ctx.data.manifest.targets);
  const p = ctx.data.predictions;
  const s = ctx.data.suggestions;
  const ua = ctx.unit(a.column);
  const ub = ctx.unit(b.column);
  const card = h('div', { class: 'card' }, h('h3', {}, `Pareto: ${a.column} (${a.maximize ? 'max' : 'min'}) vs ${b.column} (${b.maximize ? 'max' : 'min'})`));
  el.append(card);
  const cb = ctx.canvas('pareto', true);
  card.append(cb.box, h('p', { class: 'muted' }, 'Measured rows, their Pareto front (line), and suggested candidates with predicted mean ± σ in both objectives.'));
  ctx.chart('pareto', cb, () => {
    const th = ctx.theme;
    const xs: number[] = [];
    const ys: number[] = [];
    const ids: string[] = [];
    if (p) {
      const ia = col(p, a.column);
      const ib = col(p, b.column);
      const idc = col(p, 'id');
      p.rows.forEach((r, i) => {
        const x = num(r[ia]);
        const y = num(r[ib]);
        if (Number.isFinite(x) && Number.isFinite(y)) {
          xs.push(x);
          ys.push(y);
          ids.push(idc >= 0 ? r[idc] : String(i + 1));
        }
      });
    }
    const front = paretoFront(xs, ys, a.maximize, b.maximize);
    const datasets: ChartConfiguration['data']['datasets'] = [
      { type: 'scatter', label: 'measured', data: xs.map((x, i) => ({ x, y: ys[i] })), backgroundColor: withAlpha(th.series[0], 0.6), borderColor: th.series[0], pointRadius: 3 },
      { type: 'line', label: 'Pareto front', data: front.map((i) => ({ x: xs[i], y: ys[i] })), borderColor: th.series[1], backgroundColor: th.series[1], pointRadius: 4, borderWidth: 2 },
    ];
    const sug: { id: string; x: number; y: number; sx: number; sy: number }[] = [];
    if (s) {
      const ma = col(s, `${a.column}_mean`);
      const sa = col(s, `${a.column}_std`);
      const mb = col(s, `${b.column}_mean`);
      const sb = col(s, `${b.column}_std`);
      const sid = col(s, 'id');
      if (ma >= 0 && mb >= 0) {
        for (const r of s.rows) sug.push({ id: sid >= 0 ? r[sid] : '', x: num(r[ma]), y: num(r[mb]), sx: num(r[sa]), sy: num(r[sb]) });
        datasets.push({
          type: 'scatter', label: 'suggestions (mean ± σ)', data: sug.map((q) => ({ x: q.x, y: q.y })), pointStyle: 'triangle', pointRadius: 7, backgroundColor: th.series[4], borderColor: th.series[4],
          errorBars: sug.map((q) => [q.y - q.sy, q.y + q.sy]), xErrorBars: sug.map((q) => [q.x - q.sx, q.x + q.sx]), errorBarColor: withAlpha(th.series[4], 0.6),
        } as never);
      }
    }
    const describe = (di: number, k: number): { title: string; fields: [string, string][] } | undefined => {
      if (di === 0) return { title: ctx.rowName(ids[k]), fields: [[`${a.column}${ua}`, fmt(xs[k])], [`${b.column}${ub}`, fmt(ys[k])]] };
      if (di === 1) return { title: `${ctx.rowName(ids[front[k]])} (on the front)`, fields: [[`${a.column}${ua}`, fmt(xs[front[k]])], [`${b.column}${ub}`, fmt(ys[front[k]])]] };
      const q = sug[k];
      return q ? { title: `suggestion ${ctx.rowName(q.id)}`, fields: [[`${a.column}${ua}`, `${fmt(q.x)} ± ${fmt(q.sx)}`], [`${b.column}${ub}`, `${fmt(q.y)} ± ${fmt(q.sy)}`]] } : undefined;
    };
    return {
      points: xs.length,
      series: datasets.map((d) => String(d.label)),
      label: `Pareto plot of ${a.column} vs ${b.column}: ${xs.length} measured rows, ${front.length} on the front, ${sug.length} suggestion(s)`,
      data: { header: ['kind', 'id', `${a.column}${ua}`, `${b.column}${ub}`, `${a.column} σ`, `${b.column} σ`], rows: [...xs.map((x, i) => ['measured', ids[i], x, ys[i], '', '']), ...sug.map((q) => ['suggestion', q.id, q.x, q.y, q.sx, q.sy])] },
      details: describe,
      config: {
        type: 'scatter',
        data: { datasets },
        options: {
          interaction: { mode: 'nearest', intersect: true },
          plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (c) => { const d = describe(c.datasetIndex, c.dataIndex); return d ? `${d.title}: ${d.fields.map(([k, v]) => `${k} ${v}`).join(', ')}` : ''; } } } },
          scales: { x: { type: 'linear', title: axisTitle(`${a.column}${ua}`) }, y: { type: 'linear', title: axisTitle(`${b.column}${ub}`) } },
        },
      },
    };
  });
}
