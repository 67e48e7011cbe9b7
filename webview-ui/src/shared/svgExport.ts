/**
 * Vector SVG of a Chart.js chart: the chart is drawn once more, off screen, into a recording 2-D context that writes
 * SVG elements (paths for lines, points, bars and heatmap cells, <text> for labels) while forwarding every call to a
 * real canvas context (so text measurement and layout are exactly those of the screen). Current zoom is kept.
 */
import { BasicPlatform, Chart, type ChartConfiguration } from 'chart.js';

type M = [number, number, number, number, number, number];
interface St {
  fill: string;
  stroke: string;
  lw: number;
  font: string;
  align: string;
  baseline: string;
  alpha: number;
  dash: number[];
  cap: string;
  join: string;
  m: M;
  clip?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number): string => String(Math.round(v * 100) / 100);
const mul = (a: M, b: M): M => [a[0] * b[0] + a[2] * b[1], a[1] * b[0] + a[3] * b[1], a[0] * b[2] + a[2] * b[3], a[1] * b[2] + a[3] * b[3], a[0] * b[4] + a[2] * b[5] + a[4], a[1] * b[4] + a[3] * b[5] + a[5]];

class Recorder {
  out: string[] = [];
  defs: string[] = [];
  d: string[] = [];
  st: St = { fill: '#000', stroke: '#000', lw: 1, font: '10px sans-serif', align: 'start', baseline: 'alphabetic', alpha: 1, dash: [], cap: 'butt', join: 'miter', m: [1, 0, 0, 1, 0, 0] };
  stack: St[] = [];
  clipId = 0;
  /** Path points so far (device coordinates), for clip rectangles. */
  private pts: [number, number][] = [];

