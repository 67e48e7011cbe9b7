import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ehvi2d, ehvi2dMonteCarlo, hypervolume2d, paretoFront } from '../../../src/core/bo/multiobjective';
import { Rng } from '../../../src/core/bo/rng';

test('Pareto front: non-dominated points only, duplicates once', () => {
  const pts = [
    [1, 5],
    [2, 4],
    [2, 3], // dominated by [2,4]
    [3, 1],
    [0, 0], // dominated
    [3, 1], // duplicate
    [1.5, 4.5],
  ];
  assert.deepEqual(paretoFront(pts), [0, 1, 3, 6]);
  // brute-force check of the definition
  const rng = new Rng(4);
  const rand = Array.from({ length: 60 }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const front = new Set(paretoFront(rand));
  rand.forEach((p, i) => {
    const dominated = rand.some((q, j) => j !== i && q.every((v, k) => v >= p[k]) && q.some((v, k) => v > p[k]));
    assert.equal(front.has(i), !dominated);
  });
});

test('2-D hypervolume of a staircase', () => {
  assert.equal(hypervolume2d([[1, 3], [2, 2], [3, 1]], [0, 0]), 3 + 2 + 1);
  assert.equal(hypervolume2d([[1, 3], [0.5, 0.5]], [0, 0]), 3);
});

test('exact 2-D EHVI agrees with brute-force Monte Carlo within 4 standard errors', () => {
  const front = [[1, 3], [2, 2.2], [2.5, 1], [3, 0.4]];
  const ref: [number, number] = [0, 0];
  const rng = new Rng(11);
  const cases: [[number, number], [number, number]][] = [
    [[2, 2], [0.5, 0.5]],
    [[3.5, 3.5], [0.2, 0.3]],
    [[0.5, 0.5], [1, 1]],
    [[2.2, 1.5], [0.05, 0.8]],
  ];
  for (const [mu, sd] of cases) {
    const exact = ehvi2d(front, ref, mu, [sd[0] ** 2, sd[1] ** 2]);
    const mc = ehvi2dMonteCarlo(front, ref, mu, sd, 40000, rng);
    assert.ok(Math.abs(exact - mc.mean) <= 4 * mc.stderr + 1e-9, `mu=${mu} exact ${exact} vs MC ${mc.mean} ± ${mc.stderr}`);
  }
  // deterministic limit: EHVI → HVI of the mean
  const y = [2.4, 2.4];
  const hvi = hypervolume2d([...front, y], ref) - hypervolume2d(front, ref);
  assert.ok(Math.abs(ehvi2d(front, ref, [2.4, 2.4], [1e-14, 1e-14]) - hvi) < 1e-6);
});
