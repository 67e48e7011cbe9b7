import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignFolds, crossValidate, createModel, loadModel } from '../../../src/core/models';
import { simplexWeights } from '../../../src/core/models/stack';
import { cvGroups } from '../../../src/core/run/groups';
import { Rng } from '../../../src/core/linalg/random';
import type { Matrix, FeatureSet } from '../../../src/core/features/types';
import type { Table } from '../../../src/core/data/types';
import type { Spec } from '../../../src/core/spec/types';
import type { FitOptions, Model } from '../../../src/core/models/types';

test('grouped folds never split a group, use every fold and stay balanced', () => {
  const rng = new Rng(1);
  for (let rep = 0; rep < 20; rep++) {
    const n = 60 + rng.int(80);
    const groups = Int32Array.from({ length: n }, () => rng.int(25)); // ~25 groups of uneven size
    const distinct = new Set(groups).size;
    const folds = Math.min(5, distinct);
    const fold = assignFolds(n, folds, rep, groups);
    const foldOf = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const f = foldOf.get(groups[i]);
      if (f === undefined) foldOf.set(groups[i], fold[i]);
      else assert.equal(fold[i], f, `group ${groups[i]} split across folds ${f} and ${fold[i]}`);
    }
    const sizes = new Array<number>(folds).fill(0);
    for (let i = 0; i < n; i++) sizes[fold[i]]++;
    assert.ok(sizes.every((s) => s > 0), `empty fold: ${sizes}`);
    const maxGroup = Math.max(...[...new Set(groups)].map((g) => groups.filter((x) => x === g).length));
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= maxGroup, `unbalanced ${sizes}`);
  }
  // without groups: the old round-robin deal (sizes differ by at most one)
  const plain = assignFolds(23, 5, 3);
  const sz = [0, 0, 0, 0, 0];
  for (const f of plain) sz[f]++;
  assert.ok(Math.max(...sz) - Math.min(...sz) <= 1);
});

test('crossValidate with groups: no test row shares a group with a training row; fits receive the groups', async () => {
  const n = 50;
  const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 4)); // 13 groups
  const X: Matrix = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => i) };
  const Y: Matrix = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => Math.sin(i)) };
  const seen: ArrayLike<number>[] = [];
  let current: Int32Array = groups;
  class Spy implements Model {
    readonly type = 'spy';
    private trainGroups = new Set<number>();
    async fit(x: Matrix, _y: Matrix, o: FitOptions): Promise<void> {
      assert.ok(o.groups && o.groups.length === x.rows);
      seen.push(o.groups);
      for (let i = 0; i < x.rows; i++) this.trainGroups.add(current[x.data[i]]);
    }
    predict(x: Matrix) {
      for (let i = 0; i < x.rows; i++) assert.ok(!this.trainGroups.has(current[x.data[i]]), `row ${x.data[i]} leaked`);
      return { mean: new Float64Array(x.rows), variance: new Float64Array(x.rows).fill(1), latentVariance: new Float64Array(x.rows), rows: x.rows, outputs: 1 };
    }
    summary() {
      return { type: 'spy', hyperparameters: {} };
    }
    save() {
      return { type: 'spy', version: 1 as const, state: null };
    }
  }
  const cv = await crossValidate(() => new Spy(), X, Y, { folds: 5, repeats: 2, seed: 0, groups });
  assert.equal(seen.length, 10);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (groups[i] === groups[j]) assert.equal(cv.fold[i], cv.fold[j]);
  // fewer groups than folds: folds shrink to the group count
  const two = Int32Array.from({ length: n }, (_, i) => i % 2);
  current = two;
  const cv2 = await crossValidate(() => new Spy(), X, Y, { folds: 5, repeats: 1, seed: 0, groups: two });
  assert.equal(Math.max(...cv2.fold) + 1, 2);
});

function fakeRun(cells: string[], extra?: { group?: string[] }, by?: 'composition' | 'row', group?: string): { spec: Spec; table: Table; set: FeatureSet } {
  const n = cells.length;
  const header = ['formula', 'T', 'y', ...(extra?.group ? ['batch'] : [])];
  const table: Table = {
    path: 'x.csv', sha256: '', delimiter: ',', header,
    columns: [cells, cells.map((_, i) => String(i)), cells.map(() => '1'), ...(extra?.group ? [extra.group] : [])],
    rowNumbers: cells.map((_, i) => i + 2),
    info: [],
  };
  const set: FeatureSet = {
    X: { rows: n, cols: 1, data: new Float64Array(n) }, featureNames: ['a'], Y: { rows: n, cols: 1, data: new Float64Array(n) },
    targetNames: ['y'], ids: cells.map((_, i) => String(i)), rowNumbers: cells.map((_, i) => i + 2), dropped: [],
  };
  const spec = {
    version: 1, name: 't', seed: 0,
    dataset: { path: 'x.csv', on_invalid: 'error', inputs: [{ column: 'formula', kind: 'composition', descriptors: ['magpie'] }, { column: 'T', kind: 'numeric' }], targets: [{ column: 'y', goal: 'predict' }] },
    model: { type: 'rf' },
    evaluation: { cv: { folds: 5, repeats: 1, ...(by ? { by } : {}), ...(group ? { group } : {}) } },
    output: { dir: 'runs' },
  } as Spec;
  return { spec, table, set };
}