  p(x: number, y: number): [number, number] {
    const m = this.st.m;
    return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
  }
  private scale(): number {
    const m = this.st.m;
    return Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2])) || 1;
  }
  moveTo(x: number, y: number): void {
    const [a, b] = this.p(x, y);
    this.d.push(`M${n(a)} ${n(b)}`);
    this.pts.push([a, b]);
  }
  lineTo(x: number, y: number): void {
    const [a, b] = this.p(x, y);
    this.d.push(`${this.d.length ? 'L' : 'M'}${n(a)} ${n(b)}`);
    this.pts.push([a, b]);
  }
  bezierCurveTo(a: number, b: number, c: number, d: number, x: number, y: number): void {
    const [p1, q1] = this.p(a, b);
    const [p2, q2] = this.p(c, d);
    const [p3, q3] = this.p(x, y);
    this.d.push(`C${n(p1)} ${n(q1)} ${n(p2)} ${n(q2)} ${n(p3)} ${n(q3)}`);
  }
  quadraticCurveTo(a: number, b: number, x: number, y: number): void {
    const [p1, q1] = this.p(a, b);
    const [p3, q3] = this.p(x, y);
    this.d.push(`Q${n(p1)} ${n(q1)} ${n(p3)} ${n(q3)}`);
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.moveTo(x, y);
    this.lineTo(x + w, y);
    this.lineTo(x + w, y + h);
    this.lineTo(x, y + h);
    this.d.push('Z');
  }
  arc(x: number, y: number, r: number, a0: number, a1: number, ccw = false): void {
    const s = this.scale();
    let sweep = a1 - a0;
    if (ccw) sweep = -(((a0 - a1) % (2 * Math.PI)) + (a0 - a1 < 0 ? 2 * Math.PI : 0));
    if (Math.abs(sweep) >= 2 * Math.PI - 1e-9) {
      const [cx, cy] = this.p(x, y);
      const R = r * s;
      this.d.push(`M${n(cx + R)} ${n(cy)}A${n(R)} ${n(R)} 0 1 1 ${n(cx - R)} ${n(cy)}A${n(R)} ${n(R)} 0 1 1 ${n(cx + R)} ${n(cy)}`);
      return;
    }
    const [sx, sy] = this.p(x + r * Math.cos(a0), y + r * Math.sin(a0));
    const [ex, ey] = this.p(x + r * Math.cos(a0 + sweep), y + r * Math.sin(a0 + sweep));
    this.d.push(`${this.d.length ? 'L' : 'M'}${n(sx)} ${n(sy)}A${n(r * s)} ${n(r * s)} 0 ${Math.abs(sweep) > Math.PI ? 1 : 0} ${sweep > 0 ? 1 : 0} ${n(ex)} ${n(ey)}`);
  }
  ellipse(x: number, y: number, rx: number, _ry: number, _rot: number, a0: number, a1: number, ccw = false): void {
    this.arc(x, y, rx, a0, a1, ccw);
  }
  beginPath(): void {
    this.d = [];
    this.pts = [];
  }
  closePath(): void {
    this.d.push('Z');
  }
  private attrs(): string {
    return this.st.clip ? ` clip-path="url(#${this.st.clip})"` : '';
  }
  private paint(kind: 'fill' | 'stroke', d: string): void {
    if (!d) return;
    const a = this.st.alpha < 1 ? ` opacity="${n(this.st.alpha)}"` : '';
    if (kind === 'fill') this.out.push(`<path d="${d}" fill="${esc(this.st.fill)}"${a}${this.attrs()}/>`);
    else {
      const dash = this.st.dash.length ? ` stroke-dasharray="${this.st.dash.map((v) => n(v * this.scale())).join(' ')}"` : '';
      this.out.push(`<path d="${d}" fill="none" stroke="${esc(this.st.stroke)}" stroke-width="${n(this.st.lw * this.scale())}" stroke-linecap="${this.st.cap}" stroke-linejoin="${this.st.join}"${dash}${a}${this.attrs()}/>`);
    }
  }
  fill(): void {
    this.paint('fill', this.d.join(''));
  }
  stroke(): void {
    this.paint('stroke', this.d.join(''));
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    const keep = [this.d, this.pts] as const;
    this.beginPath();
    this.rect(x, y, w, h);
    this.fill();
    [this.d, this.pts] = [keep[0], keep[1]];
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    const keep = [this.d, this.pts] as const;
    this.beginPath();
    this.rect(x, y, w, h);
    this.stroke();
    [this.d, this.pts] = [keep[0], keep[1]];
  }
  clip(): void {
    const id = `c${++this.clipId}`;
    this.defs.push(`<clipPath id="${id}"><path d="${this.d.join('')}"/></clipPath>`);
    this.st.clip = id;
  }
  fillText(text: string, x: number, y: number): void {
    const m = this.st.m;
    const anchor = this.st.align === 'center' ? 'middle' : this.st.align === 'right' || this.st.align === 'end' ? 'end' : 'start';
    const base = this.st.baseline === 'middle' ? 'central' : this.st.baseline === 'top' || this.st.baseline === 'hanging' ? 'hanging' : this.st.baseline === 'bottom' ? 'text-after-edge' : 'alphabetic';
    const f = /^(.*?)([\d.]+)px\s+(.*)$/.exec(this.st.font.trim());
    const pre = f ? f[1].split(/\s+/) : [];
    const weight = pre.find((t) => /^(bold|bolder|lighter|\d{3})$/.test(t));
    const style = pre.find((t) => /^(italic|oblique)$/.test(t));
    const font = f ? ` font-size="${f[2]}"${weight ? ` font-weight="${weight}"` : ''}${style ? ` font-style="${style}"` : ''} font-family="${esc(f[3])}"` : '';
    const alpha = this.st.alpha < 1 ? ` opacity="${n(this.st.alpha)}"` : '';
    // the clip is in root coordinates: put it on a group around the transformed text
    const t = `<text transform="matrix(${m.map(n).join(' ')})" x="${n(x)}" y="${n(y)}" fill="${esc(this.st.fill)}" text-anchor="${anchor}" dominant-baseline="${base}"${font}${alpha}>${esc(String(text))}</text>`;
    this.out.push(this.st.clip ? `<g${this.attrs()}>${t}</g>` : t);
  }
  save(): void {
    this.stack.push({ ...this.st, dash: [...this.st.dash], m: [...this.st.m] as M });
  }
  restore(): void {
    const s = this.stack.pop();
    if (s) this.st = s;
  }
  translate(x: number, y: number): void {
    this.st.m = mul(this.st.m, [1, 0, 0, 1, x, y]);
  }
  rotate(a: number): void {
    this.st.m = mul(this.st.m, [Math.cos(a), Math.sin(a), -Math.sin(a), Math.cos(a), 0, 0]);
  }
  scaleBy(x: number, y: number): void {
    this.st.m = mul(this.st.m, [x, 0, 0, y, 0, 0]);
  }
  setTransform(a: number | DOMMatrix2DInit, b?: number, c?: number, d?: number, e?: number, f?: number): void {
    if (typeof a === 'object') this.st.m = [a.a ?? 1, a.b ?? 0, a.c ?? 0, a.d ?? 1, a.e ?? 0, a.f ?? 0];
    else this.st.m = [a, b ?? 0, c ?? 0, d ?? 1, e ?? 0, f ?? 0];
  }
  resetTransform(): void {
    this.st.m = [1, 0, 0, 1, 0, 0];
  }
  setLineDash(d: number[]): void {
    this.st.dash = [...d];
  }
}

