import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GpModel, GpObjective } from '../../../src/core/models/gp';
import { kernelCode } from '../../../src/core/models/kernels';
import { choleskyOrThrow, solveLowerInPlace } from '../../../src/core/linalg/dense';
import { Rng } from '../../../src/core/linalg/random';
import { loadModel, createModel } from '../../../src/core/models';
import type { Matrix } from '../../../src/core/features/types';

const mat = (rows: number, cols: number, v: number[]): Matrix => ({ rows, cols, data: Float64Array.from(v) });
const close = (a: number, b: number, tol: number, msg = ''): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)), `${msg} ${a} vs ${b}`);

/** Explicit inverse of a 3x3 matrix via the adjugate (independent of the engine's Cholesky). */
function inv3(a: number[][]): number[][] {
  const [[a00, a01, a02], [a10, a11, a12], [a20, a21, a22]] = a;
  const c00 = a11 * a22 - a12 * a21, c01 = -(a10 * a22 - a12 * a20), c02 = a10 * a21 - a11 * a20;
  const c10 = -(a01 * a22 - a02 * a21), c11 = a00 * a22 - a02 * a20, c12 = -(a00 * a21 - a01 * a20);
  const c20 = a01 * a12 - a02 * a11, c21 = -(a00 * a12 - a02 * a10), c22 = a00 * a11 - a01 * a10;
  const det = a00 * c00 + a01 * c01 + a02 * c02;
  return [
    [c00 / det, c10 / det, c20 / det],
    [c01 / det, c11 / det, c21 / det],
    [c02 / det, c12 / det, c22 / det],
  ];
}

test('GP posterior matches a hand-computed 3-point case (rbf, fixed hyperparameters)', () => {
  const xs = [0, 1, 2.5];
  const ys = [0.3, -0.8, 1.1];
  const ell = 0.9, sf2 = 1.7, sn2 = 0.05;
  // Model with identity standardisation and fixed hyperparameters, restored from a saved state.
  const model = loadModel({
    type: 'gp',
    version: 1,
    state: {
      kernel: 'rbf', ard: true, restarts: 1, seed: 0, xs: { mean: [0], std: [1] }, d: 1, X: xs,
      outputs: [{ rows: [0, 1, 2], y: ys, yMean: 0, yStd: 1, theta: [Math.log(ell), Math.log(sf2), Math.log(sn2)], nlml: 0 }],
    },
  });
  const k = (a: number, b: number): number => sf2 * Math.exp(-((a - b) ** 2) / (2 * ell * ell));
  const K = xs.map((a, i) => xs.map((b, j) => k(a, b) + (i === j ? sn2 : 0)));
  const Ki = inv3(K);
  for (const xq of [1.7, -0.4, 4]) {
    const ks = xs.map((a) => k(xq, a));
    const w = [0, 1, 2].map((i) => Ki[i][0] * ks[0] + Ki[i][1] * ks[1] + Ki[i][2] * ks[2]); // K⁻¹ k*
    const mean = w[0] * ys[0] + w[1] * ys[1] + w[2] * ys[2];
    const latent = sf2 - (w[0] * ks[0] + w[1] * ks[1] + w[2] * ks[2]);
    const p = model.predict(mat(1, 1, [xq]));
    close(p.mean[0], mean, 1e-10, `mean at ${xq}`);
    close(p.latentVariance[0], latent, 1e-10, `latent variance at ${xq}`);
    close(p.variance[0], latent + sn2, 1e-10, `observation variance at ${xq}`);
  }
});

