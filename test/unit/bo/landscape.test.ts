import { test } from 'node:test';
import assert from 'node:assert/strict';
import { principalComponents } from '../../../src/core/bo/landscape';
import { Rng } from '../../../src/core/bo/rng';

test('power-iteration PCA recovers the dominant direction and the explained variance', () => {
  const rng = new Rng(2);
  const rows: number[][] = [];
  for (let i = 0; i < 500; i++) {
    const t = rng.normal();
    rows.push([t + 0.05 * rng.normal(), t + 0.05 * rng.normal(), rng.normal()]);
  }
  const pc = principalComponents(rows);
  const [a, b, c] = pc.components[0];
  assert.ok(Math.abs(Math.abs(a) - Math.SQRT1_2) < 0.02 && Math.abs(Math.abs(b) - Math.SQRT1_2) < 0.02 && Math.abs(c) < 0.1, `${pc.components[0]}`);
  assert.ok(Math.sign(a) === Math.sign(b));
  // second component ≈ the independent third feature, orthogonal to the first
  assert.ok(Math.abs(Math.abs(pc.components[1][2]) - 1) < 0.1);
  const dot = pc.components[0].reduce((s, v, j) => s + v * pc.components[1][j], 0);
  assert.ok(Math.abs(dot) < 1e-6);
  // standardised total variance 3: first PC ≈ 2/3, second ≈ 1/3
  assert.ok(Math.abs(pc.explained[0] - 2 / 3) < 0.05 && Math.abs(pc.explained[1] - 1 / 3) < 0.05, `${pc.explained}`);
});
