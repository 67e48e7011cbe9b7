/**
 * Functional-output regression benchmark (issue 17): 5-fold CV R², RMSE, MAE and 90% band coverage over all curve
 * points (+ median per-curve R²) of the Kronecker GP, basis + GP and the pointwise GP baseline on two public datasets
 * from /work/shared/data (≤ 150 curves each), and the cost of one Kronecker marginal-likelihood + gradient evaluation
 * as nG grows (log-log slope; a dense GP on the nG x nG problem would be 3).
 *
 *   node scripts/build-tests.mjs bench && node out/bench/functional.bench.js        (or: npm run bench -- functional)
 *   FN_BENCH=estm|xrd|degradation|scaling selects one part; FN_BENCH_MODELS=kronecker-gp,pointwise-gp selects models
 *   (default: the three GPs; add conditional-mlp explicitly, it trains for minutes).
 * Datasets: examples/functional-zt (ESTM ZT(T), 150 curves, xenonpy descriptors, grid 325..675 K, 8 points);
 * perovskite XRD patterns (PV-Lab cluster-perovskite-data, 145 films, CsPbI/FAPbI/MAPbI %, 2θ 10..40°, 61 points);
 * perovskite film colour (red channel) vs ageing time from the same repository (140 films, 0..6000 min, 25 points).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../src/core/spec/validate';
import { loadTable } from '../src/core/data';
import { buildFeatures } from '../src/core/features';
import { matrix, type Matrix } from '../src/core/features/types';
import { crossValidate } from '../src/core/models/cv';
import { Rng } from '../src/core/linalg/random';
import { loadFunctionData } from '../src/core/functional/data';
import { AUTO_CANDIDATES, createFunctionalModel, type FunctionalModelType } from '../src/core/functional/models';
import { functionalMetrics } from '../src/core/functional/metrics';
import { kronNll, kronParamCount, type KronProblem } from '../src/core/functional/kron';
import { makeGrid, resampleCurve } from '../src/core/functional/resample';

const ROOT = process.env.MI_ROOT ?? process.cwd();
const DATA = '/work/shared/data';
const only = process.env.FN_BENCH;
const models = (process.env.FN_BENCH_MODELS?.split(',') ?? [...AUTO_CANDIDATES]) as FunctionalModelType[];

async function estm(): Promise<{ X: Matrix; Y: Matrix; grid: Float64Array }> {
  const specPath = join(ROOT, 'examples/functional-zt/functional-zt.mi.yaml');
  const { spec } = await loadSpec(specPath);
  const table = await loadTable(join(ROOT, 'examples/functional-zt', spec.dataset.path));
  const fd = loadFunctionData(spec, spec.dataset.targets[0], table, specPath);
  const { set } = await buildFeatures({ ...spec, dataset: { ...spec.dataset, targets: [] } }, fd.table);
  return { X: set.X, Y: matrix(fd.ids.length, fd.grid.length, fd.Y), grid: fd.grid };
}

function xrd(): { X: Matrix; Y: Matrix; grid: Float64Array } | null {
  const dir = join(DATA, 'perovskite_xrd_and_degradation/xrd');
  if (!existsSync(dir)) return null;
  const comp = readFileSync(join(dir, 'xrd_data_compositions.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',').slice(1).map(Number));
  const lines = readFileSync(join(dir, 'xrd_data_scaled.csv'), 'utf8').trim().split(/\r?\n/);
  const theta = lines[0].split(',').slice(1).map(Number);
  const grid = makeGrid({ from: 10, to: 40, points: 61 });
  const n = Math.min(comp.length, lines.length - 1, 150);
  const X = matrix(n, 3);
  const Y = matrix(n, grid.length);
  for (let i = 0; i < n; i++) {
    X.data.set(comp[i].slice(0, 3).map((v) => v / 100), i * 3);
    const y = lines[i + 1].split(',').slice(1).map(Number);
    Y.data.set(resampleCurve({ t: theta, y }, grid), i * grid.length);
  }
  return { X, Y, grid };
}

/** Perovskite film colour (red channel) vs ageing time: 5 rounds x 28 films = 140 curves, time 0..6000 min. */
function degradation(): { X: Matrix; Y: Matrix; grid: Float64Array } | null {
  const base = join(DATA, 'perovskite_xrd_and_degradation/rgb_degradation');
  if (!existsSync(base)) return null;
  const rounds = ['20190606-R1-JT', '20190614-R1-JT', '20190622-R1-JT', '20190711-R1-JT', '20190723-R1-JT'];
  const grid = makeGrid({ from: 0, to: 6000, points: 25 });
  const xs: number[][] = [];
  const ys: Float64Array[] = [];
  for (const r of rounds) {
    const dir = join(base, r);
    const samples = readFileSync(join(dir, 'Samples.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    const times = readFileSync(join(dir, 'times.csv'), 'utf8').trim().split(/\r?\n/).map(Number);
    const red = readFileSync(join(dir, 'sample_r_cal.csv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split(',').map(Number));
    samples.forEach((c, i) => {
      const x = [Number(c[c.length - 3]), Number(c[c.length - 2]), Number(c[c.length - 1])];
      if (!red[i] || !x.every(Number.isFinite)) return;
      xs.push(x);
      ys.push(resampleCurve({ t: times, y: red[i].slice(0, times.length) }, grid));
    });
  }
  const n = Math.min(xs.length, 150);
  const X = matrix(n, 3);
  const Y = matrix(n, grid.length);
  for (let i = 0; i < n; i++) {
    X.data.set(xs[i], i * 3);
    Y.data.set(ys[i], i * grid.length);
  }
  return { X, Y, grid };
}

async function cvAll(name: string, d: { X: Matrix; Y: Matrix; grid: Float64Array }): Promise<void> {
  for (const type of models) {
    const t0 = Date.now();
    const cv = await crossValidate(() => createFunctionalModel(type, { type: 'auto', kernel: 'matern52', ard: process.env.FN_BENCH_ARD !== '0' }, d.grid, 1), d.X, d.Y, { folds: 5, repeats: 1, seed: 1 });
    const m = functionalMetrics(d.Y.data, cv.mean, cv.std, d.X.rows, d.grid.length);
    console.log(JSON.stringify({
      bench: 'functional_cv', dataset: name, model: type, curves: d.X.rows, features: d.X.cols, grid: d.grid.length,
      r2: +m.r2.toFixed(4), rmse: +m.rmse.toPrecision(4), mae: +m.mae.toPrecision(4), coverage90: +m.coverage90.toFixed(4),
      curve_r2_median: +m.curve_r2_median.toFixed(4), nlpd: +m.nlpd.toFixed(4), seconds: (Date.now() - t0) / 1000,
    }));
  }
}

function scaling(): void {
  const rng = new Rng(2);
  const d = 5;
  const rows: { n: number; G: number; N: number; ms: number }[] = [];
  for (const [n, G] of [[50, 10], [100, 10], [100, 20], [100, 40], [200, 40], [200, 80], [400, 80]] as const) {
    const X = new Float64Array(n * d).map(() => rng.normal());
    const Y = new Float64Array(n * G).map(() => rng.normal());
    const tg = makeGrid({ from: 0, to: 1, points: G });
    const p: KronProblem = { X, n, d, Y, tg, G, code: 2, tcode: 2, ard: true };
    const x = new Float64Array(kronParamCount(p)).fill(0);
    x[x.length - 1] = Math.log(0.1);
    const g = new Float64Array(x.length);
    kronNll(p, x, g); // warm-up
    const reps = 3;
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) kronNll(p, x, g);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / reps;
    rows.push({ n, G, N: n * G, ms });
    console.log(JSON.stringify({ bench: 'kronecker_nll_grad', n, G, nG: n * G, ms_per_eval: +ms.toFixed(2) }));
  }
  // least-squares slope of log time vs log nG
  const lx = rows.map((r) => Math.log(r.N));
  const ly = rows.map((r) => Math.log(r.ms));
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < lx.length; i++) { sxy += (lx[i] - mx) * (ly[i] - my); sxx += (lx[i] - mx) ** 2; }
  console.log(JSON.stringify({ bench: 'kronecker_scaling', loglog_slope_time_vs_nG: +(sxy / sxx).toFixed(3), dense_gp_slope: 3, largest_nG: rows[rows.length - 1].N }));
}

async function main(): Promise<void> {
  if (!only || only === 'scaling') scaling();
  if (!only || only === 'estm') await cvAll('estm_zt', await estm());
  if (!only || only === 'degradation') {
    const d = degradation();
    if (d) await cvAll('perovskite_degradation', d);
  }
  if (!only || only === 'xrd') {
    const d = xrd();
    if (d) await cvAll('perovskite_xrd', d);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
