/**
 * `landscape.json`: data for plots of the model and the acquisition around the incumbent (read by the run webview).
 * Coordinates are the model's input features (after the feature pipeline, before standardisation).
 *
 * - `slices`: 1-D slices along the most relevant features (model relevance when the model reports it, otherwise the
 *   range of the posterior mean along the slice); other features are fixed at the reference (incumbent) row.
 * - `grid2d`: a `resolution × resolution` grid over the two most relevant features (others at the reference), or
 *   null with fewer than two features. Matrices are row-major `[iy][ix]`.
 * - `points`: measured rows, the incumbent(s) and the suggestions at their (x, y) on the grid's two features.
 * Mean/std are of the plotted target (the first objective); `acquisition` is the full acquisition (all targets).
 * Numbers are rounded to 6 significant digits; the file stays well under 2 MB (points are capped at 2000).
 */
import type { Goal } from '../spec/types';
import type { FeatureSet, Matrix } from '../features/types';
import type { Model } from '../models/types';
import { acquisitionOf, type AcquisitionSetup } from './objectives';

export interface LandscapeSlice {
  feature: string;
  featureIndex: number;
  relevance: number;
  /** Feature value the slice passes through (the reference row). */
  at: number;
  grid: number[];
  mean: number[];
  std: number[];
  acquisition: number[];
}

export interface LandscapeGrid2d {
  kind: 'features';
  xFeature: string;
  yFeature: string;
  x: number[];
  y: number[];
  /** [iy][ix] */
  mean: number[][];
  std: number[][];
  acquisition: number[][];
}

export interface LandscapePoint {
  kind: 'measured' | 'incumbent' | 'suggestion';
  id: string;
  /** Coordinates on grid2d's x/y features (or the first slice feature and 0 when there is no 2-D grid). */
  x: number;
  y: number;
  /** Observed value of the plotted target (measured/incumbent) or predicted mean (suggestion). */
  value: number;
  std?: number;
  rank?: number;
  acquisition?: number;
}

export interface Landscape {
  format: 'mi-studio-landscape';
  version: 1;
  runId: string;
  acquisition: string;
  target: string;
  goal: Goal;
  featureNames: string[];
  /** The row slices and the 2-D grid pass through (features of the incumbent). */
  reference: { id: string; features: number[] };
  slices: LandscapeSlice[];
  grid2d: LandscapeGrid2d | null;
  points: LandscapePoint[];
  incumbents: { target: string; id: string; value: number }[];
}

const r6 = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(6)) : 0);

export interface LandscapeInput {
  runId: string;
  model: Model;
  setup: AcquisitionSetup;
  train: FeatureSet;
  /** Features of extra rows whose ranges should be covered (top candidates, suggestions). */
  extra?: Matrix;
  suggestions: { id: string; rank: number; features: number[]; mean: number; std: number; acquisition: number }[];
  slices?: number;
  resolution?: number;
}

