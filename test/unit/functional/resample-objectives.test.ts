import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanCurve, defaultGrid, makeGrid, resampleCurve } from '../../../src/core/functional/resample';
import { curveObjective, objectiveStats } from '../../../src/core/functional/objectives';
import { normCdf } from '../../../src/core/bo/normal';
import { symEig } from '../../../src/core/functional/eig';
import { Rng } from '../../../src/core/linalg/random';

test('resampling interpolates irregular, unsorted, duplicated curves and never extrapolates beyond the margin', () => {
  const c = { t: [500, 300, 410, 300, 700], y: [5, 3, 4.1, 3.2, 7] };
  assert.deepEqual(cleanCurve(c), { t: [300, 410, 500, 700], y: [3.1, 4.1, 5, 7] });
  const grid = makeGrid({ from: 250, to: 800, points: 12 }); // 250, 300, ..., 800
  const y = resampleCurve(c, grid, 0);
  assert.ok(Number.isNaN(y[0]), 'below the range, margin 0: missing');
  assert.equal(y[1], 3.1); // exactly measured
  assert.ok(Math.abs(y[2] - (3.1 + (50 / 110) * 1.0)) < 1e-12, 'linear between 300 and 410');
  assert.equal(y[5], 5);
  assert.ok(Math.abs(y[6] - 5.5) < 1e-12, '550 is a quarter of the way from 500 to 700 (5 → 7)');
  assert.equal(y[9], 7);
  assert.ok(Number.isNaN(y[10]) && Number.isNaN(y[11]), 'above the range: missing');
  const withMargin = resampleCurve(c, grid, 60);
  assert.equal(withMargin[0], 3.1, '50 below the first point, margin 60: end value, not a slope');
  assert.equal(withMargin[10], 7);
  assert.ok(Number.isNaN(withMargin[11]), '100 beyond the last point stays missing');
  // an unsorted grid gives the same values point by point
  const rev = Float64Array.from(grid).reverse();
  assert.deepEqual(Array.from(resampleCurve(c, rev, 60)).reverse(), Array.from(withMargin));
  // default grid: shared arguments are kept as they are; irregular ones → 13 points over the range most curves cover
  assert.deepEqual(Array.from(defaultGrid([{ t: [1, 2, 3], y: [0, 0, 0] }, { t: [3, 1, 2], y: [1, 1, 1] }])), [1, 2, 3]);
  const g = defaultGrid([{ t: [300, 700], y: [0, 0] }, { t: [320, 800], y: [0, 0] }, { t: [310, 650], y: [0, 0] }]);
  assert.equal(g.length, 13);
  assert.equal(g[0], 310);
  assert.equal(g[12], 700);
});

/** Independent reference sampler: y = m + V diag(√λ) z from the eigendecomposition. */
function mcReference(mean: number[], C: Float64Array, G: number, count: number, seed: number, f: (y: Float64Array) => number): { mean: number; std: number } {
  const e = symEig(C, G);
  const rng = new Rng(seed);
  let s = 0, s2 = 0;
  const z = new Float64Array(G);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < G; i++) z[i] = rng.normal() * Math.sqrt(Math.max(e.values[i], 0));
    const y = new Float64Array(G);
    for (let t = 0; t < G; t++) {
      let v = mean[t];
      for (let i = 0; i < G; i++) v += e.vectors[t * G + i] * z[i];
      y[t] = v;
    }
    const v = f(y);
    s += v;
    s2 += v * v;
  }
  const m = s / count;
  return { mean: m, std: Math.sqrt(Math.max(s2 / count - m * m, 0)) };
}

