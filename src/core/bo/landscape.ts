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
 *
 * Design spaces (`optimize.space`, passed as `space`): slices and maps respect them. Along a composition element the
 * other elements of the composition are rescaled proportionally (from the reference row) so that the sum stays fixed
 * (a "Cox direction" slice); on a map over two elements the remaining ones share what is left, in the reference's
 * proportions. Every slice point and map cell is checked against the bounds, the sum and the linear constraints:
 * `feasible[i]` / `feasible[iy][ix]` is false where the point lies outside the space (views mask those), and `held`
 * says in words what the other features are held at. `grids` lists further maps (pairs of the most relevant
 * features and, with three or more features, the pool's PC1/PC2 plane); fingerprint bits (`morgan:*`) are never
 * sliced one by one (interpolating a bit count means nothing) — their view is the PCA map.
 *
 * Maps over any other pair are drawn on demand (`landscapeMap`, run view → extension host) from the run's saved model
 * (model/model.json) and `context`: the feature ranges, the acquisition setup, the design space and the points'
 * features. They are built by the same code as the precomputed maps (same masking, same `held` words).
 */
import { MiError } from '../diagnostics';
import type { Goal } from '../spec/types';
import type { FeatureSet, Matrix } from '../features/types';
import type { Model } from '../models/types';
import { acquisitionOf, type AcquisitionSetup } from './objectives';
import { isFeasible, type ContinuousSpace } from './space';
import type { AcquisitionKind } from './acquisition';

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
  /** With a design space: whether each slice point lies inside it (absent: every point does). */
  feasible?: boolean[];
  /** What the other features are held at along this slice. */
  held?: string;
  /** The suggestions at their own value of this feature and their own predicted mean ± σ. */
  marks?: { id: string; rank: number; x: number; mean: number; std: number }[];
}

export interface LandscapeGrid2d {
  /** 'pca': axes are PC1/PC2 of `pca` (rows reconstructed as center + scale·(pc1·c1 + pc2·c2)). */
  kind: 'features' | 'pca';
  xFeature: string;
  yFeature: string;
  x: number[];
  y: number[];
  /** [iy][ix] */
  mean: number[][];
  std: number[][];
  acquisition: number[][];
  /** With a design space: [iy][ix] inside it (absent: every cell is). */
  feasible?: boolean[][];
  /** What the other features are held at on this map. */
  held?: string;
  /** Measured rows, incumbent and suggestions on this map's axes (only on the maps of `grids`). */
  points?: LandscapePoint[];
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
  /** Further 2-D maps: other pairs of relevant features and the PC1/PC2 plane (grid2d is the first pair). */
  grids?: LandscapeGrid2d[];
  /** The design space the slices and maps respect (from optimize.space), in words and as variables. */
  space?: { names: string[]; composition?: { names: string[]; sum: number }; constraints: string[] };
  /** What `landscapeMap` needs (with the saved model) to draw a map over any pair of features later. */
  context?: LandscapeContext;
}

/** A number that JSON keeps: non-finite values as their names. */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/** `AcquisitionSetup` in JSON (typed arrays as arrays, ±Infinity / NaN as strings). */
export interface SavedSetup {
  kind: AcquisitionKind;
  beta: number;
  targets: AcquisitionSetup['targets'];
  objectives: AcquisitionSetup['objectives'];
  best: JsonNumber;
  scale: number;
  seed: number;
  mo?: { method: 'ehvi' | 'parego'; strips?: { a: JsonNumber[]; u: JsonNumber[]; b: JsonNumber[] }; weights: number[]; lo: JsonNumber[]; hi: JsonNumber[]; bestScalar: JsonNumber; z: number[] };
}

/** A measured row, the incumbent or a suggestion with all its features (for the points on an on-demand map). */
export interface LandscapeRow {
  kind: LandscapePoint['kind'];
  id: string;
  value: number;
  std?: number;
  rank?: number;
  acquisition?: number;
  features: number[];
}