test('Matérn-5/2 kernel value matches the closed form', () => {
  const model = loadModel({
    type: 'gp',
    version: 1,
    state: {
      kernel: 'matern52', ard: false, restarts: 1, seed: 0, xs: { mean: [0, 0], std: [1, 1] }, d: 2, X: [0, 0],
      outputs: [{ rows: [0], y: [1], yMean: 0, yStd: 1, theta: [Math.log(2), 0, Math.log(1e-6)], nlml: 0 }],
    },
  });
  const r = Math.hypot(1, 2) / 2;
  const kv = (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
  const p = model.predict(mat(1, 2, [1, 2]));
  close(p.mean[0], kv / (1 + 1e-6), 1e-9);
});

for (const kernel of ['rbf', 'matern32', 'matern52'] as const) {
  for (const ard of [true, false]) {
    test(`NLML gradient matches central finite differences (${kernel}, ard=${ard})`, () => {
      const rng = new Rng(11);
      const n = 14, d = 3;
      const X = Float64Array.from({ length: n * d }, () => rng.normal());
      const y = Float64Array.from({ length: n }, (_, i) => Math.sin(X[i * d]) + 0.3 * X[i * d + 1] + 0.1 * rng.normal());
      const obj = new GpObjective(X, n, d, y, kernelCode(kernel), ard);
      const theta = Float64Array.from({ length: obj.dim }, () => 0.4 * rng.normal());
      theta[obj.D + 1] = Math.log(0.05);
      const g = new Float64Array(obj.dim);
      obj.evaluate(theta, g);
      const h = 1e-5;
      for (let i = 0; i < obj.dim; i++) {
        const tp = Float64Array.from(theta);
        const tm = Float64Array.from(theta);
        tp[i] += h;
        tm[i] -= h;
        const fd = (obj.evaluate(tp) - obj.evaluate(tm)) / (2 * h);
        assert.ok(Math.abs(fd - g[i]) <= 1e-5 * Math.max(1, Math.abs(fd)), `param ${i}: analytic ${g[i]} vs fd ${fd}`);
      }
    });
  }
}

/** Draws train+test data jointly from a GP prior (rbf, known hyperparameters) plus Gaussian noise. */
function drawFromGp(n: number, d: number, seed: number, ell: number, sf2: number, sn2: number): { X: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const X = Float64Array.from({ length: n * d }, () => rng.uniform() * 4 - 2);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += (X[i * d + k] - X[j * d + k]) ** 2;
      K[i * n + j] = sf2 * Math.exp(-r2 / (2 * ell * ell)) + (i === j ? 1e-8 : 0);
    }
  const { L } = choleskyOrThrow(K, n);
  const z = Float64Array.from({ length: n }, () => rng.normal());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += L[i * n + k] * z[k];
    y[i] = s + Math.sqrt(sn2) * rng.normal();
  }
  return { X, y };
}

test('90% predictive intervals cover 85–95% of held-out points drawn from a GP', async () => {
  const d = 2, nTrain = 50, nTest = 150;
  let covered = 0, total = 0;
  for (let rep = 0; rep < 6; rep++) {
    const { X, y } = drawFromGp(nTrain + nTest, d, 100 + rep, 0.8, 1.5, 0.04);
    const model = new GpModel({ kernel: 'rbf', ard: true, restarts: 2 });
    await model.fit(mat(nTrain, d, Array.from(X.subarray(0, nTrain * d))), mat(nTrain, 1, Array.from(y.subarray(0, nTrain))), { seed: rep });
    const p = model.predict(mat(nTest, d, Array.from(X.subarray(nTrain * d))));
    for (let i = 0; i < nTest; i++) {
      if (Math.abs(y[nTrain + i] - p.mean[i]) <= 1.6448536 * Math.sqrt(p.variance[i])) covered++;
      total++;
    }
  }
  const coverage = covered / total;
  assert.ok(coverage >= 0.85 && coverage <= 0.95, `coverage ${coverage}`);
});

test('GP fit recovers from duplicated inputs with different targets (jitter / noise floor)', async () => {
  const rows: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 12; i++) {
    const x = i / 3;
    rows.push(x, x * x, x, x * x); // every input appears twice
    ys.push(Math.sin(x), Math.sin(x) + 0.2);
  }
  const model = new GpModel({ kernel: 'matern52', restarts: 1 });
  await model.fit(mat(24, 2, rows), mat(24, 1, ys), { seed: 0 });
  const p = model.predict(mat(1, 2, [1, 1]));
  assert.ok(Number.isFinite(p.mean[0]) && p.variance[0] > 0);
  // duplicated targets differ by 0.2: the learned noise std must reflect that (≈ 0.1)
  const noise = model.summary().hyperparameters.noise_std as number;
  assert.ok(noise > 0.03, `noise std ${noise}`);
});

