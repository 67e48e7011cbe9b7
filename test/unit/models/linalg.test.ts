import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiError } from '../../../src/core/diagnostics';
import {
  choleskyJitter,
  choleskyOrThrow,
  invertLower,
  invertLowerTRows,
  gramUpperRows,
  upperSplit,
  matmul,
  matmulABt,
  cholSolve,
} from '../../../src/core/linalg/dense';
import { solveLowerRowsBlocked } from '../../../src/core/models/fastvar';
import { minimizeLbfgsb } from '../../../src/core/linalg/lbfgsb';
import { Rng } from '../../../src/core/linalg/random';

function naiveMul(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) C[i * n + j] += A[i * k + p] * B[p * n + j];
  return C;
}

test('blocked matmul and A·Bᵀ agree with the naive triple loop', () => {
  const rng = new Rng(1);
  const m = 37, k = 150, n = 29;
  const A = Float64Array.from({ length: m * k }, () => rng.normal());
  const B = Float64Array.from({ length: k * n }, () => rng.normal());
  const C = matmul(A, B, m, k, n);
  const ref = naiveMul(A, B, m, k, n);
  for (let i = 0; i < m * n; i++) assert.ok(Math.abs(C[i] - ref[i]) < 1e-10);
  const Bt = new Float64Array(n * k);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[p * n + j];
  const C2 = matmulABt(A, Bt, m, k, n);
  for (let i = 0; i < m * n; i++) assert.ok(Math.abs(C2[i] - ref[i]) < 1e-10);
});

test('Cholesky, triangular inverse and A⁻¹ reproduce the identity', () => {
  const rng = new Rng(2);
  const n = 23;
  const B = Float64Array.from({ length: n * n }, () => rng.normal());
  const A = matmulABt(B, B, n, n, n);
  for (let i = 0; i < n; i++) A[i * n + i] += 0.5;
  const { L, jitter } = choleskyOrThrow(A, n);
  assert.equal(jitter, 0);
  // L⁻¹ two ways: row-major lower (panels) and its transpose by columns; A⁻¹ = (L⁻¹)ᵀL⁻¹ from the transpose, computed
  // in two row ranges (as the two threads do) with an even split
  const M = invertLower(L, n);
  const Mt = new Float64Array(n * n);
  const u = upperSplit(n);
  assert.equal(u % 2, 0);
  invertLowerTRows(L, n, Mt, 0, u);
  invertLowerTRows(L, n, Mt, u, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.ok(Math.abs(Mt[j * n + i] - M[i * n + j]) < 1e-12);
  const Ainv = new Float64Array(n * n);
  gramUpperRows(Mt, n, Ainv, 0, u);
  gramUpperRows(Mt, n, Ainv, u, n);
  const I = matmul(A, Ainv, n, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.ok(Math.abs(I[i * n + j] - (i === j ? 1 : 0)) < 1e-8);
  const b = Float64Array.from({ length: n }, () => rng.normal());
  const x = cholSolve(L, n, b);
  const Ax = matmul(A, x, n, n, 1);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(Ax[i] - b[i]) < 1e-8);
  // many right-hand sides at once (rows), including a tail that is not a multiple of 4
  const R = Float64Array.from({ length: 7 * n }, () => rng.normal());
  const V = Float64Array.from(R);
  solveLowerRowsBlocked(L, n, V, 7);
  for (let r = 0; r < 7; r++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k <= i; k++) s += L[i * n + k] * V[r * n + k];
      assert.ok(Math.abs(s - R[r * n + i]) < 1e-9);
    }
});

test('Cholesky recovers a singular matrix (duplicated rows) with jitter', () => {
  // kernel matrix of inputs [0, 0, 1]: rows 0 and 1 identical, so the matrix is singular
  const k = (a: number, b: number): number => Math.exp(-((a - b) ** 2) / 2);
  const xs = [0, 0, 1];
  const A = Float64Array.from(xs.flatMap((a) => xs.map((b) => k(a, b))));
  const r = choleskyJitter(A, 3);
  assert.ok(r, 'factorisation succeeds');
  assert.ok(r.jitter > 0 && r.jitter <= 1e-2, `jitter ${r.jitter}`);
  const LLt = matmulABt(r.L, r.L, 3, 3, 3);
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(LLt[i] - A[i] - (i % 4 === 0 ? r.jitter : 0)) < 1e-12);
});

test('Cholesky of an indefinite matrix fails with a clear MiError and hint', () => {
  const A = Float64Array.from([1, 2, 2, 1]);
  assert.throws(
    () => choleskyOrThrow(A, 2),
    (e: unknown) =>
      e instanceof MiError &&
      /not positive definite even with jitter/.test(e.message) &&
      /duplicated rows with different targets/.test(e.message) &&
      typeof e.details.hint === 'string',
  );
});

test('bounded L-BFGS minimises Rosenbrock and respects active bounds', () => {
  const rosen = (x: Float64Array, g: Float64Array): number => {
    const [a, b] = [x[0], x[1]];
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const r = minimizeLbfgsb(rosen, [-1.2, 1], { lower: [-2, -2], upper: [2, 2], maxIter: 500, ftol: 0, pgtol: 1e-8 });
  assert.ok(Math.abs(r.x[0] - 1) < 1e-4 && Math.abs(r.x[1] - 1) < 1e-4, `x = ${Array.from(r.x)}`);
  // minimum outside the box: x0 is pinned to its upper bound 0.5, x1 solves the constrained problem (b = a²)
  const rb = minimizeLbfgsb(rosen, [0, 0], { lower: [-2, -2], upper: [0.5, 2], maxIter: 500, ftol: 0, pgtol: 1e-8 });
  assert.ok(Math.abs(rb.x[0] - 0.5) < 1e-9, `x0 = ${rb.x[0]}`);
  assert.ok(Math.abs(rb.x[1] - 0.25) < 1e-4, `x1 = ${rb.x[1]}`);
});

test('seeded RNG is reproducible and roughly standard normal', () => {
  const a = new Rng(42), b = new Rng(42);
  const xs = Array.from({ length: 20000 }, () => a.normal());
  assert.deepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => b.normal()));
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
  assert.ok(Math.abs(m) < 0.03 && Math.abs(v - 1) < 0.05, `mean ${m} var ${v}`);
});
