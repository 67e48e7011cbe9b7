// The helper thread must never change a number: every split kernel is compared bit for bit with its one-thread
// version, and a whole GP fit + pool prediction with the helper against the same run without it.
process.env.MI_THREADS = '2';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choleskyBlocked, invertLower } from '../../../src/core/linalg/dense';
import { Rng } from '../../../src/core/linalg/random';
import { choleskyParallel, getHelper, invertLowerParallel, setThreads, sharedF64 } from '../../../src/core/parallel/pool';
import { GpModel } from '../../../src/core/models/gp';
import { GpObjective } from '../../../src/core/models/gp-objective';
import { PARALLEL_OBJECTIVE } from '../../../src/core/parallel/pool';

function spd(n: number, d: number, seed: number, nugget = 1e-2): Float64Array {
  const rng = new Rng(seed);
  const X = Float64Array.from({ length: n * d }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += (X[i * d + k] - X[j * d + k]) ** 2;
      A[i * n + j] = Math.exp(-r2 / (2 * d)) + (i === j ? nugget : 0);
    }
  return A;
}

function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

test('a helper thread starts (2 threads requested)', () => {
  assert.ok(getHelper(), 'helper did not start');
});

for (const n of [300, 449, 700]) {
  test(`two-thread Cholesky and L⁻¹ are bit-identical to one thread (n = ${n})`, () => {
    const A = spd(n, 6, n);
    const serial = Float64Array.from(A);
    assert.equal(choleskyBlocked(serial, n), true);
    const shared = sharedF64(n * n);
    shared.set(A);
    assert.equal(choleskyParallel(shared, n), true);
    assert.equal(firstDifference(serial, shared), -1);
    assert.equal(firstDifference(invertLower(serial, n), invertLowerParallel(shared, n)), -1);
  });
}

test('two-thread Cholesky reports a non-positive-definite matrix and the helper stays usable', () => {
  const n = 400;
  const A = spd(n, 4, 3, 0);
  // an indefinite matrix: flip the sign of one late diagonal entry
  A[350 * n + 350] = -1;
  const a = sharedF64(n * n);
  a.set(A);
  assert.equal(choleskyParallel(a, n), false);
  const B = spd(n, 4, 4);
  const ok = sharedF64(n * n);
  ok.set(B);
  assert.equal(choleskyParallel(ok, n), true);
});

test('a failing helper task throws on the main thread, and the next task still runs', () => {
  const h = getHelper();
  assert.ok(h);
  h.post('invertPanels', { L: null as unknown as Float64Array, M: sharedF64(4), n: 2, panels: [0] });
  assert.throws(() => h.wait('invertPanels'), /helper task invertPanels failed/);
  h.post('ping', undefined);
  assert.equal(h.wait('ping'), 'pong');
});

for (const n of [300, 301]) {
  test(`GP objective value and gradient: split evaluation is bit-identical to one thread (n = ${n})`, () => {
    const d = 7;
    const rng = new Rng(n);
    const X = Float64Array.from({ length: n * d }, () => rng.normal());
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const theta = Float64Array.from({ length: d + 2 }, () => 0.3 * rng.normal());
    const g1 = new Float64Array(d + 2);
    const g2 = new Float64Array(d + 2);
    const f1 = new GpObjective(X, n, d, y, 2, true).evaluate(theta, g1);
    const f2 = new GpObjective(X, n, d, y, 2, true, null, true, PARALLEL_OBJECTIVE).evaluate(theta, g2);
    assert.ok(Number.isFinite(f1));
    assert.ok(Object.is(f1, f2), `${f1} vs ${f2}`);
    assert.equal(firstDifference(g1, g2), -1);
  });
}

test('GP fit and 20k-row pool prediction: identical with and without the helper', async () => {
  const n = 320;
  const d = 10;
  const rng = new Rng(7);
  const X = Float64Array.from({ length: n * d }, () => rng.uniform() * 2 - 1);
  const Y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * X[i * d]) + X[i * d + 1] ** 2 + 0.05 * rng.normal());
  const m = 20000;
  const P = Float64Array.from({ length: m * d }, () => rng.uniform() * 2 - 1);
  const run = async (threads: 1 | 2) => {
    setThreads(threads);
    try {
      const gp = new GpModel({ kernel: 'matern52', ard: true, restarts: 3, accelerate: false });
      await gp.fit({ rows: n, cols: d, data: X }, { rows: n, cols: 1, data: Y }, { seed: 11 });
      return { summary: gp.summary(), pred: gp.predict({ rows: m, cols: d, data: P }) };
    } finally {
      setThreads(2);
    }
  };
  const one = await run(1);
  const two = await run(2);
  assert.deepEqual(two.summary, one.summary);
  assert.equal(firstDifference(one.pred.mean, two.pred.mean), -1);
  assert.equal(firstDifference(one.pred.variance, two.pred.variance), -1);
  // and the prediction is a real one (not all zeros): the fitted GP explains most of the variance
  let se = 0;
  for (let i = 0; i < m; i++) se += (two.pred.mean[i] - (Math.sin(3 * P[i * d]) + P[i * d + 1] ** 2)) ** 2;
  assert.ok(se / m < 0.05, `pool MSE ${se / m}`);
});
