import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Spec, TargetSpec } from '../../../src/core/spec/types';
import { acquisitionOf, makeSetup } from '../../../src/core/bo/objectives';
import { ehvi2d, paretoFront, referencePoint } from '../../../src/core/bo/multiobjective';
import { expectedImprovement, probabilityOfFeasibility } from '../../../src/core/bo/acquisition';

function spec(targets: TargetSpec[], acquisition: 'ei' | 'ucb' = 'ei'): Spec {
  return {
    version: 1, name: 'mo', seed: 1,
    dataset: { path: 'x.csv', on_invalid: 'error', inputs: [{ column: 'x', kind: 'numeric' }], targets },
    model: { type: 'gp' }, evaluation: { cv: { folds: 3, repeats: 1 } }, optimize: { acquisition, batch: 1 }, output: { dir: 'runs' },
  };
}

const Y = { rows: 4, cols: 2, data: Float64Array.from([1, 5, 2, 4, 3, 1, 0.5, 0.5]) };

test('two objectives with EI use exact EHVI over the data front (minimised objective negated)', () => {
  const s = makeSetup(spec([{ column: 'a', goal: 'maximize' }, { column: 'b', goal: 'minimize' }]), Y);
  assert.equal(s.mo?.method, 'ehvi');
  const pts = [[1, -5], [2, -4], [3, -1], [0.5, -0.5]];
  const front = paretoFront(pts).map((i) => pts[i]);
  const ref = referencePoint(pts) as [number, number];
  const v = acquisitionOf(s, [2.5, 0.7], [0.2, 0.1]);
  assert.ok(Math.abs(v - ehvi2d(front, ref, [2.5, -0.7], [0.2, 0.1])) < 1e-12);
  assert.ok(v > 0);
});

test('outcome constraint multiplies EI by the probability of feasibility', () => {
  const s = makeSetup(spec([{ column: 'a', goal: 'maximize' }, { column: 'b', goal: 'predict', constraint: { max: 3 } }]), Y);
  assert.equal(s.mo, undefined, 'one objective');
  // feasible rows: b <= 3 → rows 3 and 4 → incumbent a = 3
  assert.equal(s.best, 3);
  const v = acquisitionOf(s, [3.5, 2], [0.25, 1]);
  assert.ok(Math.abs(v - expectedImprovement(3.5, 0.25, 3) * probabilityOfFeasibility(2, 1, { max: 3 })) < 1e-14);
});

test('three objectives use ParEGO Chebyshev scalarisation', () => {
  const Y3 = { rows: 3, cols: 3, data: Float64Array.from([1, 2, 3, 3, 2, 1, 2, 2, 2]) };
  const s = makeSetup(spec([{ column: 'a', goal: 'maximize' }, { column: 'b', goal: 'maximize' }, { column: 'c', goal: { target: 2 } }]), Y3);
  assert.equal(s.mo?.method, 'parego');
  const good = acquisitionOf(s, [4, 4, 2], [0.1, 0.1, 0.1]);
  const bad = acquisitionOf(s, [0, 0, 5], [0.1, 0.1, 0.1]);
  assert.ok(good > bad && bad >= 0);
});