test('functional objectives: posterior-sample estimates agree with closed forms and an independent Monte-Carlo', () => {
  const grid = makeGrid({ from: 300, to: 700, points: 9 });
  const G = grid.length;
  const mean = Array.from(grid, (t) => Math.sin((t - 300) / 120));
  const C = new Float64Array(G * G);
  for (let a = 0; a < G; a++) for (let b = 0; b < G; b++) C[a * G + b] = 0.04 * Math.exp(-0.5 * ((grid[a] - grid[b]) / 80) ** 2) + (a === b ? 1e-4 : 0);
  const S = 20000;
  // linear functionals: value at t (interpolated) and integral over a band have exact mean and variance wᵀCw
  const linear = (o: Parameters<typeof curveObjective>[0]): { m: number; v: number } => {
    const w = new Float64Array(G);
    for (let k = 0; k < G; k++) {
      const e = new Float64Array(G);
      e[k] = 1;
      w[k] = curveObjective(o, grid, e);
    }
    let m = 0, v = 0;
    for (let a = 0; a < G; a++) {
      m += w[a] * mean[a];
      for (let b = 0; b < G; b++) v += w[a] * C[a * G + b] * w[b];
    }
    return { m, v };
  };
  for (const o of [
    { kind: 'value' as const, direction: 'maximize' as const, at: 475 },
    { kind: 'integral' as const, direction: 'maximize' as const, over: [380, 620] as [number, number] },
  ]) {
    const st = objectiveStats(o, grid, mean, C, S, 7);
    const ex = linear(o);
    assert.ok(Math.abs(st.mean - ex.m) < 4 * Math.sqrt(ex.v / S) + 1e-9, `${o.kind}: mean ${st.mean} vs ${ex.m}`);
    assert.ok(Math.abs(st.std / Math.sqrt(ex.v) - 1) < 0.03, `${o.kind}: std ${st.std} vs ${Math.sqrt(ex.v)}`);
  }
  // nonlinear: max, min, argmax, above — against an independent eigen-based sampler with another seed
  for (const o of [
    { kind: 'max' as const, direction: 'maximize' as const, over: [300, 700] as [number, number] },
    { kind: 'min' as const, direction: 'minimize' as const, over: [400, 600] as [number, number] },
    { kind: 'argmax' as const, direction: 'maximize' as const },
    { kind: 'above' as const, direction: 'maximize' as const, threshold: 0.2, over: [350, 500] as [number, number] },
  ]) {
    const st = objectiveStats(o, grid, mean, C, S, 11);
    const ref = mcReference(mean, C, G, S, 99, (y) => curveObjective(o, grid, y));
    const se = Math.sqrt((st.std ** 2 + ref.std ** 2) / S);
    assert.ok(Math.abs(st.mean - ref.mean) < 5 * se + 1e-9, `${o.kind}: ${st.mean} vs reference ${ref.mean} (se ${se})`);
    assert.ok(Math.abs(st.std - ref.std) < 0.05 * ref.std + 1e-9, `${o.kind}: std ${st.std} vs ${ref.std}`);
  }
  // above with independent points has a closed form: Π Φ((μ_t − thr)/σ_t)
  const D = new Float64Array(G * G);
  for (let a = 0; a < G; a++) D[a * G + a] = 0.09;
  const o = { kind: 'above' as const, direction: 'maximize' as const, threshold: 0.1, over: [300, 450] as [number, number] };
  let p = 1;
  for (let t = 0; t < G; t++) if (grid[t] >= 300 && grid[t] <= 450) p *= normCdf((mean[t] - 0.1) / 0.3);
  const st = objectiveStats(o, grid, mean, D, S, 5);
  assert.ok(Math.abs(st.mean - p) < 4 * Math.sqrt(p * (1 - p) / S), `P(above) ${st.mean} vs ${p}`);
});

test('long layout: samples grouped by id (also an input), grid values no curve reaches are dropped and recorded', async () => {
  const { loadFunctionData } = await import('../../../src/core/functional/data');
  const rows: [string, number, number][] = [];
  for (const [f, off] of [['NaCl', 0], ['KCl', 1], ['LiF', 2], ['NaF', 3]] as const) {
    for (const T of [300 + 10 * off, 700, 1100, 1500 - 20 * off]) rows.push([f, T, T / 100 + off]);
  }
  const table = {
    path: '/tmp/x.csv', sha256: '', delimiter: ',', header: ['formula', 'T', 'Cp'],
    columns: [rows.map((r) => r[0]), rows.map((r) => String(r[1])), rows.map((r) => String(r[2]))],
    rowNumbers: rows.map((_, i) => i + 2), info: [],
  };
  const spec = { dataset: { path: 'x.csv', on_invalid: 'error', inputs: [{ column: 'formula', kind: 'composition' }], targets: [] } } as never;
  const target = { column: 'Cp', goal: 'predict' as const, kind: 'function' as const, long: { id: 'formula', argument: 'T', value: 'Cp' }, grid: { from: 100, to: 1500, points: 15 } };
  const fd = loadFunctionData(spec, target, table, '/tmp/spec.mi.yaml');
  assert.deepEqual(fd.ids, ['NaCl', 'KCl', 'LiF', 'NaF']);
  assert.equal(fd.table.rowNumbers.length, 4);
  assert.deepEqual(fd.table.columns[0], ['NaCl', 'KCl', 'LiF', 'NaF'], 'one row per sample, its inputs from its first row');
  // 100 and 200 K: no curve; 300 and 1500 K: only NaCl reaches them (fewer than 3 curves)
  assert.deepEqual(fd.resampling.droppedGridValues, [100, 200, 300, 1500]);
  assert.equal(fd.grid.length, 11);
  assert.equal(fd.grid[0], 400);
  const G = fd.grid.length;
  assert.ok(Math.abs(fd.Y[0 * G + 3] - 7) < 1e-12, 'NaCl at 700 K (measured)');
  assert.ok(Math.abs(fd.Y[3 * G + 0] - (3 + 3.3 + ((400 - 330) / (700 - 330)) * (7 - 3.3))) < 1e-12, 'NaF at 400 K, interpolated');
  assert.equal(fd.resampling.missing, 0);
  // with a margin, 300 K is filled for curves starting within it (end value, no slope) and kept
  const wide = loadFunctionData(spec, { ...target, grid: { from: 300, to: 1400, points: 12, margin: 25 } }, table, '/tmp/spec.mi.yaml');
  assert.equal(wide.grid[0], 300);
  assert.equal(wide.Y[1 * wide.grid.length], 3.1 + 1, 'KCl starts at 310 K: filled with its first value');
  assert.ok(Number.isNaN(wide.Y[3 * wide.grid.length]), 'NaF starts at 330 K, beyond the 25 K margin');
});
