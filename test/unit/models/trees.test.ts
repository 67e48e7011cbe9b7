import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binFeatures, growTree, predictTreeRow, resolveMtry } from '../../../src/core/models/tree';
import { bootstrapCounts, ijVariances, inBagOf } from '../../../src/core/models/forest-var';
import { RandomForestModel } from '../../../src/core/models/rf';
import { GbmModel } from '../../../src/core/models/gbm';
import { createModel, crossValidate, loadModel } from '../../../src/core/models';
import { Rng } from '../../../src/core/linalg/random';
import type { Matrix } from '../../../src/core/features/types';

const mat = (rows: number, cols: number, v: ArrayLike<number>): Matrix => ({ rows, cols, data: Float64Array.from(v) });

function randomData(n: number, d: number, seed: number, noise = 0.3): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = Array.from({ length: n * d }, () => rng.uniform() * 4 - 2);
  const Y = Array.from({ length: n }, (_, i) => Math.sin(1.5 * X[i * d]) + 0.5 * X[i * d + 1] ** 2 + noise * rng.normal());
  return { X: mat(n, d, X), Y: mat(n, 1, Y) };
}

/**
 * Brute-force weighted CART reference: every feature in order, every midpoint between consecutive distinct values
 * present in the node, gain = SSE decrease, first strictly best wins; recursion (fine on tiny sets).
 */
type Ref = { leaf: number } | { f: number; thr: number; l: Ref; r: Ref };
function refTree(X: Matrix, y: number[], w: number[], rows: number[], depth: number, maxDepth: number, minLeaf: number): Ref {
  const d = X.cols;
  let W = 0, S = 0;
  for (const i of rows) {
    W += w[i];
    S += w[i] * y[i];
  }
  const leaf = { leaf: S / W };
  if (depth >= maxDepth || rows.length < 2 * minLeaf) return leaf;
  let best = 1e-12 * W;
  let bf = -1, bt = 0;
  for (let f = 0; f < d; f++) {
    const vals = [...new Set(rows.map((i) => X.data[i * d + f]))].sort((a, b) => a - b);
    for (let k = 0; k + 1 < vals.length; k++) {
      const thr = vals[k] + (vals[k + 1] - vals[k]) / 2;
      const L = rows.filter((i) => X.data[i * d + f] <= thr);
      const R = rows.filter((i) => X.data[i * d + f] > thr);
      if (L.length < minLeaf || R.length < minLeaf) continue;
      let wl = 0, sl = 0;
      for (const i of L) {
        wl += w[i];
        sl += w[i] * y[i];
      }
      const wr = W - wl, sr = S - sl;
      const gain = (sl * sl) / wl + (sr * sr) / wr - (S * S) / W;
      if (gain > best * (1 + 1e-9)) {
        best = gain;
        bf = f;
        bt = thr;
      }
    }
  }
  if (bf < 0) return leaf;
  const L = rows.filter((i) => X.data[i * d + bf] <= bt);
  const R = rows.filter((i) => X.data[i * d + bf] > bt);
  return { f: bf, thr: bt, l: refTree(X, y, w, L, depth + 1, maxDepth, minLeaf), r: refTree(X, y, w, R, depth + 1, maxDepth, minLeaf) };
}
function refPredict(t: Ref, x: ArrayLike<number>, off: number): number {
  let node = t;
  while (!('leaf' in node)) node = x[off + node.f] <= node.thr ? node.l : node.r;
  return node.leaf;
}

test('CART tree equals a brute-force weighted reference (exact splits, depth and leaf-size limits)', () => {
  for (const [maxDepth, minLeaf, seed] of [[Infinity, 1, 1], [3, 1, 2], [Infinity, 3, 3], [2, 2, 4]] as const) {
    const { X, Y } = randomData(40, 3, seed);
    // duplicate values in one feature (ties between rows)
    for (let i = 0; i < 40; i++) X.data[i * 3 + 2] = Math.round(X.data[i * 3 + 2]);
    const rng = new Rng(seed + 10);
    const w = Array.from({ length: 40 }, () => rng.int(3)); // bootstrap-like counts, some rows out
    const y = Array.from(Y.data);
    const tree = growTree(binFeatures(X.data, 40, 3), y, w, { maxDepth, minSamplesLeaf: minLeaf, mtry: 3 }, new Rng(0));
    const ref = refTree(X, y, w, [...Array(40).keys()].filter((i) => w[i] > 0), 0, maxDepth, minLeaf);
    const T = randomData(200, 3, seed + 100).X;
    for (let i = 0; i < 200; i++) {
      const a = predictTreeRow(tree, T.data, i * 3);
      const b = refPredict(ref, T.data, i * 3);
      assert.ok(Math.abs(a - b) < 1e-12, `depth ${maxDepth} leaf ${minLeaf}: row ${i}: ${a} vs ${b}`);
    }
    for (let i = 0; i < 40; i++) assert.ok(Math.abs(predictTreeRow(tree, X.data, i * 3) - refPredict(ref, X.data, i * 3)) < 1e-12);
  }
});

