/**
 * Typed messages between the extension host and the MI Studio webviews (run results, dataset viewer, static report),
 * plus the pure helpers both sides share: a small RFC 4180 CSV parser/writer, the run-folder loader that packs
 * everything a run view needs into one `RunViewData`, and the "append suggestions as pending rows" text builder.
 *
 * Messages are discriminated unions on `type`. Requests from a webview carry a numeric `id`; the host answers with a
 * `reply` carrying the same id (`ok: true` + `result`, or `ok: false` + `error`).
 * Pure TypeScript: no `vscode`, no Node-only imports (the webview bundles this file too).
 */
import type { CurvePoint, RunManifest, RunStatus } from '../core/run/manifest';

// ---------------------------------------------------------------- shared data shapes

/** A parsed CSV file: header plus rows of raw cells (missing cells are ''). */
export interface CsvTable {
  header: string[];
  rows: string[][];
  /** Rows in the file; larger than rows.length when the table was truncated for display. */
  totalRows: number;
}

/** One 1-D slice of the acquisition landscape along one feature (all other features held fixed). */
export interface LandscapeSlice {
  feature: string;
  target: string;
  x: number[];
  mean: number[];
  std: number[];
  acquisition: number[];
  /** Feature values of the suggested candidates (marked on the slice). */
  suggestions: number[];
}

/** A 2-D grid of acquisition values over two features or over the pool's first two principal components. */
export interface LandscapeGrid {
  /** 'features' or 'pca'. */
  kind: string;
  label: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  y: number[];
  /** z[j][i] = value at (x[i], y[j]). */
  z: number[][];
  zLabel: string;
  /** Other quantities on the same grid (e.g. predicted mean and σ), selectable as the colour. */
  layers?: { label: string; z: number[][] }[];
  /** Suggested candidates projected onto the grid's axes. */
  suggestions: { x: number; y: number; label: string }[];
  /** Measured rows (incumbents) projected onto the grid's axes. */
  points: { x: number; y: number; label: string }[];
}

/** Every scored pool candidate projected on the first two principal components of its (standardised) inputs. */
export interface PoolProjection {
  x: number[];
  y: number[];
  /** Acquisition value of each candidate (colour). */
  value: number[];
  /** Share of variance explained by PC1 and PC2. */
  explained: [number, number];
  columns: string[];
  /** Candidates shown (an evenly spaced sample when the pool is large) and the pool size. */
  shown: number;
  total: number;
  suggestions: { x: number; y: number; label: string }[];
}

export interface LandscapeView {
  acquisition: string;
  target?: string;
  /** Feature values the slices pass through (the reference / incumbent row), by feature name. */
  reference?: Record<string, number>;
  slices: LandscapeSlice[];
  grids: LandscapeGrid[];
  pool?: PoolProjection;
}

/** Best-so-far curves of a retrospective simulation, summarised per method over repeats. */
export interface SimulationSeries {
  label: string;
  /** Number of experiments done at each step. */
  steps: number[];
  median: number[];
  q1: number[];
  q3: number[];
  repeats: number;
}

export interface SimulationView {
  target: string;
  goal: string;
  series: SimulationSeries[];
  /** Free-form summary lines (e.g. "experiments until a top-5% row: BO 12, random 31"). */
  notes: string[];
}

/** Everything a run view draws. Built by `buildRunViewData` from the files of a run folder. */
export interface RunViewData {
  /** 'simulation' for a folder written by `mi-studio simulate` (no run manifest; one is synthesised). */
  kind: 'run' | 'simulation';
  manifest: RunManifest;
  /** Display name of the run folder (last path segment). */
  runDir: string;
  /** Where the run folder is (workspace-relative or absolute; set by the editor host, which follows a live run's
   * temp folder to the final one — the tab's own title/breadcrumb keep the path it was opened with). */
  location?: string;
  predictions?: CsvTable;
  suggestions?: CsvTable;
  /** curves.json of a function target (src/core/functional/run.ts), drawn by webview-ui/src/run/functions.ts. */
  curves?: unknown;
  /** Row count of acquisition.csv (the file itself can be large, it is not shipped to the view). */
  acquisitionRows?: number;
  landscape?: LandscapeView;
  simulation?: SimulationView;
  /** Problems met while reading the folder (missing/unparseable files), shown in the summary. */
  warnings: string[];
}

