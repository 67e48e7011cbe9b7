/**
 * PC1/PC2 of the scored pool (acquisition.csv) for the landscape tab: numeric input columns, standardised, projected
 * on the top two principal components (the engine's `principalComponents`); at most 4000 evenly spaced candidates.
 */
import { principalComponents } from '../core/bo/landscape';
import type { CsvTable, MapPoint, PoolProjection } from '../protocol/webview';

export function projectPool(t: CsvTable, suggestions: CsvTable | undefined, targets: string[]): PoolProjection | undefined {
  const skip = new Set(['id', 'rank', 'acquisition', 'in_domain', ...targets.flatMap((x) => [x, `${x}_mean`, `${x}_std`, `${x}_lower90`, `${x}_upper90`])]);
  const acqCol = t.header.indexOf('acquisition');
  const idCol = t.header.indexOf('id');
  const cols = t.header
    .map((h, j) => ({ h, j }))
    .filter(({ h, j }) => !skip.has(h) && t.rows.length > 0 && t.rows.every((r) => r[j] !== '' && r[j] !== undefined && Number.isFinite(Number(r[j]))));
  if (cols.length < 2 || t.rows.length < 3) return undefined;
  const n = t.rows.length;
  const X = t.rows.map((r) => cols.map(({ j }) => Number(r[j])));
  const pc = principalComponents(X);
  const proj = (r: number[]): [number, number] => {
    let a = 0;
    let b = 0;
    r.forEach((v, k) => {
      const z = (v - pc.center[k]) / pc.scale[k];
      a += z * pc.components[0][k];
      b += z * pc.components[1][k];
    });
    return [a, b];
  };
  const step = Math.max(1, n / 4000);
  const xs: number[] = [];
  const ys: number[] = [];
  const value: number[] = [];
  const ids: string[] = [];
  for (let f = 0; f < n; f += step) {
    const i = Math.floor(f);
    const [a, b] = proj(X[i]);
    xs.push(a);
    ys.push(b);
    value.push(acqCol >= 0 ? Number(t.rows[i][acqCol]) : NaN);
    ids.push(idCol >= 0 ? t.rows[i][idCol] : String(i + 1));
  }
  const sugg: MapPoint[] = [];
  if (suggestions) {
    const idx = cols.map(({ h }) => suggestions.header.indexOf(h));
    const rankCol = suggestions.header.indexOf('rank');
    const sIdCol = suggestions.header.indexOf('id');
    if (idx.every((j) => j >= 0)) {
      suggestions.rows.forEach((r, i) => {
        const [a, b] = proj(idx.map((j) => Number(r[j])));
        if (Number.isFinite(a) && Number.isFinite(b)) sugg.push({ x: a, y: b, label: `#${rankCol >= 0 ? r[rankCol] : i + 1} ${sIdCol >= 0 ? r[sIdCol] : ''}`.trim() });
      });
    }
  }
  return { x: xs, y: ys, value, ids, explained: pc.explained, columns: cols.map((c) => c.h), shown: xs.length, total: n, suggestions: sugg };
}
