import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpace, isFeasible, parseLinearConstraint, project, projectSimplexBox, randomPoint, roundToGrid, violation } from '../../../src/core/bo/space';
import { Rng } from '../../../src/core/bo/rng';

test('linear constraints parse with coefficients on both sides', () => {
  const c = parseLinearConstraint('2*Ni + Fe - 0.5 Co >= 0.1 + Mn', ['Ni', 'Fe', 'Co', 'Mn']);
  assert.deepEqual(c.a, [-2, -1, 0.5, 1]);
  assert.equal(c.b, -0.1);
  assert.throws(() => parseLinearConstraint('Ni + Xx <= 1', ['Ni']), /unknown variable "Xx"/);
  assert.throws(() => parseLinearConstraint('Ni + Fe', ['Ni', 'Fe']), /no comparison/);
});

test('simplex ∩ box projection is exact: sum = 1 ± 1e-9, bounds, and optimal (KKT)', () => {
  const rng = new Rng(5);
  const lo = [0, 0.1, 0, 0];
  const hi = [0.5, 1, 0.3, 1];
  for (let trial = 0; trial < 200; trial++) {
    const v = lo.map(() => rng.normal() * 2);
    const x = projectSimplexBox(v, lo, hi, 1);
    assert.ok(Math.abs(x.reduce((a, b) => a + b, 0) - 1) <= 1e-9);
    x.forEach((xi, i) => assert.ok(xi >= lo[i] && xi <= hi[i]));
    // KKT: free coordinates share the same shift v_i − x_i = τ; clipped ones are on the correct side
    const free = x.map((xi, i) => (xi > lo[i] + 1e-12 && xi < hi[i] - 1e-12 ? v[i] - xi : NaN)).filter((t) => !Number.isNaN(t));
    for (const t of free) assert.ok(Math.abs(t - free[0]) < 1e-9);
    if (free.length) {
      x.forEach((xi, i) => {
        if (xi <= lo[i] + 1e-12) assert.ok(v[i] - free[0] <= lo[i] + 1e-9);
        if (xi >= hi[i] - 1e-12) assert.ok(v[i] - free[0] >= hi[i] - 1e-9);
      });
    }
  }
});

test('projection with linear constraints satisfies composition, bounds and "Ni + Fe <= 0.8"', () => {
  const space = buildSpace({
    composition: { elements: ['Ni', 'Fe', 'Co', 'Mn'], sum: 1, bounds: { Ni: [0, 0.7], Mn: [0, 0.2] } },
    constraints: ['Ni + Fe <= 0.8', 'Co >= 0.1'],
  });
  const rng = new Rng(9);
  for (let trial = 0; trial < 200; trial++) {
    const v = space.names.map(() => rng.next() * 1.5 - 0.25);
    const x = project(space, v);
    assert.ok(isFeasible(space, x, 1e-9), `feasible: ${x}`);
    assert.ok(violation(space, x) <= 0, 'constraints hold exactly');
    const s = x.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(s - 1) <= 1e-9);
  }
  // a feasible point projects onto itself
  const p = [0.3, 0.3, 0.3, 0.1];
  project(space, p).forEach((xi, i) => assert.ok(Math.abs(xi - p[i]) < 1e-9));
});

test('grid rounding keeps the sum exact and respects bounds and constraints', () => {
  const space = buildSpace({
    composition: { elements: ['A', 'B', 'C'], sum: 1, step: 0.1, bounds: { A: [0.1, 0.6] } },
    constraints: ['A + B <= 0.7'],
  });
  const rng = new Rng(3);
  for (let trial = 0; trial < 100; trial++) {
    const x = randomPoint(space, rng);
    const r = roundToGrid(space, x);
    assert.ok(r, 'grid point found');
    assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) <= 1e-9);
    for (const v of r) assert.ok(Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, `on grid: ${r}`);
    assert.ok(isFeasible(space, r, 1e-9), `feasible: ${r}`);
  }
});

test('infeasible composition bounds are reported', () => {
  assert.throws(() => buildSpace({ composition: { elements: ['A', 'B'], sum: 1, bounds: { A: [0, 0.2], B: [0, 0.3] } } }), /cannot sum to 1/);
});
