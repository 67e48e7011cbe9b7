/**
 * Retrospective simulation: the dataset is treated as a fully measured pool and its targets as the oracle.
 * Each repeat starts from K random rows and runs the spec's BO loop (acquisition, batch size and strategy, model)
 * until N rows are measured; random search runs from the same K rows with the same seed.
 *
 * Speed: hyperparameters are refitted every `refitEvery` BO iterations (default 5) and on the last one; in between
 * the model is conditioned on the new observations with fixed hyperparameters (`condition` when the model has it,
 * else the proxy update in fantasy.ts).
 *
 * "Top-p%" rows are the ceil(p% · n) best rows by the first objective's utility (ties included); "experiments to
 * top-p%" counts measured rows (the K initial ones included) up to and including the first such row, or null when
 * not found within the budget (medians then treat it as larger than the budget and report null if the median is).
 *
 * `runCampaigns` is that bookkeeping on its own (repeats, initial rows, random search, best-so-far, top-p% counts,
 * summary) around a per-step "pick the next rows" callback; `simulate` plugs in the scalar BO step and
 * functional/simulate.ts the curve-objective step, so both write the same `simulation.json`.
 */
import { MiError } from '../diagnostics';
import type { Table } from '../data/types';
import type { FeatureSet } from '../features/types';
import { takeRows } from '../models/common';
import type { Model } from '../models/types';
import type { FunctionalObjective, Spec } from '../spec/types';
import { toUtility } from './acquisition';
import { selectBatch } from './batch';
import { conditionModel, proxyKernel } from './fantasy';
import { acquisitionOf, makeSetup } from './objectives';
import { Rng } from './rng';

export interface SimulateOptions {
  budget: number;
  initial: number;
  repeats: number;
  seed: number;
  refitEvery?: number;
  makeModel: (seed: number) => Model;
  modelName: string;
  log?: (msg: string) => void;
  signal?: AbortSignal;
}

export interface Quartiles {
  median: number | null;
  q1: number | null;
  q3: number | null;
}

export interface MethodRepeat {
  /** 1-based data-row numbers in measurement order (data row 1 = first record after the header). */
  order: number[];
  bestSoFar: number[];
  experimentsToTop1: number | null;
  experimentsToTop5: number | null;
}

/** One campaign of one method in `simulation.json`'s `repeats` / `random.repeats`. */
export interface SimulationRepeat extends MethodRepeat {
  repeat: number;
  seed: number;
}

export interface SimulationResult {
  format: 'mi-studio-simulation';
  version: 1;
  createdAt: string;
  spec: string;
  dataset: { path: string; sha256: string; rows: number; pool: number };
  target: string;
  goal: unknown;
  acquisition: string;
  batch: number;
  batchStrategy: string;
  model: string;
  budget: number;
  initial: number;
  /**
   * Function targets only (src/core/functional/simulate.ts): the curve objective that is the oracle — best-so-far values
   * are this objective of the revealed (measured) curves — with a readable label ("integral of ZT over [400, 675] K").
   */
  objective?: FunctionalObjective & { label: string };
  /** Unit of the best-so-far values when known (function targets: the objective's unit). */
  unit?: string;
  /** BO, one entry per repeat (the shape named by the BO issue): `order` = 1-based data rows in measurement order. */
  repeats: SimulationRepeat[];
  /** Random search from the same initial rows, one entry per repeat. */
  random: { repeats: SimulationRepeat[] };
  /** Number of repeats (the settings' R). */
  repeatCount: number;
  seed: number;
  refitEvery: number;
  top: { top1: { count: number; threshold: number }; top5: { count: number; threshold: number }; best: number };
  runs: { repeat: number; seed: number; bo: MethodRepeat; random: MethodRepeat }[];
  summary: {
    bo: { bestSoFar: Quartiles[]; experimentsToTop1: Quartiles; experimentsToTop5: Quartiles; foundTop1: number; foundTop5: number };
    random: { bestSoFar: Quartiles[]; experimentsToTop1: Quartiles; experimentsToTop5: Quartiles; foundTop1: number; foundTop5: number };
    /** Median experiments to a top-1% row: random / BO (> 1 means BO is faster). */
    speedupTop1: number | null;
    speedupTop5: number | null;
    /** Repeats where BO found a top-1% row in fewer experiments than random (ties count half). */
    boWinsTop1: number;
  };
  seconds: number;
}

