import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../src/core/features/types';
import type { Model } from '../../../src/core/models/types';
import { rffSampler } from '../../../src/core/bo/rff';

/** Only summary() matters to the sampler: a GP's reported hyperparameters. */
function fakeGp(lengthscale: number, signal: number, noise: number, kernel: number): Model {
  return {
    type: 'fake',
    async fit() {},
    predict() {
      throw new Error('unused');
    },
    summary: () => ({ type: 'gp', hyperparameters: { lengthscales: [lengthscale], signal_variance: signal, noise_variance: noise, kernel_code: kernel } }),
    save: () => ({ type: 'fake', version: 1, state: null }),
  };
}

for (const kernel of [0, 2]) {
  test(`random-feature posterior draws interpolate the data and revert to the prior far away (kernel ${kernel})`, () => {
    const xs = Array.from({ length: 12 }, (_, i) => i / 11);
    const y = xs.map((x) => Math.sin(6 * x));
    const X: Matrix = { rows: 12, cols: 1, data: Float64Array.from(xs) };
    // lengthscale in standardised units (std of xs ≈ 0.33): ≈ 0.1 in x
    const s = rffSampler(fakeGp(0.3, 1, 1e-4, kernel), X, y, 40, 1, 1024);
    assert.ok(s);
    const at: Matrix = { rows: 2, cols: 1, data: Float64Array.from([xs[4], 5]) };
    const near: number[] = [];
    const far: number[] = [];
    for (let k = 0; k < 40; k++) {
      const v = s.evaluate(at, k);
      near.push(v[0]);
      far.push(v[1]);
    }
    const mean = (a: number[]) => a.reduce((p, c) => p + c, 0) / a.length;
    const sd = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
    assert.ok(Math.abs(mean(near) - y[4]) < 0.1, `at a data point: ${mean(near)} vs ${y[4]}`);
    assert.ok(sd(near) < 0.1, `tight at data: ${sd(near)}`);
    assert.ok(sd(far) > 0.5 && sd(far) < 1.6, `prior spread far away: ${sd(far)}`);
  });
}

test('the sampler declines models that do not report kernel hyperparameters', () => {
  const m = { ...fakeGp(1, 1, 1, 0), summary: () => ({ type: 'ridge', hyperparameters: { alpha: 1 } }) };
  assert.equal(rffSampler(m, { rows: 1, cols: 1, data: Float64Array.from([0]) }, [1], 2, 1), undefined);
});
