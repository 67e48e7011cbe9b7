/**
 * Retrospective BO on a function target (`simulate` with `kind: function`): the dataset's curves are the pool, the
 * oracle value of a row is the functional objective (targetObjective) of its measured curve on the grid. Each BO step
 * fits the functional model on the revealed curves, scores every unrevealed row by the objective's acquisition
 * (Monte-Carlo expected improvement over the best revealed curve's objective from posterior curve samples; `above`:
 * the probability that the whole range is above the threshold), and "measures" the best `batch` rows by revealing
 * their curves. Random search runs beside it from the same initial rows. The bookkeeping and the `simulation.json`
 * shape are the scalar simulation's (bo/simulate.ts `runCampaigns`).
 *
 * Speed: the model is the one `model.type` names (auto → the Kronecker GP, the fast one). The Kronecker GP's
 * hyperparameters are searched fully every `refitEvery` steps (warm-started from the previous optimum) and in between
 * only re-conditioned on the new curves with the previous hyperparameters (no search); the other models are refitted.
 */
import { MiError } from '../diagnostics';
import type { Table } from '../data/types';
import { takeRows } from '../models/common';
import type { KernelName } from '../models/kernels';
import { campaignFields, runCampaigns, type SimulationResult } from '../bo/simulate';
import type { Spec, TargetSpec } from '../spec/types';
import type { FunctionalModel } from './common';
import { functionTargetName, isFunctionTarget } from './data';
import { buildFunctionFeatures } from './features';
import { KroneckerGpModel } from './kron';
import { createFunctionalModel, functionalCandidates, type FunctionalModelType } from './models';
import { checkObjectiveOnGrid, curveObjective, mcExpectedImprovement, objectiveLabel, objectiveStats, objectiveUnit } from './objectives';
import { targetObjective } from './optimize';
import { penalizedBatch } from './batch';

export interface FunctionalSimulateInput {
  spec: Spec;
  specPath: string;
  /** The loaded dataset (as in the file: long layout = one row per point). */
  table: Table;
  dataPath: string;
  budget: number;
  initial: number;
  repeats: number;
  seed: number;
  /** Full hyperparameter search every M steps (default 5). */
  refitEvery?: number;
  /** Overrides `model.type` (CLI --model). */
  modelType?: string;
  /** Posterior curve samples per candidate (default 256). */
  samples?: number;
  log?: (msg: string) => void;
  signal?: AbortSignal;
}

export interface FunctionalSimulateOutput {
  result: SimulationResult;
  /** What the run manifest records (curves x features). */
  rows: number;
  dropped: number;
  features: { count: number; names: string[]; dropped: string[] };
}

/** The single function target of a spec, or a clear error (as `run`). */
export function soleFunctionTarget(spec: Spec, specPath: string): TargetSpec {
  const targets = spec.dataset.targets;
  const fts = targets.filter(isFunctionTarget);
  if (fts.length !== 1 || targets.length !== 1) {
    throw new MiError(`a spec with a function target must have exactly one target (it has ${targets.length}, ${fts.length} of them functions)`, {
      file: specPath, code: 'function-targets', hint: 'model each curve (or scalar) in its own spec',
    });
  }
  return fts[0];
}

/** The model of the inner loop: the one model.type names; auto → the Kronecker GP (no CV inside the loop). */
export function simulationModelType(spec: Spec, specPath: string, override?: string): FunctionalModelType {
  const cands = functionalCandidates(override ? { ...spec.model, type: override as Spec['model']['type'] } : spec.model, specPath);
  return cands.length === 1 ? cands[0] : 'kronecker-gp';
}

