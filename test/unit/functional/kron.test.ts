import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symEig } from '../../../src/core/functional/eig';
import { kronNll, kronParamCount, KroneckerGpModel, type KronProblem } from '../../../src/core/functional/kron';
import { kval, kvalGrad } from '../../../src/core/models/kernels';
import { Rng } from '../../../src/core/linalg/random';
import { matrix } from '../../../src/core/features/types';

function randSym(n: number, rng: Rng): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = rng.normal();
  return A;
}

test('symEig reconstructs A = V diag(λ) Vᵀ with orthonormal V (random, repeated and tiny sizes)', () => {
  const rng = new Rng(3);
  for (const n of [1, 2, 3, 7, 40]) {
    const A = randSym(n, rng);
    const { values, vectors: V } = symEig(A, n);
    for (let i = 1; i < n; i++) assert.ok(values[i] >= values[i - 1]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let a = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        a += V[i * n + k] * values[k] * V[j * n + k];
        o += V[k * n + i] * V[k * n + j];
      }
      assert.ok(Math.abs(a - A[i * n + j]) < 1e-9, `n=${n} A[${i},${j}]`);
      assert.ok(Math.abs(o - (i === j ? 1 : 0)) < 1e-9, `n=${n} orthonormal`);
    }
  }
  // identity (already diagonal) and a rank-1 PSD matrix
  const I = new Float64Array(16);
  for (let i = 0; i < 4; i++) I[i * 5] = 1;
  assert.deepEqual(Array.from(symEig(I, 4).values), [1, 1, 1, 1]);
  const u = [1, 2, 3, 4, 5];
  const R = new Float64Array(25);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) R[i * 5 + j] = u[i] * u[j];
  const e = symEig(R, 5);
  assert.ok(Math.abs(e.values[4] - 55) < 1e-9 && Math.abs(e.values[0]) < 1e-9);
});

/** Dense Cholesky-free reference: NLL of N(0, K) via eigendecomposition of the full nG x nG K (small case). */
function denseNll(p: KronProblem, x: Float64Array): number {
  const { n, d, G } = p;
  const nls = p.ard ? d : 1;
  const sf2 = Math.exp(x[nls]);
  const lt = Math.exp(x[nls + 1]);
  const sn2 = Math.exp(x[nls + 2]);
  const sc2 = Math.exp(x[nls + 3]);
  const N = n * G;
  const K = new Float64Array(N * N);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let r2 = 0;
    for (let k = 0; k < d; k++) r2 += ((p.X[i * d + k] - p.X[j * d + k]) * Math.exp(-x[p.ard ? k : 0])) ** 2;
    const kx = sf2 * kval(p.code, r2) + (i === j ? sc2 : 0);
    for (let a = 0; a < G; a++) for (let b = 0; b < G; b++) {
      const kt = kval(p.tcode, ((p.tg[a] - p.tg[b]) / lt) ** 2);
      K[(i * G + a) * N + j * G + b] = kx * kt + (i === j && a === b ? sn2 : 0);
    }
  }
  const e = symEig(K, N);
  let f = 0.5 * N * Math.log(2 * Math.PI);
  for (let c = 0; c < N; c++) {
    let proj = 0;
    for (let r = 0; r < N; r++) proj += e.vectors[r * N + c] * p.Y[r];
    f += 0.5 * (proj * proj / e.values[c] + Math.log(e.values[c]));
  }
  return f;
}

function problem(ard: boolean): KronProblem {
  const rng = new Rng(11);
  const n = 6, d = 2, G = 4;
  const X = new Float64Array(n * d).map(() => rng.normal());
  const Y = new Float64Array(n * G).map(() => rng.normal());
  const tg = Float64Array.from([0, 0.3, 0.55, 1]);
  return { X, n, d, Y, tg, G, code: 2, tcode: 0, ard };
}

test('Kronecker marginal likelihood equals the dense nG x nG Gaussian, and its gradient matches finite differences', () => {
  void kvalGrad;
  for (const ard of [true, false]) {
    const p = problem(ard);
    const np = kronParamCount(p);
    const x = new Float64Array(np).map((_, k) => [0.2, -0.3, 0.1, -0.5, -1.5, -2][k % 6]);
    const g = new Float64Array(np);
    const f = kronNll(p, x, g, false).f;
    assert.ok(Math.abs(f - denseNll(p, x)) < 1e-8, `ard=${ard}: kron ${f} vs dense ${denseNll(p, x)}`);
    for (let k = 0; k < np; k++) {
      const h = 1e-5;
      const xp = Float64Array.from(x); xp[k] += h;
      const xm = Float64Array.from(x); xm[k] -= h;
      const fd = (kronNll(p, xp, undefined, false).f - kronNll(p, xm, undefined, false).f) / (2 * h);
      assert.ok(Math.abs(fd - g[k]) < 1e-5 * Math.max(1, Math.abs(fd)), `ard=${ard} param ${k}: grad ${g[k]} vs fd ${fd}`);
    }
  }
});

