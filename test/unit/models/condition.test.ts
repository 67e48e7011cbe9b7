import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GpModel } from '../../../src/core/models/gp';
import { loadModel, createModel, RidgeModel, RfGpModel } from '../../../src/core/models';
import { Rng } from '../../../src/core/linalg/random';
import type { Matrix } from '../../../src/core/features/types';

const close = (a: number, b: number, tol: number, msg = ''): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)), `${msg} ${a} vs ${b}`);

function data(n: number, d: number, T: number, seed: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n * T);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) X[i * d + k] = rng.uniform() * 4 - 2;
    for (let t = 0; t < T; t++) Y[i * T + t] = Math.sin(X[i * d] * (t + 1)) + 0.5 * X[i * d + 1] + 0.1 * rng.normal() + 3 * t;
  }
  return { X: { rows: n, cols: d, data: X }, Y: { rows: n, cols: T, data: Y } };
}

test('GP conditionOn equals a GP on X ∪ X2 with frozen hyperparameters; the original is unchanged', async () => {
  const { X, Y } = data(30, 2, 2, 1);
  const extra = data(6, 2, 2, 2);
  extra.Y.data[3 * 2 + 1] = NaN; // missing target in output 2 only
  const model = new GpModel({ kernel: 'matern52', restarts: 1 });
  await model.fit(X, Y, { seed: 0 });
  const query = data(40, 2, 1, 3).X;
  const before = model.predict(query);
  const cond = model.conditionOn(extra.X, extra.Y);
  const after = model.predict(query);
  assert.deepEqual(Array.from(after.mean), Array.from(before.mean), 'original model unchanged');
  assert.deepEqual(Array.from(after.variance), Array.from(before.variance), 'original model unchanged');

  // Direct computation: the same saved state (hyperparameters, standardisation) with the union of rows,
  // refactorised from scratch by loadModel (full Cholesky, not the block update).
  type St = {
    xs: { mean: number[]; std: number[] };
    d: number;
    X: number[];
    outputs: { rows: number[]; y: number[]; yMean: number; yStd: number }[];
  };
  const saved = model.save();
  const st = JSON.parse(JSON.stringify(saved.state)) as St;
  const n0 = X.rows;
  for (let i = 0; i < extra.X.rows; i++) {
    for (let k = 0; k < 2; k++) st.X.push((extra.X.data[i * 2 + k] - st.xs.mean[k]) / st.xs.std[k]);
    st.outputs.forEach((o, t) => {
      const v = extra.Y.data[i * 2 + t];
      if (Number.isFinite(v)) {
        o.rows.push(n0 + i);
        o.y.push((v - o.yMean) / o.yStd);
      }
    });
  }
  assert.equal(st.outputs[0].rows.length, 36);
  assert.equal(st.outputs[1].rows.length, 35);
  const direct = loadModel({ ...saved, state: st }).predict(query);
  const got = cond.predict(query);
  for (let i = 0; i < got.mean.length; i++) {
    close(got.mean[i], direct.mean[i], 1e-8, `mean ${i}`);
    close(got.variance[i], direct.variance[i], 1e-8, `variance ${i}`);
    close(got.latentVariance[i], direct.latentVariance[i], 1e-8, `latent ${i}`);
  }
  // conditioning changes the posterior: lower variance near the new rows
  const atNew = cond.predict(extra.X);
  const atNewBefore = model.predict(extra.X);
  for (let i = 0; i < extra.X.rows; i++) assert.ok(atNew.latentVariance[i * 2] < atNewBefore.latentVariance[i * 2]);
  // same hyperparameters reported
  assert.deepEqual(cond.summary().hyperparameters, model.summary().hyperparameters);
  // and the conditioned model round-trips through save/load
  const re = loadModel(JSON.parse(JSON.stringify(cond.save())) as ReturnType<GpModel['save']>).predict(query);
  for (let i = 0; i < got.mean.length; i++) close(re.mean[i], got.mean[i], 1e-9, `reloaded mean ${i}`);
});