test('rf without bootstrap and with all features = one brute-force CART tree', async () => {
  const { X, Y } = randomData(30, 2, 5);
  const rf = new RandomForestModel({ trees: 7, bootstrap: false, maxFeatures: 'all', calibrate: false });
  await rf.fit(X, Y, { seed: 0 });
  // the model standardises y: the reference works on the same standardised targets and maps back
  const y = Array.from(Y.data);
  const mu = y.reduce((a, b) => a + b) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mu) ** 2, 0) / y.length);
  const ref = refTree(X, y.map((v) => (v - mu) / sd), y.map(() => 1), [...Array(30).keys()], 0, Infinity, 1);
  const T = randomData(100, 2, 6).X;
  const p = rf.predict(T);
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(p.mean[i] - (mu + sd * refPredict(ref, T.data, i * 2))) < 1e-10, `row ${i}`);
});

test('gbm (one member, no bootstrap, no subsampling) = brute-force boosting of reference trees', async () => {
  const { X, Y } = randomData(30, 2, 7);
  const stages = 15, lr = 0.1;
  const g = new GbmModel({ members: 1, trees: stages, learningRate: lr, maxDepth: 2, bootstrap: false, subsample: 1, maxFeatures: 'all' });
  await g.fit(X, Y, { seed: 0 });
  const y = Array.from(Y.data);
  const mu = y.reduce((a, b) => a + b) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mu) ** 2, 0) / y.length);
  const ys = y.map((v) => (v - mu) / sd);
  const F = ys.map(() => ys.reduce((a, b) => a + b) / ys.length);
  const init = F[0];
  const trees: Ref[] = [];
  for (let s = 0; s < stages; s++) {
    const r = ys.map((v, i) => v - F[i]);
    const t = refTree(X, r, y.map(() => 1), [...Array(30).keys()], 0, 2, 1);
    trees.push(t);
    for (let i = 0; i < 30; i++) F[i] += lr * refPredict(t, X.data, i * 2);
  }
  const T = randomData(100, 2, 8).X;
  const p = g.predict(T);
  for (let i = 0; i < 100; i++) {
    let f = init;
    for (const t of trees) f += lr * refPredict(t, T.data, i * 2);
    assert.ok(Math.abs(p.mean[i] - (mu + sd * f)) < 1e-10, `row ${i}: ${p.mean[i]} vs ${mu + sd * f}`);
  }
});

test('infinitesimal jackknife: matches the naive double sum, and the closed form σ̂²/n for the bagged mean', async () => {
  // (a) the implementation against the definition, exact and JL paths
  const rng = new Rng(3);
  const n = 12, B = 50, m = 4;
  const counts = Array.from({ length: B }, () => bootstrapCounts(n, rng));
  const P = Float64Array.from({ length: B * m }, () => rng.normal());
  const out = new Float64Array(m);
  ijVariances(P, m, inBagOf(counts, n), out);
  for (let p = 0; p < m; p++) {
    let tbar = 0;
    for (let b = 0; b < B; b++) tbar += P[b * m + p] / B;
    let v = 0;
    for (let i = 0; i < n; i++) {
      let nbar = 0;
      for (let b = 0; b < B; b++) nbar += counts[b][i] / B;
      let cov = 0;
      for (let b = 0; b < B; b++) cov += ((counts[b][i] - nbar) * (P[b * m + p] - tbar)) / B;
      v += cov * cov;
    }
    let ss = 0;
    for (let b = 0; b < B; b++) ss += (P[b * m + p] - tbar) ** 2;
    const expect = Math.max(0, v - (n / (B * B)) * ss);
    assert.ok(Math.abs(out[p] - expect) < 1e-12 * Math.max(1, expect), `point ${p}: ${out[p]} vs ${expect}`);
  }
  const jl = new Float64Array(m);
  ijVariances(P, m, inBagOf(counts, n), jl, 1); // forces the projection path
  assert.ok(jl.every((v) => Number.isFinite(v) && v >= 0));

  // (b) depth-0 trees predict the bootstrap mean t_b = Σ N_bi y_i / n: Cov(N_i, t) = (y_i − ȳ)/n, so
  // V_IJ = Σ (y_i − ȳ)² / n² = σ̂²/n (plug-in variance of the mean).
  const yv = [3, -1, 2, 5, 0, 1, 4, -2, 2, 6, 1, -3, 0, 2, 3, 1];
  const nn = yv.length;
  const X = mat(nn, 1, yv.map((_, i) => i));
  const Y = mat(nn, 1, yv);
  const rf = new RandomForestModel({ trees: 6000, maxDepth: 0, calibrate: false });
  await rf.fit(X, Y, { seed: 1 });
  const ybar = yv.reduce((a, b) => a + b) / nn;
  const closed = yv.reduce((a, b) => a + (b - ybar) ** 2, 0) / (nn * nn);
  const lat = rf.predict(mat(1, 1, [3])).latentVariance[0];
  assert.ok(Math.abs(lat - closed) / closed < 0.1, `IJ-U ${lat} vs closed form ${closed}`);
});

