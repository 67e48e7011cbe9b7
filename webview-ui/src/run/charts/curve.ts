/**
 * Learning curve: one phase at a time (per-fold CV error and the final fit's objective have different scales). The
 * final fit's objective restarts at each optimiser start: every start is its own series, x = iteration within it.
 */
import { axisTitle } from '../../shared/charts';
import { fmt, h } from '../../shared/dom';
import type { RunContext } from '../context';

/** Splits an optimiser trace into starts: a new start where the objective jumps up by > 5% of its range. */
export function splitStarts(values: number[]): number[][] {
  const finite = values.filter(Number.isFinite);
  const range = finite.length ? Math.max(...finite) - Math.min(...finite) : 0;
  const out: number[][] = [];
  let cur: number[] = [];
  values.forEach((v, i) => {
    if (i > 0 && cur.length > 2 && v > values[i - 1] + 0.05 * range) {
      out.push(cur);
      cur = [];
    }
    cur.push(v);
  });
  if (cur.length) out.push(cur);
  return out;
}

export function buildCurve(ctx: RunContext, parent: HTMLElement): void {
  const card = h('div', { class: 'card' }, h('h3', {}, 'Learning curve'));
  parent.append(card);
  const cb = ctx.canvas('curve');
  const live = h('p', { class: 'muted', 'aria-live': 'polite' });
  const select = h('vscode-single-select', { id: 'curve-phase', 'aria-label': 'Phase of the learning curve' });
  const bar = h('div', { class: 'toolbar' }, h('label', { for: 'curve-phase' }, 'Phase'), select);
  card.append(bar, cb.box, live);
  let optionKey = '';
  select.addEventListener('change', () => {
    ctx.saveState({ curvePhase: (select as unknown as { value: string }).value });
    ctx.rebuild('curve');
  });
  ctx.chart('curve', cb, () => {
    const th = ctx.theme;
    const m = ctx.data.manifest;
    const counts = new Map<string, number>();
    for (const p of m.curve) counts.set(p.phase, (counts.get(p.phase) ?? 0) + 1);
    const allPhases = [...counts.keys()];
    const busiest = allPhases.reduce((a, b) => ((counts.get(b) ?? 0) > (counts.get(a) ?? 0) ? b : a), allPhases[0] ?? '');
    const current = allPhases.includes(ctx.state.curvePhase ?? '') ? (ctx.state.curvePhase as string) : busiest;
    bar.hidden = allPhases.length < 2;
    const key = allPhases.join('\u0000') + '\u0001' + current;
    if (key !== optionKey) {
      optionKey = key;
      select.replaceChildren(...allPhases.map((ph) => h('vscode-option', { value: ph, selected: ph === current }, `${ph} (${counts.get(ph)} points)`)));
    }
    const pts = m.curve.filter((p) => p.phase === current);
    const isCv = /^cv|fold/i.test(current);
    const isLoss = /epoch|loss|mlp/i.test(current);
    const groups = isCv || isLoss ? [pts.map((p) => p.value)] : splitStarts(pts.map((p) => p.value));
    const datasets = groups.map((g, i) => {
      const c = th.series[i % th.series.length];
      const data = isCv || isLoss ? pts.map((p) => ({ x: p.iteration, y: p.value })) : g.map((v, k) => ({ x: k + 1, y: v }));
      return { type: 'line' as const, label: groups.length > 1 ? `start ${i + 1} (${g.length} iterations)` : current, data, borderColor: c, backgroundColor: c, pointRadius: data.length > 60 ? 0 : 2, borderWidth: 1.5 };
    });
    const last = m.curve[m.curve.length - 1];
    live.textContent = m.status === 'running' ? `Running — ${m.curve.length} points so far${last ? `, last ${fmt(last.value)}` : ''}; updates live.` : `${m.curve.length} points${last ? `, final ${fmt(last.value)}` : ''}${groups.length > 1 ? `; ${groups.length} optimiser starts` : ''}.`;
    const shown = pts.length;
    const yLabel = isLoss ? 'training loss' : isCv ? `${current}: error per fold` : '−log marginal likelihood (objective)';
    return {
      points: shown,
      series: groups.length > 1 ? datasets.map((d) => d.label) : current ? [current] : [],
      label: `Learning curve (${current || 'no points yet'}): ${shown} points${groups.length > 1 ? ` in ${groups.length} optimiser starts` : ''}${last ? `; last value ${fmt(last.value)}` : ''}${allPhases.length > 1 ? `; other phases: ${allPhases.filter((p) => p !== current).join(', ')}` : ''}`,
      data: { header: ['phase', 'series', 'iteration', 'value'], rows: datasets.flatMap((d) => d.data.map((q) => [current, d.label, q.x, q.y])) },
      config: {
        type: 'line',
        data: { datasets },
        options: {
          plugins: { legend: { display: groups.length > 1, position: 'bottom' } },
          scales: { x: { type: 'linear', title: axisTitle(isCv ? 'fold' : isLoss ? 'epoch' : 'iteration within the start') }, y: { type: 'linear', title: axisTitle(yLabel) } },
        },
      },
    };
  });
}
