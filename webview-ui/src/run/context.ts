/**
 * What a tab or chart of the run view gets to work with (implemented by `RunView`): the data, the theme, the saved
 * view state, and `chart()` — which creates a Chart.js chart with zoom/pan, the chart toolbar (Reset zoom, PNG, SVG,
 * Copy CSV), a row-details box for clicked points, and the `rendered` report tests read.
 */
import type { ChartConfiguration } from 'chart.js';
import type { RunRequests, RunViewData, RunViewState } from '../../../src/protocol/webview';
import type { ChartData } from '../shared/chartTools';
import type { HostChannel } from '../shared/host';
import type { Theme } from '../shared/theme';

export interface RunViewOptions {
  mode: 'tabs' | 'page';
  host: HostChannel<RunRequests>;
  /** The host can write files (export, append); false in the static report. */
  canEdit: boolean;
  /** View state to start from when the webview has none of its own (handed over from the tab this one replaces). */
  initialState?: RunViewState;
}

/** One drawing of a chart. */
export interface ChartSpec {
  config: ChartConfiguration;
  points: number;
  series: string[];
  /** Accessible description (aria-label of the canvas, SVG title). */
  label: string;
  /** The data drawn, for "Copy CSV". */
  data?: ChartData;
  /** Reported coordinates of what was drawn (landscape: feasible points/cells). */
  drawn?: number[][];
  axes?: string[];
  /** A clicked point (dataset index, point index) → the row to show under the chart: [field, value] pairs. */
  details?: (datasetIndex: number, index: number) => { title: string; fields: [string, string][] } | undefined;
}

export interface ChartBox {
  box: HTMLElement;
  canvas: HTMLCanvasElement;
}

export interface RunContext {
  readonly data: RunViewData;
  readonly theme: Theme;
  readonly state: RunViewState;
  readonly opts: RunViewOptions;
  /** Ranks of the suggestions ticked in the table (shared between tabs). */
  readonly selected: Set<number>;
  saveState(patch: Partial<RunViewState>): void;
  /** A canvas inside a chart box with its toolbar and row-details area. */
  canvas(id: string, tall?: boolean): ChartBox;
  /** Draws (and on theme change / live updates redraws) a chart; `name#key` charts report as `name`. */
  chart(name: string, box: ChartBox, make: () => ChartSpec): void;
  rebuild(name: string): void;
  /** "<id> — <formula>" when the run's dataset names its rows, else the id. */
  rowName(id: string): string;
  /** Target unit in brackets (" [eV]") or ''. */
  unit(target: string | undefined): string;
}

/** A tab of the run view. Register new tabs in ./tabs/index.ts (one line); see docs/views.md. */
export interface RunTab {
  id: string;
  /** Position among the tabs (Overview 0, Suggestions 10, Landscape 20, Pareto 30, Simulation 40; others between). */
  order: number;
  title(data: RunViewData): string;
  /** Whether the tab has anything to show for this run. */
  available(data: RunViewData): boolean;
  build(ctx: RunContext, el: HTMLElement): void;
  /** The tab holds the news of this run (opened first), e.g. Suggestions after a Suggest run. */
  news?(data: RunViewData): boolean;
}
