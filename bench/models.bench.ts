/**
 * Model benchmarks. Prints JSON lines:
 *   {"bench":"gp_fit_predict","n":…,"d":…,"m":…,"fit_s":…,"predict_s":…,"total_s":…,"peak_rss_mb":…}
 *   {"bench":"mlp_ensemble",…}
 * GP: Matérn-5/2 ARD + Gaussian noise, 2 optimiser starts, fit on n rows, mean + std over a pool of m rows; then
 * `gp_fit_predict_3starts`: the same with 3 starts (scikit-learn's n_restarts_optimizer=2 runs its optimiser 3 times).
 * `threads`: 2 when the engine's helper thread ran.
 * Reference (scikit-learn GaussianProcessRegressor, same kernel class, OpenBLAS on 2 cores): 8.0 s (n=300) and
 * 41.6 s (n=1000) for fit + mean/std over the pool. Usage: node out/bench/models.bench.js [gp|mlp] [n…]
 */
import { GpModel } from '../src/core/models/gp';
import { MlpEnsembleModel } from '../src/core/models/mlp';
import { getTfBackend } from '../src/core/models/tf';
import { Rng } from '../src/core/linalg/random';
import { getHelper } from '../src/core/parallel/pool';
import type { Matrix } from '../src/core/features/types';
import * as os from 'node:os';

let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
function rssMb(): number {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return Math.round(peakRss / 1048576);
}

/** Smooth anisotropic test function: a few relevant inputs, the rest nearly irrelevant, plus Gaussian noise. */
function synthetic(n: number, d: number, seed: number, noise: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let k = 0; k < d; k++) {
      const x = rng.uniform() * 2 - 1;
      X[i * d + k] = x;
      const w = 1 / (1 + k * k);
      f += w * Math.sin(3 * x + k);
    }
    Y[i] = f + noise * rng.normal();
  }
  return { X: { rows: n, cols: d, data: X }, Y: { rows: n, cols: 1, data: Y } };
}

async function benchGp(n: number, d: number, m: number, starts: number, name = 'gp_fit_predict'): Promise<void> {
  const { X, Y } = synthetic(n, d, 1, 0.05);
  const pool = synthetic(m, d, 2, 0).X;
  await getTfBackend();
  const model = new GpModel({ kernel: 'matern52', ard: true, restarts: starts });
  let iterations = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await model.fit(X, Y, { seed: 0, onProgress: () => iterations++ });
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const p = model.predict(pool);
  let s = 0;
  for (let i = 0; i < m; i++) s += Math.sqrt(p.variance[i]);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => +((b.user + b.system - a.user - a.system) / 1e6).toFixed(3);
  const stats = { ...model.stats };
  // float32 accuracy check: the same fitted model predicting a pool subset exactly in float64
  const exact = GpModel.load(model.save(), { accelerate: false });
  const sub = { rows: 1000, cols: d, data: pool.data.subarray(0, 1000 * d) };
  const pe = exact.predict(sub);
  let maxRel = 0;
  let maxRelLatent = 0;
  for (let i = 0; i < 1000; i++) {
    maxRel = Math.max(maxRel, Math.abs(pe.variance[i] - p.variance[i]) / pe.variance[i]);
    maxRelLatent = Math.max(maxRelLatent, Math.abs(pe.latentVariance[i] - p.latentVariance[i]) / pe.latentVariance[i]);
  }
  const test = synthetic(2000, d, 3, 0);
  const pt = model.predict(test.X);
  let se = 0;
  for (let i = 0; i < 2000; i++) se += (pt.mean[i] - test.Y.data[i]) ** 2;
  console.log(
    JSON.stringify({
      bench: name,
      n,
      d,
      m,
      starts,
      threads: getHelper() ? 2 : 1,
      fit_s: +((t1 - t0) / 1000).toFixed(3),
      predict_s: +((t2 - t1) / 1000).toFixed(3),
      total_s: +((t2 - t0) / 1000).toFixed(3),
      fit_cpu_s: cpu(c0, c1),
      predict_cpu_s: cpu(c1, c2),
      load_avg_1m: +os.loadavg()[0].toFixed(1),
      iterations,
      backend: await getTfBackend(),
      test_rmse: +Math.sqrt(se / 2000).toFixed(4),
      mean_std: +(s / m).toFixed(4),
      float32_rows: stats.float32Rows,
      float64_rechecked_rows: stats.rechecked,
      var_max_rel_err: +maxRel.toExponential(2),
      latent_var_max_rel_err: +maxRelLatent.toExponential(2),
      nlml: +(model.summary().objective ?? NaN).toFixed(3),
      peak_rss_mb: rssMb(),
    }),
  );
}

async function benchMlp(n: number, d: number, m: number): Promise<void> {
  const { X, Y } = synthetic(n, d, 1, 0.05);
  const pool = synthetic(m, d, 2, 0).X;
  const backend = await getTfBackend();
  const model = new MlpEnsembleModel({ members: 5, hidden: [64, 64], epochs: 200 });
  let epochs = 0;
  const t0 = performance.now();
  await model.fit(X, Y, { seed: 0, onProgress: () => epochs++ });
  const t1 = performance.now();
  model.predict(pool);
  const t2 = performance.now();
  const test = synthetic(2000, d, 3, 0);
  const pt = model.predict(test.X);
  let se = 0;
  let cover = 0;
  for (let i = 0; i < 2000; i++) {
    se += (pt.mean[i] - test.Y.data[i]) ** 2;
    if (Math.abs(pt.mean[i] - test.Y.data[i]) <= 1.645 * Math.sqrt(pt.variance[i])) cover++;
  }
  console.log(
    JSON.stringify({
      bench: 'mlp_ensemble',
      n,
      d,
      m,
      members: 5,
      fit_s: +((t1 - t0) / 1000).toFixed(3),
      predict_s: +((t2 - t1) / 1000).toFixed(3),
      epochs_total: epochs,
      test_rmse: +Math.sqrt(se / 2000).toFixed(4),
      test_coverage90: +(cover / 2000).toFixed(3),
      backend,
      peak_rss_mb: rssMb(),
    }),
  );
}

async function main(): Promise<void> {
  const which = process.argv[2];
  const sizes = process.argv.slice(3).map(Number).filter((v) => v > 0);
  if (!which || which === 'gp') {
    for (const n of sizes.length ? sizes : [300, 1000]) await benchGp(n, 20, 100000, 2);
    // the same with scikit-learn's exact start count (n_restarts_optimizer=2 → 3 optimiser runs), under its own name
    for (const n of sizes.length ? sizes : [300, 1000]) await benchGp(n, 20, 100000, 3, 'gp_fit_predict_3starts');
  }
  if (!which || which === 'mlp') await benchMlp(1000, 20, 100000);
  clearInterval(rssTimer);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
