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
 * - `pca`: the first two principal components (power iteration) of the standardised features of the training rows and
 *   the top-scored candidates, with all points (measured, incumbent, top candidates, suggestions) in PC coordinates.
 * Numbers are rounded to 6 significant digits; the file stays well under 2 MB (points are capped at 2000 measured
 * rows and 1000 candidates).
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

/**
 * First two principal components of the standardised features of the training rows and the top-scored candidates
 * (power iteration with deflation); every point is also given in PC coordinates for a scatter view.
 */
export interface LandscapePca {
  center: number[];
  scale: number[];
  /** Two unit vectors over the standardised features. */
  components: [number[], number[]];
  /** Fraction of the total variance along each component. */
  explained: [number, number];
  points: { kind: LandscapePoint['kind'] | 'candidate'; id: string; pc1: number; pc2: number; value: number; acquisition?: number }[];
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
  /** Present when there are at least two features. */
  pca?: LandscapePca;
}

/** Top-2 principal components by power iteration on the covariance of standardised rows. */
export function principalComponents(rows: number[][], iterations = 200): { center: number[]; scale: number[]; components: [number[], number[]]; explained: [number, number] } {
  const d = rows[0]?.length ?? 0;
  const n = rows.length;
  const center = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => (center[j] += v / n));
  const scale = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => (scale[j] += (v - center[j]) ** 2 / n));
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  const Z = rows.map((r) => r.map((v, j) => (v - center[j]) / scale[j]));
  const C = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const z of Z) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) C[a][b] += (z[a] * z[b]) / Math.max(1, n);
  const total = C.reduce((s, row, a) => s + row[a], 0) || 1;
  const comps: number[][] = [];
  const lambdas: number[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Array.from({ length: d }, (_, j) => 1 / Math.sqrt(d) + (j === k ? 0.1 : 0));
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = C.map((row) => row.reduce((s, c, b) => s + c * v[b], 0));
      for (const u of comps) {
        const dot = w.reduce((s, x, j) => s + x * u[j], 0);
        for (let j = 0; j < d; j++) w[j] -= dot * u[j];
      }
      const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
      if (!(norm > 1e-300)) break;
      lambda = norm;
      v = w.map((x) => x / norm);
    }
    comps.push(v);
    lambdas.push(lambda);
  }
  return { center, scale, components: [comps[0], comps[1]], explained: [lambdas[0] / total, lambdas[1] / total] };
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
  // Slices are ranked by the model's relevance when it reports one: then only the best few need evaluating (a slice
  // per feature cost 41·d predictions — 53,000 for 1,290 Morgan bits); otherwise every feature, ranked by its range.
  const want = Math.max(2, inp.slices ?? 6);
  const varying = Array.from({ length: d }, (_, j) => j).filter((j) => hi[j] > lo[j]);
  const sliceFeatures =
    summaryRel && summaryRel.length === d && varying.length > want
      ? varying.sort((a, b) => summaryRel[b] - summaryRel[a] || a - b).slice(0, want)
      : varying;
  for (const j of sliceFeatures) {
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
  let pca: LandscapePca | undefined;
  if (d >= 2) {
    const pcaRows: number[][] = [];
    for (let i = 0; i < X.rows; i += step) pcaRows.push(Array.from(X.data.subarray(i * d, (i + 1) * d)));
    const ex = inp.extra && inp.extra.cols === d ? inp.extra : undefined;
    const exStep = ex ? Math.max(1, Math.ceil(ex.rows / 1000)) : 1;
    const exRows: number[][] = [];
    if (ex) for (let i = 0; i < ex.rows; i += exStep) exRows.push(Array.from(ex.data.subarray(i * d, (i + 1) * d)));
    const pc = principalComponents([...pcaRows, ...exRows]);
    const proj = (f: number[]): [number, number] => {
      let a = 0;
      let b = 0;
      for (let j = 0; j < d; j++) {
        const z = (f[j] - pc.center[j]) / pc.scale[j];
        a += z * pc.components[0][j];
        b += z * pc.components[1][j];
      }
      return [r6(a), r6(b)];
    };
    const pts: LandscapePca['points'] = [];
    for (let i = 0; i < X.rows; i += step) {
      const [a, b] = proj(Array.from(X.data.subarray(i * d, (i + 1) * d)));
      pts.push({ kind: i === refRow ? 'incumbent' : 'measured', id: train.ids[i], pc1: a, pc2: b, value: r6(train.Y.data[i * train.Y.cols + ti]) });
    }
    if (exRows.length) {
      const e = evalRows(exRows);
      exRows.forEach((f, k) => {
        const [a, b] = proj(f);
        pts.push({ kind: 'candidate', id: '', pc1: a, pc2: b, value: e.mean[k], acquisition: e.acq[k] });
      });
    }
    for (const s of inp.suggestions) {
      const [a, b] = proj(s.features);
      pts.push({ kind: 'suggestion', id: s.id, pc1: a, pc2: b, value: r6(s.mean), acquisition: r6(s.acquisition) });
    }
    pca = { center: pc.center.map(r6), scale: pc.scale.map(r6), components: [pc.components[0].map(r6), pc.components[1].map(r6)], explained: [r6(pc.explained[0]), r6(pc.explained[1])], points: pts };
  }
  return {
    pca,
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
