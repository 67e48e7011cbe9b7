import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLandscape } from '../../../src/core/bo/landscape';
import { makeSetup } from '../../../src/core/bo/objectives';
import { buildSpace, isFeasible } from '../../../src/core/bo/space';
import { Rng } from '../../../src/core/bo/rng';
import type { FeatureSet } from '../../../src/core/features/types';
import type { Spec } from '../../../src/core/spec/types';
import { linearModel } from './linear-model';

const names = ['ni', 'fe', 'ce', 'la', 'T'];
const w = [1, -0.5, 2, 0.3, 0.01];

const model = linearModel(w, [5, 4, 3, 2, 1]);

function trainingSet(): FeatureSet {
  const rng = new Rng(3);
  const rows: number[][] = [];
  while (rows.length < 30) {
    const g = [0, 1, 2, 3].map(() => -Math.log(rng.uniform() + 1e-12));
    const s = g.reduce((a, b) => a + b, 0);
    const x = g.map((v) => v / s);
    if (x[2] + x[3] > 0.5) continue;
    rows.push([...x, 300 + 500 * rng.uniform()]);
  }
  const X = { rows: rows.length, cols: 5, data: Float64Array.from(rows.flat()) };
  const Y = { rows: rows.length, cols: 1, data: Float64Array.from(rows.map((r) => r.reduce((a, v, j) => a + w[j] * v, 0))) };
  return { X, Y, featureNames: names, targetNames: ['y'], ids: rows.map((_, i) => `r${i + 1}`), rowNumbers: rows.map((_, i) => i + 2), dropped: [] };
}

test('landscape on a composition simplex with a constraint: slices and maps rescale the rest and flag what lies outside', () => {
  const train = trainingSet();
  const spec = { seed: 1, dataset: { targets: [{ column: 'y', goal: 'maximize' }] }, optimize: { acquisition: 'ei', batch: 1 } } as unknown as Spec;
  const setup = makeSetup(spec, train.Y);
  const space = buildSpace({ composition: { elements: ['ni', 'fe', 'ce', 'la'], sum: 1 }, bounds: { T: [300, 800] }, constraints: ['ce + la <= 0.5'] } as never);
  const sugg = [{ id: 's1', rank: 1, features: [0.5, 0.2, 0.2, 0.1, 500], mean: 0.77, std: 0.2, acquisition: 0.1 }];
  const L = buildLandscape({ runId: 'x', model, setup, train, suggestions: sugg, space });
  const ref = L.reference.features;
  const full = (fixed: Record<number, number>): number[] => {
    const comp = [0, 1, 2, 3];
    const others = comp.filter((j) => !(j in fixed));
    const left = 1 - Object.values(fixed).reduce((a, b) => a + b, 0);
    const refO = others.reduce((a, j) => a + ref[j], 0);
    const r = ref.slice();
    for (const [j, v] of Object.entries(fixed)) r[Number(j)] = v;
    for (const j of others) r[j] = (ref[j] * left) / refO;
    return r;
  };
  let feasible = 0;
  let infeasible = 0;
  for (const s of L.slices) {
    const j = names.indexOf(s.feature);
    assert.ok(s.feasible && s.feasible.length === s.grid.length, `${s.feature} has a feasibility mask`);
    assert.match(s.held ?? '', j < 4 ? /rescaled .* sums to 1/ : /held at row/);
    s.grid.forEach((x, i) => {
      const r = j < 4 ? full({ [j]: x }) : (() => { const q = ref.slice(); q[j] = x; return q; })();
      assert.equal(s.feasible![i], isFeasible(space, r, 1e-5), `${s.feature} = ${x}`);
      // the model was evaluated at that row (the rest rescaled), not at the reference with one element changed
      assert.ok(Math.abs(s.mean[i] - r.reduce((a, v, k) => a + w[k] * v, 0)) < 1e-4 * (1 + Math.abs(s.mean[i])));
      if (s.feasible![i]) feasible++;
      else infeasible++;
    });
    assert.deepEqual(s.marks, [{ id: 's1', rank: 1, x: sugg[0].features[j], mean: 0.77, std: 0.2 }], 'the suggestion at its own value and predicted mean');
  }
  assert.ok(feasible > 100 && infeasible > 5, `${feasible} feasible, ${infeasible} infeasible slice points`);
  const maps = [L.grid2d!, ...(L.grids ?? []).filter((g) => g.kind === 'features')];
  assert.ok(maps.length >= 6, `${maps.length} maps`);
  for (const g of maps) {
    const jx = names.indexOf(g.xFeature);
    const jy = names.indexOf(g.yFeature);
    g.y.forEach((yv, iy) => g.x.forEach((xv, ix) => {
      const fixed: Record<number, number> = { [jx]: xv, [jy]: yv };
      const comp = Object.keys(fixed).map(Number).filter((j) => j < 4);
      let r: number[];
      if (comp.length) {
        const compFixed = Object.fromEntries(comp.map((j) => [j, fixed[j]]));
        r = full(compFixed);
        for (const j of [jx, jy]) if (j >= 4) r[j] = fixed[j];
      } else {
        r = ref.slice();
        r[jx] = xv;
        r[jy] = yv;
      }
      assert.equal(g.feasible![iy][ix], isFeasible(space, r, 1e-5), `${g.xFeature}=${xv}, ${g.yFeature}=${yv}`);
    }));
  }
  assert.deepEqual(L.space, { names: ['ni', 'fe', 'ce', 'la', 'T'], composition: { names: ['ni', 'fe', 'ce', 'la'], sum: 1 }, constraints: ['ce + la <= 0.5'] });
  // without a space nothing is masked
  const free = buildLandscape({ runId: 'x', model, setup, train, suggestions: sugg });
  assert.ok(free.slices.every((s) => s.feasible === undefined) && free.grid2d!.feasible === undefined && free.space === undefined);
});
