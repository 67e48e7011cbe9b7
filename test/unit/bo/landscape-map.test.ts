// On-demand landscape maps (`landscapeMap`, drawn by the editor host from landscape.json's context and the saved
// model): the same cells, values and design-space mask as a precomputed map of the same pair; on a composition simplex
// with a linear constraint every cell marked feasible lies inside the space; the context survives JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLandscape, landscapeMap, loadSetup, mapFeatures, saveSetup, type Landscape } from '../../../src/core/bo/landscape';
import { acquisitionOf, makeSetup } from '../../../src/core/bo/objectives';
import { buildSpace, isFeasible } from '../../../src/core/bo/space';
import { Rng } from '../../../src/core/bo/rng';
import type { FeatureSet } from '../../../src/core/features/types';
import type { Spec } from '../../../src/core/spec/types';
import { linearModel } from './linear-model';

// more than six varying features: only pairs of the six most relevant are precomputed (p, q and T are more relevant
// than some composition elements)
const names = ['ni', 'fe', 'co', 'ce', 'la', 'T', 'p', 'q', 'morgan:12'];
const w = [1, -0.5, 0.7, 2, 0.3, 0.01, 10, 8, 0.2];

const model = linearModel(w, [9, 2, 8, 7, 1, 6, 8.5, 8.2, 0]);

function trainingSet(): FeatureSet {
  const rng = new Rng(5);
  const rows: number[][] = [];
  while (rows.length < 40) {
    const g = [0, 1, 2, 3, 4].map(() => -Math.log(rng.uniform() + 1e-12));
    const s = g.reduce((a, b) => a + b, 0);
    const x = g.map((v) => v / s);
    if (x[3] + x[4] > 0.5) continue;
    rows.push([...x, 300 + 500 * rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform() < 0.5 ? 0 : 1]);
  }
  const X = { rows: rows.length, cols: names.length, data: Float64Array.from(rows.flat()) };
  const Y = { rows: rows.length, cols: 1, data: Float64Array.from(rows.map((r) => r.reduce((a, v, j) => a + w[j] * v, 0))) };
  return { X, Y, featureNames: names, targetNames: ['y'], ids: rows.map((_, i) => `r${i + 1}`), rowNumbers: rows.map((_, i) => i + 2), dropped: [] };
}

function landscape(): { L: Landscape; space: ReturnType<typeof buildSpace> } {
  const train = trainingSet();
  const spec = { seed: 1, dataset: { targets: [{ column: 'y', goal: 'maximize' }] }, optimize: { acquisition: 'ei', batch: 1 } } as unknown as Spec;
  const setup = makeSetup(spec, train.Y);
  const space = buildSpace({ composition: { elements: ['ni', 'fe', 'co', 'ce', 'la'], sum: 1 }, bounds: { T: [300, 800] }, constraints: ['ce + la <= 0.5'] } as never);
  const sugg = [{ id: 's1', rank: 1, features: [0.4, 0.2, 0.2, 0.1, 0.1, 500, 0.5, 0.25, 1], mean: 0.77, std: 0.2, acquisition: 0.1 }];
  // through JSON, as the host reads it from landscape.json
  const L = JSON.parse(JSON.stringify(buildLandscape({ runId: 'x', model, setup, train, suggestions: sugg, space }))) as Landscape;
  return { L, space };
}

/** The full row at a map cell: the other composition elements share what is left in the reference's proportions. */
function fullRow(L: Landscape, fixed: Record<number, number>): number[] {
  const ref = L.reference.features;
  const comp = [0, 1, 2, 3, 4];
  const r = ref.slice();
  for (const [j, v] of Object.entries(fixed)) r[Number(j)] = v;
  const fixedComp = Object.keys(fixed).map(Number).filter((j) => comp.includes(j));
  if (fixedComp.length) {
    const others = comp.filter((j) => !(j in fixed));
    const left = 1 - fixedComp.reduce((a, j) => a + fixed[j], 0);
    const refO = others.reduce((a, j) => a + ref[j], 0);
    for (const j of others) r[j] = (ref[j] * left) / refO;
  }
  return r;
}

