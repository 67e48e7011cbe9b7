import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GpModel, GpObjective, ARD_DEFAULT_MAX_FEATURES } from '../../../src/core/models/gp';
import { crossKernel, tanimoto, TANIMOTO } from '../../../src/core/models/kernels';
import { Rng } from '../../../src/core/linalg/random';
import { loadModel } from '../../../src/core/models';
import type { Matrix } from '../../../src/core/features/types';
import type { FitProgress } from '../../../src/core/models/types';

/** Sparse count "fingerprints" (n x d) and a target driven by a few of their bits. */
function counts(n: number, d: number, seed: number): { X: Matrix; Y: Matrix } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) if (rng.uniform() < 0.15) X[i * d + k] = 1 + Math.floor(rng.uniform() * 3);
    y[i] = X[i * d] - 0.5 * X[i * d + 1] + 0.3 * X[i * d + 2] * X[i * d + 3] + 0.05 * rng.normal();
  }
  return { X: { rows: n, cols: d, data: X }, Y: { rows: n, cols: 1, data: y } };
}

test('Tanimoto similarity is Σmin/Σmax (and 1 for two all-zero rows)', () => {
  const A = Float64Array.from([1, 2, 0, 0, 0, 0]);
  const B = Float64Array.from([2, 1, 1]);
  assert.equal(tanimoto(A, 0, B, 0, 3, 3, 4), 2 / 5);
  assert.equal(tanimoto(A, 3, A, 3, 3, 0, 0), 1);
  const out = new Float64Array(2);
  crossKernel(TANIMOTO, A, 2, B, 1, 3, out);
  assert.deepEqual(Array.from(out), [0.4, 0]);
});

test('Tanimoto GP objective: gradient matches central finite differences (signal and noise variance)', () => {
  const { X, Y } = counts(40, 12, 3);
  const obj = new GpObjective(X.data, 40, 12, Y.data, TANIMOTO, false, null, true);
  const theta = Float64Array.from([0.3, 0.2, -2]);
  const g = new Float64Array(3);
  obj.evaluate(theta, g);
  for (const k of [1, 2]) {
    const h = 1e-5;
    const tp = Float64Array.from(theta);
    const tm = Float64Array.from(theta);
    tp[k] += h;
    tm[k] -= h;
    const fd = (obj.evaluate(tp) - obj.evaluate(tm)) / (2 * h);
    assert.ok(Math.abs(fd - g[k]) < 1e-4 * Math.max(1, Math.abs(fd)), `d/dθ${k}: ${g[k]} vs ${fd}`);
  }
});

test('Tanimoto GP: fits count data, predicts held-out rows better than the mean, refuses negative features, save/load exact', async () => {
  const { X, Y } = counts(120, 40, 5);
  const train = { X: { rows: 90, cols: 40, data: X.data.subarray(0, 90 * 40) }, Y: { rows: 90, cols: 1, data: Y.data.subarray(0, 90) } };
  const test = { rows: 30, cols: 40, data: X.data.subarray(90 * 40) };
  const m = new GpModel({ kernel: 'tanimoto', seed: 1, restarts: 2 });
  await m.fit(train.X, train.Y, { seed: 1 });
  const p = m.predict(test);
  const yTest = Y.data.subarray(90);
  const mean = train.Y.data.reduce((a, b) => a + b, 0) / 90;
  let se = 0;
  let se0 = 0;
  for (let i = 0; i < 30; i++) {
    se += (yTest[i] - p.mean[i]) ** 2;
    se0 += (yTest[i] - mean) ** 2;
    assert.ok(p.variance[i] > 0 && p.latentVariance[i] > 0);
  }
  assert.ok(se < 0.7 * se0, `held-out SSE ${se} vs mean-only ${se0}`);
  assert.equal(m.summary().hyperparameters.lengthscales, undefined, 'no lengthscale reported');
  const back = loadModel(JSON.parse(JSON.stringify(m.save())));
  assert.deepEqual(Array.from(back.predict(test).mean), Array.from(p.mean));
  const neg = { rows: 90, cols: 40, data: Float64Array.from(train.X.data, (v, i) => (i === 7 ? -1 : v)) };
  await assert.rejects(new GpModel({ kernel: 'tanimoto' }).fit(neg, train.Y, { seed: 1 }), /non-negative/);
});

test('absent ard: ARD up to the feature-count limit, one shared lengthscale above it (explicit ard honoured); progress in words', async () => {
  const { X, Y } = counts(60, ARD_DEFAULT_MAX_FEATURES + 8, 7);
  const iso = new GpModel({ seed: 1, restarts: 1 });
  const messages: FitProgress[] = [];
  await iso.fit(X, Y, { seed: 1, onProgress: (p) => messages.push(p) });
  assert.equal((iso.summary().hyperparameters.lengthscales as number[]).length, 1);
  const rel = iso.summary().featureRelevance as number[];
  assert.ok(Math.abs(rel.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'relevance sums to 1');
  assert.ok(rel[0] > 1 / X.cols, 'the feature driving the target is more relevant than average');
  assert.ok(messages.some((p) => p.phase === 'note' && /one shared lengthscale/.test(p.message ?? '')));
  assert.ok(messages.some((p) => /^isotropic optimiser start 1 of 1 on 60 rows, iteration \d+, −log likelihood -?\d/.test(p.message ?? '')));
  const ard = new GpModel({ seed: 1, restarts: 1, ard: true, maxIter: 5 });
  await ard.fit(X, Y, { seed: 1 });
  assert.equal((ard.summary().hyperparameters.lengthscales as number[]).length, X.cols);
  const small = counts(40, 5, 9);
  const few = new GpModel({ seed: 1, restarts: 1 });
  await few.fit(small.X, small.Y, { seed: 1 });
  assert.equal((few.summary().hyperparameters.lengthscales as number[]).length, 5);
});

test('spec defaults: a gp on Morgan fingerprints alone gets kernel tanimoto; other inputs or an explicit kernel keep theirs', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { validateSpecText } = await import('../../../src/core/spec');
  const dir = mkdtempSync(join(tmpdir(), 'gp-kernel-default-'));
  writeFileSync(join(dir, 'd.csv'), 'smiles,t,y\nCCO,300,1\nCCC,310,2\nCCN,320,3\n');
  const spec = (inputs: string, model: string): string =>
    `version: 1\nname: k\ndataset:\n  path: d.csv\n  inputs:\n${inputs}\n  targets:\n    - column: y\n${model}`;
  const fp = '    - column: smiles\n      kind: smiles\n      descriptors: [morgan]';
  const kernelOf = async (text: string): Promise<string | undefined> => {
    const r = await validateSpecText(text, join(dir, 'k.mi.yaml'));
    assert.ok(r.spec, JSON.stringify(r.diagnostics));
    return r.spec.model.kernel;
  };
  assert.equal(await kernelOf(spec(fp, '')), 'tanimoto');
  assert.equal(await kernelOf(spec(fp, 'model: {type: gp, kernel: matern52}')), 'matern52');
  assert.equal(await kernelOf(spec(`${fp}\n    - column: t\n      kind: numeric`, '')), 'matern52');
  assert.equal(await kernelOf(spec(fp, 'model: {type: rf-gp}')), 'matern52');
});