// ---------------------------------------------------------------- run view messages

export type HostToRunView =
  | { type: 'init'; data: RunViewData; canEdit: boolean }
  /** The manifest file changed (live run, or final status): new manifest and, when finished, reloaded files. */
  | { type: 'update'; data: RunViewData }
  /** Live learning-curve points (appended) while status is running. */
  | { type: 'curve'; points: CurvePoint[]; status: RunStatus }
  /** Live progress of a running run (from the run bus, between manifest rewrites). */
  | { type: 'progress'; progress: { phase: string; fraction?: number; message: string } }
  | Reply;

export interface RunRequests {
  /** Save text through the host's save dialog. */
  exportCsv: { params: { suggestedName: string; text: string }; result: { saved: boolean; path?: string } };
  /** Copy text to the clipboard through the host. */
  copy: { params: { text: string }; result: { copied: boolean } };
  /** Append suggestions to the dataset as pending rows after a modal confirmation that lists exactly the text. */
  appendPending: { params: { ranks: number[] }; result: { appended: number; path?: string; cancelled?: boolean } };
  /** Open a file of the run folder (e.g. the log) in an editor. */
  openFile: { params: { relPath: string }; result: { opened: boolean } };
}

export type RunRequest = { [K in keyof RunRequests]: { type: 'request'; id: number; method: K; params: RunRequests[K]['params'] } }[keyof RunRequests];

export interface RenderedReport {
  type: 'rendered';
  chart: string;
  points: number;
  series: string[];
}

export type RunViewToHost = { type: 'ready' } | RenderedReport | RunRequest | { type: 'error'; message: string };

// ---------------------------------------------------------------- dataset viewer messages

export interface DatasetColumnSummary {
  name: string;
  type: 'numeric' | 'text' | 'empty';
  missing: number;
  count: number;
  min?: number;
  max?: number;
  mean?: number;
  distinct?: number;
  /** Numeric columns: histogram over [min, max]. */
  histogram?: { edges: number[]; counts: number[] };
}

export interface DatasetInfo {
  fileName: string;
  bytes: number;
  delimiter: string;
  header: string[];
}

export type HostToDatasetView =
  | { type: 'init'; info: DatasetInfo }
  /** Line index progress; `done` once every row offset is known. */
  | { type: 'index'; rows: number; bytesScanned: number; done: boolean }
  /** Column summaries; `sampled` when computed on `sampleRows` evenly spaced rows of `rows`. */
  | { type: 'summary'; columns: DatasetColumnSummary[]; rows: number; sampled: boolean; sampleRows: number }
  | { type: 'error'; message: string }
  | Reply;

export interface DatasetRequests {
  /** Rows [start, start+count) (0-based, header excluded). */
  page: { params: { start: number; count: number }; result: { start: number; rows: string[][] } };
  /** Up to `max` (x, y) pairs of two columns, evenly sampled, non-numeric pairs dropped. */
  scatter: { params: { x: number; y: number; max: number }; result: { x: number[]; y: number[]; sampled: boolean; total: number } };
}

export type DatasetRequest = {
  [K in keyof DatasetRequests]: { type: 'request'; id: number; method: K; params: DatasetRequests[K]['params'] };
}[keyof DatasetRequests];

export type DatasetViewToHost = { type: 'ready' } | DatasetRequest | RenderedReport;

// ---------------------------------------------------------------- replies

export type Reply = { type: 'reply'; id: number; ok: true; result: unknown } | { type: 'reply'; id: number; ok: false; error: string };

/** View state persisted with setState/getState (run view). */
export interface RunViewState {
  tab?: string;
  target?: string;
  sliceFeature?: string;
  grid?: number;
  sortKey?: string;
  sortDesc?: boolean;
  curvePhase?: string;
  /** Curves tab: the sample shown. */
  curveSample?: string;
}

// ---------------------------------------------------------------- CSV

/** Parses RFC 4180 CSV (quoted fields, "" escapes, CRLF/LF) with the given delimiter. Trailing empty line ignored. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      inQuotes = true;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Quotes a cell when it contains the delimiter, a quote or a line break. */
export function csvCell(value: string, delimiter = ','): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(header: string[], rows: string[][], delimiter = ','): string {
  return [header, ...rows].map((r) => r.map((c) => csvCell(c, delimiter)).join(delimiter)).join('\n') + '\n';
}