export interface LandscapeContext {
  /** Range of each feature a map spans (measured rows, candidates and suggestions, padded by 5 %). */
  lo: number[];
  hi: number[];
  /** Map resolution (cells per axis). */
  resolution: number;
  /** The reference (incumbent) row's features, unrounded. */
  reference: number[];
  setup: SavedSetup;
  /** The design space (as built from optimize.space). */
  space?: ContinuousSpace;
  /** Rows drawn as points (measured rows sampled so that rows × features stays ≤ 60,000; suggestions always). */
  rows: LandscapeRow[];
}

const jn = (v: number): JsonNumber => (Number.isFinite(v) ? v : (String(v) as JsonNumber));
const nj = (v: JsonNumber): number => (typeof v === 'number' ? v : Number(v));

export function saveSetup(s: AcquisitionSetup): SavedSetup {
  return {
    kind: s.kind, beta: s.beta, targets: s.targets, objectives: s.objectives, best: jn(s.best), scale: s.scale, seed: s.seed,
    ...(s.mo
      ? {
          mo: {
            method: s.mo.method,
            ...(s.mo.strips ? { strips: { a: Array.from(s.mo.strips.a, jn), u: Array.from(s.mo.strips.u, jn), b: Array.from(s.mo.strips.b, jn) } } : {}),
            weights: s.mo.weights, lo: s.mo.lo.map(jn), hi: s.mo.hi.map(jn), bestScalar: jn(s.mo.bestScalar), z: Array.from(s.mo.z),
          },
        }
      : {}),
  };
}

export function loadSetup(s: SavedSetup): AcquisitionSetup {
  const f = (a: JsonNumber[]): Float64Array => Float64Array.from(a, nj);
  return {
    kind: s.kind, beta: s.beta, targets: s.targets, objectives: s.objectives, best: nj(s.best), scale: s.scale, seed: s.seed,
    ...(s.mo
      ? {
          mo: {
            method: s.mo.method,
            ...(s.mo.strips ? { strips: { a: f(s.mo.strips.a), u: f(s.mo.strips.u), b: f(s.mo.strips.b) } } : {}),
            weights: s.mo.weights, lo: s.mo.lo.map(nj), hi: s.mo.hi.map(nj), bestScalar: nj(s.mo.bestScalar), z: Float64Array.from(s.mo.z),
          },
        }
      : {}),
  };
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
  /** The continuous design space (optimize.space): slices and maps stay on it and mark what lies outside. */
  space?: ContinuousSpace;
}

/** Fingerprint bits: never sliced one by one. */
const isBit = (name: string): boolean => /^morgan:/.test(name);

/**
 * Moves of the reference row that respect a design space: setting feature(s) `fixed` to values and, when they are
 * composition elements, rescaling the other elements (reference proportions) so the composition sum is unchanged.
 */
class SpaceMover {
  /** feature index of each space variable (-1 when the variable is not a model feature) */
  private fIdx: number[];
  private comp: number[] = [];
  constructor(
    private space: ContinuousSpace | undefined,
    private names: string[],
    private ref: number[],
  ) {
    this.fIdx = space ? space.names.map((n) => names.indexOf(n)) : [];
    if (space?.composition) this.comp = space.composition.idx.map((k) => this.fIdx[k]).filter((j) => j >= 0);
  }

  row(fixed: [number, number][]): number[] {
    const r = this.ref.slice();
    for (const [j, v] of fixed) r[j] = v;
    const fixedComp = fixed.filter(([j]) => this.comp.includes(j));
    if (this.space?.composition && fixedComp.length) {
      const S = this.space.composition.sum;
      const others = this.comp.filter((j) => !fixed.some(([f]) => f === j));
      const left = S - fixedComp.reduce((a, [, v]) => a + v, 0);
      const refOthers = others.reduce((a, j) => a + Math.max(0, this.ref[j]), 0);
      for (const j of others) r[j] = refOthers > 0 ? (Math.max(0, this.ref[j]) * left) / refOthers : left / Math.max(1, others.length);
    }
    return r;
  }

  feasible(r: number[]): boolean {
    const sp = this.space;
    if (!sp) return true;
    const x = sp.names.map((_, k) => (this.fIdx[k] >= 0 ? r[this.fIdx[k]] : sp.lo[k]));
    return isFeasible(sp, x, 1e-6);
  }