test('group bootstrap keeps each group together', () => {
  const groups = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4];
  const rng = new Rng(9);
  for (let r = 0; r < 50; r++) {
    const c = bootstrapCounts(groups.length, rng, groups);
    for (let i = 0; i < groups.length; i++) for (let j = 0; j < groups.length; j++) if (groups[i] === groups[j]) assert.equal(c[i], c[j]);
  }
});

test('rf and gbm: save/load round-trip gives identical predictions; relevance finds the informative feature', async () => {
  const { X, Y } = randomData(80, 4, 11, 0.1);
  for (const type of ['rf', 'gbm'] as const) {
    const m = createModel({ type, trees: 60 }, { seed: 2 });
    await m.fit(X, Y, { seed: 2 });
    const T = randomData(30, 4, 12).X;
    const a = m.predict(T);
    const r = loadModel(JSON.parse(JSON.stringify(m.save())));
    const b = r.predict(T);
    assert.deepEqual(Array.from(b.mean), Array.from(a.mean), type);
    assert.deepEqual(Array.from(b.variance), Array.from(a.variance), type);
    assert.deepEqual(Array.from(b.latentVariance), Array.from(a.latentVariance), type);
    const rel = m.summary().featureRelevance!;
    assert.ok(rel[0] + rel[1] > 0.7, `${type}: relevance ${rel.map((v) => v.toFixed(2))}`);
    for (let i = 0; i < 30; i++) assert.ok(a.variance[i] > a.latentVariance[i] && a.latentVariance[i] >= 0);
  }
  assert.throws(() => loadModel({ type: 'rf', version: 1, state: { d: 2, outputs: [] } }), /saved rf model/);
});

test('rf and gbm: 90% intervals cover 0.8–0.97 of held-out rows (5-fold CV, synthetic data)', async () => {
  const { X, Y } = randomData(240, 5, 21, 0.4);
  for (const type of ['rf', 'gbm'] as const) {
    const cv = await crossValidate(() => createModel({ type, trees: type === 'rf' ? 150 : 300 }, { seed: 0 }), X, Y, { folds: 5, repeats: 1, seed: 0 });
    const c = cv.metrics[0].coverage90;
    assert.ok(c >= 0.8 && c <= 0.97, `${type}: coverage90 ${c}`);
    assert.ok(cv.metrics[0].r2 > 0.5, `${type}: r2 ${cv.metrics[0].r2}`);
  }
});

test('trees: deep chains and many rows grow without recursion; max_features rules', () => {
  // y doubling along x: each best split peels off the largest row → a chain as deep as the distinct values
  const n = 200;
  const X = mat(n, 1, Array.from({ length: n }, (_, i) => i));
  const y = Array.from({ length: n }, (_, i) => 1.2 ** i);
  const tree = growTree(binFeatures(X.data, n, 1), y, y.map(() => 1), { maxDepth: Infinity, minSamplesLeaf: 1, mtry: 1 }, new Rng(0));
  for (let i = 0; i < n; i++) assert.ok(Math.abs(predictTreeRow(tree, X.data, i) - y[i]) < 1e-9 * y[i]);
  assert.equal(resolveMtry('sqrt', 100, 1), 10);
  assert.equal(resolveMtry('third', 135, 1), 45);
  assert.equal(resolveMtry(0.5, 10, 1), 5);
  assert.equal(resolveMtry(7, 10, 1), 7);
  assert.equal(resolveMtry(undefined, 9, 'third'), 3);
});