function quantile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
}

export function quartiles(values: (number | null)[]): Quartiles {
  const v = values.map((x) => (x === null ? Infinity : x)).sort((a, b) => a - b);
  const f = (p: number): number | null => {
    const q = quantile(v, p);
    return Number.isFinite(q) ? q : null;
  };
  return { median: f(0.5), q1: f(0.25), q3: f(0.75) };
}

export interface SimulationPool {
  set: FeatureSet;
  /** 1-based data-row number of each row of set. */
  dataRow: number[];
  path: string;
  sha256: string;
  tableRows: number;
}

/**
 * The pool for `simulate` from a loaded table and its feature set: maps each feature row (file line) back to its
 * 1-based data-row number (data row 1 = first record after the header).
 */
export function simulationPool(set: FeatureSet, table: Pick<Table, 'rowNumbers' | 'sha256'>, path: string): SimulationPool {
  const recordOf = new Map<number, number>();
  table.rowNumbers.forEach((line, r) => recordOf.set(line, r));
  const dataRow = set.rowNumbers.map((line) => (recordOf.get(line) ?? -1) + 1);
  return { set, dataRow, path, sha256: table.sha256, tableRows: table.rowNumbers.length };
}

/** What the campaign bookkeeping needs to know about the pool (the oracle), scalar or functional. */
export interface CampaignOracle {
  /** Oracle value of each usable pool row in reported units (a scalar target, or a curve's objective). */
  values: ArrayLike<number>;
  /** Larger is better. */
  utility: (y: number) => number;
  /** Reported units from a utility (for the summary's best-so-far quartiles). */
  fromUtility: (u: number) => number;
  /** 1-based data-row number of each usable pool row. */
  dataRow: ArrayLike<number>;
}

/** One BO step: given the rows measured so far (pool indices, in order) and the unmeasured ones, the next `take` picks. */
export type CampaignStep = (state: { measured: readonly number[]; rest: readonly number[]; take: number; it: number }) => Promise<number[]>;

export interface CampaignOptions {
  budget: number;
  initial: number;
  repeats: number;
  seed: number;
  /** Called once per repeat (with its seed): the BO step of that campaign (it may keep its model between steps). */
  startRepeat: (seed: number, repeat: number) => CampaignStep;
  log?: (msg: string) => void;
  signal?: AbortSignal;
}

/** The part of `simulation.json` that is the same for every kind of target (campaigns, random search, summary). */
export interface CampaignResult {
  pool: number;
  budget: number;
  initial: number;
  repeats: SimulationRepeat[];
  random: { repeats: SimulationRepeat[] };
  repeatCount: number;
  top: SimulationResult['top'];
  runs: SimulationResult['runs'];
  summary: SimulationResult['summary'];
}

/** At most this many repeats (each one a whole campaign: more is a typo, and would run for days). */
export const MAX_REPEATS = 10000;

/**
 * Campaign settings that cannot give a meaningful simulation, as usage errors: fewer than 2 initial rows, an initial
 * design that already measures the whole pool (no BO step at all — BO and random would be the same list), a pool too
 * small for that, a repeat count that is not a whole number in 1..MAX_REPEATS, a seed so large that the repeats'
 * seeds coincide.
 */
