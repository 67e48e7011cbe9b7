import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureSet } from '../../../src/core/features/types';
import type { Spec } from '../../../src/core/spec/types';
import { createModel } from '../../../src/core/models';
import { simulate } from '../../../src/core/bo/simulate';
import { Rng } from '../../../src/core/bo/rng';

test('simulate on a small synthetic pool: BO reaches a top-1% row in fewer experiments than random', async () => {
  // 20 x 20 grid, one smooth bump: a GP should find the top 4 rows quickly
  const rng = new Rng(8);
  const X: number[] = [];
  const Y: number[] = [];
  for (let i = 0; i < 20; i++)
    for (let j = 0; j < 20; j++) {
      const a = i / 19;
      const b = j / 19;
      X.push(a, b);
      Y.push(Math.exp(-((a - 0.7) ** 2 + (b - 0.25) ** 2) / 0.05) + 0.01 * rng.normal());
    }
  const n = Y.length;
  const set: FeatureSet = {
    X: { rows: n, cols: 2, data: Float64Array.from(X) }, Y: { rows: n, cols: 1, data: Float64Array.from(Y) },
    featureNames: ['a', 'b'], targetNames: ['y'], ids: Y.map((_, i) => String(i + 1)), rowNumbers: Y.map((_, i) => i + 2), dropped: [],
  };
  const spec: Spec = {
    version: 1, name: 'syn', seed: 0,
    dataset: { path: 'x.csv', on_invalid: 'error', inputs: [{ columns: ['a', 'b'], kind: 'numeric' }], targets: [{ column: 'y', goal: 'maximize' }] },
    model: { type: 'gp' }, evaluation: { cv: { folds: 3, repeats: 1 } }, optimize: { acquisition: 'ei', batch: 2 }, output: { dir: 'runs' },
  };
  const res = await simulate(spec, 'syn.mi.yaml', { set, dataRow: Y.map((_, i) => i + 1), path: 'x.csv', sha256: '', tableRows: n }, {
    budget: 60, initial: 5, repeats: 6, seed: 1, makeModel: (seed: number) => createModel({ type: 'gp', kernel: 'matern52', ard: false, restarts: 1 }, { seed }), modelName: 'gp', refitEvery: 3,
  });
  assert.equal(res.runs.length, 6);
  for (const r of res.runs) {
    assert.equal(r.bo.order.length, 60);
    assert.equal(new Set(r.bo.order).size, 60, 'no row measured twice');
    assert.deepEqual(r.bo.order.slice(0, 5), r.random.order.slice(0, 5), 'same initial rows');
    assert.ok(r.bo.order.every((v) => v >= 1 && v <= n));
  }
  assert.equal(res.top.top1.count, 4);
  const bo = res.summary.bo.experimentsToTop1.median;
  const rnd = res.summary.random.experimentsToTop1.median;
  assert.ok(bo !== null, 'BO finds a top-1% row within budget');
  assert.ok(rnd === null || bo < rnd, `BO ${bo} vs random ${rnd}`);
  // best-so-far is monotone
  const med = res.summary.bo.bestSoFar.map((q) => q.median!);
  for (let k = 1; k < med.length; k++) assert.ok(med[k] >= med[k - 1] - 1e-12);
});
