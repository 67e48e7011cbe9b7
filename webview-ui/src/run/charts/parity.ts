/** Parity plot of one target: out-of-fold mean ± σ against the measured value, y = x; points named by id + formula. */
import { axisTitle, type ErrorBarOptions } from '../../shared/charts';
import { fmt, h } from '../../shared/dom';
import { withAlpha } from '../../shared/theme';
import type { RunContext } from '../context';
import { col, num } from '../util';

export function buildParity(ctx: RunContext, parent: HTMLElement, target: string): void {
  const p = ctx.data.predictions;
  const iy = col(p, target);
  const im = col(p, `${target}_mean`);
  const is = col(p, `${target}_std`);
  const card = h('div', { class: 'card' }, h('h3', {}, `Parity — ${target}${ctx.unit(target)}`));
  parent.append(card);
  if (!p || iy < 0 || im < 0) {
    card.append(h('p', { class: 'muted' }, ctx.data.manifest.status === 'running' ? 'Predictions appear when cross-validation finishes.' : 'No out-of-fold predictions in this run.'));
    return;
  }
  const cb = ctx.canvas(`parity-${target}`);
  card.append(cb.box);
  const u = ctx.unit(target);
  const bare = u.replace(/^ \[|\]$/g, '');
  const metrics = ctx.data.manifest.metrics?.cv?.[target];
  ctx.chart(`parity#${target}`, cb, () => {
    const th = ctx.theme;
    const pts: { x: number; y: number }[] = [];
    const bars: [number, number][] = [];
    const rows: string[][] = [];
    const idCol = col(p, 'id');
    for (const r of p.rows) {
      const y = num(r[iy]);
      const mu = num(r[im]);
      if (!Number.isFinite(y) || !Number.isFinite(mu)) continue;
      const sd = is >= 0 ? num(r[is]) : NaN;
      pts.push({ x: y, y: mu });
      bars.push([mu - sd, mu + sd]);
      rows.push(r);
    }
    const idOf = (i: number): string => (idCol >= 0 ? rows[i][idCol] : String(i + 1));
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
    const sigma = (i: number): number => (bars[i][1] - bars[i][0]) / 2;
    return {
      points: pts.length,
      series: [target, 'y = x'],
      label: `Parity plot for ${target}: ${pts.length} out-of-fold predictions (mean ± σ) against measured values` +
        (metrics ? `; MAE ${fmt(metrics.mae, 3)}${bare ? ` ${bare}` : ''}, R² ${fmt(metrics.r2, 3)}, 90% coverage ${fmt(metrics.coverage90, 3)}` : ''),
      data: { header: ['id', ...(ctx.data.nameColumn ? [ctx.data.nameColumn] : []), `measured ${target}${u}`, `predicted mean${u}`, `predicted σ${u}`], rows: pts.map((q, i) => [idOf(i), ...(ctx.data.nameColumn ? [ctx.data.names?.[idOf(i)] ?? ''] : []), q.x, q.y, sigma(i)]) },
      details: (di, i) => (di !== 0 ? undefined : { title: ctx.rowName(idOf(i)), fields: p.header.map((hd, j) => [hd, rows[i][j] ?? ''] as [string, string]) }),
      config: {
        type: 'scatter',
        data: {
          datasets: [
            ds as never,
            { type: 'line', label: 'y = x', data: [{ x: lo - pad, y: lo - pad }, { x: hi + pad, y: hi + pad }], borderColor: th.muted, borderDash: [5, 4], borderWidth: 1, pointRadius: 0 },
          ],
        },
        options: {
          interaction: { mode: 'nearest', intersect: true },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                title: (items) => (items[0]?.datasetIndex === 0 ? ctx.rowName(idOf(items[0].dataIndex)) : ''),
                label: (c) => (c.datasetIndex === 0 ? [`measured ${fmt(pts[c.dataIndex].x)}${u}`, `predicted ${fmt(pts[c.dataIndex].y)} ± ${fmt(sigma(c.dataIndex))}${u} (σ)`] : 'y = x'),
              },
            },
          },
          scales: {
            x: { type: 'linear', suggestedMin: lo - pad, suggestedMax: hi + pad, title: axisTitle(`measured ${target}${u}`) },
            y: { type: 'linear', suggestedMin: lo - pad, suggestedMax: hi + pad, title: axisTitle(`predicted ${target} (out-of-fold mean ± σ)${u}`) },
          },
        },
      },
    };
  });
  if (metrics) card.append(h('p', { class: 'muted' }, `MAE ${fmt(metrics.mae, 3)}${bare ? ` ${bare}` : ''} · RMSE ${fmt(metrics.rmse, 3)}${bare ? ` ${bare}` : ''} · R² ${fmt(metrics.r2, 3)} · 90% coverage ${fmt(metrics.coverage90, 3)}`));
}
