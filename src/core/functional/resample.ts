/**
 * Resampling irregular curves onto a common argument grid: piecewise-linear interpolation between the two measured
 * arguments around each grid point; a grid point outside a curve's measured range is filled only when it lies within
 * `margin` of the nearest measured argument (by the end value: nearest-neighbour, never a slope extrapolation),
 * otherwise it is missing (NaN). Duplicate arguments within a curve are averaged.
 */

export interface Curve {
  /** Argument values (any order; duplicates allowed). */
  t: number[];
  y: number[];
}

export interface GridSpec { from: number; to: number; points: number }

/** Evenly spaced grid from..to with `points` values (points ≥ 2; 1 gives [from]). */
export function makeGrid(g: GridSpec): Float64Array {
  const p = Math.max(1, Math.floor(g.points));
  const out = new Float64Array(p);
  for (let i = 0; i < p; i++) out[i] = p === 1 ? g.from : Number.isFinite(g.to - g.from) ? g.from + ((g.to - g.from) * i) / (p - 1)
    : g.from * (1 - i / (p - 1)) + g.to * (i / (p - 1)); // to - from overflows near ±1e308
  return out;
}

/** Sorted, de-duplicated (averaged) copy of a curve, non-finite points dropped. */
export function cleanCurve(c: Curve): Curve {
  const pts: [number, number][] = [];
  for (let i = 0; i < c.t.length; i++) if (Number.isFinite(c.t[i]) && Number.isFinite(c.y[i])) pts.push([c.t[i], c.y[i]]);
  pts.sort((a, b) => a[0] - b[0]);
  const t: number[] = [];
  const y: number[] = [];
  let k = 0;
  while (k < pts.length) {
    let j = k;
    let s = 0;
    while (j < pts.length && pts[j][0] === pts[k][0]) s += pts[j++][1];
    t.push(pts[k][0]);
    y.push(s / (j - k));
    k = j;
  }
  return { t, y };
}

/** Values of the curve at the grid (NaN where the grid is beyond the curve's range by more than `margin`). */
export function resampleCurve(c: Curve, grid: ArrayLike<number>, margin = 0): Float64Array {
  const { t, y } = cleanCurve(c);
  const out = new Float64Array(grid.length).fill(NaN);
  if (t.length === 0) return out;
  const lo = t[0];
  const hi = t[t.length - 1];
  let j = 0;
  for (let g = 0; g < grid.length; g++) {
    const x = grid[g];
    if (x < lo) {
      if (lo - x <= margin) out[g] = y[0];
      continue;
    }
    if (x > hi) {
      if (x - hi <= margin) out[g] = y[y.length - 1];
      continue;
    }
    if (x < t[j]) j = 0; // unsorted grid
    while (j + 1 < t.length && t[j + 1] < x) j++;
    // now t[j] <= x <= t[j+1] (or x = t[j] at the last point)
    if (j + 1 >= t.length || t[j] === x) {
      out[g] = y[j];
      continue;
    }
    const w = (x - t[j]) / (t[j + 1] - t[j]);
    out[g] = y[j] + w * (y[j + 1] - y[j]);
  }
  return out;
}

/**
 * The grid used when the spec gives none: the distinct arguments when all curves share them (a regular layout),
 * otherwise `points` (default 13) evenly spaced values over the range covered by at least half of the curves.
 */
export function defaultGrid(curves: Curve[], points = 13): Float64Array {
  const clean = curves.map(cleanCurve).filter((c) => c.t.length > 0);
  if (clean.length === 0) return new Float64Array(0);
  const first = clean[0].t;
  const shared = clean.every((c) => c.t.length === first.length && c.t.every((v, i) => v === first[i]));
  if (shared) return Float64Array.from(first);
  const los = clean.map((c) => c.t[0]).sort((a, b) => a - b);
  const his = clean.map((c) => c.t[c.t.length - 1]).sort((a, b) => a - b);
  const half = Math.floor((clean.length - 1) / 2);
  // the range covered by at least half of the curves: median start .. median end
  let from = los[half];
  let to = his[clean.length - 1 - half];
  if (!(to > from)) {
    from = los[0];
    to = his[his.length - 1];
  }
  return makeGrid({ from, to, points });
}
