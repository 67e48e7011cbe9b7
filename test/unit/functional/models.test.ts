import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrix } from '../../../src/core/features/types';
import { Rng } from '../../../src/core/linalg/random';
import { createFunctionalModel, functionalCandidates } from '../../../src/core/functional/models';
import { functionalMetrics } from '../../../src/core/functional/metrics';

function data(n: number, seed: number) {
  const rng = new Rng(seed);
  const grid = [0, 0.25, 0.5, 0.75, 1];
  const G = grid.length;
  const X = matrix(n, 2, new Float64Array(n * 2).map(() => rng.uniform()));
  const Y = matrix(n, G);
  for (let i = 0; i < n; i++) for (let g = 0; g < G; g++) Y.data[i * G + g] = Math.sin(2 * X.data[i * 2] + grid[g]) + X.data[i * 2 + 1] * grid[g] + 0.02 * rng.normal();
  return { X, Y, grid, G };
}

test('every functional model fits, predicts mean and variance at every grid point and handles missing grid values', async () => {
  const { X, Y, grid, G } = data(40, 1);
  Y.data[3 * G + 4] = NaN; // a curve that does not reach the last grid point
  Y.data[7 * G + 0] = NaN;
  const test = data(15, 2);
  for (const type of ['kronecker-gp', 'basis-gp', 'pointwise-gp', 'conditional-mlp'] as const) {
    const m = createFunctionalModel(type, { type: 'auto', epochs: 150, members: 2 }, grid, 1);
    await m.fit(X, Y, { seed: 1 });
    const p = m.predict(test.X);
    assert.equal(p.mean.length, 15 * G);
    assert.ok(Array.from(p.variance).every((v) => v > 0 && Number.isFinite(v)), `${type}: positive variances`);
    assert.ok(Array.from(p.variance).every((v, k) => v >= p.latentVariance[k] - 1e-12), `${type}: observation ≥ latent variance`);
    const std = p.variance.map(Math.sqrt);
    const r2 = functionalMetrics(test.Y.data, p.mean, std, 15, G).r2;
    assert.ok(r2 > 0.7, `${type}: held-out R² ${r2}`);
    const C = m.curveCovariance(test.X);
    assert.equal(C.length, 15);
    for (let t = 0; t < G; t++) assert.ok(Math.abs(C[0][t * G + t] - p.latentVariance[t]) < 1e-9 * Math.max(1, p.latentVariance[t]), `${type}: curve covariance diagonal`);
    assert.equal(m.save().type, type);
  }
  assert.deepEqual(functionalCandidates({ type: 'auto' }), ['kronecker-gp', 'basis-gp', 'pointwise-gp']);
  assert.deepEqual(functionalCandidates({ type: 'gp' }), ['kronecker-gp']);
  assert.deepEqual(functionalCandidates({ type: 'mlp-ensemble' }), ['conditional-mlp']);
  assert.throws(() => functionalCandidates({ type: 'ridge' }), /does not support a function target/);
});