/** Guesses the delimiter of a header line (tab, semicolon or comma). */
export function sniffDelimiter(headerLine: string, fileName = ''): string {
  if (/\.tsv$/i.test(fileName)) return '\t';
  const counts = ['\t', ';', ','].map((d) => [d, headerLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

export function csvTable(text: string, maxRows = Infinity): CsvTable {
  const all = parseCsv(text);
  const header = all[0] ?? [];
  const body = all.slice(1);
  return { header, rows: body.slice(0, maxRows), totalRows: body.length };
}

// ---------------------------------------------------------------- run folder loader

/** Reads a file of the run folder by relative path; resolves undefined when it does not exist. */
export type RunFileReader = (relPath: string) => Promise<string | undefined>;

const MAX_VIEW_ROWS = 20000;

/** Loads manifest, predictions, suggestions, landscape and simulation of a run folder into one `RunViewData`. */
export async function buildRunViewData(read: RunFileReader, runDirName: string): Promise<RunViewData> {
  const warnings: string[] = [];
  const manifestText = await read('run.mirun.json');
  let manifest: RunManifest;
  let kind: RunViewData['kind'] = 'run';
  if (manifestText === undefined) {
    const simText = await read('simulation.json');
    if (simText === undefined) throw new Error(`${runDirName}: no run.mirun.json (nor simulation.json) in this folder`);
    manifest = manifestFromSimulation(JSON.parse(simText), runDirName);
    kind = 'simulation';
  } else {
    try {
      manifest = JSON.parse(manifestText) as RunManifest;
    } catch (e) {
      throw new Error(`${runDirName}/run.mirun.json: not valid JSON (${(e as Error).message})`);
    }
  }
  manifest.files ??= {};
  manifest.curve ??= [];
  manifest.targets ??= [];
  manifest.metrics ??= { cv: {} };
  const data: RunViewData = { kind, manifest, runDir: runDirName, warnings };
  const file = (name: string, fallback: string) => manifest.files[name] ?? fallback;

  const readCsv = async (name: string, fallback: string, max: number): Promise<CsvTable | undefined> => {
    const text = await read(file(name, fallback)).catch((e: unknown) => {
      warnings.push(`${file(name, fallback)}: ${(e as Error).message}`);
      return undefined;
    });
    if (text === undefined) {
      if (manifest.files[name]) warnings.push(`${manifest.files[name]} is listed in the manifest but missing`);
      return undefined;
    }
    const t = csvTable(text, max);
    if (t.totalRows > t.rows.length) warnings.push(`${file(name, fallback)}: showing the first ${t.rows.length} of ${t.totalRows} rows`);
    return t;
  };
  data.predictions = await readCsv('predictions', 'predictions.csv', MAX_VIEW_ROWS);
  data.suggestions = await readCsv('suggestions', 'suggestions.csv', MAX_VIEW_ROWS);
  const acq = await read(file('acquisition', 'acquisition.csv')).catch(() => undefined);
  let pool: PoolProjection | undefined;
  if (acq !== undefined && acq.length > 30e6) {
    data.acquisitionRows = Math.max(0, acq.split('\n').filter((l) => l.length).length - 1);
    warnings.push(`acquisition.csv is large (${(acq.length / 1e6).toFixed(0)} MB): no PC1/PC2 view of the pool`);
  } else if (acq !== undefined) {
    const t = csvTable(acq);
    data.acquisitionRows = t.totalRows;
    try {
      pool = projectPool(t, data.suggestions, manifest.targets.map((x) => x.column));
    } catch (e) {
      warnings.push(`acquisition.csv: no PC1/PC2 view (${(e as Error).message})`);
    }
  }

  const readJson = async (name: string, fallback: string): Promise<unknown> => {
    const text = await read(file(name, fallback)).catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (e) {
      warnings.push(`${file(name, fallback)}: not valid JSON (${(e as Error).message})`);
      return undefined;
    }
  };
  const landscape = await readJson('landscape', 'landscape.json');
  if (landscape !== undefined) {
    try {
      data.landscape = normalizeLandscape(landscape, manifest);
    } catch (e) {
      warnings.push(`landscape.json: ${(e as Error).message}`);
    }
  }
  if (pool) {
    data.landscape ??= { acquisition: manifest.optimize?.acquisition ?? 'acquisition', slices: [], grids: [] };
    data.landscape.pool = pool;
  }
  // mark suggested candidates on 1-D slices from suggestions.csv when landscape.json does not list them per slice
  if (data.landscape && data.suggestions) {
    for (const sl of data.landscape.slices) {
      const j = data.suggestions.header.indexOf(sl.feature);
      if (!sl.suggestions.length && j >= 0) sl.suggestions = data.suggestions.rows.map((r) => Number(r[j])).filter((v) => Number.isFinite(v));
    }
  }
  if (manifest.files.curves) data.curves = await readJson('curves', 'curves.json');
  const simulation = await readJson('simulation', 'simulation.json');
  if (simulation !== undefined) {
    try {
      data.simulation = normalizeSimulation(simulation, manifest);
    } catch (e) {
      warnings.push(`simulation.json: ${(e as Error).message}`);
    }
  }
  return data;
}

// ---------------------------------------------------------------- tolerant adapters for landscape / simulation

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? x : Number(x))) : []);
const pick = (o: Obj, ...keys: string[]): unknown => {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
};
/** A per-target value: either an array, or an object keyed by target name. */
const perTarget = (v: unknown, target: string): number[] => {
  if (Array.isArray(v)) return nums(v);
  if (isObj(v)) return nums(v[target] ?? Object.values(v)[0]);
  return [];
};