  /** Range of feature j inside the space bounds (composition elements also by the sum). */
  clip(j: number, lo: number, hi: number): [number, number] {
    const sp = this.space;
    const k = this.fIdx.indexOf(j);
    if (!sp || k < 0) return [lo, hi];
    const a = Math.max(lo, sp.lo[k]);
    const b = Math.min(hi, sp.hi[k], sp.composition?.idx.includes(k) ? sp.composition.sum : Infinity);
    return a < b ? [a, b] : [sp.lo[k], sp.hi[k]];
  }

  held(axes: number[], refId: string): string {
    const sp = this.space;
    const axisNames = axes.map((j) => this.names[j]);
    const parts: string[] = [];
    if (sp?.composition && axes.some((j) => this.comp.includes(j))) {
      const rest = this.comp.filter((j) => !axes.includes(j)).map((j) => this.names[j]);
      if (rest.length) parts.push(`${rest.join(', ')} rescaled in the proportions of row ${refId} so that the composition sums to ${sp.composition.sum}`);
    }
    const restAll = this.names.length - axisNames.length - (parts.length ? this.comp.filter((j) => !axes.includes(j)).length : 0);
    if (restAll > 0) parts.push(`${parts.length ? 'the other ' : ''}${restAll} feature(s) held at row ${refId} (the incumbent)`);
    if (sp && (sp.constraints.length || sp.composition)) parts.push(`points outside the design space (${[sp.composition ? `sum ${sp.composition.sum}` : '', ...sp.constraints.map((c) => c.text)].filter(Boolean).join('; ')}) are masked`);
    return parts.join('; ') || 'no other features';
  }
}

interface Evaluated {
  mean: number[];
  std: number[];
  acq: number[];
}

/** Predicts rows: mean and σ of the plotted target (the first objective) and the full acquisition, rounded. */
function evaluate(model: Model, setup: AcquisitionSetup, d: number, rows: number[][]): Evaluated {
  const T = setup.targets.length;
  const ti = setup.objectives[0].output;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, i) => data.set(r, i * d));
  const p = model.predict({ rows: rows.length, cols: d, data });
  const out: Evaluated = { mean: [], std: [], acq: [] };
  for (let i = 0; i < rows.length; i++) {
    out.mean.push(r6(p.mean[i * T + ti]));
    out.std.push(r6(Math.sqrt(Math.max(0, p.variance[i * T + ti]))));
    out.acq.push(r6(acquisitionOf(setup, p.mean.subarray(i * T, (i + 1) * T), p.latentVariance.subarray(i * T, (i + 1) * T))));
  }
  return out;
}

/** The cells of a map over features jx × jy: `R × R` values inside their ranges, the rest of each row moved by `mover`. */
function mapCells(mover: SpaceMover, lo: number[], hi: number[], jx: number, jy: number, R: number): { xs: number[]; ys: number[]; rows: number[][] } {
  const [ax, bx] = mover.clip(jx, lo[jx], hi[jx]);
  const [ay, by] = mover.clip(jy, lo[jy], hi[jy]);
  const xs = Array.from({ length: R }, (_, k) => ax + ((bx - ax) * k) / (R - 1));
  const ys = Array.from({ length: R }, (_, k) => ay + ((by - ay) * k) / (R - 1));
  const rows: number[][] = [];
  for (const yv of ys) for (const xv of xs) rows.push(mover.row([[jx, xv], [jy, yv]]));
  return { xs, ys, rows };
}

/** A feature map from its cells and their predictions (cells outside the space flagged when there is one). */
function mapGrid(names: string[], jx: number, jy: number, cells: { xs: number[]; ys: number[]; rows: number[][] }, e: Evaluated, mover: SpaceMover, refId: string, masked: boolean): LandscapeGrid2d {
  const { xs, ys, rows } = cells;
  const R = xs.length;
  const mat = <T,>(a: T[]): T[][] => ys.map((_, iy) => a.slice(iy * R, (iy + 1) * R));
  const g: LandscapeGrid2d = { kind: 'features', xFeature: names[jx], yFeature: names[jy], x: xs.map(r6), y: ys.map(r6), mean: mat(e.mean), std: mat(e.std), acquisition: mat(e.acq), held: mover.held([jx, jy], refId) };
  if (masked) g.feasible = mat(rows.map((r) => mover.feasible(r)));
  return g;
}

