/**
 * 2-D acquisition-landscape map: a heatmap over two features (or the PC1/PC2 plane) with the measured rows and the
 * suggestions; cells outside the design space are not painted. Or the scored pool on its PC1/PC2 as coloured dots.
 * Besides the precomputed maps, any pair of input features can be picked (two searchable pickers): the host draws
 * that map from the run's saved model (`landscapeMap` request) with the same masking.
 * The `rendered` report lists the painted cells ([x, y]) so tests can check them against the design space.
 */
import type { ChartConfiguration } from 'chart.js';
import type { LandscapeGrid, LandscapeView, PoolProjection } from '../../../../src/protocol/webview';
import { axisTitle, colormap, pointColormap, zRange } from '../../shared/charts';
import { fmt, h } from '../../shared/dom';
import type { ChartSpec, RunContext } from '../context';

export function buildMap(ctx: RunContext, el: HTMLElement, L: LandscapeView): void {
  const pool = L.pool;
  const nMaps = L.grids.length + (pool ? 1 : 0);
  if (!nMaps) return;
  const card = h('div', { class: 'card' }, h('h3', {}, '2-D map'));
  el.append(card);
  let gi = Math.min(nMaps - 1, Math.max(0, ctx.state.grid ?? 0));
  // the maps: L.grids (precomputed, then those drawn on demand), then the pool (index L.grids.length)
  const count = (): number => L.grids.length + (pool ? 1 : 0);
  const options = (): HTMLElement[] => [...L.grids.map((g) => g.label), ...(pool ? [`pool PC1 / PC2 (${pool.total} scored candidates)`] : [])].map((l, i) => h('vscode-option', { value: String(i), selected: i === gi }, l));
  const select = h('vscode-single-select', { id: 'grid-select', combobox: true, filter: 'contains', 'aria-label': 'Axes of the 2-D map (type to search)' }, ...options());
  const legendBar = h('span', { class: 'legend-bar', 'aria-hidden': 'true' });
  const legendLo = h('span', { class: 'muted' });
  const legendHi = h('span', { class: 'muted' });
  let layer = ctx.state.layer ?? 0;
  const layerSelect = h('vscode-single-select', { id: 'grid-layer', 'aria-label': 'Quantity shown as colour' });
  const layerBox = h('span', { class: 'toolbar' }, h('label', { for: 'grid-layer' }, 'Colour'), layerSelect);
  const syncLayers = (): void => {
    const ls = gi < L.grids.length ? (L.grids[gi].layers ?? []) : [];
    layerBox.hidden = ls.length < 2;
    layer = Math.min(layer, Math.max(0, ls.length - 1));
    layerSelect.replaceChildren(...ls.map((l, i) => h('vscode-option', { value: String(i), selected: i === layer }, l.label)));
  };
  card.append(h('div', { class: 'toolbar' }, h('label', { for: 'grid-select' }, 'Axes'), select, layerBox));
  const pair = pairPicker(ctx, L, card);
  card.append(h('div', { class: 'toolbar' }, legendLo, legendBar, legendHi));
  const cb = ctx.canvas('landscape2d', true);
  const note = h('p', { class: 'muted', id: 'map-held' });
  card.append(cb.box, note);
  const u = ctx.unit(L.target);
  const setLegend = (label: string, lo: number, hi: number, dots: boolean): void => {
    const cm = (t: number) => (dots ? pointColormap(t, ctx.theme) : colormap(t));
    legendBar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => `rgb(${cm(t).join(',')})`).join(', ')})`;
    legendLo.textContent = `${label}: ${fmt(lo, 3)} (low)`;
    legendHi.textContent = `${fmt(hi, 3)} (high)`;
  };

  const drawPool = (p: PoolProjection): ChartSpec => {
    const th = ctx.theme;
    const finite = p.value.filter(Number.isFinite);
    const lo = finite.length ? Math.min(...finite) : 0;
    const hi = finite.length ? Math.max(...finite) : 1;
    setLegend(L.acquisition, lo, hi, true);
    note.textContent = `Each dot is a scored candidate (${p.shown === p.total ? 'all' : `${p.shown} of`} ${p.total}) on the first two principal components of its standardised inputs (${p.columns.length} columns; PC1 ${(p.explained[0] * 100).toFixed(0)}%, PC2 ${(p.explained[1] * 100).toFixed(0)}% of the variance).`;
    const colours = p.value.map((v) => `rgb(${pointColormap(hi > lo ? (v - lo) / (hi - lo) : 0.5, th).join(',')})`);
    const order = p.value.map((_, i) => i).sort((a, b) => (p.value[a] || 0) - (p.value[b] || 0));
    const idOf = (i: number): string => p.ids?.[i] ?? String(i + 1);
    return {
      points: p.shown,
      series: ['pool', 'suggestions'],
      axes: ['PC1', 'PC2'],
      label: `Pool of ${p.total} scored candidates on PC1/PC2 coloured by ${L.acquisition} (${fmt(lo, 3)} to ${fmt(hi, 3)}); ${p.suggestions.length} suggestion(s) marked`,
      data: { header: ['id', 'PC1', 'PC2', L.acquisition], rows: p.x.map((x, i) => [idOf(i), x, p.y[i], p.value[i]]) },
      details: (di, k) => (di === 1 ? { title: `suggestion ${p.suggestions[k].label}`, fields: [['PC1', fmt(p.suggestions[k].x)], ['PC2', fmt(p.suggestions[k].y)]] } : { title: ctx.rowName(idOf(order[k])), fields: [[L.acquisition, fmt(p.value[order[k]])], ['PC1', fmt(p.x[order[k]])], ['PC2', fmt(p.y[order[k]])]] }),
      config: {
        type: 'scatter',
        data: {
          datasets: [
            { type: 'scatter', label: 'pool candidates', data: order.map((i) => ({ x: p.x[i], y: p.y[i] })), pointRadius: 3, backgroundColor: order.map((i) => colours[i]), borderColor: th.kind === 'light' || th.kind === 'high-contrast-light' ? 'rgba(0,0,0,0.35)' : 'rgba(255,255,255,0.25)', borderWidth: 0.5 },
            { type: 'scatter', label: 'suggestions', data: p.suggestions.map((q) => ({ x: q.x, y: q.y })), pointStyle: 'triangle', pointRadius: 8, backgroundColor: th.series[4], borderColor: th.fg, borderWidth: 1.5 },
          ],
        },
        options: {
          plugins: {
            legend: { position: 'bottom' },
            tooltip: { callbacks: { label: (c) => (c.datasetIndex === 1 ? `suggestion ${p.suggestions[c.dataIndex].label}` : `${ctx.rowName(idOf(order[c.dataIndex]))}: ${L.acquisition} ${fmt(p.value[order[c.dataIndex]])}`) } },
          },
          scales: { x: { type: 'linear', title: axisTitle(`PC1 (${(p.explained[0] * 100).toFixed(0)}% of variance)`) }, y: { type: 'linear', title: axisTitle(`PC2 (${(p.explained[1] * 100).toFixed(0)}% of variance)`) } },
        },
      },
    };
  };

  const drawGrid = (base: LandscapeGrid): ChartSpec => {
    const th = ctx.theme;
    const chosen = base.layers?.[layer];
    const g: LandscapeGrid = chosen ? { ...base, z: chosen.z, zLabel: chosen.label } : base;
    const ok = (j: number, i: number): boolean => g.feasible?.[j]?.[i] !== false;
    const [lo, hi] = zRange(g.z.map((r, j) => r.map((v, i) => (ok(j, i) ? v : NaN))));
    const zUnit = /\(mean\)|\(σ\)/.test(g.zLabel) ? u : '';
    setLegend(`${g.zLabel}${zUnit}`, lo, hi, false);
    const drawn: number[][] = [];
    g.y.forEach((yv, j) => g.x.forEach((xv, i) => {
      if (ok(j, i) && Number.isFinite(g.z[j]?.[i])) drawn.push([xv, yv]);
    }));
    const cells = g.x.length * g.y.length;
    note.textContent = `${g.held ? `On this map: ${g.held}.` : L.reference ? 'Features not on the axes are held at the reference (incumbent) row.' : ''}${drawn.length < cells ? ` ${cells - drawn.length} of ${cells} cells lie outside the design space and are left blank.` : ''} Circles: measured rows; triangles: suggestions.`;
    const half = (v: number[]): number => (v.length > 1 ? (v[1] - v[0]) / 2 : 0.5);
    const datasets: ChartConfiguration['data']['datasets'] = [];
    const outline = th.kind === 'light' || th.kind === 'high-contrast-light' ? '#000000' : '#ffffff';
    if (g.points.length) datasets.push({ type: 'scatter', label: 'measured rows', data: g.points.map((p) => ({ x: p.x, y: p.y })), pointRadius: 3, backgroundColor: 'rgba(0,0,0,0)', borderColor: outline, borderWidth: 1.2 });
    datasets.push({ type: 'scatter', label: 'suggestions', data: g.suggestions.map((p) => ({ x: p.x, y: p.y })), pointStyle: 'triangle', pointRadius: 8, backgroundColor: th.series[4], borderColor: outline, borderWidth: 1.5 });
    const pointOf = (di: number, k: number) => (datasets[di]?.label === 'measured rows' ? g.points[k] : g.suggestions[k]);
    const nameOf = (label: string): string => {
      const m = /^(#\d+ )?(.*?)( \(incumbent\))?$/.exec(label);
      return m ? `${m[1] ?? ''}${ctx.rowName(m[2])}${m[3] ?? ''}` : label;
    };
    return {
      points: drawn.length,
      series: ['heatmap', ...datasets.map((d) => String(d.label))],
      axes: [g.xLabel, g.yLabel],
      drawn,
      label: `2-D ${g.zLabel} map over ${g.xLabel} and ${g.yLabel}: ${g.x.length} × ${g.y.length} grid, ${drawn.length} cells inside the design space, values ${fmt(lo, 3)} to ${fmt(hi, 3)}; ${g.suggestions.length} suggestion(s) marked`,
      data: { header: [g.xLabel, g.yLabel, `${g.zLabel}${zUnit}`, 'inside design space'], rows: g.y.flatMap((yv, j) => g.x.map((xv, i) => [xv, yv, g.z[j][i], ok(j, i) ? 'yes' : 'no'])) },
      details: (di, k) => {
        const p = pointOf(di, k);
        if (!p) return undefined;
        const fields: [string, string][] = [[g.xLabel, fmt(p.x)], [g.yLabel, fmt(p.y)]];
        if (p.value !== undefined) fields.push([datasets[di]?.label === 'measured rows' ? `measured ${L.target}${u}` : `predicted ${L.target}${u}`, `${fmt(p.value)}${p.std !== undefined ? ` ± ${fmt(p.std)} (σ)` : ''}`]);
        return { title: nameOf(p.label), fields };
      },
      config: {
        type: 'scatter',
        data: { datasets },
        options: {
          interaction: { mode: 'nearest', intersect: true },
          plugins: {
            legend: { position: 'bottom' },
            miHeatmap: { x: g.x, y: g.y, z: g.z, mask: g.feasible },
            tooltip: {
              callbacks: {
                label: (c: { datasetIndex: number; dataIndex: number }) => {
                  const p = pointOf(c.datasetIndex, c.dataIndex);
                  if (!p) return '';
                  const measured = datasets[c.datasetIndex]?.label === 'measured rows';
                  return `${nameOf(p.label)}: ${measured ? 'measured' : 'predicted'} ${fmt(p.value)}${p.std !== undefined ? ` ± ${fmt(p.std)}` : ''}${u}`;
                },
              },
            },
          } as never,
          scales: {
            x: { type: 'linear', min: g.x[0] - half(g.x), max: g.x[g.x.length - 1] + half(g.x), title: axisTitle(g.xLabel), grid: { display: false }, ticks: { includeBounds: false } },
            y: { type: 'linear', min: g.y[0] - half(g.y), max: g.y[g.y.length - 1] + half(g.y), title: axisTitle(g.yLabel), grid: { display: false }, ticks: { includeBounds: false } },
          },
        },
      },
    };
  };

  ctx.chart('landscape2d', cb, () => (pool && gi >= L.grids.length ? drawPool(pool) : drawGrid(L.grids[gi])));
  const show = (v: number, mapPair?: string[]): void => {
    gi = v;
    ctx.saveState({ grid: gi, mapPair });
    syncLayers();
    pair?.sync(L.grids[gi]);
    ctx.rebuild('landscape2d');
  };
  select.addEventListener('change', () => {
    const v = Number((select as unknown as { value: string }).value);
    if (!Number.isInteger(v) || v < 0 || v >= count()) return;
    show(v);
  });
  pair?.onGrid((g, x, y) => {
    let k = L.grids.findIndex((q) => q.kind === 'features' && q.xLabel === x && q.yLabel === y);
    if (k < 0 && g) {
      L.grids.push(g);
      k = L.grids.length - 1;
    }
    if (k < 0) return;
    gi = k;
    select.replaceChildren(...options());
    (select as unknown as { value: string }).value = String(k);
    show(k, [x, y]);
  });
  pair?.sync(L.grids[gi]);
  // a pair picked before (kept in the view state) is drawn again when the view is rebuilt
  const saved = ctx.state.mapPair;
  if (pair && saved?.length === 2 && !L.grids.some((q) => q.xLabel === saved[0] && q.yLabel === saved[1])) pair.pick(saved[0], saved[1]);
  layerSelect.addEventListener('change', () => {
    layer = Number((layerSelect as unknown as { value: string }).value) || 0;
    ctx.saveState({ layer });
    ctx.rebuild('landscape2d');
  });
  syncLayers();
}

interface PairPicker {
  /** Shows the axes of a map in the pickers (nothing for the PCA plane or the pool). */
  sync(g: LandscapeGrid | undefined): void;
  /** Picks x and y and draws their map. */
  pick(x: string, y: string): void;
  /** Called with the map over the picked pair (undefined when a precomputed one exists). */
  onGrid(fn: (g: LandscapeGrid | undefined, x: string, y: string) => void): void;
}

/**
 * Two searchable pickers over every input feature a map can be drawn for (`mapFeatures`); choosing two different
 * ones shows the precomputed map of that pair or asks the host to draw it from the saved model. Absent in the static
 * report and for runs without a saved model.
 */
function pairPicker(ctx: RunContext, L: LandscapeView, card: HTMLElement): PairPicker | undefined {
  const feats = L.mapFeatures ?? [];
  if (!L.onDemand || !ctx.opts.canEdit || feats.length < 2) return undefined;
  const mk = (id: string, label: string) => h('vscode-single-select', { id, combobox: true, filter: 'contains', 'aria-label': label }, ...feats.map((f) => h('vscode-option', { value: f }, f)));
  const xSel = mk('map-x', 'Map x axis: any input feature (type to search)');
  const ySel = mk('map-y', 'Map y axis: any input feature (type to search)');
  const status = h('span', { class: 'muted', id: 'map-status', role: 'status', 'aria-live': 'polite' }, `${feats.length} features`);
  card.append(h('div', { class: 'toolbar' }, h('label', { for: 'map-x' }, 'Any pair: x'), xSel, h('label', { for: 'map-y' }, 'y'), ySel, status));
  const val = (el: HTMLElement): string => (el as unknown as { value: string }).value;
  const set = (el: HTMLElement, v: string): void => {
    (el as unknown as { value: string }).value = v;
  };
  let listener: (g: LandscapeGrid | undefined, x: string, y: string) => void = () => undefined;
  let seq = 0;
  const draw = (x: string, y: string): void => {
    if (!feats.includes(x) || !feats.includes(y)) return;
    if (x === y) {
      status.textContent = 'choose two different features';
      return;
    }
    if (L.grids.some((q) => q.kind === 'features' && q.xLabel === x && q.yLabel === y)) {
      status.textContent = `${feats.length} features`;
      listener(undefined, x, y);
      return;
    }
    const mine = ++seq;
    status.textContent = `drawing ${x} × ${y}…`;
    ctx.opts.host.request('landscapeMap', { x, y }).then(
      (g) => {
        if (mine !== seq) return;
        status.textContent = `${x} × ${y}: drawn from the saved model`;
        listener(g, x, y);
      },
      (e: unknown) => {
        if (mine === seq) status.textContent = `cannot draw ${x} × ${y}: ${(e as Error).message}`;
      },
    );
  };
  const changed = (): void => draw(val(xSel), val(ySel));
  xSel.addEventListener('change', changed);
  ySel.addEventListener('change', changed);
  return {
    sync(g) {
      if (g?.kind !== 'features') return;
      if (feats.includes(g.xLabel)) set(xSel, g.xLabel);
      if (feats.includes(g.yLabel)) set(ySel, g.yLabel);
    },
    pick(x, y) {
      set(xSel, x);
      set(ySel, y);
      draw(x, y);
    },
    onGrid(fn) {
      listener = fn;
    },
  };
}