function pointList(v: unknown, xKey: string, yKey: string): { x: number; y: number; label: string }[] {
  if (!Array.isArray(v)) return [];
  const out: { x: number; y: number; label: string }[] = [];
  v.forEach((p, i) => {
    if (Array.isArray(p)) out.push({ x: Number(p[0]), y: Number(p[1]), label: String(i + 1) });
    else if (isObj(p)) {
      const coords = isObj(p.coords) ? p.coords : isObj(p.values) ? p.values : p;
      const x = Number(pick(coords, xKey, 'x', 'pc1') ?? (Array.isArray(p.pc) ? p.pc[0] : NaN));
      const y = Number(pick(coords, yKey, 'y', 'pc2') ?? (Array.isArray(p.pc) ? p.pc[1] : NaN));
      out.push({ x, y, label: String(p.id ?? p.rank ?? i + 1) });
    }
  });
  return out.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
}

/** Maps landscape.json (see src/core/bo/landscape.ts) onto the view model; accepts a few equivalent spellings. */
export function normalizeLandscape(raw: unknown, manifest: RunManifest): LandscapeView {
  if (!isObj(raw)) throw new Error('expected a JSON object');
  const target = String(pick(raw, 'target') ?? manifest.targets[0]?.column ?? 'y');
  const acquisition = String(pick(raw, 'acquisition', 'acquisitionFunction') ?? manifest.optimize?.acquisition ?? 'acquisition');
  // landscape.json (src/core/bo/landscape.ts): `points` of kind measured | incumbent | suggestion on grid2d's axes
  const allPoints = Array.isArray(raw.points) ? raw.points.filter(isObj) : [];
  const kindOf = (p: Obj): string => String(p.kind ?? '');
  const sugg = pick(raw, 'suggestions', 'suggested') ?? (allPoints.some((p) => kindOf(p) === 'suggestion') ? allPoints.filter((p) => kindOf(p) === 'suggestion').map((p) => ({ ...p, id: p.rank !== undefined ? `#${p.rank} ${String(p.id ?? '')}` : p.id })) : undefined);
  const measured = allPoints.filter((p) => kindOf(p) === 'measured' || kindOf(p) === 'incumbent');
  const grid2dRaw = isObj(raw.grid2d) ? raw.grid2d : undefined;
  const slicesRaw = pick(raw, 'slices', 'oneD', 'slices1d');
  const slices: LandscapeSlice[] = [];
  if (Array.isArray(slicesRaw)) {
    for (const s of slicesRaw) {
      if (!isObj(s)) continue;
      const feature = String(pick(s, 'feature', 'name') ?? '?');
      const x = nums(pick(s, 'x', 'values', 'grid'));
      const t = String(pick(s, 'target') ?? target);
      const mean = perTarget(pick(s, 'mean', 'mu'), t);
      const std = perTarget(pick(s, 'std', 'sigma'), t);
      const acqV = nums(pick(s, 'acquisition', 'acq'));
      let marks = nums(pick(s, 'suggestions'));
      if (!marks.length && Array.isArray(sugg)) {
        if (grid2dRaw && grid2dRaw.xFeature === feature) marks = pointList(sugg, 'x', 'y').map((p) => p.x);
        else if (grid2dRaw && grid2dRaw.yFeature === feature) marks = pointList(sugg, 'x', 'y').map((p) => p.y);
        else if (!grid2dRaw) marks = pointList(sugg, feature, feature).map((p) => p.x);
      }
      if (x.length) slices.push({ feature, target: t, x, mean, std, acquisition: acqV, suggestions: marks });
    }
  }
  const grids: LandscapeGrid[] = [];
  const gridsRaw = pick(raw, 'grids', 'grid', 'twoD', 'grid2d', 'pca');
  for (const g of Array.isArray(gridsRaw) ? gridsRaw : gridsRaw !== undefined ? [gridsRaw] : []) {
    if (!isObj(g)) continue;
    const kind = String(pick(g, 'kind', 'type') ?? (pick(g, 'pca') ? 'pca' : 'features'));
    const feats = pick(g, 'features', 'axes');
    const xLabel = String(pick(g, 'xFeature', 'xLabel') ?? (Array.isArray(feats) ? feats[0] : kind === 'pca' ? 'PC1' : 'x'));
    const yLabel = String(pick(g, 'yFeature', 'yLabel') ?? (Array.isArray(feats) ? feats[1] : kind === 'pca' ? 'PC2' : 'y'));
    const x = nums(pick(g, 'x', 'xs'));
    const y = nums(pick(g, 'y', 'ys'));
    const zRaw = pick(g, 'acquisition', 'z', 'values', 'mean');
    let z: number[][] = [];
    if (Array.isArray(zRaw) && Array.isArray(zRaw[0])) z = zRaw.map((r) => nums(r));
    else if (Array.isArray(zRaw) && zRaw.length === x.length * y.length) {
      const flat = nums(zRaw);
      z = y.map((_, j) => flat.slice(j * x.length, (j + 1) * x.length));
    }
    const zLabel = String(pick(g, 'zLabel') ?? (pick(g, 'acquisition') !== undefined ? acquisition : 'value'));
    const suggestions = pointList(pick(g, 'suggestions') ?? sugg, xLabel, yLabel);
    const points = pointList(pick(g, 'points', 'observed', 'data') ?? (measured.length ? measured : undefined), xLabel, yLabel);
    const label = String(pick(g, 'label', 'title') ?? (kind === 'pca' ? 'pool PC1 / PC2' : `${xLabel} × ${yLabel}`));
    const asGrid = (v: unknown): number[][] | undefined => (Array.isArray(v) && v.length === y.length && Array.isArray(v[0]) ? v.map((r) => nums(r)) : undefined);
    const layers: { label: string; z: number[][] }[] = [];
    for (const [key, name] of [['acquisition', acquisition], ['mean', `predicted ${target} (mean)`], ['std', `predicted ${target} (σ)`]] as const) {
      const g2 = asGrid(g[key]);
      if (g2) layers.push({ label: name, z: g2 });
    }
    if (x.length && y.length && z.length === y.length) grids.push({ kind, label, xLabel, yLabel, x, y, z, zLabel, suggestions, points, ...(layers.length > 1 ? { layers } : {}) });
  }
  let reference: Record<string, number> | undefined;
  const ref = isObj(raw.reference) ? raw.reference : undefined;
  const names = Array.isArray(raw.featureNames) ? raw.featureNames.map(String) : [];
  if (ref && Array.isArray(ref.features) && names.length === ref.features.length) {
    reference = Object.fromEntries(names.map((n, i) => [n, Number((ref.features as unknown[])[i])]));
  }
  return { acquisition, target, reference, slices, grids };
}

