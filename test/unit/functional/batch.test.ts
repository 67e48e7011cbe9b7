// Batches of function-valued candidates: local penalisation spreads a batch out where the plain top-q by acquisition
// takes near-duplicates; pinned rows come first; identical rows are never both picked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { penalizedBatch, type ScoredCurve } from '../../../src/core/functional/batch';

// a tight cluster of five candidates around (0, 0) with the highest acquisition, and lone candidates far away
const pts = [[0, 0], [0.01, 0], [0, 0.01], [0.01, 0.01], [0.02, 0], [3, 3], [-3, 3], [3, -3]];
const X = { rows: pts.length, cols: 2, data: Float64Array.from(pts.flat()) };
const rows: ScoredCurve[] = [
  { k: 0, mean: 2.0, std: 0.1, acq: 1.0 },
  { k: 1, mean: 1.99, std: 0.1, acq: 0.99 },
  { k: 2, mean: 1.98, std: 0.1, acq: 0.98 },
  { k: 3, mean: 1.97, std: 0.1, acq: 0.97 },
  { k: 4, mean: 1.96, std: 0.1, acq: 0.96 },
  { k: 5, mean: 1.5, std: 0.5, acq: 0.8 },
  { k: 6, mean: 1.4, std: 0.5, acq: 0.75 },
  { k: 7, mean: 0.5, std: 0.5, acq: 0.1 },
];

test('local penalisation: after the best of a cluster, the next picks come from elsewhere', () => {
  const picks = penalizedBatch(X, rows, 3, { direction: 'maximize', best: 1.9, seed: 1 });
  assert.equal(picks[0], 0, 'the first pick is the top acquisition');
  assert.deepEqual(picks.slice(1).sort(), [5, 6], `the cluster's near-duplicates are penalised (${picks})`);
  // the plain top-3 would have been 0, 1, 2: all in the cluster (a pick at the best mean at most halves its
  // neighbours' acquisition, so alternatives within about a factor of two of the cluster's win)
});

test('local penalisation: minimise mirrors maximise; pinned rows come first; duplicates are never both picked', () => {
  const mirrored = rows.map((r) => ({ ...r, mean: -r.mean }));
  assert.deepEqual(penalizedBatch(X, mirrored, 3, { direction: 'minimize', best: -1.9, seed: 1 }), penalizedBatch(X, rows, 3, { direction: 'maximize', best: 1.9, seed: 1 }));
  assert.deepEqual(penalizedBatch(X, rows, 2, { direction: 'maximize', seed: 1, pinned: [7] })[0], 7);
  const dup = { rows: 3, cols: 2, data: Float64Array.from([0, 0, 0, 0, 5, 5]) };
  const r3: ScoredCurve[] = [{ k: 0, mean: 1, std: 0.1, acq: 1 }, { k: 1, mean: 1, std: 0.1, acq: 1 }, { k: 2, mean: 0, std: 0.1, acq: 0 }];
  assert.deepEqual(penalizedBatch(dup, r3, 2, { direction: 'maximize', seed: 1 }), [0, 2]);
  assert.deepEqual(penalizedBatch(dup, r3, 5, { direction: 'maximize', seed: 1 }).length, 2, 'no more picks than distinct rows');
});

test('local penalisation on a pool of 300,000 candidates (more than a call takes arguments)', () => {
  const m = 300_000;
  const Xb = { rows: m, cols: 1, data: Float64Array.from({ length: m }, (_, i) => i / m) };
  const rb: ScoredCurve[] = Array.from({ length: m }, (_, i) => ({ k: i, mean: Math.sin(10 * (i / m)), std: 0.1, acq: 1 + Math.sin(10 * (i / m)) }));
  const picks = penalizedBatch(Xb, rb, 3, { direction: 'maximize', seed: 2 });
  assert.equal(new Set(picks).size, 3);
});
