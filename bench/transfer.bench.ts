/**
 * Transfer-learning benchmark: outer 5-fold CV MAE with and without transfer on Matbench expt_gap (experimental band
 * gaps, /work/shared/data/crabnet_matbench/matbench/expt_gap.csv; CrabNet/Matbench, MIT) using the bundled library
 * (media/library, built by scripts/build-library.mjs with every expt_gap formula EXCLUDED from pretraining).
 * Target subsets of 50, 100, 200 rows, 5 seeds each. Model: gp, Matérn-5/2, isotropic (small data), Magpie.
 *   none        the GP on descriptors
 *   prediction  the transfer GP: k_desc + w·s(x)s(x'), s = mp_gap source prediction (ensemble mean)
 *   mean        the transfer GP on the average of the standardised predictions of the bundled band-gap sources
 *               (mp_gap, aflow_gap): `prediction:mean`
 *   auto        nested selection (inner 3-fold CV in each outer fold) over none / prediction / features / finetune
 *               of source mp_gap, plus prediction:all, prediction:mean and features:all over the band-gap sources
 * Prints one JSON line per (size, seed) and a summary line per size. Takes tens of minutes, so plain `npm run bench`
 * skips it: `MI_BENCH_TRANSFER=1 npm run bench -- transfer`, or `node scripts/build-tests.mjs bench && node
 * out/bench/transfer.bench.js [sizes…]` (env MI_BENCH_SEEDS=0,1 and MI_BENCH_ONLY=none,mean narrow it down).
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
  const want = (k: string): boolean => !only || only.split(',').includes(k);
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
  const gapSources = srcs.filter((s) => /gap/.test(s.entry.name));
  const outs = [];
  for (const s of gapSources) outs.push(await computeSourceOutputs(s, spec.dataset.inputs, table, set));
  const mpIdx = outs.findIndex((o) => o.name === 'mp_gap');
  if (mpIdx < 0) return emit({ bench: 'transfer', skipped: 'no mp_gap source in the library' });
  emit({ bench: 'transfer_setup', rows: set.X.rows, sources: outs.map((o) => ({ name: o.name, overlap: o.overlap, missing: o.missing, valMae: o.valMae })) });
  // mp_gap alone: columns of mp_gap only; all band-gap sources: every column
  const augMp = augment(set.X, set.featureNames, [outs[mpIdx]]);
  const augAll = augment(set.X, set.featureNames, outs);
  const candMp = candidates(spec.model, augMp.layout, [outs[mpIdx]], 'auto');
  const candAll = candidates(spec.model, augAll.layout, outs, 'auto').filter((c) => c.source === 'all' || c.source === 'mean');
  const meanCand = candAll.find((c) => c.label === 'prediction:mean')!;
  const none = candMp.find((c) => c.label === 'none')!;
  const pred = candMp.find((c) => c.label === 'prediction:mp_gap')!;
  const summary: Record<number, { none: number[]; prediction: number[]; mean: number[]; auto: number[] }> = {};
  for (const n of SIZES) {
    summary[n] = { none: [], prediction: [], mean: [], auto: [] };
    for (const seed of SEEDS) {
      const rows = Array.from(new Rng(1000 * n + seed).permutation(set.X.rows).subarray(0, n));
      const Xm = takeRows(augMp.X, rows);
      const Xa = takeRows(augAll.X, rows);
      const Y = takeRows(set.Y, rows);
      const cvo = { folds: 5, repeats: 1, seed };
      const t0 = Date.now();
      const a = await crossValidate(() => none.make(seed), Xm, Y, cvo);
      const b = want('prediction') ? await crossValidate(() => pred.make(seed), Xm, Y, cvo) : skipped;
      const bm = want('mean') ? await crossValidate(() => meanCand.make(seed), Xa, Y, cvo) : skipped;
      // auto over mp_gap candidates + the all-sources subsets: the all-source columns contain mp_gap's columns first,
      // so mp_gap candidates are re-made on the all-source layout for one matrix
      const candAuto = [...candidates(spec.model, augAll.layout, outs, 'auto').filter((c) => c.source === null || c.source === 'mp_gap'), ...candAll];
      const picks: string[] = [];
      const c = !want('auto') ? skipped : await crossValidate(() => {
        const m = new SelectingModel(candAuto, { innerFolds: 3, seed });
        const fit = m.fit.bind(m);
        m.fit = async (X, Yf, o) => {
          await fit(X, Yf, o);
          picks.push(m.candidate.label);
        };
        return m;
      }, Xa, Y, cvo);
      const r = { bench: 'transfer_expt_gap', n, seed, mae_none: a.metrics[0].mae, mae_prediction: b.metrics[0].mae, mae_mean: bm.metrics[0].mae, mae_auto: c.metrics[0].mae, cov90_none: a.metrics[0].coverage90, cov90_prediction: b.metrics[0].coverage90, cov90_mean: bm.metrics[0].coverage90, cov90_auto: c.metrics[0].coverage90, auto_picks: picks, seconds: (Date.now() - t0) / 1000 };
      emit(r);
      summary[n].none.push(r.mae_none);
      summary[n].prediction.push(r.mae_prediction);
      summary[n].mean.push(r.mae_mean);
      summary[n].auto.push(r.mae_auto);
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const s = summary[n];
    emit({
      bench: 'transfer_expt_gap_summary', n, seeds: SEEDS.length,
      mae_none: mean(s.none), mae_prediction: mean(s.prediction), mae_mean: mean(s.mean), mae_auto: mean(s.auto),
      reduction_prediction: 1 - mean(s.prediction) / mean(s.none), reduction_mean: 1 - mean(s.mean) / mean(s.none), reduction_auto: 1 - mean(s.auto) / mean(s.none),
      seeds_transfer_lost_prediction: s.prediction.filter((v, i) => v > s.none[i]).length,
      seeds_transfer_lost_mean: s.mean.filter((v, i) => v > s.none[i]).length,
      seeds_transfer_lost_auto: s.auto.filter((v, i) => v > s.none[i]).length,
    });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
  process.exit(1);
});