export function buildLandscape(inp: LandscapeInput): Landscape {
  const { model, setup, train } = inp;
  const X = train.X;
  const d = X.cols;
  const T = setup.targets.length;
  const obj = setup.objectives[0];
  const ti = obj.output;
  // incumbent row: best observed utility of the first objective
  let refRow = 0;
  let bestU = -Infinity;
  const util = (y: number): number => (typeof obj.goal === 'object' ? -Math.abs(y - obj.goal.target) : obj.goal === 'minimize' ? -y : y);
  for (let i = 0; i < X.rows; i++) {
    const y = train.Y.data[i * train.Y.cols + ti];
    if (Number.isFinite(y) && util(y) > bestU) {
      bestU = util(y);
      refRow = i;
    }
  }
  const ref = Array.from(X.data.subarray(refRow * d, (refRow + 1) * d));
  const lo = new Array<number>(d).fill(Infinity);
  const hi = new Array<number>(d).fill(-Infinity);
  const cover = (M: Matrix): void => {
    for (let i = 0; i < M.rows; i++)
      for (let j = 0; j < d; j++) {
        const v = M.data[i * M.cols + j];
        if (Number.isFinite(v)) {
          lo[j] = Math.min(lo[j], v);
          hi[j] = Math.max(hi[j], v);
        }
      }
  };
  cover(X);
  if (inp.extra && inp.extra.cols === d) cover(inp.extra);
  for (const s of inp.suggestions) {
    s.features.forEach((v, j) => {
      if (!Number.isFinite(v)) return;
      lo[j] = Math.min(lo[j], v);
      hi[j] = Math.max(hi[j], v);
    });
  }
  for (let j = 0; j < d; j++) {
    if (!Number.isFinite(lo[j])) {
      lo[j] = 0;
      hi[j] = 1;
    }
    const pad = 0.05 * (hi[j] - lo[j]);
    lo[j] -= pad;
    hi[j] += pad;
  }
  const G = 41;
  const evalRows = (rows: number[][]): { mean: number[]; std: number[]; acq: number[] } => {
    const data = new Float64Array(rows.length * d);
    rows.forEach((r, i) => data.set(r, i * d));
    const p = model.predict({ rows: rows.length, cols: d, data });
    const mean: number[] = [];
    const std: number[] = [];
    const acq: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      mean.push(r6(p.mean[i * T + ti]));
      std.push(r6(Math.sqrt(Math.max(0, p.variance[i * T + ti]))));
      acq.push(r6(acquisitionOf(setup, p.mean.subarray(i * T, (i + 1) * T), p.latentVariance.subarray(i * T, (i + 1) * T))));
    }
    return { mean, std, acq };
  };
  const summaryRel = model.summary().featureRelevance;
  const all: LandscapeSlice[] = [];
  for (let j = 0; j < d; j++) {
    if (!(hi[j] > lo[j])) continue;
    const grid = Array.from({ length: G }, (_, k) => lo[j] + ((hi[j] - lo[j]) * k) / (G - 1));
    const rows = grid.map((g) => {
      const r = ref.slice();
      r[j] = g;
      return r;
    });
    const e = evalRows(rows);
    const range = Math.max(...e.mean) - Math.min(...e.mean);
    const relevance = summaryRel && summaryRel.length === d ? summaryRel[j] : range;
    all.push({ feature: train.featureNames[j] ?? `f${j}`, featureIndex: j, relevance: r6(relevance), at: r6(ref[j]), grid: grid.map(r6), mean: e.mean, std: e.std, acquisition: e.acq });
  }
  all.sort((a, b) => b.relevance - a.relevance);
  const slices = all.slice(0, inp.slices ?? 6);
  let grid2d: LandscapeGrid2d | null = null;
  let px = (_f: number[]): number => 0;
  let py = (_f: number[]): number => 0;
  if (all.length >= 2) {
    const jx = all[0].featureIndex;
    const jy = all[1].featureIndex;
    const R = inp.resolution ?? 30;
    const xs = Array.from({ length: R }, (_, k) => lo[jx] + ((hi[jx] - lo[jx]) * k) / (R - 1));
    const ys = Array.from({ length: R }, (_, k) => lo[jy] + ((hi[jy] - lo[jy]) * k) / (R - 1));
    const rows: number[][] = [];
    for (const yv of ys)
      for (const xv of xs) {
        const r = ref.slice();
        r[jx] = xv;
        r[jy] = yv;
        rows.push(r);
      }
    const e = evalRows(rows);
    const mat = (a: number[]): number[][] => ys.map((_, iy) => a.slice(iy * R, (iy + 1) * R));
    grid2d = { kind: 'features', xFeature: all[0].feature, yFeature: all[1].feature, x: xs.map(r6), y: ys.map(r6), mean: mat(e.mean), std: mat(e.std), acquisition: mat(e.acq) };
    px = (f) => r6(f[jx]);
    py = (f) => r6(f[jy]);
  } else if (all.length === 1) {
    const j = all[0].featureIndex;
    px = (f) => r6(f[j]);
  }
  const points: LandscapePoint[] = [];
  const step = Math.max(1, Math.ceil(X.rows / 2000));
  for (let i = 0; i < X.rows; i += step) {
    const f = Array.from(X.data.subarray(i * d, (i + 1) * d));
    points.push({ kind: i === refRow ? 'incumbent' : 'measured', id: train.ids[i], x: px(f), y: py(f), value: r6(train.Y.data[i * train.Y.cols + ti]) });
  }
  if (refRow % step !== 0) {
    const f = ref;
    points.push({ kind: 'incumbent', id: train.ids[refRow], x: px(f), y: py(f), value: r6(train.Y.data[refRow * train.Y.cols + ti]) });
  }
  for (const s of inp.suggestions) points.push({ kind: 'suggestion', id: s.id, rank: s.rank, x: px(s.features), y: py(s.features), value: r6(s.mean), std: r6(s.std), acquisition: r6(s.acquisition) });
  const incumbents = setup.objectives.map((o) => {
    let best = -Infinity;
    let id = '';
    let value = NaN;
    for (let i = 0; i < X.rows; i++) {
      const y = train.Y.data[i * train.Y.cols + o.output];
      const u = typeof o.goal === 'object' ? -Math.abs(y - o.goal.target) : o.goal === 'minimize' ? -y : y;
      if (Number.isFinite(u) && u > best) {
        best = u;
        id = train.ids[i];
        value = y;
      }
    }
    return { target: o.name, id, value: r6(value) };
  });
  return {
    format: 'mi-studio-landscape',
    version: 1,
    runId: inp.runId,
    acquisition: setup.mo ? `${setup.kind}:${setup.mo.method}` : setup.kind,
    target: obj.name,
    goal: obj.goal,
    featureNames: train.featureNames,
    reference: { id: train.ids[refRow] ?? '', features: ref.map(r6) },
    slices,
    grid2d,
    points,
    incumbents,
  };
}