function checkCampaign(n: number, opts: Pick<CampaignOptions, 'budget' | 'initial' | 'repeats' | 'seed'>): void {
  const usage = (message: string, hint: string): never => {
    throw new MiError(message, { code: 'usage', hint });
  };
  if (!Number.isInteger(opts.repeats) || opts.repeats < 1 || opts.repeats > MAX_REPEATS) {
    usage(`--repeats must be a whole number from 1 to ${MAX_REPEATS}, got ${opts.repeats}`, 'each repeat is a whole campaign; 5–50 give useful bands');
  }
  // repeat r runs with seed + 1000 r: beyond 2^53 those sums round to the same number and every "repeat" would be a copy
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0 || !Number.isSafeInteger(opts.seed + 1000 * opts.repeats)) {
    usage(`--seed ${opts.seed} is too large: the repeats' seeds (seed + 1000 × repeat) would not be distinct`, 'use a seed from 0 to 4294967295');
  }
  if (!Number.isInteger(opts.initial) || opts.initial < 2) usage(`--initial must be a whole number of at least 2, got ${opts.initial}`, 'the model needs at least 2 measured rows to start from');
  if (!Number.isInteger(opts.budget) || opts.budget <= opts.initial) usage(`--budget (${opts.budget}) must be a whole number larger than --initial (${opts.initial})`, 'the budget counts the initial rows too');
  if (n < 3) {
    usage(`the pool has only ${n} usable row(s): a simulation needs at least 3 (2 initial ones and one to choose)`,
      'rows without a finite target (function targets: without a finite objective on the grid) are not in the pool; check the data, or the goal\'s range');
  }
  if (opts.initial >= n) {
    usage(`--initial ${opts.initial} measures the whole pool of ${n} usable rows: no BO step would be left to simulate`, `use --initial ${Math.max(2, Math.min(5, n - 1))} (at most ${n - 1}) and --budget up to ${n}`);
  }
}

/**
 * The bookkeeping of a retrospective simulation: per repeat, K random initial rows, then `step` until `budget` rows are
 * measured; random search from the same K rows in the same shuffled order; best-so-far, experiments to top-1% / top-5%
 * and their quartiles over repeats.
 */
