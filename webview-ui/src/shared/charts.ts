/**
 * Chart.js 4 with only the pieces the views use registered (tree-shaken imports), animation off,
 * plus two small plugins: vertical error bars (±σ) and a heatmap painted under a scatter chart.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { Theme } from './theme';

/** Per-dataset error bars: `errorBars[i] = [low, high]` for data point i, drawn in `errorBarColor`. */
export interface ErrorBarOptions {
  errorBars?: [number, number][];
  /** Horizontal bars: `xErrorBars[i] = [low, high]` on the x scale. */
  xErrorBars?: [number, number][];
  errorBarColor?: string;
}

const errorBarPlugin: Plugin = {
  id: 'miErrorBars',
  beforeDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((ds, di) => {
      const o = ds as unknown as ErrorBarOptions;
      if ((!o.errorBars && !o.xErrorBars) || !chart.isDatasetVisible(di)) return;
      const meta = chart.getDatasetMeta(di);
      const yScale = chart.scales[meta.yAxisID ?? 'y'];
      const xScale = chart.scales[meta.xAxisID ?? 'x'];
      ctx.save();
      const a = chart.chartArea;
      ctx.beginPath();
      ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
      ctx.clip();
      ctx.strokeStyle = o.errorBarColor ?? '#888';
      ctx.lineWidth = 1;
      ctx.beginPath();
      meta.data.forEach((pt, i) => {
        const bar = o.errorBars?.[i];
        if (!bar || !Number.isFinite(bar[0]) || !Number.isFinite(bar[1])) return;
        const x = pt.x;
        const y0 = yScale.getPixelForValue(bar[0]);
        const y1 = yScale.getPixelForValue(bar[1]);
        ctx.moveTo(x, y0);
        ctx.lineTo(x, y1);
        ctx.moveTo(x - 2.5, y0);
        ctx.lineTo(x + 2.5, y0);
        ctx.moveTo(x - 2.5, y1);
        ctx.lineTo(x + 2.5, y1);
      });
      meta.data.forEach((pt, i) => {
        const bar = o.xErrorBars?.[i];
        if (!bar || !Number.isFinite(bar[0]) || !Number.isFinite(bar[1])) return;
        const x0 = xScale.getPixelForValue(bar[0]);
        const x1 = xScale.getPixelForValue(bar[1]);
        ctx.moveTo(x0, pt.y);
        ctx.lineTo(x1, pt.y);
      });
      ctx.stroke();
      ctx.restore();
    });
  },
};

export interface HeatmapOptions {
  x: number[];
  y: number[];
  z: number[][];
  /** mask[j][i] false: the cell lies outside the design space and is not painted. */
  mask?: boolean[][];
}

/** Viridis-like colour map, t in [0,1]. */
export function colormap(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** The colour scale for points on the theme's background: on dark themes the darkest purple is skipped. */
export function pointColormap(t: number, theme: Theme): [number, number, number] {
  const dark = theme.kind === 'dark' || theme.kind === 'high-contrast';
  return colormap(dark ? 0.18 + 0.82 * (Number.isFinite(t) ? t : 0) : t);
}

export function zRange(z: number[][]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of z) for (const v of r) if (Number.isFinite(v)) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

const heatmapPlugin: Plugin = {
  id: 'miHeatmap',
  beforeDatasetsDraw(chart, _args, opts) {
    const o = opts as unknown as HeatmapOptions | undefined;
    if (!o || !o.z || !o.x?.length || !o.y?.length) return;
    const { ctx, chartArea } = chart;
    const xs = chart.scales.x;
    const ys = chart.scales.y;
    const [lo, hi] = zRange(o.mask ? o.z.map((r, j) => r.map((v, i) => (o.mask?.[j]?.[i] === false ? NaN : v))) : o.z);
    const edges = (v: number[], i: number): [number, number] => {
      const prev = i > 0 ? (v[i] + v[i - 1]) / 2 : v[i] - (v.length > 1 ? (v[1] - v[0]) / 2 : 0.5);
      const next = i < v.length - 1 ? (v[i] + v[i + 1]) / 2 : v[i] + (v.length > 1 ? (v[i] - v[i - 1]) / 2 : 0.5);
      return [prev, next];
    };
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
    ctx.clip();
    for (let j = 0; j < o.y.length; j++) {
      const [ya, yb] = edges(o.y, j);
      const py0 = ys.getPixelForValue(ya);
      const py1 = ys.getPixelForValue(yb);
      for (let i = 0; i < o.x.length; i++) {
        const v = o.z[j]?.[i];
        if (!Number.isFinite(v) || o.mask?.[j]?.[i] === false) continue;
        const [xa, xb] = edges(o.x, i);
        const px0 = xs.getPixelForValue(xa);
        const px1 = xs.getPixelForValue(xb);
        const [r, g, b] = colormap(hi > lo ? (v - lo) / (hi - lo) : 0.5);
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fillRect(Math.min(px0, px1), Math.min(py0, py1), Math.abs(px1 - px0) + 0.5, Math.abs(py1 - py0) + 0.5);
      }
    }
    ctx.restore();
  },
};

Chart.register(
  ScatterController,
  LineController,
  BarController,
  LinearScale,
  CategoryScale,
  PointElement,
  LineElement,
  BarElement,
  Filler,
  Legend,
  Tooltip,
  errorBarPlugin,
  heatmapPlugin,
  zoomPlugin,
);

/** Wheel / pinch zoom and drag pan on both axes (chartjs-plugin-zoom); double-click or "Reset zoom" restores. */
export const zoomOptions = {
  zoom: { wheel: { enabled: true }, pinch: { enabled: true }, mode: 'xy' as const },
  pan: { enabled: true, mode: 'xy' as const },
};

/** Applies the theme to Chart.js defaults (fonts, colours); call before (re)building charts. */
export function applyChartTheme(t: Theme): void {
  Chart.defaults.color = t.fg;
  Chart.defaults.borderColor = t.grid;
  Chart.defaults.font.family = t.font;
  Chart.defaults.font.size = Math.max(11, t.fontSize - 1);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  // legend markers take the drawn point style (triangles stay triangles) and stay visible on light backgrounds
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  Chart.defaults.plugins.tooltip.usePointStyle = true;
}

export function axisTitle(text: string): { display: boolean; text: string } {
  return { display: true, text };
}

export function createChart(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  Chart.getChart(canvas)?.destroy();
  config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...(config.options ?? {}) } as typeof config.options;
  return new Chart(canvas, config);
}

export { Chart };
