import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, loadModel, crossValidate, getTfBackend } from '../../../src/core/models';
import { Rng } from '../../../src/core/linalg/random';
import type { Matrix } from '../../../src/core/features/types';
import type { Model } from '../../../src/core/models/types';

const mat = (rows: number, cols: number, v: ArrayLike<number>): Matrix => ({ rows, cols, data: Float64Array.from(v) });

function data(n: number, d: number, seed: number, noise = 0.1): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = Array.from({ length: n * d }, () => rng.uniform() * 4 - 2);
  const Y = Array.from({ length: n }, (_, i) => 1.5 * X[i * d] - 0.7 * X[i * d + 1] + 0.4 * Math.sin(2 * X[i * d]) + noise * rng.normal());
  return { X: mat(n, d, X), Y: mat(n, 1, Y) };
}

test('ridge: evidence-maximised Bayesian linear regression recovers a linear function and its noise', async () => {
  const rng = new Rng(3);
  const n = 200, d = 3;
  const X = Array.from({ length: n * d }, () => rng.normal());
  const Y = Array.from({ length: n }, (_, i) => 2 * X[i * d] - X[i * d + 1] + 5 + 0.3 * rng.normal());
  const m = createModel({ type: 'ridge' }, { seed: 0 });
  await m.fit(mat(n, d, X), mat(n, 1, Y), { seed: 0 });
  const p = m.predict(mat(2, d, [0, 0, 0, 1, 1, 1]));
  assert.ok(Math.abs(p.mean[0] - 5) < 0.1, `intercept ${p.mean[0]}`);
  assert.ok(Math.abs(p.mean[1] - 6) < 0.15, `prediction ${p.mean[1]}`);
  const noise = m.summary().hyperparameters.noise_std as number;
  assert.ok(Math.abs(noise - 0.3) < 0.06, `noise ${noise}`);
  assert.ok(p.latentVariance[0] > 0 && p.variance[0] > p.latentVariance[0]);
});

test('ridge works in function space when features outnumber rows', async () => {
  const rng = new Rng(4);
  const n = 15, d = 40;
  const X = Array.from({ length: n * d }, () => rng.normal());
  const Y = Array.from({ length: n }, (_, i) => X[i * d] + 0.1 * rng.normal());
  const m = createModel({ type: 'ridge' }, { seed: 0 });
  await m.fit(mat(n, d, X), mat(n, 1, Y), { seed: 0 });
  const p = m.predict(mat(n, d, X));
  for (let i = 0; i < n; i++) assert.ok(Number.isFinite(p.mean[i]) && p.variance[i] > 0);
});

for (const type of ['gp', 'rf-gp', 'ridge'] as const) {
  test(`${type}: same seed → identical predictions, and save/load through JSON is exact`, async () => {
    const { X, Y } = data(60, 3, 1);
    const Xq = data(7, 3, 2).X;
    const spec = { type, kernel: 'matern52' as const, features: 200, restarts: 2 };
    const a = createModel(spec, { seed: 5 });
    const b = createModel(spec, { seed: 5 });
    await a.fit(X, Y, { seed: 5 });
    await b.fit(X, Y, { seed: 5 });
    const pa = a.predict(Xq);
    const pb = b.predict(Xq);
    assert.deepEqual(Array.from(pa.mean), Array.from(pb.mean));
    assert.deepEqual(Array.from(pa.variance), Array.from(pb.variance));
    const r = loadModel(JSON.parse(JSON.stringify(a.save())));
    const pr = r.predict(Xq);
    assert.deepEqual(Array.from(pr.mean), Array.from(pa.mean));
    assert.deepEqual(Array.from(pr.latentVariance), Array.from(pa.latentVariance));
    // sensible accuracy on a smooth function
    const t = data(100, 3, 9, 0);
    const pt = a.predict(t.X);
    let se = 0, sy = 0;
    for (let i = 0; i < 100; i++) {
      se += (pt.mean[i] - t.Y.data[i]) ** 2;
      sy += t.Y.data[i] ** 2;
    }
    assert.ok(se / sy < 0.1, `${type} relative error ${se / sy}`);
  });
}

test('rf-gp: weight-posterior samples match the predictive mean and latent variance', async () => {
  const { X, Y } = data(80, 2, 6);
  const m = createModel({ type: 'rf-gp', features: 300 }, { seed: 1 });
  await m.fit(X, Y, { seed: 1 });
  const Xq = data(3, 2, 7).X;
  const p = m.predict(Xq);
  const S = m.sample!(Xq, 3000, 2);
  for (let j = 0; j < 3; j++) {
    const mu = S.reduce((s, v) => s + v[j], 0) / S.length;
    const v = S.reduce((s, x) => s + (x[j] - mu) ** 2, 0) / S.length;
    assert.ok(Math.abs(mu - p.mean[j]) < 5 * Math.sqrt(p.latentVariance[j] / S.length), `mean ${mu} vs ${p.mean[j]}`);
    assert.ok(Math.abs(v / p.latentVariance[j] - 1) < 0.15, `var ${v} vs ${p.latentVariance[j]}`);
  }
});

