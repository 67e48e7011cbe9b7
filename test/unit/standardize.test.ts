import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitStandardizer, standardize, unstandardize } from '../../src/core/features/standardize';
import { matrix } from '../../src/core/features/types';

test('standardizer: zero mean, unit std, constant column kept finite, round trip', () => {
  const X = matrix(4, 2, Float64Array.from([1, 5, 2, 5, 3, 5, 4, 5]));
  const s = fitStandardizer(X);
  assert.deepEqual(Array.from(s.mean), [2.5, 5]);
  assert.ok(Math.abs(s.std[0] - Math.sqrt(1.25)) < 1e-12);
  assert.equal(s.std[1], 1);
  const Z = standardize(X, s);
  assert.ok(Math.abs(Z.data[0] + 1.5 / Math.sqrt(1.25)) < 1e-12);
  assert.equal(Z.data[1], 0);
  assert.deepEqual(Array.from(unstandardize(Z, s).data), Array.from(X.data));
});

test('standardizer skips NaN when fitting', () => {
  const s = fitStandardizer(matrix(3, 1, Float64Array.from([1, NaN, 3])));
  assert.equal(s.mean[0], 2);
  assert.equal(s.std[0], 1);
});