export async function simulateFunctional(a: FunctionalSimulateInput): Promise<FunctionalSimulateOutput> {
  const t0 = Date.now();
  const log = a.log ?? (() => undefined);
  const { spec, table } = a;
  const target = soleFunctionTarget(spec, a.specPath);
  const name = functionTargetName(target);
  const { fd, set, pipeline, Y: Yall } = await buildFunctionFeatures(spec, target, table, a.specPath);
  const G = fd.grid.length;
  const n0 = Yall.rows;

  const obj = targetObjective(target);
  if (target.goal === 'predict' && !target.objective) log(`goal is predict: simulating "maximize the maximum of ${name}" (give the target a goal such as {maximize: integral, over: [a, b]})`);
  const argUnit = target.argument?.unit;
  checkObjectiveOnGrid(obj, fd.grid, a.specPath, name, argUnit);
  const label = objectiveLabel(obj, name, argUnit);
  const unit = objectiveUnit(obj, target.unit, argUnit);
  // oracle: the objective of each measured curve (rows whose curve does not give a finite objective are left out)
  const values: number[] = [];
  const valid: number[] = [];
  for (let i = 0; i < n0; i++) {
    const v = curveObjective(obj, fd.grid, Yall.data.subarray(i * G, (i + 1) * G));
    if (Number.isFinite(v)) {
      values.push(v);
      valid.push(i);
    }
  }
  if (valid.length < n0) log(`${n0 - valid.length} curve(s) have no finite ${label} on the grid (gaps beyond the margin) and are not in the pool`);
  // 1-based data-row number of each curve: the record of its first row in the dataset
  const recordOf = new Map<number, number>();
  table.rowNumbers.forEach((line, r) => recordOf.set(line, r));
  const dataRow = valid.map((i) => (recordOf.get(set.rowNumbers[i]) ?? -1) + 1);
  const X = takeRows(set.X, valid);
  const Y = takeRows(Yall, valid);
  const type = simulationModelType(spec, a.specPath, a.modelType);
  const refitEvery = Math.max(1, a.refitEvery ?? 5);
  const q = Math.max(1, spec.optimize?.batch ?? 1);
  const count = a.samples ?? 256;
  const sgn = obj.direction === 'maximize' ? 1 : -1;
  log(`${valid.length} curves x ${set.featureNames.length} features on a grid of ${G} points; objective: ${obj.direction} ${label}; model ${type}${spec.model.type === 'auto' && !a.modelType ? ' (auto → kronecker-gp inside the loop)' : ''}`);

  const kernel = (spec.model.kernel ?? 'matern52') as KernelName;
  const campaign = await runCampaigns(
    { values, utility: (y) => sgn * y, fromUtility: (u) => sgn * u, dataRow },
    {
      budget: a.budget,
      initial: a.initial,
      repeats: a.repeats,
      seed: a.seed,
      log,
      signal: a.signal,
      startRepeat: (seed) => {
        let warm: Float64Array | undefined;
        return async ({ measured, rest, take, it }) => {
          const Xm = takeRows(X, measured as number[]);
          const Ym = takeRows(Y, measured as number[]);
          let model: FunctionalModel;
          if (type === 'kronecker-gp') {
            // full (warm-started) search every refitEvery steps; in between the previous hyperparameters, no search
            const search = !warm || it % refitEvery === 0;
            const km = new KroneckerGpModel({
              grid: fd.grid, kernel, ard: spec.model.ard ?? true, calibrate: spec.model.calibrate ?? true, seed: seed + it,
              ...(warm ? { init: warm, maxIter: search ? 40 : 0 } : {}),
            });
            await km.fit(Xm, Ym, { seed: seed + it, signal: a.signal });
            warm = km.xBest;
            model = km;
          } else {
            model = createFunctionalModel(type, spec.model, fd.grid, seed + it);
            await model.fit(Xm, Ym, { seed: seed + it, signal: a.signal });
          }
          let best = -Infinity;
          for (const v of measured) best = Math.max(best, sgn * values[v]);
          best *= sgn;
          const Xr = takeRows(X, rest as number[]);
          const pred = model.predict(Xr);
          const covs = model.curveCovariance(Xr);
          const scored = rest.map((v, k) => {
            const st = objectiveStats(obj, fd.grid, pred.mean.subarray(k * G, (k + 1) * G), covs[k], count, seed + 7919 * it + k);
            return { v, k, mean: st.mean, std: st.std, acq: obj.kind === 'above' ? st.mean : mcExpectedImprovement(st.samples, best, obj.direction) };
          });
          if (q > 1) return penalizedBatch(Xr, scored, Math.min(q, take), { direction: obj.direction, best, seed: seed + it }).map((i) => scored[i].v);
          scored.sort((x, y) => y.acq - x.acq || sgn * (y.mean - x.mean) || x.k - y.k);
          return scored.slice(0, Math.min(q, take)).map((s) => s.v);
        };
      },
    },
  );
  const result: SimulationResult = {
    format: 'mi-studio-simulation',
    version: 1,
    createdAt: new Date().toISOString(),
    spec: a.specPath,
    dataset: { path: a.dataPath, sha256: table.sha256, rows: table.rowNumbers.length, pool: campaign.pool },
    target: name,
    goal: obj.direction,
    acquisition: obj.kind === 'above' ? 'probability-above' : 'mc-ei',
    batch: q,
    batchStrategy: q > 1 ? 'local-penalization' : 'top-acquisition',
    model: type,
    objective: { ...obj, label },
    ...(unit ? { unit } : {}),
    ...campaignFields(campaign, a.seed, refitEvery),
    seconds: (Date.now() - t0) / 1000,
  };
  return {
    result,
    rows: valid.length,
    dropped: fd.resampling.droppedSamples + (fd.table.rowNumbers.length - n0) + (n0 - valid.length),
    features: { count: set.featureNames.length, names: set.featureNames, dropped: pipeline.droppedConstant ?? [] },
  };
}