/**
 * PC1/PC2 of the scored pool (acquisition.csv): numeric input columns standardised, top two eigenvectors of their
 * correlation matrix by power iteration; at most 4000 evenly spaced candidates are kept for the plot.
 */
export function projectPool(t: CsvTable, suggestions: CsvTable | undefined, targets: string[]): PoolProjection | undefined {
  const skip = new Set(['id', 'rank', 'acquisition', ...targets.flatMap((x) => [x, `${x}_mean`, `${x}_std`, `${x}_lower90`, `${x}_upper90`])]);
  const acqCol = t.header.indexOf('acquisition');
  const cols = t.header
    .map((h, j) => ({ h, j }))
    .filter(({ h, j }) => !skip.has(h) && t.rows.length > 0 && t.rows.every((r) => r[j] !== '' && Number.isFinite(Number(r[j]))));
  if (cols.length < 2 || t.rows.length < 3) return undefined;
  const n = t.rows.length;
  const d = cols.length;
  const mu = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  const X = t.rows.map((r) => cols.map(({ j }) => Number(r[j])));
  for (const r of X) r.forEach((v, k) => (mu[k] += v / n));
  for (const r of X) r.forEach((v, k) => (sd[k] += (v - mu[k]) ** 2 / n));
  const scale = sd.map((v) => Math.sqrt(v) || 1);
  const Z = X.map((r) => r.map((v, k) => (v - mu[k]) / scale[k]));
  const C = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of Z) for (let a = 0; a < d; a++) for (let b = a; b < d; b++) C[a][b] += (r[a] * r[b]) / n;
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) C[a][b] = C[b][a];
  const trace = C.reduce((acc, r, i) => acc + r[i], 0) || 1;
  const vecs: number[][] = [];
  const vals: number[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Array.from({ length: d }, (_, i) => 1 + 0.1 * i * (k + 1));
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      let w = C.map((row) => row.reduce((acc, c, i) => acc + c * v[i], 0));
      for (const u of vecs) {
        const dot = w.reduce((acc, x, i) => acc + x * u[i], 0);
        w = w.map((x, i) => x - dot * u[i]);
      }
      const norm = Math.hypot(...w) || 1;
      lambda = norm;
      v = w.map((x) => x / norm);
    }
    vecs.push(v);
    vals.push(lambda);
  }
  const proj = (r: number[]): [number, number] => {
    const z = r.map((v, k) => (v - mu[k]) / scale[k]);
    return [z.reduce((a, x, i) => a + x * vecs[0][i], 0), z.reduce((a, x, i) => a + x * vecs[1][i], 0)];
  };
  const step = Math.max(1, n / 4000);
  const xs: number[] = [];
  const ys: number[] = [];
  const value: number[] = [];
  for (let f = 0; f < n; f += step) {
    const i = Math.floor(f);
    const [a, b] = proj(X[i]);
    xs.push(a);
    ys.push(b);
    value.push(acqCol >= 0 ? Number(t.rows[i][acqCol]) : NaN);
  }
  const sugg: { x: number; y: number; label: string }[] = [];
  if (suggestions) {
    const idx = cols.map(({ h }) => suggestions.header.indexOf(h));
    const rankCol = suggestions.header.indexOf('rank');
    const idCol = suggestions.header.indexOf('id');
    if (idx.every((j) => j >= 0)) {
      suggestions.rows.forEach((r, i) => {
        const [a, b] = proj(idx.map((j) => Number(r[j])));
        if (Number.isFinite(a) && Number.isFinite(b)) sugg.push({ x: a, y: b, label: `#${rankCol >= 0 ? r[rankCol] : i + 1} ${idCol >= 0 ? r[idCol] : ''}`.trim() });
      });
    }
  }
  return { x: xs, y: ys, value, explained: [vals[0] / trace, vals[1] / trace], columns: cols.map((c) => c.h), shown: xs.length, total: n, suggestions: sugg };
}