test('crossValidate: seeded folds, out-of-fold predictions with intervals, metrics per target', async () => {
  const { X, Y } = data(53, 3, 11);
  const make = (): Model => createModel({ type: 'ridge' }, { seed: 0 });
  const a = await crossValidate(make, X, Y, { folds: 5, repeats: 2, seed: 7 });
  const b = await crossValidate(make, X, Y, { folds: 5, repeats: 2, seed: 7 });
  assert.deepEqual(Array.from(a.mean), Array.from(b.mean));
  const sizes = [0, 0, 0, 0, 0];
  for (const f of a.fold) sizes[f]++;
  assert.deepEqual(sizes.sort(), [10, 10, 11, 11, 11]);
  for (let i = 0; i < 53; i++) {
    assert.ok(a.lower90[i] < a.mean[i] && a.mean[i] < a.upper90[i]);
    assert.ok(Math.abs(a.upper90[i] - a.mean[i] - 1.6448536 * a.std[i]) < 1e-6);
  }
  assert.equal(a.metrics.length, 1);
  assert.ok(a.metrics[0].r2 > 0.9, `r2 ${a.metrics[0].r2}`);
  assert.ok(a.metrics[0].coverage90 > 0.6, `coverage ${a.metrics[0].coverage90}`);
  const c = await crossValidate(make, X, Y, { folds: 5, repeats: 1, seed: 8 });
  assert.notDeepEqual(Array.from(c.fold), Array.from(a.fold));
});

test('auto picks a model by inner CV and records the choice', async () => {
  const { X, Y } = data(40, 2, 12);
  const m = createModel({ type: 'auto' }, { seed: 0 });
  await m.fit(X, Y, { seed: 0 });
  const s = m.summary();
  assert.ok(s.chosen && ['gp', 'rf-gp', 'ridge', 'rf', 'gbm', 'stack'].includes(s.chosen), `chosen ${s.chosen}`);
  assert.ok(typeof s.hyperparameters.inner_cv_rmse_gp === 'number');
  assert.ok(typeof s.hyperparameters.inner_cv_rmse_ridge === 'number');
  const r = loadModel(JSON.parse(JSON.stringify(m.save())));
  assert.deepEqual(Array.from(r.predict(X).mean), Array.from(m.predict(X).mean));
});

test('mlp-ensemble (TensorFlow.js): fits, reports epochs, reproducible within 1e-4, save/load exact', async () => {
  const backend = await getTfBackend();
  assert.ok(['wasm', 'cpu', 'tensorflow'].includes(backend));
  const { X, Y } = data(60, 2, 13, 0.05);
  const spec = { type: 'mlp-ensemble' as const, members: 3, hidden: [16], epochs: 60, learning_rate: 0.02 };
  const epochs: number[] = [];
  const a = createModel(spec, { seed: 1 });
  await a.fit(X, Y, { seed: 1, onProgress: (p) => p.phase === 'epoch' && epochs.push(p.value) });
  assert.ok(epochs.length >= 3 && epochs.every(Number.isFinite));
  const b = createModel(spec, { seed: 1 });
  await b.fit(X, Y, { seed: 1 });
  const Xq = data(5, 2, 14).X;
  const pa = a.predict(Xq);
  const pb = b.predict(Xq);
  for (let i = 0; i < 5; i++) {
    assert.ok(Math.abs(pa.mean[i] - pb.mean[i]) <= 1e-4 * Math.max(1, Math.abs(pa.mean[i])), `${pa.mean[i]} vs ${pb.mean[i]}`);
    assert.ok(pa.variance[i] > pa.latentVariance[i] && pa.latentVariance[i] > 0);
  }
  const r = loadModel(JSON.parse(JSON.stringify(a.save())));
  assert.deepEqual(Array.from(r.predict(Xq).mean), Array.from(pa.mean));
  // Thompson draws are member mean functions: each equals one member's prediction, finite everywhere
  const draws = a.sample!(Xq, 4, 2);
  assert.equal(draws.length, 4);
  assert.ok(draws.every((dr) => dr.every(Number.isFinite)));
  // it learned something: in-sample error well below the target spread
  const pin = a.predict(X);
  let se = 0;
  for (let i = 0; i < 60; i++) se += (pin.mean[i] - Y.data[i]) ** 2;
  assert.ok(Math.sqrt(se / 60) < 0.8, `rmse ${Math.sqrt(se / 60)}`);
});

test('ridge weight-posterior samples match the predictive mean and latent variance; auto always samples', async () => {
  const { X, Y } = data(80, 2, 21);
  const m = createModel({ type: 'ridge' }, { seed: 0 });
  await m.fit(X, Y, { seed: 0 });
  const Xq = data(3, 2, 22).X;
  const p = m.predict(Xq);
  const S = m.sample!(Xq, 4000, 3);
  for (let j = 0; j < 3; j++) {
    const mu = S.reduce((s, v) => s + v[j], 0) / S.length;
    const v = S.reduce((s, x) => s + (x[j] - mu) ** 2, 0) / S.length;
    assert.ok(Math.abs(mu - p.mean[j]) < 5 * Math.sqrt(p.latentVariance[j] / S.length), `mean ${mu} vs ${p.mean[j]}`);
    assert.ok(Math.abs(v / p.latentVariance[j] - 1) < 0.15, `var ${v} vs ${p.latentVariance[j]}`);
  }
  const auto = createModel({ type: 'auto' }, { seed: 0 });
  await auto.fit(X, Y, { seed: 0 });
  const draws = auto.sample!(Xq, 5, 1);
  assert.equal(draws.length, 5);
  assert.ok(draws.every((d) => d.length === 3 && d.every(Number.isFinite)));
});
