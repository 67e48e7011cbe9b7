import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GpModel, looResiduals, crossFitCalibration } from '../../../src/core/models/gp';
import { RidgeModel } from '../../../src/core/models/ridge';
import { RfGpModel } from '../../../src/core/models/rfgp';
import { loadModel, createModel } from '../../../src/core/models';
import { calibrationScale, blrLooResiduals } from '../../../src/core/models/calibrate';
import { fitBlr, predictBlr } from '../../../src/core/models/blr';
import { Z90 } from '../../../src/core/models/metrics';
import { Rng } from '../../../src/core/linalg/random';
import type { Matrix } from '../../../src/core/features/types';
import type { Prediction, SavedModel } from '../../../src/core/models/types';

const close = (a: number, b: number, tol: number, msg = ''): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)), `${msg} ${a} vs ${b}`);

/** Heavy-tailed noise (Student-t with 2 dof, plus Gaussian) on a smooth function of 3 of the d inputs. */
function hard(n: number, d: number, seed: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) X[i * d + k] = rng.uniform() * 2 - 1;
    const chi = rng.normal() ** 2 + rng.normal() ** 2;
    const t2 = rng.normal() / Math.sqrt(chi / 2);
    Y[i] = Math.sin(3 * X[i * d]) + X[i * d + 1] * X[i * d + 2] + 0.3 * t2 + 0.8 * rng.normal();
  }
  return { X: { rows: n, cols: d, data: X }, Y: { rows: n, cols: 1, data: Y } };
}

function coverage(p: Prediction, Y: Matrix): number {
  let c = 0;
  for (let i = 0; i < Y.rows; i++) if (Math.abs(Y.data[i] - p.mean[i]) <= Z90 * Math.sqrt(p.variance[i])) c++;
  return c / Y.rows;
}

test('calibrationScale: 90% quantile of |z| / 1.6449, clamped, 1 for tiny samples', () => {
  const z = Array.from({ length: 101 }, (_, i) => (i - 50) / 10); // |z| 0..5, q0.9 of |z| ≈ 4.5
  const abs = z.map(Math.abs).sort((a, b) => a - b);
  const h = 0.9 * 100;
  close(calibrationScale(z), abs[Math.floor(h)] / Z90, 1e-12);
  assert.equal(calibrationScale([1, 2, 3]), 1, 'fewer than 20 residuals: no calibration');
  assert.equal(calibrationScale(new Array(50).fill(100)), 10, 'clamped above');
  assert.equal(calibrationScale(new Array(50).fill(0.01)), 0.5, 'clamped below');
});

test('GP calibration scale equals the brute-force leave-one-out scale (frozen hyperparameters)', async () => {
  const { X, Y } = hard(60, 3, 5); // 5 hyperparameters, 60 rows: the LOO path (crossFitCalibration false)
  assert.equal(crossFitCalibration(3, 60), false);
  const model = new GpModel({ restarts: 1 });
  await model.fit(X, Y, { seed: 0 });
  const s = model.summary().hyperparameters.calibration_scale as number;
  assert.ok(s > 0);
  type St = { X: number[]; d: number; outputs: { rows: number[]; y: number[]; cal?: number; yMean: number; yStd: number }[] };
  const saved = model.save();
  const st = saved.state as St;
  const z: number[] = [];
  for (let i = 0; i < 60; i++) {
    const o = st.outputs[0];
    const keep = o.rows.map((_, k) => k).filter((k) => k !== i);
    const loo: SavedModel = {
      ...saved,
      state: { ...st, outputs: [{ ...o, rows: keep.map((k) => o.rows[k]), y: keep.map((k) => o.y[k]), cal: 1 }] },
    };
    const p = loadModel(JSON.parse(JSON.stringify(loo)) as SavedModel).predict({ rows: 1, cols: 3, data: X.data.slice(i * 3, i * 3 + 3) });
    z.push((Y.data[i] - p.mean[0]) / Math.sqrt(p.variance[0]));
  }
  close(s, calibrationScale(z), 1e-6, 'scale');
});