test('Kronecker GP posterior mean and variance equal the dense GP on the full problem', async () => {
  const rng = new Rng(5);
  const n = 7, d = 2, grid = [300, 400, 550, 700, 900];
  const G = grid.length;
  const X = matrix(n, d, new Float64Array(n * d).map(() => rng.normal()));
  const Y = matrix(n, G);
  for (let i = 0; i < n; i++) for (let b = 0; b < G; b++) Y.data[i * G + b] = Math.sin(X.data[i * d] + grid[b] / 300) + 0.1 * rng.normal() + 3;
  const model = new KroneckerGpModel({ grid, ard: true, calibrate: false, argumentKernel: 'rbf' });
  await model.fit(X, Y, { seed: 1 });
  const hp = model.summary().hyperparameters as Record<string, number | number[]>;
  const Xt = matrix(3, d, new Float64Array(3 * d).map(() => rng.normal()));
  const p = model.predict(Xt);
  // dense reference in the model's standardised units, rebuilt from the fitted hyperparameters
  const mean = new Float64Array(G), sd = new Float64Array(G);
  for (let b = 0; b < G; b++) {
    let s = 0; for (let i = 0; i < n; i++) s += Y.data[i * G + b]; mean[b] = s / n;
    let v = 0; for (let i = 0; i < n; i++) v += (Y.data[i * G + b] - mean[b]) ** 2; sd[b] = Math.sqrt(v / n);
  }
  const xm = new Float64Array(d), xs = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    let s = 0; for (let i = 0; i < n; i++) s += X.data[i * d + k]; xm[k] = s / n;
    let v = 0; for (let i = 0; i < n; i++) v += (X.data[i * d + k] - xm[k]) ** 2; xs[k] = Math.sqrt(v / n);
  }
  const ls = hp.lengthscales as number[];
  const sf2 = hp.signal_variance as number, sn2 = hp.noise_variance as number, lt = hp.argument_lengthscale as number;
  const sc2 = hp.curve_noise_variance as number;
  const kfun = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, ta: number, tb: number): number => {
    let r2 = 0;
    for (let k = 0; k < d; k++) r2 += (((a[ao + k] - xm[k]) / xs[k] - (b[bo + k] - xm[k]) / xs[k]) / ls[k]) ** 2;
    return sf2 * kval(2, r2) * kval(0, ((ta - tb) / lt) ** 2);
  };
  const N = n * G;
  const K = new Float64Array(N * N);
  for (let i = 0; i < n; i++) for (let a = 0; a < G; a++) for (let j = 0; j < n; j++) for (let b = 0; b < G; b++) {
    K[(i * G + a) * N + j * G + b] = kfun(X.data, i * d, X.data, j * d, grid[a], grid[b]) + (i === j ? sc2 * kval(0, ((grid[a] - grid[b]) / lt) ** 2) : 0) + (i === j && a === b ? sn2 : 0);
  }
  const e = symEig(K, N);
  const solve = (v: Float64Array): Float64Array => {
    const out = new Float64Array(N);
    for (let c = 0; c < N; c++) {
      let proj = 0; for (let r = 0; r < N; r++) proj += e.vectors[r * N + c] * v[r];
      proj /= e.values[c];
      for (let r = 0; r < N; r++) out[r] += e.vectors[r * N + c] * proj;
    }
    return out;
  };
  const ys = new Float64Array(N);
  for (let i = 0; i < n; i++) for (let b = 0; b < G; b++) ys[i * G + b] = (Y.data[i * G + b] - mean[b]) / sd[b];
  const alpha = solve(ys);
  for (let m = 0; m < 3; m++) for (let a = 0; a < G; a++) {
    const ks = new Float64Array(N);
    for (let j = 0; j < n; j++) for (let b = 0; b < G; b++) ks[j * G + b] = kfun(Xt.data, m * d, X.data, j * d, grid[a], grid[b]);
    let mu = 0; for (let r = 0; r < N; r++) mu += ks[r] * alpha[r];
    const w = solve(ks);
    let q = 0; for (let r = 0; r < N; r++) q += ks[r] * w[r];
    const lv = sf2 - q;
    const k = m * G + a;
    assert.ok(Math.abs(p.mean[k] - (mean[a] + sd[a] * mu)) < 1e-7, `mean ${m},${a}: ${p.mean[k]} vs ${mean[a] + sd[a] * mu}`);
    assert.ok(Math.abs(p.latentVariance[k] - lv * sd[a] ** 2) < 1e-7, `latent var ${m},${a}`);
    assert.ok(Math.abs(p.variance[k] - (lv + sc2 + sn2) * sd[a] ** 2) < 1e-7, `var ${m},${a}`);
  }
  // the joint curve covariance agrees with the marginal latent variances
  const C = model.curveCovariance(Xt);
  for (let m = 0; m < 3; m++) for (let a = 0; a < G; a++) assert.ok(Math.abs(C[m][a * G + a] - p.latentVariance[m * G + a]) < 1e-9);
});
