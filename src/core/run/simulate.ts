/**
 * `executeSimulate`: a retrospective BO campaign (the bo module's `simulate`) as a run folder, so the extension's
 * Simulate Campaign command gets the same live/atomic/failed/cancelled behaviour and the run results editor shows it:
 * `<experiment>/<runId>/{run.mirun.json (command: simulate), simulation.json, run.log}`.
 */
import { join } from 'node:path';
import { MiError } from '../diagnostics';
import { buildFeatures } from '../features';
import { prepareTransfer } from '../transfer';
import { simulate, type SimulationResult } from '../bo/simulate';
import { hasFunctionTarget } from '../functional/run';
import { simulateFunctional } from '../functional/simulate';
import type { RunEvent } from '../../protocol/worker';
import type { RunManifest } from './manifest';
import { writeFileAtomic } from './files';
import { RunSession } from './session';
import type { PathPolicy } from '../spec/pathPolicy';

export interface ExecuteSimulateOptions {
  /** Experiments per campaign, initial random ones included (default 20). */
  budget?: number;
  /** Random experiments before the model takes over (default 5). */
  initial?: number;
  /** Independent campaigns, for bands (default 5). */
  repeats?: number;
  /** Refit hyperparameters every M iterations (default 5). */
  refitEvery?: number;
  seed?: number;
  out?: string;
  runId?: string;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
  /** Which folders the spec's files may be in (default: the spec's folder tree). */
  paths?: PathPolicy;
}

export async function executeSimulate(specPath: string, opts: ExecuteSimulateOptions = {}): Promise<{ manifestPath: string; manifest: RunManifest }> {
  const s = await RunSession.open(specPath, { out: opts.out, seed: opts.seed, command: 'simulate', runId: opts.runId, onEvent: opts.onEvent, signal: opts.signal, paths: opts.paths });
  s.spans = { spec: [0, 0.02], data: [0.02, 0.05], features: [0.05, 0.1], simulate: [0.1, 0.99], write: [0.99, 1] };
  const budget = opts.budget ?? 20;
  const initial = opts.initial ?? 5;
  const repeats = opts.repeats ?? 5;
  const refitEvery = opts.refitEvery ?? 5;
  try {
    if (!Number.isInteger(budget) || !Number.isInteger(initial) || !Number.isInteger(repeats) || initial < 2 || budget <= initial || repeats < 1) {
      throw new MiError(`invalid campaign settings: budget ${budget}, initial ${initial}, repeats ${repeats}`, {
        code: 'usage',
        hint: 'need initial >= 2, budget > initial and repeats >= 1 (whole numbers)',
      });
    }
    const spec0 = await s.validate();
    const seed = s.manifest.seed;
    const spec = { ...spec0, seed };
    s.manifest.simulate = { budget, initial, repeats, refitEvery, model: spec.model.type };
    s.checkCancel();
    const { dataPath, table } = await s.loadDataset(spec);
    const simLog = (msg: string): void => {
      s.log('info', `[simulate] ${msg}`);
      const m = /repeat (\d+)\/(\d+)/.exec(msg);
      if (m) s.progress('simulate', Number(m[1]) / Number(m[2]), msg);
    };
    let result: SimulationResult;
    if (hasFunctionTarget(spec)) {
      // function targets: the curves are the pool, the oracle is the target's curve objective (functional/simulate.ts)
      s.beginPhase('simulate', `${repeats} campaign(s) of ${budget} experiments (${initial} random first) on curves, BO vs random`);
      const fo = await simulateFunctional({ spec, specPath: s.absSpec, table, dataPath, budget, initial, repeats, seed, refitEvery, log: simLog, signal: opts.signal });
      result = fo.result;
      s.manifest.dataset.rows = fo.rows;
      s.manifest.dataset.dropped = fo.dropped;
      s.manifest.features = fo.features;
      if (s.manifest.simulate) s.manifest.simulate.model = result.model;
    } else {
      s.beginPhase('features', 'building descriptors');
      // transfer block (issue 16): source predictions become features of the surrogate
      const tr = await prepareTransfer({ specPath: s.absSpec, spec, table, bo: true, log: (l, m) => s.log(l, m), signal: opts.signal }, await buildFeatures(spec, table));
      const { set, pipeline } = tr;
      s.manifest.dataset.rows = set.X.rows;
      s.manifest.dataset.dropped = new Set(set.dropped.map((d) => d.row)).size;
      s.manifest.features = { count: set.featureNames.length, names: set.featureNames, dropped: pipeline.droppedConstant ?? [] };
      const recordOf = new Map<number, number>();
      table.rowNumbers.forEach((line, r) => recordOf.set(line, r));
      const dataRow = set.rowNumbers.map((line) => (recordOf.get(line) ?? -1) + 1);
      s.checkCancel();
      s.beginPhase('simulate', `${repeats} campaign(s) of ${budget} experiments (${initial} random first), BO vs random`);
      result = await simulate(spec, s.absSpec, { set, dataRow, path: dataPath, sha256: table.sha256, tableRows: table.rowNumbers.length }, {
        budget,
        initial,
        repeats,
        seed,
        refitEvery,
        makeModel: (sd: number) => tr.make(sd),
        modelName: spec.model.type,
        signal: opts.signal,
        log: simLog,
      });
    }
    s.checkCancel();
    s.beginPhase('write', 'writing simulation.json');
    await writeFileAtomic(join(s.tmpDir, 'simulation.json'), JSON.stringify(result, null, 1) + '\n');
    s.manifest.files.simulation = 'simulation.json';
    const sum = result.summary;
    s.log(
      'info',
      `[simulate] median experiments to a top-1% row: BO ${sum.bo.experimentsToTop1.median ?? `>${result.budget}`} vs random ${sum.random.experimentsToTop1.median ?? `>${result.budget}`}`,
    );
  } catch (e) {
    return s.finish(e);
  }
  return s.finish();
}
