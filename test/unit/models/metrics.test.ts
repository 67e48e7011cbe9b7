import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, ranks, spearman } from '../../../src/core/models/metrics';

test('metrics on known values: MAE, RMSE, R², NLPD, coverage', () => {
  const y = [1, 2, 3, 4];
  const mu = [1, 2, 3, 5];
  const v = [1, 1, 4, 0.25];
  const m = computeMetrics(y, mu, v);
  assert.equal(m.mae, 0.25);
  assert.equal(m.rmse, 0.5);
  assert.ok(Math.abs(m.r2 - (1 - 1 / 5)) < 1e-12); // SSres 1, SStot 5
  const nlpd = (0.5 * Math.log(2 * Math.PI) * 4 + 0.5 * (Math.log(1) + Math.log(1) + Math.log(4) + Math.log(0.25)) + 1 / (2 * 0.25)) / 4;
  assert.ok(Math.abs(m.nlpd - nlpd) < 1e-12, `${m.nlpd} vs ${nlpd}`);
  // last point: |e| = 1 > 1.645 * 0.5 → outside the 90% interval
  assert.equal(m.coverage90, 0.75);
  assert.ok(Math.abs(m.spearman - 1) < 1e-12);
});

test('Spearman uses average ranks for ties', () => {
  assert.deepEqual(ranks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
  // hand-computed: ranks a = [1, 2.5, 2.5, 4], b = [1, 3, 2, 4]; Pearson of the ranks
  const ra = [1, 2.5, 2.5, 4], rb = [1, 3, 2, 4];
  const ma = 2.5, mb = 2.5;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < 4; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 3, 2, 4]) - sab / Math.sqrt(saa * sbb)) < 1e-12);
  assert.ok(Math.abs(spearman([1, 2, 3], [3, 2, 1]) + 1) < 1e-12);
});

test('rows with missing targets are ignored', () => {
  const m = computeMetrics([1, NaN, 3], [1, 5, 2], [1, 1, 1]);
  assert.equal(m.mae, 0.5);
});
