/**
 * Typed messages between the extension host and the MI Studio webviews (run results, dataset viewer, static report),
 * and the view models they carry. Types only: the run-folder → view-model builder is src/runview/build.ts, the CSV
 * reader/writer src/runview/csv.ts, pending-row appends src/runview/pending.ts.
 *
 * Messages are discriminated unions on `type`. Requests from a webview carry a numeric `id`; the host answers with a
 * `reply` carrying the same id (`ok: true` + `result`, or `ok: false` + `error`).
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

/** A suggestion marked on a 1-D slice: its own value of the feature and its own predicted mean ± σ. */
export interface SliceMark {
  x: number;
  mean: number;
  std: number;
  label: string;
}

/** One 1-D slice of the acquisition landscape along one feature (all other features held fixed or rescaled). */
export interface LandscapeSlice {
  feature: string;
  target: string;
  x: number[];
  mean: number[];
  std: number[];
  acquisition: number[];
  /** With a design space: whether each point lies inside it (the view draws only those). */
  feasible?: boolean[];
  /** In words: what the other features are held at. */
  held?: string;
  marks: SliceMark[];
}

/** A point on a 2-D map (measured row, incumbent or suggestion). */
export interface MapPoint {
  x: number;
  y: number;
  label: string;
  value?: number;
  std?: number;
}

/** A 2-D grid of acquisition values over two features or over the pool's first two principal components. */
export interface LandscapeGrid {
  kind: 'features' | 'pca';
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
  /** With a design space: feasible[j][i] false where the cell lies outside it (not painted). */
  feasible?: boolean[][];
  held?: string;
  suggestions: MapPoint[];
  points: MapPoint[];
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
  /** Id of each shown candidate (tooltips). */
  ids?: string[];
  suggestions: MapPoint[];
}

export interface LandscapeView {
  acquisition: string;
  target?: string;
  unit?: string;
  /** Feature values the slices pass through (the reference / incumbent row), by feature name. */
  reference?: Record<string, number>;
  referenceId?: string;
  slices: LandscapeSlice[];
  grids: LandscapeGrid[];
  pool?: PoolProjection;
  /** The design space the slices and maps respect. */
  space?: { names: string[]; composition?: { names: string[]; sum: number }; constraints: string[] };
  /** Features a map over any pair can be drawn for (varying, not fingerprint bits; from landscape.json's context). */
  mapFeatures?: string[];
  /** Set by the editor host when it can draw such maps (the run has a saved model): request `landscapeMap`. */
  onDemand?: boolean;
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
  unit?: string;
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
  /** Row names for tooltips: id → formula / SMILES (from the dataset, when it could be read and matches the run). */
  names?: Record<string, string>;
  /** Which column the names come from (e.g. "formula"). */
  nameColumn?: string;
  /** Problems met while reading the folder (missing/unparseable files), shown in the summary. */
  warnings: string[];
}

// ---------------------------------------------------------------- run view messages

export type HostToRunView =
  /** `state`: the view state of the tab this one replaces (a live run's tab reopened on its final folder). */
  | { type: 'init'; data: RunViewData; canEdit: boolean; state?: RunViewState }
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
  /** Save a chart picture through the host's save dialog: PNG as base64, SVG as text. */
  saveImage: { params: { suggestedName: string; format: 'png' | 'svg'; data: string }; result: { saved: boolean; path?: string } };
  /** Open a file of the run folder (e.g. the log) in an editor. */
  openFile: { params: { relPath: string }; result: { opened: boolean } };
  /**
   * The acquisition-landscape map over two features (any pair of `LandscapeView.mapFeatures`), computed by the host
   * from the run's saved model with the same design-space masking as the precomputed maps.
   */
  landscapeMap: { params: { x: string; y: string }; result: LandscapeGrid };
}

export type RunRequest = { [K in keyof RunRequests]: { type: 'request'; id: number; method: K; params: RunRequests[K]['params'] } }[keyof RunRequests];

export interface RenderedReport {
  type: 'rendered';
  chart: string;
  points: number;
  series: string[];
  /** What was drawn, for checks: landscape charts list the feasible slice points / map cells as [x] or [x, y]. */
  drawn?: number[][];
  /** The quantities on the axes of `drawn` (e.g. the slice feature, or the map's two features). */
  axes?: string[];
  /** Axis ranges now shown (they change with zoom and pan). */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Why the chart was (re)drawn: 'render', 'zoom', 'pan' or 'reset'. */
  reason?: string;
}

/** `state`: the view state after each change (the host hands it to the tab that replaces this one). */
export type RunViewToHost = { type: 'ready' } | RenderedReport | RunRequest | { type: 'error'; message: string } | { type: 'state'; state: RunViewState };

// ---------------------------------------------------------------- dataset viewer messages

export interface DatasetColumnSummary {
  name: string;
  type: 'numeric' | 'text' | 'empty';
  missing: number;
  count: number;
  min?: number;
  max?: number;
  mean?: number;
  /** Numeric columns: standard deviation and quartiles. */
  std?: number;
  q1?: number;
  median?: number;
  q3?: number;
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
  /** Rows [start, start+count) of the current view (0-based, header excluded); `index` = their data-row indices. */
  page: { params: { start: number; count: number }; result: { start: number; rows: string[][]; index?: number[] } };
  /** Up to `max` (x, y) pairs of two columns, evenly sampled, non-numeric pairs dropped; `rows` = data-row indices. */
  scatter: { params: { x: number; y: number; max: number }; result: { x: number[]; y: number[]; rows?: number[]; sampled: boolean; total: number } };
  /** Save a chart picture (PNG base64 / SVG text) through the save dialog; copy text to the clipboard. */
  saveImage: RunRequests['saveImage'];
  copy: RunRequests['copy'];
  /** Sort by a column and/or filter rows by text; the table pages follow this view. */
  view: { params: { column?: number; desc?: boolean; filter?: string }; result: { rows: number } };
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
  layer?: number;
  /** 2-D map over a pair chosen in the feature pickers (drawn on demand by the host): [x, y]. */
  mapPair?: string[];
  /** Curves tab: the sample shown. */
  curveSample?: string;
}