export async function runCampaigns(oracle: CampaignOracle, opts: CampaignOptions): Promise<CampaignResult> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  const n = oracle.values.length;
  checkCampaign(n, opts);
  const budget = Math.min(opts.budget, n);
  const K = Math.min(opts.initial, budget);
  if (opts.budget > n) log(`the pool has ${n} usable rows: budget ${opts.budget} capped at ${n}`);
  const yOf = (v: number): number => oracle.values[v];
  const util = Array.from({ length: n }, (_, v) => oracle.utility(yOf(v)));
  const sortedU = [...util].sort((a, b) => b - a);
  const thr = (p: number): number => sortedU[Math.max(0, Math.ceil(p * n) - 1)];
  const top1 = thr(0.01);
  const top5 = thr(0.05);

  const summarise = (order: number[]): MethodRepeat => {
    const best: number[] = [];
    let b = -Infinity;
    let e1: number | null = null;
    let e5: number | null = null;
    let bi = order[0];
    order.forEach((v, k) => {
      const u = util[v];
      if (u > b) {
        b = u;
        bi = v;
      }
      best.push(yOf(bi));
      if (e1 === null && u >= top1) e1 = k + 1;
      if (e5 === null && u >= top5) e5 = k + 1;
    });
    return { order: order.map((v) => oracle.dataRow[v]), bestSoFar: best, experimentsToTop1: e1, experimentsToTop5: e5 };
  };

  const runs: SimulationResult['runs'] = [];
  for (let rep = 0; rep < opts.repeats; rep++) {
    const seed = opts.seed + 1000 * rep;
    const rng = new Rng(seed);
    const perm = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    const init = perm.slice(0, K);
    // random search: same initial rows, then the same shuffled order
    const randomOrder = perm.slice(0, budget);
    // BO
    const measured = init.slice();
    const isMeasured = new Uint8Array(n);
    for (const v of measured) isMeasured[v] = 1;
    const step = opts.startRepeat(seed, rep);
    let it = 0;
    while (measured.length < budget) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      const rest: number[] = [];
      for (let v = 0; v < n; v++) if (!isMeasured[v]) rest.push(v);
      const take = Math.min(budget - measured.length, rest.length);
      const picks = await step({ measured, rest, take, it });
      let added = 0;
      for (const v of picks) {
        if (added >= take || isMeasured[v] || v < 0 || v >= n) continue;
        isMeasured[v] = 1;
        measured.push(v);
        added++;
      }
      if (added === 0) {
        // a step that picks nothing new must not stall the campaign: measure the first unmeasured row
        isMeasured[rest[0]] = 1;
        measured.push(rest[0]);
      }
      it++;
    }
    const bo = summarise(measured.slice(0, budget));
    const random = summarise(randomOrder);
    runs.push({ repeat: rep + 1, seed, bo, random });
    log(`repeat ${rep + 1}/${opts.repeats}: BO top-1% after ${bo.experimentsToTop1 ?? `>${budget}`}, random after ${random.experimentsToTop1 ?? `>${budget}`} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const method = (key: 'bo' | 'random'): SimulationResult['summary']['bo'] => ({
    bestSoFar: Array.from({ length: budget }, (_, k) => {
      // quartiles over repeats in utility order, reported in target units (distance to the target for target goals)
      const us = runs.map((r) => oracle.utility(r[key].bestSoFar[k])).sort((a, b) => a - b);
      const back = (u: number): number => Number(oracle.fromUtility(u).toPrecision(10));
      return { median: back(quantile(us, 0.5)), q1: back(quantile(us, 0.25)), q3: back(quantile(us, 0.75)) };
    }),
    experimentsToTop1: quartiles(runs.map((r) => r[key].experimentsToTop1)),
    experimentsToTop5: quartiles(runs.map((r) => r[key].experimentsToTop5)),
    foundTop1: runs.filter((r) => r[key].experimentsToTop1 !== null).length,
    foundTop5: runs.filter((r) => r[key].experimentsToTop5 !== null).length,
  });
  const bo = method('bo');
  const random = method('random');
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? Number((a / b).toFixed(3)) : null);
  let wins = 0;
  for (const r of runs) {
    const a = r.bo.experimentsToTop1 ?? Infinity;
    const b = r.random.experimentsToTop1 ?? Infinity;
    wins += a < b ? 1 : a === b ? 0.5 : 0;
  }
  return {
    pool: n,
    budget,
    initial: K,
    repeats: runs.map((r) => ({ repeat: r.repeat, seed: r.seed, ...r.bo })),
    random: { repeats: runs.map((r) => ({ repeat: r.repeat, seed: r.seed, ...r.random })) },
    repeatCount: opts.repeats,
    top: { top1: { count: util.filter((u) => u >= top1).length, threshold: yOf(util.indexOf(top1)) }, top5: { count: util.filter((u) => u >= top5).length, threshold: yOf(util.indexOf(top5)) }, best: yOf(util.indexOf(sortedU[0])) },
    runs,
    summary: { bo, random, speedupTop1: ratio(random.experimentsToTop1.median, bo.experimentsToTop1.median), speedupTop5: ratio(random.experimentsToTop5.median, bo.experimentsToTop5.median), boWinsTop1: wins },
  };
}

export async function simulate(spec: Spec, specPath: string, pool: SimulationPool, opts: SimulateOptions): Promise<SimulationResult> {
  const t0 = Date.now();
  const { set } = pool;
  const T = set.Y.cols;
  const setup0 = makeSetup(spec, set.Y);
  const obj = setup0.objectives[0];
  // oracle rows: finite objective
  const valid: number[] = [];
  for (let i = 0; i < set.Y.rows; i++) if (Number.isFinite(set.Y.data[i * T + obj.output])) valid.push(i);
  const q = Math.max(1, spec.optimize?.batch ?? 1);
  const strategy = spec.optimize?.batch_strategy ?? 'kriging-believer';
  const refitEvery = Math.max(1, opts.refitEvery ?? 5);
  const oracle: CampaignOracle = {
    values: valid.map((i) => set.Y.data[i * T + obj.output]),
    utility: (y) => toUtility(obj.goal, y),
    fromUtility: (u) => (obj.goal === 'maximize' || obj.goal === 'predict' ? u : -u),
    dataRow: valid.map((i) => pool.dataRow[i]),
  };
  const campaign = await runCampaigns(oracle, {
    budget: opts.budget,
    initial: opts.initial,
    repeats: opts.repeats,
    seed: opts.seed,
    log: opts.log,
    signal: opts.signal,
    startRepeat: (seed) => {
      let model: Model | undefined;
      let pendingX: number[] = [];
      let kernel = proxyKernel(set.X);
      return async ({ measured, rest, take, it }) => {
        const Xm = takeRows(set.X, measured.map((v) => valid[v]));
        const Ym = takeRows(set.Y, measured.map((v) => valid[v]));
        if (!model || it % refitEvery === 0) {
          model = opts.makeModel(seed + it);
          await model.fit(Xm, Ym, { seed: seed + it, signal: opts.signal });
          kernel = proxyKernel(Xm, model);
        } else if (pendingX.length) {
          model = conditionModel(model, takeRows(set.X, pendingX.map((v) => valid[v])), takeRows(set.Y, pendingX.map((v) => valid[v])), kernel);
        }
        const setup = makeSetup(spec, Ym, { seed: seed + it });
        // score all remaining rows, keep the top ones for the batch
        const Xr = takeRows(set.X, rest.map((v) => valid[v]));
        const p = model.predict(Xr);
        const score = new Float64Array(rest.length);
        const screen = setup.kind === 'ts' ? { ...setup, kind: 'ucb' as const, beta: 4 } : setup;
        for (let i = 0; i < rest.length; i++) score[i] = acquisitionOf(screen, p.mean.subarray(i * T, (i + 1) * T), p.latentVariance.subarray(i * T, (i + 1) * T));
        const M = Math.min(rest.length, Math.max(64, 20 * q));
        const top = Array.from(rest.keys()).sort((a, b) => (score[b] || -Infinity) - (score[a] || -Infinity)).slice(0, M);
        const sel = selectBatch({ model, setup, X: takeRows(Xr, top), q: Math.min(q, take), strategy, kernel, seed: seed + it });
        pendingX = sel.picks.map((pk) => rest[top[pk]]);
        return pendingX;
      };
    },
  });
  return {
    format: 'mi-studio-simulation',
    version: 1,
    createdAt: new Date().toISOString(),
    spec: specPath,
    dataset: { path: pool.path, sha256: pool.sha256, rows: pool.tableRows, pool: campaign.pool },
    target: obj.name,
    goal: obj.goal,
    acquisition: setup0.mo ? `${setup0.kind}:${setup0.mo.method}` : setup0.kind,
    batch: q,
    batchStrategy: strategy,
    model: opts.modelName,
    ...campaignFields(campaign, opts.seed, refitEvery),
    seconds: (Date.now() - t0) / 1000,
  };
}

/** The campaign part of `simulation.json` (budget … summary), in the file's key order. */
export function campaignFields(c: CampaignResult, seed: number, refitEvery: number): Pick<SimulationResult, 'budget' | 'initial' | 'repeats' | 'random' | 'repeatCount' | 'seed' | 'refitEvery' | 'top' | 'runs' | 'summary'> {
  return { budget: c.budget, initial: c.initial, repeats: c.repeats, random: c.random, repeatCount: c.repeatCount, seed, refitEvery, top: c.top, runs: c.runs, summary: c.summary };
}