/** Points of rows on the map over features jx × jy. */
function rowsOn(rows: LandscapeRow[], jx: number, jy: number): LandscapePoint[] {
  return rows.map((q) => ({
    kind: q.kind, id: q.id, x: r6(q.features[jx]), y: r6(q.features[jy]), value: q.value,
    ...(q.std !== undefined ? { std: q.std } : {}), ...(q.rank !== undefined ? { rank: q.rank } : {}), ...(q.acquisition !== undefined ? { acquisition: q.acquisition } : {}),
  }));
}

/** Features a map can be drawn over: varying in the data and not fingerprint bits. */
export function mapFeatures(L: Landscape): string[] {
  const c = L.context;
  if (!c) return [];
  return L.featureNames.filter((n, j) => !isBit(n) && c.hi[j] > c.lo[j]);
}

/**
 * The map over any two features of a run, from its landscape.json (`context`) and its saved model: the same cells,
 * design-space masking, `held` words and points as the precomputed maps. Predicts in chunks of `chunk` cells and
 * awaits `pause()` between them (so a host process stays responsive).
 */
export async function landscapeMap(L: Landscape, model: Model, xFeature: string, yFeature: string, opts: { chunk?: number; pause?: () => Promise<void> } = {}): Promise<LandscapeGrid2d> {
  const c = L.context;
  if (!c) throw new MiError('landscape.json has no map context (written by an older version): run Suggest again to draw other maps', { code: 'landscape-no-context', file: 'landscape.json' });
  const names = L.featureNames;
  const allowed = mapFeatures(L);
  const index = (f: string): number => {
    const j = names.indexOf(f);
    if (j < 0) throw new MiError(`landscape map: unknown feature "${f}"`, { code: 'landscape-feature', file: 'landscape.json', hint: `features: ${allowed.slice(0, 20).join(', ')}${allowed.length > 20 ? ', …' : ''}` });
    if (isBit(f)) throw new MiError(`landscape map: fingerprint bit "${f}" is not mapped on its own (interpolating a bit count means nothing)`, { code: 'landscape-feature', file: 'landscape.json', hint: 'use the PC1 × PC2 map' });
    if (!(c.hi[j] > c.lo[j])) throw new MiError(`landscape map: "${f}" is constant in the data`, { code: 'landscape-feature', file: 'landscape.json', hint: 'choose a feature that varies' });
    return j;
  };
  const jx = index(xFeature);
  const jy = index(yFeature);
  if (jx === jy) throw new MiError('landscape map: choose two different features', { code: 'landscape-feature', file: 'landscape.json' });
  if (c.lo.length !== names.length || c.reference.length !== names.length) throw new MiError('landscape.json: context does not match featureNames', { code: 'landscape-context', file: 'landscape.json' });
  const setup = loadSetup(c.setup);
  const mover = new SpaceMover(c.space, names, c.reference);
  const cells = mapCells(mover, c.lo, c.hi, jx, jy, c.resolution);
  const chunk = Math.max(1, opts.chunk ?? 150);
  const e: Evaluated = { mean: [], std: [], acq: [] };
  for (let i = 0; i < cells.rows.length; i += chunk) {
    const part = evaluate(model, setup, names.length, cells.rows.slice(i, i + chunk));
    e.mean.push(...part.mean);
    e.std.push(...part.std);
    e.acq.push(...part.acq);
    if (opts.pause && i + chunk < cells.rows.length) await opts.pause();
  }
  const g = mapGrid(names, jx, jy, cells, e, mover, L.reference.id, !!c.space);
  g.points = rowsOn(c.rows, jx, jy);
  return g;
}