test('BLR hat-matrix LOO residuals equal brute-force leave-one-out refits', () => {
  const rng = new Rng(3);
  const n = 25, p = 4;
  const Phi = Float64Array.from({ length: n * p }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => Phi[i * p] - 0.5 * Phi[i * p + 1] + 0.3 * rng.normal());
  const post = fitBlr(Phi, n, p, y, { sw2: 0.7, sn2: 0.2, evidence: false });
  const fitted = new Float64Array(n);
  const lat = new Float64Array(n);
  predictBlr(post, Phi, n, fitted, lat, null);
  const z = blrLooResiduals(y, fitted, lat, post.sn2);
  for (const i of [0, 7, 24]) {
    const keep = Array.from({ length: n }, (_, k) => k).filter((k) => k !== i);
    const P2 = new Float64Array((n - 1) * p);
    keep.forEach((k, r) => P2.set(Phi.subarray(k * p, (k + 1) * p), r * p));
    const post2 = fitBlr(P2, n - 1, p, Float64Array.from(keep, (k) => y[k]), { sw2: 0.7, sn2: 0.2, evidence: false });
    const mu = new Float64Array(1);
    const l2 = new Float64Array(1);
    predictBlr(post2, Phi.slice(i * p, (i + 1) * p), 1, mu, l2, null);
    close(z[i], (y[i] - mu[0]) / Math.sqrt(l2[0] + 0.2), 1e-8, `z[${i}]`);
  }
});

test('calibration brings over-confident intervals closer to 90% coverage on held-out rows (gp, rf-gp)', async () => {
  const { X, Y } = hard(80, 5, 11);
  const test = hard(400, 5, 12);
  for (const make of [
    // hyperparameters frozen at the optimiser's start (σn² = 0.1 in standardised units): far too little noise
    (c: boolean) => new GpModel({ restarts: 1, maxIter: 0, calibrate: c }),
    (c: boolean) => new GpModel({ restarts: 1, calibrate: c }),
    (c: boolean) => new RfGpModel({ restarts: 1, features: 200, calibrate: c }),
  ]) {
    const raw = make(false);
    const cal = make(true);
    await raw.fit(X, Y, { seed: 1 });
    await cal.fit(X, Y, { seed: 1 });
    const cRaw = coverage(raw.predict(test.X), test.Y);
    const cCal = coverage(cal.predict(test.X), test.Y);
    const s = cal.summary().hyperparameters.calibration_scale as number;
    assert.equal(raw.summary().hyperparameters.calibration_scale, 1);
    assert.ok(s > 1, `${cal.type}: expected an inflating scale, got ${s}`);
    assert.ok(Math.abs(cCal - 0.9) < Math.abs(cRaw - 0.9), `${cal.type}: calibrated ${cCal} vs raw ${cRaw}`);
    // same posterior mean, wider intervals
    const a = raw.predict(test.X), b = cal.predict(test.X);
    close(b.mean[3], a.mean[3], 1e-12);
    close(b.variance[3], a.variance[3] * s * s, 1e-9);
    close(b.latentVariance[3], a.latentVariance[3] * s * s, 1e-9);
  }
});

