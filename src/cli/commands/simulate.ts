import { promises as fsp } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from '../types';
import { MiError } from '../../core/diagnostics';
import { loadSpec, resolveSpecPath } from '../../core/spec';
import type { ModelType } from '../../core/spec/types';
import { loadTable } from '../../core/data';
import { buildFeatures } from '../../core/features';
import { MODEL_TYPES, createModel } from '../../core/models';
import { simulate, simulationPool, type SimulationResult } from '../../core/bo/simulate';
import type { Table } from '../../core/data/types';
import { hasFunctionTarget } from '../../core/functional/run';
import { simulateFunctional } from '../../core/functional/simulate';
import { checkRunFolder } from '../../core/run/outputCheck';
import { prepareTransfer } from '../../core/transfer';
import type { Spec } from '../../core/spec/types';

function modelTypeSpec(spec: Spec, type: string | undefined): Spec {
  return type && (MODEL_TYPES as readonly string[]).includes(type) ? { ...spec, model: { ...spec.model, type: type as ModelType } } : spec;
}

const USAGE = `mi-studio simulate SPEC --budget N --initial K --repeats R [--seed S] [--model TYPE] [--refit-every M] [--out PATH] [--allow-outside]

Retrospective BO: treats the spec's dataset as a fully measured pool (targets = oracle), starts from K random rows and
runs the spec's BO loop until N rows are measured, R times, plus random search with the same seeds.
With a function target (kind: function) the curves are the pool and the oracle is the target's curve objective
(its goal, e.g. {maximize: integral, over: [400, 700]}); each BO step scores the unmeasured curves by Monte-Carlo EI.
Writes <output.dir>/<name>/simulation-<timestamp>/simulation.json (or PATH: a .json file or a folder) and prints its path.
  --model TYPE      override the spec's model type (gp, rf-gp, ridge, mlp-ensemble, auto; for a function target
                    also kronecker-gp, basis-gp, pointwise-gp, conditional-mlp — auto uses the Kronecker GP)
  --refit-every M   refit hyperparameters every M iterations (default 5); in between, condition on new rows
  --allow-outside   let the spec name data/output paths outside its own folder tree (only for specs you trust)`;

function intArg(args: string[], name: string, def?: number): number {
  const i = args.indexOf(name);
  if (i < 0) {
    if (def === undefined) throw new MiError(`missing ${name}`, { code: 'usage', hint: USAGE.split('\n')[0] });
    return def;
  }
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new MiError(`${name} needs a non-negative integer, got "${args[i + 1] ?? ''}"`, { code: 'usage' });
  return v;
}

function strArg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

async function simulateScalar(
  spec: Spec, specPath: string, table: Table, dataPath: string,
  o: { budget: number; initial: number; repeats: number; seed: number; refitEvery: number; modelType?: string },
): Promise<SimulationResult> {
  const { budget, initial, repeats, seed, refitEvery, modelType } = o;
  // transfer block (issue 16): source predictions become features of the surrogate
  const tr = await prepareTransfer(
    { specPath, spec: modelTypeSpec(spec, modelType), table, bo: true, log: (_l, m) => process.stderr.write(`simulate: ${m}\n`) },
    await buildFeatures(spec, table),
  );
  const { set } = tr;
  if (modelType !== undefined && !(MODEL_TYPES as readonly string[]).includes(modelType)) {
    throw new MiError(`--model must be one of ${MODEL_TYPES.join(', ')}, got "${modelType}"`, { code: 'usage', hint: USAGE.split('\n')[0] });
  }
  const modelSpec = modelType ? { ...spec.model, type: modelType as ModelType } : spec.model;
  const makeModel = (s: number) => (spec.transfer ? tr.make(s) : createModel(modelSpec, { seed: s }));
  process.stderr.write(`simulate: ${set.X.rows} rows x ${set.X.cols} features, model ${modelType ?? spec.model.type}, budget ${budget}, initial ${initial}, repeats ${repeats}\n`);
  return simulate(spec, specPath, simulationPool(set, table, dataPath), {
    budget,
    initial,
    repeats,
    seed,
    refitEvery,
    makeModel,
    modelName: modelType ?? spec.model.type,
    log: (m) => process.stderr.write(`simulate: ${m}\n`),
  });
}

export const command: Command = {
  summary: 'retrospective BO vs random search on the dataset (simulation.json)',
  usage: USAGE,
  async main(args: string[]): Promise<number> {
    const valued = new Set(['--budget', '--initial', '--repeats', '--seed', '--model', '--refit-every', '--out']);
    const positional = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
    if (positional.length !== 1) {
      process.stderr.write(`usage: ${USAGE}\n`);
      return 2;
    }
    const specPath = resolve(positional[0]);
    const allowOutside = args.includes('--allow-outside');
    const { spec } = await loadSpec(specPath, allowOutside ? { paths: { allowOutside } } : {});
    const budget = intArg(args, '--budget');
    const initial = intArg(args, '--initial');
    const repeats = intArg(args, '--repeats');
    const seed = intArg(args, '--seed', spec.seed);
    const refitEvery = intArg(args, '--refit-every', 5);
    const modelType = strArg(args, '--model');
    if (initial < 2 || budget <= initial) throw new MiError('need --initial >= 2 and --budget > --initial', { code: 'usage' });
    if (repeats < 1) throw new MiError('--repeats must be at least 1', { code: 'usage' });
    const dataPath = resolveSpecPath(specPath, spec.dataset.path);
    process.stderr.write(`simulate: loading ${dataPath}\n`);
    const table = await loadTable(dataPath);
    const result = hasFunctionTarget(spec)
      ? // function targets: the curves are the pool, the oracle is the target's curve objective (src/core/functional/simulate.ts)
        (await simulateFunctional({
          spec, specPath, table, dataPath, budget, initial, repeats, seed, refitEvery, modelType,
          log: (m) => process.stderr.write(`simulate: ${m}\n`),
        })).result
      : await simulateScalar(spec, specPath, table, dataPath, { budget, initial, repeats, seed, refitEvery, modelType });
    const out = strArg(args, '--out');
    let file: string;
    if (out && out.endsWith('.json')) {
      file = resolve(out);
      await fsp.mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      await fsp.writeFile(tmp, JSON.stringify(result, null, 1));
      await fsp.rename(tmp, file);
    } else {
      const parent = out ? resolve(out) : join(resolveSpecPath(specPath, spec.output.dir), spec.name);
      checkRunFolder(specPath, parent, out !== undefined, { allowOutside });
      const name = `simulation-${stamp()}`;
      const tmpDir = join(parent, `.tmp-${name}-${process.pid}`);
      await fsp.mkdir(tmpDir, { recursive: true });
      await fsp.writeFile(join(tmpDir, 'simulation.json'), JSON.stringify(result, null, 1));
      let finalDir = join(parent, name);
      for (let k = 2; await fsp.access(finalDir).then(() => true, () => false); k++) finalDir = join(parent, `${name}-${k}`);
      await fsp.rename(tmpDir, finalDir);
      file = join(finalDir, 'simulation.json');
    }
    const s = result.summary;
    process.stderr.write(
      `simulate: median experiments to a top-1% row: BO ${s.bo.experimentsToTop1.median ?? `>${result.budget}`} vs random ${s.random.experimentsToTop1.median ?? `>${result.budget}`}` +
        ` (top-5%: BO ${s.bo.experimentsToTop5.median ?? `>${result.budget}`} vs random ${s.random.experimentsToTop5.median ?? `>${result.budget}`}); ${result.seconds.toFixed(1)} s\n`,
    );
    process.stdout.write(`${file}\n`);
    return 0;
  },
};
