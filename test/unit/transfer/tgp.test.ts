/** The transfer GP (k_desc + Σ w·s·s' + σn²): analytic gradient vs finite differences; a useless source is switched off. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/linalg/random';
import { nParams, objective, TransferGpModel, type TgpProblem } from '../../../src/core/transfer/tgp';
import { loadTransferModel } from '../../../src/core/transfer/models';

function problem(ard: boolean, kernel: TgpProblem['kernel'], seed: number, sk = false): TgpProblem {
  const rng = new Rng(seed);
  const n = 25;
  const d = 3;
  const m = 2;
  const Xd = Float64Array.from({ length: n * d }, () => rng.normal());
  const S = Float64Array.from({ length: n * m }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(Xd[i * d]) + 0.7 * S[i * m] + 0.1 * rng.normal());
  return { Xd, S, y, n, d, m, kernel, ard, sk };
}

for (const [ard, kernel, sk] of [[true, 'matern52', false], [false, 'matern52', false], [true, 'rbf', false], [false, 'matern32', false], [false, 'matern52', true], [true, 'rbf', true], [true, 'matern32', true]] as const) {
  test(`linear-on-prediction GP kernel (${kernel}, ard ${ard}${sk ? ', source as kernel input with its own lengthscale' : ''}): analytic gradient = central finite differences`, () => {
    const p = problem(ard, kernel, 3, sk);
    const rng = new Rng(9);
    const theta = Array.from({ length: nParams(p) }, () => 0.5 * rng.normal() - 0.3);
    const g = new Float64Array(theta.length);
    objective(p, theta, g);
    const h = 1e-5;
    for (let k = 0; k < theta.length; k++) {
      const tp = theta.slice();
      const tm = theta.slice();
      tp[k] += h;
      tm[k] -= h;
      const fd = (objective(p, tp) - objective(p, tm)) / (2 * h);
      assert.ok(Math.abs(fd - g[k]) <= 1e-5 * Math.max(1, Math.abs(fd)), `θ${k}: analytic ${g[k]} vs finite difference ${fd}`);
    }
  });
}

test('transfer GP: the marginal likelihood switches a pure-noise source off and keeps an informative one', async () => {
  const rng = new Rng(5);
  const n = 60;
  const X = { rows: n, cols: 4, data: new Float64Array(n * 4) };
  const Y = { rows: n, cols: 1, data: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const x0 = rng.normal();
    const x1 = rng.normal();
    const good = 2 * rng.normal();
    const noise = rng.normal();
    X.data.set([x0, x1, good, noise], i * 4);
    Y.data[i] = 0.3 * Math.sin(x0) + good + 0.05 * rng.normal();
  }
  const m = new TransferGpModel({ nLinear: 2, ard: false, restarts: 2 });
  await m.fit(X, Y, { seed: 1 });
  const [wGood, wNoise] = m.sourceWeights();
  assert.ok(wGood > 0.3, `informative source weight ${wGood}`);
  assert.ok(wNoise < 0.02, `pure-noise source weight ${wNoise} should be switched off`);
  // save/load gives the same predictions
  const back = loadTransferModel(JSON.parse(JSON.stringify(m.save())));
  const a = m.predict(X);
  const b = back.predict(X);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(a.mean[i] - b.mean[i]) < 1e-8 * (1 + Math.abs(a.mean[i])));
    assert.ok(Math.abs(a.variance[i] - b.variance[i]) < 1e-8 * (1 + a.variance[i]));
  }
});
