/** Source networks and the library: frozen features = a manual forward pass; save/load round trip; untrusted files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/core/linalg/random';
import { getTfBackend } from '../../../src/core/models';
import { readyTf } from '../../../src/core/models/tf';
import { forwardJs, trainNet, type NetWeights } from '../../../src/core/transfer/net';
import { loadSource, readIndex, writeSource, type NetMeta } from '../../../src/core/transfer/library';

function randomNet(rng: Rng, dims: number[]): NetWeights {
  return dims.slice(0, -1).map((inDim, l) => ({
    inDim,
    outDim: dims[l + 1],
    W: Float32Array.from({ length: inDim * dims[l + 1] }, () => rng.normal() * 0.5),
    b: Float32Array.from({ length: dims[l + 1] }, () => rng.normal() * 0.1),
  }));
}

test('frozen-feature extraction equals a manual forward pass (and TensorFlow.js on the same weights)', async () => {
  const rng = new Rng(1);
  const dims = [5, 7, 6, 1];
  const w = randomNet(rng, dims);
  const n = 9;
  const X = { rows: n, cols: 5, data: Float64Array.from({ length: n * 5 }, () => rng.normal()) };
  for (const activation of ['relu', 'elu', 'tanh'] as const) {
    const f = forwardJs(w, activation, X, -1);
    const f0 = forwardJs(w, activation, X, 0);
    const a = (z: number) => (activation === 'relu' ? Math.max(0, z) : activation === 'elu' ? (z > 0 ? z : Math.exp(z) - 1) : Math.tanh(z));
    for (let i = 0; i < n; i++) {
      // manual: h1 = a(x W1 + b1), h2 = a(h1 W2 + b2), y = h2 W3 + b3
      const h1 = Array.from({ length: 7 }, (_, j) => a(w[0].b[j] + Array.from({ length: 5 }, (_, k) => X.data[i * 5 + k] * w[0].W[k * 7 + j]).reduce((s, v) => s + v, 0)));
      const h2 = Array.from({ length: 6 }, (_, j) => a(w[1].b[j] + h1.reduce((s, v, k) => s + v * w[1].W[k * 6 + j], 0)));
      const y = w[2].b[0] + h2.reduce((s, v, k) => s + v * w[2].W[k], 0);
      for (let j = 0; j < 6; j++) assert.ok(Math.abs(f.hidden!.data[i * 6 + j] - h2[j]) < 1e-12, `${activation} h2[${i},${j}]`);
      for (let j = 0; j < 7; j++) assert.ok(Math.abs(f0.hidden!.data[i * 7 + j] - h1[j]) < 1e-12, `${activation} h1[${i},${j}]`);
      assert.ok(Math.abs(f.out[i] - y) < 1e-12);
    }
  }
  await getTfBackend();
  const tf = readyTf()!.tf;
  const t = tf.tidy(() => {
    let h = tf.tensor2d(Float32Array.from(X.data), [n, 5]);
    for (let l = 0; l < 2; l++) h = tf.relu(tf.add(tf.matMul(h, tf.tensor2d(w[l].W, [w[l].inDim, w[l].outDim])), tf.tensor1d(w[l].b))) as typeof h;
    return h.dataSync();
  });
  const f = forwardJs(w, 'relu', X, -1);
  for (let k = 0; k < t.length; k++) assert.ok(Math.abs(t[k] - f.hidden!.data[k]) < 1e-4 * (1 + Math.abs(t[k])), `tf ${t[k]} vs js ${f.hidden!.data[k]}`);
});

function meta(id: string, w: NetWeights, d: number): NetMeta {
  return {
    format: 'mi-studio-source-net', version: 1, source: 'src', id, seed: 1,
    layers: w.map((l) => ({ inDim: l.inDim, outDim: l.outDim })), activation: 'elu', dropout: 0,
    xs: { mean: new Array(d).fill(0.5), std: new Array(d).fill(2) }, ys: { mean: 1, std: 3 },
    pipeline: { format: 'mi-studio-features', version: 1, inputs: [{ columns: ['a', 'b', 'c'], kind: 'numeric', descriptors: [] }], allNames: ['a', 'b', 'c'], kept: [0, 1, 2], featureNames: ['a', 'b', 'c'], droppedConstant: [] },
    val: { mae: 0.1, rmse: 0.2, rows: 5 }, epochs: 3,
  };
}

test('a library round-trips through save/load (weights bit-exact as float32, hashes, index), and several sources accumulate', async () => {
  const rng = new Rng(2);
  // a real (tiny) training run, so the weights are what pretrain writes
  const n = 80;
  const X = { rows: n, cols: 3, data: Float64Array.from({ length: n * 3 }, () => rng.normal()) };
  const y = Float64Array.from({ length: n }, (_, i) => X.data[i * 3] - X.data[i * 3 + 1]);
  const t = await trainNet(X, y, { arch: { hidden: [8, 4], activation: 'elu', dropout: 0 }, seed: 3, epochs: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'mi-lib-'));
  await writeSource(dir, { name: 'src', target: 'y', inputs: [{ columns: ['a', 'b', 'c'], kind: 'numeric', descriptors: [] }], dataset: { file: 'x.csv', sha256: 'abc', rows: n, trainedRows: n }, createdAt: 'now' },
    [{ meta: meta('src-0', t.weights, 3), weights: t.weights }], new Set(['0123456789abcdef', 'fedcba9876543210']));
  const other = randomNet(rng, [3, 5, 1]);
  await writeSource(dir, { name: 'other', target: 'z', inputs: [], dataset: { file: 'o.csv', sha256: 'def', rows: 1, trainedRows: 1 }, createdAt: 'now' }, [{ meta: meta('other-0', other, 3), weights: other }], new Set());
  const index = await readIndex(dir);
  assert.deepEqual(index.sources.map((s) => s.name), ['other', 'src']);
  const src = await loadSource(dir, index.sources.find((s) => s.name === 'src')!);
  assert.equal(src.nets.length, 1);
  assert.deepEqual(src.nets[0].weights.map((l) => Array.from(l.W)), t.weights.map((l) => Array.from(l.W)));
  assert.deepEqual(src.nets[0].weights.map((l) => Array.from(l.b)), t.weights.map((l) => Array.from(l.b)));
  assert.deepEqual([...src.hashes].sort(), ['0123456789abcdef', 'fedcba9876543210']);
  const a = forwardJs(t.weights, 'elu', X).out;
  const b = forwardJs(src.nets[0].weights, src.nets[0].meta.activation, X).out;
  assert.deepEqual(Array.from(a), Array.from(b));

  // untrusted files: a path leaving the folder, a truncated weight file and a broken index are refused with clear errors
  const libFile = join(dir, 'library.json');
  const good = readFileSync(libFile, 'utf8');
  const evil = JSON.parse(good);
  evil.sources[1].models[0].weights = '../../etc/passwd';
  writeFileSync(libFile, JSON.stringify(evil));
  await assert.rejects(loadSource(dir, (await readIndex(dir)).sources[1]), /leaves the library folder/);
  writeFileSync(libFile, good);
  const bin = join(dir, 'src', 'src-0.bin');
  writeFileSync(bin, readFileSync(bin).subarray(0, 12));
  await assert.rejects(loadSource(dir, (await readIndex(dir)).sources[1]), /bytes, expected/);
  writeFileSync(libFile, '{"format":"mi-studio-library","version":1,"sources":[{"name":"../x"}]}');
  await assert.rejects(readIndex(dir), /bad or missing name/);
});