export function buildLandscape(inp: LandscapeInput): Landscape {
  const { model, setup, train } = inp;
  const X = train.X;
  const d = X.cols;
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
  const evalRows = (rows: number[][]): Evaluated => evaluate(model, setup, d, rows);
  const summaryRel = model.summary().featureRelevance;
  const refId = train.ids[refRow] ?? '';
  const mover = new SpaceMover(inp.space, train.featureNames, ref);
  const all: LandscapeSlice[] = [];
  // Slices are ranked by the model's relevance when it reports one: then only the best few need evaluating (a slice
  // per feature cost 41·d predictions — 53,000 for 1,290 Morgan bits); otherwise every feature, ranked by its range.
  // Fingerprint bits are never sliced (interpolating a bit count means nothing).
  const want = Math.max(2, inp.slices ?? 40);
  const varying = Array.from({ length: d }, (_, j) => j).filter((j) => hi[j] > lo[j] && !isBit(train.featureNames[j] ?? ''));
  const sliceFeatures =
    summaryRel && summaryRel.length === d && varying.length > want
      ? varying.sort((a, b) => summaryRel[b] - summaryRel[a] || a - b).slice(0, want)
      : varying;
  for (const j of sliceFeatures) {
    const [a, b] = mover.clip(j, lo[j], hi[j]);
    const grid = Array.from({ length: G }, (_, k) => a + ((b - a) * k) / (G - 1));
    const rows = grid.map((g) => mover.row([[j, g]]));
    const e = evalRows(rows);
    const feasible = rows.map((r) => mover.feasible(r));
    const fm = e.mean.filter((_, i) => feasible[i]);
    const range = fm.length ? Math.max(...fm) - Math.min(...fm) : 0;
    const relevance = summaryRel && summaryRel.length === d ? summaryRel[j] : range;
    const marks = inp.suggestions.filter((sg) => Number.isFinite(sg.features[j])).map((sg) => ({ id: sg.id, rank: sg.rank, x: r6(sg.features[j]), mean: r6(sg.mean), std: r6(sg.std) }));
    all.push({
      feature: train.featureNames[j] ?? `f${j}`, featureIndex: j, relevance: r6(relevance), at: r6(ref[j]), grid: grid.map(r6), mean: e.mean, std: e.std, acquisition: e.acq,
      ...(inp.space ? { feasible } : {}), held: mover.held([j], refId), marks,
    });
  }
  all.sort((a, b) => b.relevance - a.relevance);
  const slices = all.slice(0, inp.slices ?? 40);
  const R = inp.resolution ?? 30;
  const mapOver = (jx: number, jy: number): LandscapeGrid2d => {
    const cells = mapCells(mover, lo, hi, jx, jy, R);
    return mapGrid(train.featureNames, jx, jy, cells, evalRows(cells.rows), mover, refId, !!inp.space);
  };
  let grid2d: LandscapeGrid2d | null = null;
  const extraGrids: { grid: LandscapeGrid2d; px: (f: number[]) => number; py: (f: number[]) => number }[] = [];
  let px = (_f: number[]): number => 0;
  let py = (_f: number[]): number => 0;
  if (all.length >= 2) {
    const jx = all[0].featureIndex;
    const jy = all[1].featureIndex;
    grid2d = mapOver(jx, jy);
    px = (f) => r6(f[jx]);
    py = (f) => r6(f[jy]);
    // further pairs among the six most relevant features (at most 15 maps)
    const top = all.slice(0, 6).map((sl) => sl.featureIndex);
    for (let a = 0; a < top.length; a++)
      for (let b = a + 1; b < top.length; b++) {
        if (a === 0 && b === 1) continue;
        const [ja, jb] = [top[a], top[b]];
        extraGrids.push({ grid: mapOver(ja, jb), px: (f) => r6(f[ja]), py: (f) => r6(f[jb]) });
      }
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
    // the PC1/PC2 plane as a map (the view of fingerprints, whose bits are never sliced one by one)
    if (d >= 3 || train.featureNames.some(isBit)) {
      const p1 = pts.map((q) => q.pc1);
      const p2 = pts.map((q) => q.pc2);
      const span = (v: number[]): [number, number] => {
        const a = Math.min(...v);
        const b = Math.max(...v);
        const pad = 0.05 * (b - a || 1);
        return [a - pad, b + pad];
      };
      const [ax, bx] = span(p1);
      const [ay, by] = span(p2);
      const xs = Array.from({ length: R }, (_, k) => ax + ((bx - ax) * k) / (R - 1));
      const ys = Array.from({ length: R }, (_, k) => ay + ((by - ay) * k) / (R - 1));
      const rows: number[][] = [];
      for (const b of ys) for (const a of xs) rows.push(pc.center.map((c, j) => c + pc.scale[j] * (a * pc.components[0][j] + b * pc.components[1][j])));
      const feasible = rows.map((r) => mover.feasible(r));
      // a plane that cuts the design space in almost no cell says nothing: leave it out
      if (feasible.filter(Boolean).length >= 0.05 * rows.length) {
        const e = evalRows(rows);
        const mat = <T,>(a: T[]): T[][] => ys.map((_, iy) => a.slice(iy * R, (iy + 1) * R));
        const g: LandscapeGrid2d = {
          kind: 'pca', xFeature: 'PC1', yFeature: 'PC2', x: xs.map(r6), y: ys.map(r6), mean: mat(e.mean), std: mat(e.std), acquisition: mat(e.acq),
          held: `every feature moves along the first two principal components of the measured rows and top candidates (PC1 ${(pc.explained[0] * 100).toFixed(0)}%, PC2 ${(pc.explained[1] * 100).toFixed(0)}% of the variance)`,
          points: pts.filter((q) => q.kind !== 'candidate').map((q) => ({ kind: q.kind as LandscapePoint['kind'], id: q.id, x: q.pc1, y: q.pc2, value: q.value, ...(q.acquisition !== undefined ? { acquisition: q.acquisition } : {}) })),
        };
        if (inp.space) g.feasible = mat(feasible);
        extraGrids.push({ grid: g, px: () => 0, py: () => 0 });
      }
    }
  }
  const pointsOn = (px2: (f: number[]) => number, py2: (f: number[]) => number): LandscapePoint[] => {
    const out: LandscapePoint[] = [];
    for (let i = 0; i < X.rows; i += step) {
      const f = Array.from(X.data.subarray(i * d, (i + 1) * d));
      out.push({ kind: i === refRow ? 'incumbent' : 'measured', id: train.ids[i], x: px2(f), y: py2(f), value: r6(train.Y.data[i * train.Y.cols + ti]) });
    }
    for (const sg of inp.suggestions) out.push({ kind: 'suggestion', id: sg.id, rank: sg.rank, x: px2(sg.features), y: py2(sg.features), value: r6(sg.mean), std: r6(sg.std), acquisition: r6(sg.acquisition) });
    return out;
  };
  const grids = extraGrids.map((e) => (e.grid.points ? e.grid : { ...e.grid, points: pointsOn(e.px, e.py) }));
  const sp = inp.space;
  // what a map over any other pair needs later (with model/model.json): rows × features stays ≤ 60,000
  const ctxStep = step * Math.max(1, Math.ceil((Math.ceil(X.rows / step) * d) / 60_000));
  const ctxRows: LandscapeRow[] = [];
  for (let i = 0; i < X.rows; i += ctxStep) {
    ctxRows.push({ kind: i === refRow ? 'incumbent' : 'measured', id: train.ids[i], value: r6(train.Y.data[i * train.Y.cols + ti]), features: Array.from(X.data.subarray(i * d, (i + 1) * d), r6) });
  }
  if (refRow % ctxStep !== 0) ctxRows.push({ kind: 'incumbent', id: train.ids[refRow], value: r6(train.Y.data[refRow * train.Y.cols + ti]), features: ref.map(r6) });
  for (const sg of inp.suggestions) ctxRows.push({ kind: 'suggestion', id: sg.id, rank: sg.rank, value: r6(sg.mean), std: r6(sg.std), acquisition: r6(sg.acquisition), features: sg.features.map(r6) });
  const context: LandscapeContext = { lo, hi, resolution: R, reference: ref, setup: saveSetup(setup), ...(sp ? { space: sp } : {}), rows: ctxRows };
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
    ...(grids.length ? { grids } : {}),
    ...(sp
      ? { space: { names: sp.names, ...(sp.composition ? { composition: { names: sp.composition.idx.map((k) => sp.names[k]), sum: sp.composition.sum } } : {}), constraints: sp.constraints.map((c) => c.text) } }
      : {}),
    context,
  };
}