/** A real 2-D context wrapped so that drawing is also recorded as SVG. */
function recordingContext(real: CanvasRenderingContext2D, rec: Recorder): CanvasRenderingContext2D {
  const props: Record<string, keyof St> = { fillStyle: 'fill', strokeStyle: 'stroke', lineWidth: 'lw', font: 'font', textAlign: 'align', textBaseline: 'baseline', globalAlpha: 'alpha', lineCap: 'cap', lineJoin: 'join' };
  const methods = new Set(['moveTo', 'lineTo', 'bezierCurveTo', 'quadraticCurveTo', 'rect', 'arc', 'ellipse', 'beginPath', 'closePath', 'fill', 'stroke', 'fillRect', 'strokeRect', 'clip', 'fillText', 'save', 'restore', 'translate', 'rotate', 'setTransform', 'resetTransform', 'setLineDash']);
  return new Proxy(real, {
    get(target, key: string) {
      const v = (target as unknown as Record<string, unknown>)[key];
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (key === 'scale') rec.scaleBy(args[0] as number, args[1] as number);
        else if (methods.has(key)) (rec as unknown as Record<string, (...a: unknown[]) => void>)[key](...args);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
    set(target, key: string, value) {
      (target as unknown as Record<string, unknown>)[key] = value;
      const k = props[key];
      if (k) (rec.st as unknown as Record<string, unknown>)[k] = typeof value === 'string' || typeof value === 'number' ? value : String(value);
      return true;
    },
  });
}

/** Draws `config` (with the live chart's current axis ranges) into an SVG document of the chart's CSS size. */
export function chartToSvg(live: Chart, background: string, title: string): string {
  const lc = live.config as unknown as { type: ChartConfiguration['type']; data: ChartConfiguration['data']; options?: ChartConfiguration['options']; plugins?: ChartConfiguration['plugins'] };
  const config = { type: lc.type, data: lc.data, options: lc.options, plugins: (lc.plugins ?? []).filter((p) => p.id !== 'miRanges') } as ChartConfiguration;
  const w = live.width;
  const h = live.height;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const real = canvas.getContext('2d')!;
  const rec = new Recorder();
  const ctx = recordingContext(real, rec);
  (canvas as unknown as { getContext: () => CanvasRenderingContext2D }).getContext = () => ctx;
  const scales: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(live.scales)) {
    const base = ((config.options?.scales as Record<string, object> | undefined)?.[id] ?? {}) as Record<string, unknown>;
    scales[id] = s.type === 'category' ? base : { ...base, min: s.min, max: s.max };
  }
  const copy = new Chart(canvas, {
    ...config,
    platform: BasicPlatform,
    // `segment` set: Chart.js then draws lines through the context instead of a Path2D (which would bypass the recorder)
    options: { ...(config.options ?? {}), datasets: { ...((config.options as { datasets?: Record<string, object> } | undefined)?.datasets ?? {}), line: { ...((config.options as { datasets?: Record<string, object> } | undefined)?.datasets?.line ?? {}), segment: {} } }, responsive: false, animation: false, devicePixelRatio: 1, scales, plugins: { ...((config.options?.plugins ?? {}) as object), zoom: undefined, tooltip: { enabled: false } } } as never,
  } as ChartConfiguration);
  copy.destroy();
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<title>${esc(title)}</title><defs>${rec.defs.join('')}</defs><rect width="100%" height="100%" fill="${esc(background)}"/>${rec.out.join('\n')}</svg>\n`;
}