test('GP: same seed gives identical predictions; save/load round-trip through JSON is exact', async () => {
  const rng = new Rng(5);
  const n = 40, d = 3;
  const X = mat(n, d, Array.from({ length: n * d }, () => rng.normal()));
  const Y = mat(n, 2, Array.from({ length: n * 2 }, (_, i) => (i % 7 === 3 ? NaN : Math.cos(X.data[Math.floor(i / 2) * d]) + 0.05 * rng.normal())));
  const Xq = mat(5, d, Array.from({ length: 5 * d }, () => rng.normal()));
  const a = createModel({ type: 'gp', kernel: 'matern32' }, { seed: 3 });
  const b = createModel({ type: 'gp', kernel: 'matern32' }, { seed: 3 });
  await a.fit(X, Y, { seed: 3 });
  await b.fit(X, Y, { seed: 3 });
  const pa = a.predict(Xq);
  assert.deepEqual(Array.from(pa.mean), Array.from(b.predict(Xq).mean));
  assert.equal(pa.outputs, 2);
  const restored = loadModel(JSON.parse(JSON.stringify(a.save())));
  const pr = restored.predict(Xq);
  assert.deepEqual(Array.from(pr.mean), Array.from(pa.mean));
  assert.deepEqual(Array.from(pr.variance), Array.from(pa.variance));
  const s = a.summary();
  assert.equal(s.featureRelevance?.length, d);
  close(s.featureRelevance!.reduce((x, y) => x + y, 0), 1, 1e-12);
});

test('GP joint samples have the predictive mean and latent variance', async () => {
  const rng = new Rng(9);
  const n = 25;
  const X = mat(n, 1, Array.from({ length: n }, () => rng.uniform() * 5));
  const Y = mat(n, 1, Array.from(X.data, (x) => Math.sin(x) + 0.1 * rng.normal()));
  const model = new GpModel({ kernel: 'rbf', restarts: 1 });
  await model.fit(X, Y, { seed: 0 });
  const Xq = mat(3, 1, [0.5, 2.5, 7]);
  const p = model.predict(Xq);
  const S = model.sample(Xq, 4000, 1);
  for (let j = 0; j < 3; j++) {
    const m = S.reduce((s, v) => s + v[j], 0) / S.length;
    const v = S.reduce((s, x) => s + (x[j] - m) ** 2, 0) / S.length;
    const sd = Math.sqrt(p.latentVariance[j]);
    assert.ok(Math.abs(m - p.mean[j]) < 5 * sd / Math.sqrt(S.length) + 1e-9, `sample mean ${m} vs ${p.mean[j]}`);
    assert.ok(Math.abs(v / p.latentVariance[j] - 1) < 0.15, `sample var ${v} vs ${p.latentVariance[j]}`);
  }
});

test('cancellation: an aborted signal stops the GP fit with an AbortError', async () => {
  const ac = new AbortController();
  ac.abort();
  const model = new GpModel();
  await assert.rejects(model.fit(mat(3, 1, [0, 1, 2]), mat(3, 1, [0, 1, 0]), { seed: 0, signal: ac.signal }), (e: Error) => e.name === 'AbortError');
});

test('forward substitution sanity: L from choleskyOrThrow solves L x = b', () => {
  const A = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
  const { L } = choleskyOrThrow(A, 3);
  const b = Float64Array.from([1, 2, 3]);
  const x = Float64Array.from(b);
  solveLowerInPlace(L, 3, x);
  for (let i = 0; i < 3; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += L[i * 3 + k] * x[k];
    close(s, b[i], 1e-12);
  }
});
