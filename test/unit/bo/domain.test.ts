import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outsideDomain } from '../../../src/core/bo/domain';
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
