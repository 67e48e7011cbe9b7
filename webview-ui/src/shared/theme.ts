/**
 * Colours of the webviews come from VS Code's `--vscode-*` CSS variables (read with getComputedStyle), so charts follow
 * the user's theme; `onThemeChange` re-runs a callback when VS Code swaps the body class (light/dark/high contrast).
 */
export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  font: string;
  fontSize: number;
  /** Series colours, in order: blue, orange, green, purple, red, yellow. */
  series: string[];
  error: string;
}

const FALLBACK_DARK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];
const FALLBACK_LIGHT = ['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803'];

function themeKind(): Theme['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(): Theme {
  const cs = getComputedStyle(document.documentElement);
  const bodyCs = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => (cs.getPropertyValue(name) || bodyCs.getPropertyValue(name)).trim() || fallback;
  const kind = themeKind();
  const light = kind === 'light' || kind === 'high-contrast-light';
  const fb = light ? FALLBACK_LIGHT : FALLBACK_DARK;
  const names = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
  const fg = v('--vscode-editor-foreground', v('--vscode-foreground', light ? '#1f1f1f' : '#cccccc'));
  const hc = kind === 'high-contrast' || kind === 'high-contrast-light';
  return {
    kind,
    fg,
    muted: v('--vscode-descriptionForeground', light ? '#616161' : '#9d9d9d'),
    // high contrast: the widget border is as loud as the data; gridlines take a faint foreground instead
    grid: hc ? withAlpha(fg, 0.28) : v('--vscode-editorWidget-border', v('--vscode-panel-border', light ? '#d4d4d4' : '#454545')),
    bg: v('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    font: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(v('--vscode-font-size', '13')) || 13,
    series: names.map((n, i) => v(`--vscode-charts-${n}`, fb[i])),
    error: v('--vscode-errorForeground', '#f14c4c'),
  };
}

/** Calls `cb` whenever VS Code changes the theme (body class or the inline style holding the variables). */
export function onThemeChange(cb: () => void): () => void {
  let last = document.body.className;
  let timer: number | undefined;
  const fire = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = window.setTimeout(() => {
      timer = undefined;
      cb();
    }, 30);
  };
  const mo = new MutationObserver(() => {
    if (document.body.className !== last) {
      last = document.body.className;
      fire();
    }
  });
  mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  const mo2 = new MutationObserver(fire);
  mo2.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => {
    mo.disconnect();
    mo2.disconnect();
  };
}

/** `#rrggbb` / `rgb()` colour with alpha applied. */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    const n = parseInt(m[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  if (m) return `rgba(${parseInt(m[1] + m[1], 16)}, ${parseInt(m[2] + m[2], 16)}, ${parseInt(m[3] + m[3], 16)}, ${alpha})`;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (m) return `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})`;
  return c;
}