test('cvGroups: on by default when a composition repeats (reduced formulas), with a note; by: row and group: column', async () => {
  const cells = ['Fe2O3', 'Fe4O6', 'NaCl', 'NaCl', 'SiO2', 'TiO2'];
  const logs: string[] = [];
  const r = fakeRun(cells);
  const g = await cvGroups(r.spec, r.table, r.set, (_l, m) => logs.push(m));
  assert.ok(g, 'grouped by default');
  assert.equal(g.by, 'composition');
  assert.equal(g.count, 4);
  assert.equal(g.groups[0], g.groups[1], 'Fe2O3 and Fe4O6 are one composition');
  assert.equal(g.groups[2], g.groups[3]);
  assert.notEqual(g.groups[4], g.groups[5]);
  assert.match(logs.join('\n'), /grouped by composition.*evaluation\.cv\.by: row/s);

  const unique = fakeRun(['Fe2O3', 'NaCl', 'SiO2']);
  assert.equal(await cvGroups(unique.spec, unique.table, unique.set, () => {}), undefined, 'no repeats: plain k-fold');
  const off = fakeRun(cells, undefined, 'row');
  assert.equal(await cvGroups(off.spec, off.table, off.set, () => {}), undefined, 'by: row turns it off');
  const col = fakeRun(cells, { group: ['a', 'a', 'b', 'c', 'c', 'c'] }, undefined, 'batch');
  const gc = await cvGroups(col.spec, col.table, col.set, () => {});
  assert.ok(gc);
  assert.equal(gc.count, 3);
  assert.deepEqual(Array.from(gc.groups), [0, 0, 1, 2, 2, 2]);
});

test('stack weights: non-negative, sum to 1, recover an exact mixture and drop a useless model', () => {
  const rng = new Rng(5);
  const n = 100;
  const a = Float64Array.from({ length: n }, () => rng.normal());
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const c = Float64Array.from({ length: n }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => 0.3 * a[i] + 0.7 * b[i]);
  const w = simplexWeights([a, b, c], y);
  assert.ok(Math.abs(w[0] - 0.3) < 1e-9 && Math.abs(w[1] - 0.7) < 1e-9 && Math.abs(w[2]) < 1e-9, `${w}`);
  // y anti-correlated with c: unconstrained LS would give c a negative weight
  const y2 = Float64Array.from({ length: n }, (_, i) => a[i] - 0.5 * c[i]);
  const w2 = simplexWeights([a, c], y2);
  assert.ok(w2.every((v) => v >= 0) && Math.abs(w2[0] + w2[1] - 1) < 1e-12, `${w2}`);
  assert.equal(w2[1], 0);
});

test('auto: tries gp, rf, gbm, rf-gp and ridge, records every score, and round-trips through save/load', async () => {
  const rng = new Rng(12);
  const n = 60, d = 3;
  const X: Matrix = { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.uniform() * 4 - 2) };
  const Y: Matrix = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => Math.sin(X.data[i * d]) + (X.data[i * d + 1] > 0 ? 1 : 0) + 0.1 * rng.normal()) };
  const m = createModel({ type: 'auto', trees: 40 }, { seed: 0 });
  await m.fit(X, Y, { seed: 0 });
  const s = m.summary();
  const types = (s.candidates ?? []).map((c) => c.type);
  for (const t of ['gp', 'rf', 'gbm', 'rf-gp', 'ridge']) assert.ok(types.includes(t), `candidate ${t} missing: ${types}`);
  for (const c of s.candidates!) assert.ok(Number.isFinite(c.score) && c.score > 0, `${c.type} score ${c.score}`);
  const chosen = s.candidates!.filter((c) => c.chosen);
  assert.equal(chosen.length, 1);
  assert.equal(s.chosen, chosen[0].type);
  const single = s.candidates!.filter((c) => c.type !== 'stack');
  const bestSingle = Math.min(...single.map((c) => c.score));
  assert.ok(chosen[0].score <= bestSingle + 1e-12, 'the pick is never scored worse than the best single candidate');
  assert.ok(typeof s.hyperparameters.inner_cv_rmse_rf === 'number');
  const r = loadModel(JSON.parse(JSON.stringify(m.save())));
  assert.deepEqual(Array.from(r.predict(X).mean), Array.from(m.predict(X).mean));
  assert.deepEqual(Array.from(r.predict(X).variance), Array.from(m.predict(X).variance));
  assert.deepEqual(r.summary().candidates, s.candidates);
});