/** A run-like manifest for a folder written by `mi-studio simulate` (it has simulation.json but no run.mirun.json). */
export function manifestFromSimulation(raw: unknown, folder: string): RunManifest {
  const o = isObj(raw) ? raw : {};
  const ds = isObj(o.dataset) ? o.dataset : {};
  const specPath = String(o.spec ?? '');
  const name = specPath.split(/[\\/]/).pop()?.replace(/\.mi\.ya?ml$/, '') || folder;
  return {
    format: 'mi-studio-run',
    formatVersion: 1,
    runId: folder,
    name: `${name} — simulation`,
    status: 'completed',
    createdAt: String(o.createdAt ?? ''),
    spec: { path: specPath, sha256: '', content: null },
    dataset: { path: String(ds.path ?? ''), sha256: String(ds.sha256 ?? ''), rows: Number(ds.rows ?? 0), dropped: 0 },
    packageVersion: '',
    seed: Number(o.seed ?? 0),
    backend: '–',
    timings: typeof o.seconds === 'number' ? { total: o.seconds } : {},
    metrics: { cv: {} },
    model: { type: String(o.model ?? '–'), hyperparameters: {} },
    features: { count: 0, names: [], dropped: [] },
    targets: o.target !== undefined ? [{ column: String(o.target), goal: o.goal }] : [],
    curve: [],
    files: { simulation: 'simulation.json' },
  };
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Quartiles over repeats of best-so-far curves (arrays may differ in length; shorter ones carry their last value). */
export function summariseCurves(label: string, curves: number[][], initial = 0): SimulationSeries {
  const len = Math.max(0, ...curves.map((c) => c.length));
  const steps: number[] = [];
  const median: number[] = [];
  const q1: number[] = [];
  const q3: number[] = [];
  for (let s = 0; s < len; s++) {
    const vals = curves.map((c) => c[Math.min(s, c.length - 1)]).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    steps.push(initial + s + 1);
    median.push(quantile(vals, 0.5));
    q1.push(quantile(vals, 0.25));
    q3.push(quantile(vals, 0.75));
  }
  return { label, steps, median, q1, q3, repeats: curves.length };
}

const curvesCount = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/** Maps simulation.json (written by `mi-studio simulate`) onto the view model. */
export function normalizeSimulation(raw: unknown, manifest: RunManifest): SimulationView {
  if (!isObj(raw)) throw new Error('expected a JSON object');
  const target = String(pick(raw, 'target') ?? manifest.targets[0]?.column ?? 'y');
  const g = pick(raw, 'goal') ?? manifest.targets[0]?.goal ?? 'maximize';
  const goal = isObj(g) && g.target !== undefined ? `target ${g.target}` : String(g);
  const series: SimulationSeries[] = [];
  // simulation.json of `mi-studio simulate` (src/core/bo/simulate.ts): runs[] with bo/random best-so-far per experiment
  if (raw.format === 'mi-studio-simulation' && Array.isArray(raw.runs)) {
    const label = (k: string): string => (k === 'bo' ? `BO (${String(raw.acquisition ?? '')}${raw.batch ? `, batch ${raw.batch}` : ''})` : k);
    for (const k of ['bo', 'random']) {
      const curves = raw.runs.filter(isObj).map((r) => (isObj(r[k]) ? nums((r[k] as Obj).bestSoFar) : [])).filter((c) => c.length);
      if (curves.length) series.push(summariseCurves(label(k), curves));
    }
    const notes: string[] = [];
    const sum = isObj(raw.summary) ? raw.summary : {};
    const q = (m: unknown, key: string): string => {
      const x = isObj(m) && isObj(m[key]) ? (m[key] as Obj).median : undefined;
      return x === null || x === undefined ? `> ${String(raw.budget ?? 'budget')}` : String(x);
    };
    const reps = Number(raw.repeats ?? curvesCount(raw.runs));
    notes.push(`${reps} repeat(s); ${String(raw.initial ?? '?')} random initial rows, budget ${String(raw.budget ?? '?')} experiments, pool of ${isObj(raw.dataset) ? String(raw.dataset.pool ?? raw.dataset.rows ?? '?') : '?'} rows; model ${String(raw.model ?? '?')}.`);
    notes.push(`Median experiments until a top-1% row: BO ${q(sum.bo, 'experimentsToTop1')}, random ${q(sum.random, 'experimentsToTop1')}${typeof sum.speedupTop1 === 'number' ? ` (speed-up ${sum.speedupTop1.toFixed(2)}×)` : ''}.`);
    notes.push(`Median experiments until a top-5% row: BO ${q(sum.bo, 'experimentsToTop5')}, random ${q(sum.random, 'experimentsToTop5')}${typeof sum.speedupTop5 === 'number' ? ` (speed-up ${sum.speedupTop5.toFixed(2)}×)` : ''}.`);
    if (typeof sum.boWinsTop1 === 'number') notes.push(`BO reached a top-1% row first in ${sum.boWinsTop1} of ${reps} repeat(s).`);
    return { target, goal, series, notes };
  }
  const methods = pick(raw, 'methods', 'strategies');
  const fromRepeats = (label: string, reps: unknown): void => {
    if (!Array.isArray(reps)) return;
    const curves = reps
      .map((r) => (isObj(r) ? nums(pick(r, 'bestSoFar', 'best_so_far', 'best')) : nums(r)))
      .filter((c) => c.length);
    if (curves.length) series.push(summariseCurves(label, curves));
  };
  if (isObj(methods)) {
    for (const [name, m] of Object.entries(methods)) {
      if (isObj(m) && Array.isArray(m.median)) {
        const median = nums(m.median);
        series.push({
          label: name,
          steps: nums(m.steps).length ? nums(m.steps) : median.map((_, i) => i + 1),
          median,
          q1: nums(pick(m, 'q1', 'q25', 'lower')),
          q3: nums(pick(m, 'q3', 'q75', 'upper')),
          repeats: Number(m.repeats ?? 0),
        });
      } else fromRepeats(name, isObj(m) ? m.repeats : m);
    }
  }
  if (!series.length) {
    const reps = Array.isArray(raw.runs) ? raw.runs : raw.repeats;
    if (Array.isArray(reps)) {
      const byMethod = new Map<string, number[][]>();
      for (const r of reps) {
        if (!isObj(r)) continue;
        for (const [k, v] of Object.entries(r)) {
          if (isObj(v) && Array.isArray(pick(v, 'bestSoFar', 'best_so_far'))) {
            const arr = byMethod.get(k) ?? [];
            arr.push(nums(pick(v, 'bestSoFar', 'best_so_far')));
            byMethod.set(k, arr);
          }
        }
        const m = String(pick(r, 'method', 'strategy') ?? '');
        const bsf = nums(pick(r, 'bestSoFar', 'best_so_far'));
        if (m && bsf.length) {
          const arr = byMethod.get(m) ?? [];
          arr.push(bsf);
          byMethod.set(m, arr);
        }
      }
      for (const [k, curves] of byMethod) series.push(summariseCurves(k, curves));
    }
  }
  const summary = pick(raw, 'summary');
  const notes: string[] = [];
  if (isObj(summary)) {
    for (const [k, v] of Object.entries(summary)) {
      if (typeof v === 'number' || typeof v === 'string') notes.push(`${k}: ${v}`);
      else if (isObj(v)) {
        const parts = Object.entries(v).filter(([, x]) => typeof x === 'number' || typeof x === 'string');
        if (parts.length && parts.length <= 6) notes.push(`${k}: ${parts.map(([a, b]) => `${a} ${typeof b === 'number' ? +b.toFixed(3) : b}`).join(', ')}`);
      }
    }
  }
  return { target, goal, series, notes };
}

// ---------------------------------------------------------------- pending rows

export interface PendingRowsPlan {
  /** The exact text appended to the dataset file. */
  text: string;
  rows: string[][];
  /** Dataset columns that get a value from the suggestion (the rest stay empty). */
  filled: string[];
}

/**
 * Builds the rows appended to a dataset for suggested candidates: each dataset column takes the suggestion's value
 * of the same name (the spec's id column takes the candidate id); target and other columns are left empty
 * (pending measurement). `needsNewline` when the file does not end with a line break.
 */
export function planPendingRows(opts: {
  datasetHeader: string[];
  delimiter: string;
  suggestions: CsvTable;
  ranks: number[];
  idColumn?: string;
  needsNewline: boolean;
}): PendingRowsPlan {
  const { datasetHeader, delimiter, suggestions } = opts;
  const sIdx = new Map(suggestions.header.map((h, i) => [h, i] as const));
  const rankCol = sIdx.get('rank');
  const idCol = sIdx.get('id');
  const chosen = suggestions.rows.filter((r, i) => opts.ranks.includes(rankCol !== undefined ? Number(r[rankCol]) : i + 1));
  const filled = datasetHeader.filter((h) => sIdx.has(h) && h !== 'rank' || (h === opts.idColumn && idCol !== undefined));
  const rows = chosen.map((r) =>
    datasetHeader.map((h) => {
      if (h === opts.idColumn && idCol !== undefined && !(sIdx.has(h) && h !== 'id')) return r[idCol] ?? '';
      const j = sIdx.get(h);
      return j !== undefined && h !== 'rank' ? (r[j] ?? '') : '';
    }),
  );
  const lines = rows.map((r) => r.map((c) => csvCell(c, delimiter)).join(delimiter));
  const text = (opts.needsNewline && lines.length ? '\n' : '') + lines.map((l) => l + '\n').join('');
  return { text, rows, filled };
}
