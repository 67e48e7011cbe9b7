/**
 * simulation.json (written by src/core/bo/simulate.ts, type `SimulationResult`) → the view model `SimulationView`:
 * best-so-far curves summarised per method over repeats (median, quartiles) and the summary in words.
 */
import type { MethodRepeat, SimulationResult } from '../core/bo/simulate';
import type { RunManifest } from '../core/run/manifest';
import type { SimulationSeries, SimulationView } from '../protocol/webview';

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

const goalText = (g: unknown): string => (g && typeof g === 'object' && 'target' in g ? `target ${(g as { target: number }).target}` : String(g ?? 'maximize'));

/**
 * The per-repeat curves of both methods. Today's engine writes `runs[]` (`{bo, random}` per repeat); the BO issue's
 * named shape is top-level `repeats[]` (BO) and `random.repeats[]` — whichever the file has.
 */
function methodCurves(raw: SimulationResult): { bo: MethodRepeat[]; random: MethodRepeat[] } {
  if (Array.isArray(raw.runs) && raw.runs.length) return { bo: raw.runs.map((r) => r.bo), random: raw.runs.map((r) => r.random) };
  const named = raw as unknown as { repeats?: unknown; random?: { repeats?: unknown } };
  const list = (v: unknown): MethodRepeat[] => (Array.isArray(v) ? (v as MethodRepeat[]) : []);
  return { bo: list(named.repeats), random: list(named.random?.repeats) };
}

export function simulationView(raw: SimulationResult, manifest: RunManifest): SimulationView {
  if (raw.format !== 'mi-studio-simulation') throw new Error(`not a simulation file (format ${JSON.stringify(raw.format)})`);
  // a function target's simulation names its curve objective ("integral of ZT over [400, 675] K") and that unit
  const target = raw.objective?.label ?? raw.target ?? manifest.targets[0]?.column ?? 'y';
  const unit = raw.objective ? raw.unit : manifest.targets.find((t) => t.column === target)?.unit;
  const { bo, random } = methodCurves(raw);
  const series: SimulationSeries[] = [];
  const boCurves = bo.map((r) => r?.bestSoFar ?? []).filter((c) => c.length);
  const rnCurves = random.map((r) => r?.bestSoFar ?? []).filter((c) => c.length);
  if (boCurves.length) series.push(summariseCurves(`BO (${raw.acquisition}${raw.batch ? `, batch ${raw.batch}` : ''})`, boCurves));
  if (rnCurves.length) series.push(summariseCurves('random', rnCurves));
  const sum = raw.summary;
  const q = (v: { median: number | null } | undefined): string => (v?.median === null || v?.median === undefined ? `> ${raw.budget}` : String(v.median));
  const reps = boCurves.length || (typeof raw.repeats === 'number' ? raw.repeats : 0);
  const notes: string[] = [];
  notes.push(`${reps} repeat(s); ${raw.initial} random initial rows, budget ${raw.budget} experiments, pool of ${raw.dataset?.pool ?? raw.dataset?.rows ?? '?'} rows; model ${raw.model}.`);
  if (sum) {
    notes.push(`Median experiments until a top-1% row: BO ${q(sum.bo?.experimentsToTop1)}, random ${q(sum.random?.experimentsToTop1)}${typeof sum.speedupTop1 === 'number' ? ` (speed-up ${sum.speedupTop1.toFixed(2)}×)` : ''}.`);
    notes.push(`Median experiments until a top-5% row: BO ${q(sum.bo?.experimentsToTop5)}, random ${q(sum.random?.experimentsToTop5)}${typeof sum.speedupTop5 === 'number' ? ` (speed-up ${sum.speedupTop5.toFixed(2)}×)` : ''}.`);
    if (typeof sum.boWinsTop1 === 'number') notes.push(`BO reached a top-1% row first in ${sum.boWinsTop1} of ${reps} repeat(s).`);
  }
  return { target, goal: goalText(raw.goal), ...(unit ? { unit } : {}), series, notes };
}

/** A run-like manifest for a folder written by `mi-studio simulate` (it has simulation.json but no run.mirun.json). */
export function manifestFromSimulation(raw: SimulationResult, folder: string): RunManifest {
  const specPath = String(raw.spec ?? '');
  const name = specPath.split(/[\\/]/).pop()?.replace(/\.mi\.ya?ml$/, '') || folder;
  return {
    format: 'mi-studio-run',
    formatVersion: 1,
    runId: folder,
    name: `${name} — simulation`,
    status: 'completed',
    createdAt: String(raw.createdAt ?? ''),
    spec: { path: specPath, sha256: '', content: null },
    dataset: { path: String(raw.dataset?.path ?? ''), sha256: String(raw.dataset?.sha256 ?? ''), rows: Number(raw.dataset?.rows ?? 0), dropped: 0 },
    packageVersion: '',
    seed: Number(raw.seed ?? 0),
    backend: '–',
    timings: typeof raw.seconds === 'number' ? { total: raw.seconds } : {},
    metrics: { cv: {} },
    model: { type: String(raw.model ?? '–'), hyperparameters: {} },
    features: { count: 0, names: [], dropped: [] },
    targets: raw.target !== undefined ? [{ column: String(raw.target), goal: raw.goal }] : [],
    curve: [],
    files: { simulation: 'simulation.json' },
  };
}