test('calibration scale depends on training rows only, and survives save/load and conditionOn', async () => {
  const { X, Y } = hard(40, 5, 21);
  const a = createModel({ type: 'gp', restarts: 1 }, { seed: 0 });
  const b = createModel({ type: 'gp', restarts: 1 }, { seed: 0 });
  await a.fit(X, Y, { seed: 0 });
  await b.fit(X, Y, { seed: 0 });
  const pa = a.predict(hard(50, 5, 1).X); // different test rows
  const pb = b.predict(hard(70, 5, 2).X);
  assert.ok(pa.rows !== pb.rows);
  const s = a.summary().hyperparameters.calibration_scale;
  assert.equal(b.summary().hyperparameters.calibration_scale, s);
  assert.notEqual(s, 1);
  const re = loadModel(JSON.parse(JSON.stringify(a.save())) as SavedModel);
  assert.equal(re.summary().hyperparameters.calibration_scale, s);
  const q = hard(10, 5, 3).X;
  close(re.predict(q).variance[4], a.predict(q).variance[4], 1e-12);
  const c = a.conditionOn!(hard(3, 5, 4).X, hard(3, 5, 4).Y);
  assert.equal(c.summary().hyperparameters.calibration_scale, s);
  // calibrate: false leaves the raw posterior
  const off = createModel({ type: 'ridge', calibrate: false }, { seed: 0 });
  await off.fit(X, Y, { seed: 0 });
  assert.equal(off.summary().hyperparameters.calibration_scale, 1);
  const on = new RidgeModel();
  await on.fit(X, Y, { seed: 0 });
  assert.ok((on.summary().hyperparameters.calibration_scale as number) !== 1);
});

test('GP LOO residuals: the row-subset path (large n) equals the full inverse on the same rows', async () => {
  const { X, Y } = hard(60, 3, 8);
  const model = new GpModel({ restarts: 1 });
  await model.fit(X, Y, { seed: 0 });
  const o = (model as unknown as { outputs: { n: number; L: Float64Array; alpha: Float64Array }[] }).outputs[0];
  const full = looResiduals(o);
  const sub = looResiduals(o, 25);
  assert.equal(sub.length, 25);
  for (let r = 0; r < 25; r++) close(sub[r], full[Math.floor((r * 60) / 25)], 1e-10, `z ${r}`);
});

test('mlp-ensemble: calibration scale from the held-out splits scales the variance only', async () => {
  const { X, Y } = hard(100, 2, 31);
  const spec = { type: 'mlp-ensemble' as const, members: 3, hidden: [8], epochs: 30, learning_rate: 0.02 };
  const on = createModel(spec, { seed: 1 });
  const off = createModel({ ...spec, calibrate: false }, { seed: 1 });
  await on.fit(X, Y, { seed: 1 });
  await off.fit(X, Y, { seed: 1 });
  const s = on.summary().hyperparameters.calibration_scale as number;
  assert.equal(off.summary().hyperparameters.calibration_scale, 1);
  assert.ok(s >= 0.5 && s <= 10 && s !== 1, `scale ${s}`);
  const q = hard(5, 2, 32).X;
  const a = on.predict(q), b = off.predict(q);
  for (let i = 0; i < 5; i++) {
    close(a.mean[i], b.mean[i], 1e-4);
    close(a.variance[i] / b.variance[i], s * s, 1e-3, `variance ratio ${i}`);
  }
  const re = loadModel(JSON.parse(JSON.stringify(on.save())) as SavedModel);
  assert.equal(re.summary().hyperparameters.calibration_scale, s);
});

test('ARD with few rows per hyperparameter: cross-fitted calibration widens over-confident intervals', async () => {
  // 40 rows, 20 ARD lengthscales: LOO with the full-data hyperparameters would be as over-confident as the posterior
  assert.equal(crossFitCalibration(20, 40), true);
  const { X, Y } = hard(40, 20, 11);
  const test = hard(400, 20, 12);
  const raw = new GpModel({ restarts: 1, calibrate: false });
  const cal = new GpModel({ restarts: 1 });
  await raw.fit(X, Y, { seed: 1 });
  await cal.fit(X, Y, { seed: 1 });
  const s = cal.summary().hyperparameters.calibration_scale as number;
  const cRaw = coverage(raw.predict(test.X), test.Y);
  const cCal = coverage(cal.predict(test.X), test.Y);
  assert.ok(s > 1, `scale ${s}`);
  assert.ok(Math.abs(cCal - 0.9) < Math.abs(cRaw - 0.9), `calibrated ${cCal} vs raw ${cRaw}`);
});