test('on-demand map over a pair not precomputed: only cells inside the simplex and the constraint are feasible', async () => {
  const { L, space } = landscape();
  assert.ok(L.context, 'landscape.json carries the map context');
  const precomputed = new Set([L.grid2d!, ...(L.grids ?? [])].map((g) => `${g.xFeature}|${g.yFeature}`));
  // a pair of composition elements with no precomputed map (in either order)
  const comp = ['ni', 'fe', 'co', 'ce', 'la'];
  const pairs = comp.flatMap((a, i) => comp.slice(i + 1).map((b) => [a, b]));
  const [fx, fy] = pairs.find(([a, b]) => !precomputed.has(`${a}|${b}`) && !precomputed.has(`${b}|${a}`)) ?? [];
  assert.ok(fx && fy, `precomputed: ${[...precomputed].join(', ')}`);
  const jx = names.indexOf(fx);
  const jy = names.indexOf(fy);
  let pauses = 0;
  const g = await landscapeMap(L, model, fx, fy, { chunk: 100, pause: async () => void pauses++ });
  assert.equal(g.xFeature, fx);
  assert.equal(g.yFeature, fy);
  assert.equal(g.x.length * g.y.length, 900);
  assert.equal(pauses, 8, 'predicted in 9 chunks of 100 cells, pausing between them');
  assert.match(g.held ?? '', new RegExp(`${comp.filter((n) => n !== fx && n !== fy).join(', ')} rescaled .* sums to 1`));
  let feasible = 0;
  let infeasible = 0;
  g.y.forEach((yv, iy) => g.x.forEach((xv, ix) => {
    const r = fullRow(L, { [jx]: xv, [jy]: yv });
    const inside = isFeasible(space, r.slice(0, 6), 1e-5);
    assert.equal(g.feasible![iy][ix], inside, `${fx}=${xv}, ${fy}=${yv}`);
    if (inside) {
      feasible++;
      assert.ok(r[3] + r[4] <= 0.5 + 1e-6 && Math.abs(r.slice(0, 5).reduce((a, b) => a + b, 0) - 1) < 1e-6);
    } else infeasible++;
    // the model was evaluated at that row
    const mean = r.reduce((a, v, k) => a + w[k] * v, 0);
    assert.ok(Math.abs(g.mean[iy][ix] - mean) < 1e-4 * (1 + Math.abs(mean)), `mean at ${fx}=${xv}, ${fy}=${yv}`);
  }));
  assert.ok(feasible > 100 && infeasible > 100, `${feasible} feasible and ${infeasible} infeasible cells`);
  // points: measured rows, the incumbent and the suggestion at their own values of the two features
  const s = g.points!.find((p) => p.kind === 'suggestion')!;
  assert.deepEqual([s.id, s.x, s.y, s.value], ['s1', [0.4, 0.2, 0.2, 0.1, 0.1][jx], [0.4, 0.2, 0.2, 0.1, 0.1][jy], 0.77]);
  assert.equal(g.points!.filter((p) => p.kind === 'incumbent').length, 1);
  assert.equal(g.points!.length, 41);
});

test('on-demand map of a precomputed pair equals the precomputed map (cells, values, mask, points)', async () => {
  const { L } = landscape();
  for (const pre of [L.grid2d!, ...(L.grids ?? []).filter((q) => q.kind === 'features').slice(0, 3)]) {
    const g = await landscapeMap(L, model, pre.xFeature, pre.yFeature);
    assert.deepEqual(g.x, pre.x);
    assert.deepEqual(g.y, pre.y);
    assert.deepEqual(g.mean, pre.mean);
    assert.deepEqual(g.std, pre.std);
    assert.deepEqual(g.acquisition, pre.acquisition);
    assert.deepEqual(g.feasible, pre.feasible);
    assert.equal(g.held, pre.held);
    const key = (p: { kind: string; id: string; x: number; y: number }) => `${p.kind}:${p.id}:${p.x}:${p.y}`;
    assert.deepEqual(g.points!.map(key).sort(), (pre.points ?? L.points).map(key).sort());
  }
});

test('on-demand map: features offered, refused pairs, and a landscape without context', async () => {
  const { L } = landscape();
  assert.deepEqual(mapFeatures(L), ['ni', 'fe', 'co', 'ce', 'la', 'T', 'p', 'q'], 'fingerprint bits are not offered');
  await assert.rejects(landscapeMap(L, model, 'ni', 'nope'), /unknown feature "nope"/);
  await assert.rejects(landscapeMap(L, model, 'ni', 'morgan:12'), /fingerprint bit/);
  await assert.rejects(landscapeMap(L, model, 'ni', 'ni'), /two different features/);
  const old = { ...L, context: undefined };
  await assert.rejects(landscapeMap(old, model, 'ni', 'fe'), /no map context/);
  assert.deepEqual(mapFeatures(old), []);
});

test('the acquisition setup survives JSON (±Infinity, typed arrays) and scores the same', () => {
  const spec = { seed: 3, dataset: { targets: [{ column: 'a', goal: 'maximize' }, { column: 'b', goal: 'minimize' }] }, optimize: { acquisition: 'ei', batch: 1 } } as unknown as Spec;
  const Y = { rows: 4, cols: 2, data: Float64Array.from([1, 2, 2, 3, 0.5, 1, 3, 4]) };
  const setup = makeSetup(spec, Y);
  assert.ok(setup.mo?.strips && setup.mo.strips.u.includes(Infinity), 'EHVI strips end at +Infinity');
  const back = loadSetup(JSON.parse(JSON.stringify(saveSetup(setup))));
  for (const [m1, m2] of [[1.5, 2], [2.5, 0.8], [0, 10]]) {
    assert.equal(acquisitionOf(back, [m1, m2], [0.1, 0.2]), acquisitionOf(setup, [m1, m2], [0.1, 0.2]));
  }
  const single = makeSetup({ ...spec, dataset: { targets: [{ column: 'a', goal: 'maximize' }] } } as unknown as Spec, { rows: 0, cols: 1, data: new Float64Array(0) });
  assert.equal(loadSetup(JSON.parse(JSON.stringify(saveSetup(single)))).best, single.best);
});
