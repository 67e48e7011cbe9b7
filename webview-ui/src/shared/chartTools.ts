/**
 * The toolbar under every chart (run editor, dataset viewer and static report): Reset zoom, Save PNG, Save SVG and
 * Copy CSV of the data drawn. PNG is the picture on the theme's background colour, SVG a vector drawing of the same chart; saving goes through the host's
 * save dialog in VS Code and a download in the static report. CSV cells pass `spreadsheetSafe`.
 */
import type { Chart } from 'chart.js';
import { toCsv } from '../../../src/runview/csv';
import { h } from './dom';
import { chartToSvg } from './svgExport';

export interface ChartData {
  header: string[];
  rows: (string | number)[][];
}

export interface ChartToolsHost {
  /** Save picture bytes/text; resolves with a status text. */
  save(name: string, format: 'png' | 'svg', data: string): Promise<string>;
  copy(text: string): Promise<string>;
  background(): string;
}

const cell = (v: string | number): string => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v);

/** PNG (base64, no data: prefix) of a chart on an opaque background, at the canvas's pixel size. */
export function chartPng(chart: Chart, background: string): string {
  const src = chart.canvas;
  const c = document.createElement('canvas');
  c.width = src.width;
  c.height = src.height;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(src, 0, 0);
  return c.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

export function chartToolbar(name: string, getChart: () => Chart | undefined, data: () => ChartData | undefined, host: ChartToolsHost, label: () => string): HTMLElement {
  const status = h('span', { class: 'muted chart-status', role: 'status', 'aria-live': 'polite' });
  const btn = (text: string, aria: string, cls: string, run: () => Promise<string> | string): HTMLElement => {
    const b = h('button', { type: 'button', class: `chart-tool ${cls}`, 'aria-label': aria, title: aria }, text);
    b.addEventListener('click', async () => {
      try {
        status.textContent = await run();
      } catch (e) {
        status.textContent = `${text} failed: ${(e as Error).message}`;
      }
    });
    return b;
  };
  const reset = btn('Reset zoom', `Reset zoom and pan of ${name}`, 'reset', () => {
    const c = getChart() as (Chart & { resetZoom?: () => void }) | undefined;
    c?.resetZoom?.();
    return '';
  });
  const png = btn('PNG', `Save ${name} as PNG`, 'png', () => {
    const c = getChart();
    return c ? host.save(`${name}.png`, 'png', chartPng(c, host.background())) : 'nothing drawn';
  });
  const svg = btn('SVG', `Save ${name} as SVG`, 'svg', () => {
    const c = getChart();
    return c ? host.save(`${name}.svg`, 'svg', chartToSvg(c, host.background(), label())) : 'nothing drawn';
  });
  const csv = btn('Copy CSV', `Copy the data of ${name} as CSV`, 'csv', async () => {
    const d = data();
    if (!d) return 'no data';
    return host.copy(toCsv(d.header, d.rows.map((r) => r.map(cell))));
  });
  return h('div', { class: 'chart-tools', role: 'toolbar', 'aria-label': `Chart tools: ${name}` }, reset, png, svg, csv, status);
}
