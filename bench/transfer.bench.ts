/**
 * Transfer-learning benchmark: outer 5-fold CV MAE with and without transfer on Matbench expt_gap (experimental band
 * gaps, /work/shared/data/crabnet_matbench/matbench/expt_gap.csv; CrabNet/Matbench, MIT) using the bundled library
 * (media/library, built by scripts/build-library.mjs with every expt_gap formula EXCLUDED from pretraining).
 * Target subsets of 50, 100, 200 rows, 5 seeds each. Model: gp, Matérn-5/2, isotropic (small data), Magpie.
 *   none        the GP on descriptors
 *   prediction  the transfer GP: k_desc + w·s(x)s(x'), s = mp_gap source prediction (ensemble mean)
 *   mean        the transfer GP on the average of the standardised predictions of the bundled band-gap sources
 *               (mp_gap, aflow_gap): `prediction:mean`
 *   auto        what `transfer: {library: bundled, sources: all, strategy: auto}` does: every candidate of every
 *               bundled source (none / prediction / features / finetune per source, prediction:all, prediction:mean,
 *               features:all: 13) scored by an inner 3-fold CV in each outer fold; the average of the three best
 *               transfer candidates unless it does not beat the baseline by one standard error
 * Opt-in variants (MI_BENCH_ONLY only): `auto1se` (the best single candidate under the one-SE rule, auto's rule before
 * the average), `autobest` (the lowest inner-CV score), `sk` (the transfer GP with the mp_gap prediction also as a
 * kernel input with its own lengthscale, `sourceKernel`).
 * Prints one JSON line per (size, seed) and a summary line per size. Takes tens of minutes, so plain `npm run bench`
 * skips it: `MI_BENCH_TRANSFER=1 npm run bench -- transfer`, or `node scripts/build-tests.mjs bench && node
 * out/bench/transfer.bench.js [sizes…]` (env MI_BENCH_SEEDS=0,1 and MI_BENCH_ONLY=none,mean narrow it down;
 * MI_BENCH_LIBRARY=DIR uses another library).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTable } from '../src/core/data';
import { buildFeatures } from '../src/core/features';
import { Rng } from '../src/core/linalg/random';
import { crossValidate } from '../src/core/models';
import { takeRows } from '../src/core/models/common';
import type { Spec } from '../src/core/spec/types';
import { augment, candidates, SelectingModel } from '../src/core/transfer/select';
import { computeSourceOutputs, loadLibrarySources } from '../src/core/transfer/sources';
import { SubsetModel } from '../src/core/transfer/models';
import { TransferGpModel } from '../src/core/transfer/tgp';

const EXPT = '/work/shared/data/crabnet_matbench/matbench/expt_gap.csv';
const LIB = process.env.MI_BENCH_LIBRARY ?? join(__dirname, '..', '..', 'media', 'library');

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

async function main(): Promise<void> {
  if (process.env.MI_BENCH_TRANSFER !== '1' && process.argv.length <= 2) return emit({ bench: 'transfer', skipped: 'long; set MI_BENCH_TRANSFER=1 or pass sizes' });
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const SIZES = sizes.length ? sizes : [50, 100, 200];
  const SEEDS = (process.env.MI_BENCH_SEEDS ?? '0,1,2,3,4').split(',').map(Number);
  const only = process.env.MI_BENCH_ONLY; // e.g. `none,mean` to skip the other variants
  const OPT_IN = ['auto1se', 'autobest', 'sk'];
  const want = (k: string): boolean => (only ? only.split(',').includes(k) : !OPT_IN.includes(k));
  const skipped = { metrics: [{ mae: NaN, coverage90: NaN }] };
  if (!existsSync(EXPT) || !existsSync(join(LIB, 'library.json'))) return emit({ bench: 'transfer', skipped: 'expt_gap.csv or media/library not found' });
  const spec = {
    version: 1, name: 'bench', seed: 0,
    dataset: { path: EXPT, on_invalid: 'skip', inputs: [{ column: 'formula', kind: 'composition', descriptors: ['magpie'] }], targets: [{ column: 'target', goal: 'predict' }] },
    model: { type: 'gp', kernel: 'matern52', ard: false, restarts: 2 },
    evaluation: { cv: { folds: 5, repeats: 1 } }, output: { dir: 'runs' },
  } as Spec;
  const table = await loadTable(EXPT);
  const { set } = await buildFeatures(spec, table);
  const srcs = await loadLibrarySources(LIB, 'all');
  const every = [];
  for (const s of srcs) every.push(await computeSourceOutputs(s, spec.dataset.inputs, table, set));
  const outs = every.filter((o) => /gap/.test(o.name));
  const mpIdx = outs.findIndex((o) => o.name === 'mp_gap');
  if (mpIdx < 0) return emit({ bench: 'transfer', skipped: 'no mp_gap source in the library' });
  emit({ bench: 'transfer_setup', rows: set.X.rows, sources: every.map((o) => ({ name: o.name, overlap: o.overlap, missing: o.missing, valMae: o.valMae })) });
  // mp_gap alone: columns of mp_gap only; all band-gap sources: every column
  const augMp = augment(set.X, set.featureNames, [outs[mpIdx]]);
  const augAll = augment(set.X, set.featureNames, outs);
  const augEvery = augment(set.X, set.featureNames, every);
  const candEvery = candidates(spec.model, augEvery.layout, every, 'auto');
  const candMp = candidates(spec.model, augMp.layout, [outs[mpIdx]], 'auto');
  const candAll = candidates(spec.model, augAll.layout, outs, 'auto').filter((c) => c.source === 'all' || c.source === 'mean');
  const meanCand = candAll.find((c) => c.label === 'prediction:mean')!;
  const none = candMp.find((c) => c.label === 'none')!;
  const pred = candMp.find((c) => c.label === 'prediction:mp_gap')!;
  const VARIANTS = ['none', 'prediction', 'mean', 'auto', 'auto1se', 'autobest', 'sk'] as const;
  for (const n of SIZES) {
    const summary: Record<string, number[]> = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    for (const seed of SEEDS) {
      const rows = Array.from(new Rng(1000 * n + seed).permutation(set.X.rows).subarray(0, n));
      const Xm = takeRows(augMp.X, rows);
      const Xa = takeRows(augAll.X, rows);
      const Xe = takeRows(augEvery.X, rows);
      const Y = takeRows(set.Y, rows);
      const cvo = { folds: 5, repeats: 1, seed };
      const t0 = Date.now();
      const res: Record<string, { metrics: { mae: number; coverage90: number }[] }> = {};
      res.none = await crossValidate(() => none.make(seed), Xm, Y, cvo);
      res.prediction = want('prediction') ? await crossValidate(() => pred.make(seed), Xm, Y, cvo) : skipped;
      res.mean = want('mean') ? await crossValidate(() => meanCand.make(seed), Xa, Y, cvo) : skipped;
      res.sk = want('sk')
        ? await crossValidate(() => new SubsetModel([...augMp.layout.desc, augMp.layout.sources[0].mean], new TransferGpModel({ nLinear: 1, kernel: 'matern52', ard: false, restarts: 2, seed, sourceKernel: true }), augMp.layout.width), Xm, Y, cvo)
        : skipped;
      const picks: Record<string, string[]> = { auto: [], auto1se: [], autobest: [] };
      for (const [key, rule] of [['auto', 'average'], ['auto1se', '1se'], ['autobest', 'best']] as const) {
        res[key] = !want(key)
          ? skipped
          : await crossValidate(() => {
              const m = new SelectingModel(candEvery, { innerFolds: 3, seed, rule });
              const fit = m.fit.bind(m);
              m.fit = async (X, Yf, o) => {
                await fit(X, Yf, o);
                picks[key].push(m.candidate.label);
              };
              return m;
            }, Xe, Y, cvo);
      }
      const r: Record<string, unknown> = { bench: 'transfer_expt_gap', n, seed };
      for (const v of VARIANTS) r[`mae_${v}`] = res[v].metrics[0].mae;
      for (const v of VARIANTS) r[`cov90_${v}`] = res[v].metrics[0].coverage90;
      r.auto_picks = picks.auto;
      if (want('auto1se')) r.auto1se_picks = picks.auto1se;
      if (want('autobest')) r.autobest_picks = picks.autobest;
      r.seconds = (Date.now() - t0) / 1000;
      emit(r);
      for (const v of VARIANTS) summary[v].push(res[v].metrics[0].mae);
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const out: Record<string, unknown> = { bench: 'transfer_expt_gap_summary', n, seeds: SEEDS.length, mae_none: mean(summary.none) };
    for (const v of VARIANTS.filter((k) => k !== 'none' && want(k))) {
      out[`mae_${v}`] = mean(summary[v]);
      out[`reduction_${v}`] = 1 - mean(summary[v]) / mean(summary.none);
      out[`seeds_transfer_lost_${v}`] = summary[v].filter((x, i) => x > summary.none[i]).length;
    }
    emit(out);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
  process.exit(1);
});
