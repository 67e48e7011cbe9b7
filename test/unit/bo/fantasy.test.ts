import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../src/core/features/types';
import type { Model, Prediction } from '../../../src/core/models/types';
import { createModel } from '../../../src/core/models';
import { ApproxConditioned, conditionModel, hasCondition, proxyKernel } from '../../../src/core/bo/fantasy';

const col = (v: number[]): Matrix => ({ rows: v.length, cols: 1, data: Float64Array.from(v) });

test('kriging-believer conditioning uses the GP\'s exact conditionOn: mean moves to the fantasy, variance shrinks', async () => {
  const xs = Array.from({ length: 12 }, (_, i) => i / 11);
  const model = createModel({ type: 'gp', kernel: 'matern52', ard: false, restarts: 1 }, { seed: 1 });
  await model.fit(col(xs), col(xs.map((x) => Math.sin(6 * x))), { seed: 1 });
  assert.ok(hasCondition(model));
  const x = col([0.55]);
  const before = model.predict(x);
  const y = before.mean[0] + 1; // a believed value far from the current mean
  const cond = conditionModel(model, x, col([y]), proxyKernel(col(xs)));
  assert.ok(!(cond instanceof ApproxConditioned), 'exact path, not the proxy');
  const after = cond.predict(x);
  assert.ok(Math.abs(after.mean[0] - y) < Math.abs(before.mean[0] - y), `${after.mean[0]} moves towards ${y}`);
  assert.ok(after.latentVariance[0] < before.latentVariance[0]);
  // the receiver is unchanged
  assert.equal(model.predict(x).mean[0], before.mean[0]);
});

test('models without conditionOn get the proxy update: exact at the conditioned point, prior far away', () => {
  const prior = (X: Matrix): Prediction => ({
    mean: new Float64Array(X.rows),
    variance: new Float64Array(X.rows).fill(1),
    latentVariance: new Float64Array(X.rows).fill(1),
    rows: X.rows,
    outputs: 1,
  });
  const mock: Model = {
    type: 'mock',
    fit: async () => undefined,
    predict: prior,
    summary: () => ({ type: 'mock', hyperparameters: {} }),
    save: () => ({ type: 'mock', version: 1, state: null }),
  };
  assert.ok(!hasCondition(mock));
  const train = col([0, 0.25, 0.5, 0.75, 1]);
  const cond = conditionModel(mock, col([0.5]), col([2]), proxyKernel(train));
  assert.ok(cond instanceof ApproxConditioned);
  const p = cond.predict(col([0.5, 50]));
  assert.ok(Math.abs(p.mean[0] - 2) < 1e-6, `mean ${p.mean[0]} at the conditioned point`);
  assert.ok(p.latentVariance[0] < 1e-6);
  assert.ok(Math.abs(p.mean[1]) < 1e-6 && Math.abs(p.latentVariance[1] - 1) < 1e-6, 'far away: the prior');
});
