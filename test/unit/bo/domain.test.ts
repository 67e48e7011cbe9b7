import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainVerdicts, outsideDomain } from '../../../src/core/bo/domain';
import type { Matrix } from '../../../src/core/features/types';

test('outsideDomain flags points far from every measured row, not points among them', () => {
  const rows: number[] = [];
  for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) rows.push(i / 9, j / 9);
  const X: Matrix = { rows: 100, cols: 2, data: Float64Array.from(rows) };
  const flags = outsideDomain(X, [
    [0.5, 0.5], // between grid points
    [1.05, 0.3], // just past the edge: still within the usual spacing
    [3, 3], // far outside
    [0.5, -2], // far along one axis
  ]);
  assert.deepEqual(flags, [false, false, true, true]);
});

test('outsideDomain ignores constant columns (their standardised distance stays finite)', () => {
  const X: Matrix = { rows: 4, cols: 2, data: Float64Array.from([0, 7, 1, 7, 2, 7, 3, 7]) };
  assert.deepEqual(outsideDomain(X, [[1.5, 7], [30, 7]]), [false, true]);
});

test('domainVerdicts: in-domain flag fires on a descriptor outlier and on a prediction beyond the observed range by more than σ', () => {
  const rows: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 10; i++)
    for (let j = 0; j < 10; j++) {
      rows.push(i / 9, j / 9);
      ys.push(i / 9);
    }
  const trainX: Matrix = { rows: 100, cols: 2, data: Float64Array.from(rows) };
  const trainY: Matrix = { rows: 100, cols: 1, data: Float64Array.from(ys) };
  const v = domainVerdicts({
    trainX,
    featureNames: ['magpie:a', 'magpie:b'],
    trainY,
    targetNames: ['zt'],
    units: [''],
    points: [[0.5, 0.5], [0.5, 1.4], [0.5, 0.5], [0.5, 0.5]],
    means: [[0.5], [0.5], [-1.49], [1.2]],
    stds: [[0.1], [0.1], [0.2], [0.5]],
  });
  assert.deepEqual(v.map((x) => x.inDomain), [true, false, false, true]);
  assert.equal(v[0].reason, '');
  assert.match(v[1].reason, /descriptor magpie:b = 1\.4 outside training range \[0, 1\] by 40% of that range/);
  assert.match(v[2].reason, /prediction zt = -1\.49 outside observed target range \[0, 1\] by more than σ = 0\.2/);
  // 1.2 is above the observed maximum 1 but within its σ 0.5: still in domain
  assert.equal(v[3].reason, '');
});