test('GP conditionOn: 1-D posterior mean matches a hand computation', () => {
  // rbf, ℓ = 1, σf² = 1, σn² = 0.01, identity standardisation; start from 1 point, condition on a second
  const model = loadModel({
    type: 'gp',
    version: 1,
    state: {
      kernel: 'rbf', ard: true, restarts: 1, seed: 0, xs: { mean: [0], std: [1] }, d: 1, X: [0],
      outputs: [{ rows: [0], y: [1], yMean: 0, yStd: 1, theta: [0, 0, Math.log(0.01)], nlml: 0 }],
    },
  }) as GpModel;
  const cond = model.conditionOn({ rows: 1, cols: 1, data: Float64Array.of(1) }, { rows: 1, cols: 1, data: Float64Array.of(-1) });
  const k01 = Math.exp(-0.5);
  const a = 1.01, det = a * a - k01 * k01;
  // K⁻¹ y for y = [1, -1]
  const al0 = (a * 1 - k01 * -1) / det, al1 = (-k01 * 1 + a * -1) / det;
  const xq = 0.4;
  const ks = [Math.exp(-0.5 * xq * xq), Math.exp(-0.5 * (xq - 1) ** 2)];
  const p = cond.predict({ rows: 1, cols: 1, data: Float64Array.of(xq) });
  close(p.mean[0], ks[0] * al0 + ks[1] * al1, 1e-12);
  const quad = (ks[0] * (a * ks[0] - k01 * ks[1]) + ks[1] * (-k01 * ks[0] + a * ks[1])) / det;
  close(p.latentVariance[0], 1 - quad, 1e-10);
});

test('ridge and rf-gp conditionOn equal a refit on X ∪ X2 with frozen σw², σn² (and leave the original unchanged)', async () => {
  const { X, Y } = data(40, 2, 1, 4);
  const extra = data(5, 2, 1, 5);
  const query = data(30, 2, 1, 6).X;
  for (const model of [new RidgeModel(), new RfGpModel({ features: 100, restarts: 1 })]) {
    await model.fit(X, Y, { seed: 0 });
    const before = model.predict(query);
    const cond = model.conditionOn(extra.X, extra.Y);
    assert.deepEqual(Array.from(model.predict(query).variance), Array.from(before.variance), `${model.type} unchanged`);
    type St = { xs: { mean: number[]; std: number[] }; X: number[]; outputs: { rows: number[]; y: number[]; yMean: number; yStd: number }[] };
    const saved = model.save();
    const st = JSON.parse(JSON.stringify(saved.state)) as St;
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 2; k++) st.X.push((extra.X.data[i * 2 + k] - st.xs.mean[k]) / st.xs.std[k]);
      const o = st.outputs[0];
      o.rows.push(40 + i);
      o.y.push((extra.Y.data[i] - o.yMean) / o.yStd);
    }
    const direct = loadModel({ ...saved, state: st }).predict(query);
    const got = cond.predict(query);
    for (let i = 0; i < got.mean.length; i++) {
      close(got.mean[i], direct.mean[i], 1e-9, `${model.type} mean ${i}`);
      close(got.variance[i], direct.variance[i], 1e-9, `${model.type} variance ${i}`);
    }
    assert.notEqual(got.mean[0], before.mean[0], `${model.type}: conditioning moved the mean`);
    assert.deepEqual(cond.summary().hyperparameters.noise_variance, model.summary().hyperparameters.noise_variance);
  }
});

test('auto delegates conditionOn to the model it picked', async () => {
  const { X, Y } = data(40, 2, 1, 7);
  const m = createModel({ type: 'auto' }, { seed: 0 });
  await m.fit(X, Y, { seed: 0 });
  const exact = ['gp', 'rf-gp', 'ridge'].includes(m.summary().chosen ?? '');
  assert.equal(typeof m.conditionOn, exact ? 'function' : 'undefined', `picked ${m.summary().chosen}`);
  if (!exact) return; // tree ensembles and stacks have no exact update (BO then refits / approximates)
  const extra = data(3, 2, 1, 8);
  const c = m.conditionOn!(extra.X, extra.Y);
  assert.equal(c.summary().chosen, m.summary().chosen);
  const q = data(4, 2, 1, 9).X;
  assert.notDeepEqual(Array.from(c.predict(q).mean), Array.from(m.predict(q).mean));
});
