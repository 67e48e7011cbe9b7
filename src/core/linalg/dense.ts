/**
 * Dense float64 linear algebra on row-major Float64Arrays (n x n unless stated).
 * Loops are ordered so the innermost loop walks contiguous memory (dot products of rows or axpy on rows),
 * which is what V8 optimises best; heavy kernels are unrolled by 4.
 */
import { MiError } from '../diagnostics';

/** Dot product of a[ao..ao+len) and b[bo..bo+len). */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  const l4 = len - 3;
  for (; k < l4; k += 4) {
    s0 += a[ao + k] * b[bo + k];
    s1 += a[ao + k + 1] * b[bo + k + 1];
    s2 += a[ao + k + 2] * b[bo + k + 2];
    s3 += a[ao + k + 3] * b[bo + k + 3];
  }
  for (; k < len; k++) s0 += a[ao + k] * b[bo + k];
  return s0 + s1 + s2 + s3;
}

/** y[yo..yo+len) += alpha * x[xo..xo+len). */
export function axpy(alpha: number, x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): void {
  let k = 0;
  const l4 = len - 3;
  for (; k < l4; k += 4) {
    y[yo + k] += alpha * x[xo + k];
    y[yo + k + 1] += alpha * x[xo + k + 1];
    y[yo + k + 2] += alpha * x[xo + k + 2];
    y[yo + k + 3] += alpha * x[xo + k + 3];
  }
  for (; k < len; k++) y[yo + k] += alpha * x[xo + k];
}

/** Block size of the blocked Cholesky (`choleskyBlocked` and its two-thread version in src/core/parallel/pool.ts). */
export const CHOL_BLOCK = 64;

/**
 * In-place Cholesky of a symmetric positive-definite matrix: on success the lower triangle of `a` holds L
 * (A = L Lᵀ) and the strict upper triangle is zeroed; false (matrix partly overwritten) when a pivot is not positive.
 * Blocked right-looking: for each block of columns [k0, k1): factor the
 * diagonal block (`cholDiag`), solve the rows below it (`cholPanel`), subtract their outer products from the trailing
 * lower triangle (`cholUpdate`). Rows are independent within the last two steps, so two threads can split them; every
 * entry sees the same operations in the same order whoever computes it.
 */
export function choleskyBlocked(a: Float64Array, n: number): boolean {
  for (let k0 = 0; k0 < n; k0 += CHOL_BLOCK) {
    const k1 = Math.min(n, k0 + CHOL_BLOCK);
    if (!cholDiag(a, n, k0, k1)) return false;
    cholPanel(a, n, k0, k1, k1, n);
    cholUpdate(a, n, k0, k1, k1, n);
  }
  zeroUpper(a, n);
  return true;
}

/** Factors the diagonal block [k0, k1) (already updated by the blocks before it). False when a pivot is not positive. */
export function cholDiag(a: Float64Array, n: number, k0: number, k1: number): boolean {
  for (let i = k0; i < k1; i++) {
    const ri = i * n;
    for (let j = k0; j < i; j++) a[ri + j] = (a[ri + j] - dot(a, ri + k0, a, j * n + k0, j - k0)) / a[j * n + j];
    const d = a[ri + i] - dot(a, ri + k0, a, ri + k0, i - k0);
    if (!(d > 0) || !Number.isFinite(d)) return false;
    a[ri + i] = Math.sqrt(d);
  }
  return true;
}

/** Rows [r0, r1) (all ≥ k1) of the panel below diagonal block [k0, k1): L[i, k0:k1] = A[i, k0:k1] · L_kk⁻ᵀ. */
export function cholPanel(a: Float64Array, n: number, k0: number, k1: number, r0: number, r1: number): void {
  for (let i = r0; i < r1; i++) {
    const ri = i * n;
    for (let j = k0; j < k1; j++) a[ri + j] = (a[ri + j] - dot(a, ri + k0, a, j * n + k0, j - k0)) / a[j * n + j];
  }
}

/**
 * Trailing update of rows [r0, r1) (all ≥ k1): A[i, j] −= L[i, k0:k1] · L[j, k0:k1] for k1 ≤ j ≤ i. Needs the panel
 * rows k1..r1−1. Two rows at a time so each row j is streamed once for both (sums in `dot`'s order, so the result
 * does not depend on the pairing).
 */
export function cholUpdate(a: Float64Array, n: number, k0: number, k1: number, r0: number, r1: number): void {
  const w = k1 - k0;
  let i = r0;
  for (; i + 1 < r1; i += 2) {
    const ri = i * n + k0;
    const rk = ri + n;
    for (let j = k1; j <= i; j++) {
      const rj = j * n + k0;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      let p = 0;
      for (; p + 3 < w; p += 4) {
        const b0 = a[rj + p], b1 = a[rj + p + 1], b2 = a[rj + p + 2], b3 = a[rj + p + 3];
        s0 += a[ri + p] * b0;
        s1 += a[ri + p + 1] * b1;
        s2 += a[ri + p + 2] * b2;
        s3 += a[ri + p + 3] * b3;
        t0 += a[rk + p] * b0;
        t1 += a[rk + p + 1] * b1;
        t2 += a[rk + p + 2] * b2;
        t3 += a[rk + p + 3] * b3;
      }
      for (; p < w; p++) {
        s0 += a[ri + p] * a[rj + p];
        t0 += a[rk + p] * a[rj + p];
      }
      a[i * n + j] -= s0 + s1 + s2 + s3;
      a[(i + 1) * n + j] -= t0 + t1 + t2 + t3;
    }
    a[(i + 1) * n + i + 1] -= dot(a, rk, a, rk, w);
  }
  for (; i < r1; i++) {
    const ri = i * n + k0;
    for (let j = k1; j <= i; j++) a[i * n + j] -= dot(a, ri, a, j * n + k0, w);
  }
}

/** Zeroes the strict upper triangle. */
export function zeroUpper(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
}

/**
 * The O(n³) kernels, swappable: this thread only (`SERIAL_KERNELS`), or split with the engine's helper thread
 * (`PARALLEL_KERNELS` in src/core/parallel/pool.ts, which allocates shared memory). Both give identical numbers.
 */
export interface DenseKernels {
  alloc(length: number): Float64Array;
  cholesky(a: Float64Array, n: number): boolean;
  invertLower(L: Float64Array, n: number): Float64Array;
}

export const SERIAL_KERNELS: DenseKernels = {
  alloc: (length) => new Float64Array(length),
  cholesky: (a, n) => choleskyBlocked(a, n),
  invertLower: (L, n) => invertLower(L, n),
};

export interface CholeskyResult {
  /** Lower-triangular factor, row-major n x n. */
  L: Float64Array;
  /** Jitter added to the diagonal (0 when none was needed). */
  jitter: number;
}

/**
 * Cholesky with jitter escalation: tries A, then A + j I with j = 1e-10 · mean(diag), ×10 each time up to
 * 1e-2 · mean(diag). Returns null if it still fails (callers that must succeed use `choleskyOrThrow`).
 */
export function choleskyJitter(A: Float64Array, n: number, k: DenseKernels = SERIAL_KERNELS): CholeskyResult | null {
  const L = k.alloc(n * n);
  L.set(A);
  if (k.cholesky(L, n)) return { L, jitter: 0 };
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i];
  meanDiag = Math.abs(meanDiag / Math.max(1, n)) || 1;
  for (let e = -10; e <= -2; e++) {
    const jitter = meanDiag * 10 ** e;
    L.set(A);
    for (let i = 0; i < n; i++) L[i * n + i] += jitter;
    if (k.cholesky(L, n)) return { L, jitter };
  }
  return null;
}

export function choleskyOrThrow(
  A: Float64Array,
  n: number,
  context = 'covariance matrix',
  k: DenseKernels = SERIAL_KERNELS,
): CholeskyResult {
  const r = choleskyJitter(A, n, k);
  if (r) return r;
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i];
  meanDiag = Math.abs(meanDiag / Math.max(1, n)) || 1;
  throw new MiError(
    `${context} is not positive definite even with jitter ${(meanDiag * 1e-2).toExponential(2)}; ` +
      'are there duplicated rows with different targets?',
    {
      code: 'not-positive-definite',
      hint: 'remove or average duplicated inputs, drop constant/collinear features, or use model type ridge or rf-gp',
    },
  );
}

/** Solves L x = b in place (b overwritten with x); L lower-triangular n x n. */
export function solveLowerInPlace(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    b[i] = (b[i] - dot(L, ri, b, 0, i)) / L[ri + i];
  }
}

/** Solves Lᵀ x = b in place; L lower-triangular. */
export function solveUpperTInPlace(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const xi = b[i] / L[i * n + i];
    b[i] = xi;
    // b[k] -= L[i][k] * xi for k < i (row i of L is contiguous)
    axpy(-xi, L, i * n, b, 0, i);
  }
}

/** Solves (L Lᵀ) x = b, returning a new vector. */
export function cholSolve(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(b);
  solveLowerInPlace(L, n, x);
  solveUpperTInPlace(L, n, x);
  return x;
}

/**
 * Solves L V = B for many right-hand sides at once. B is given transposed as rows (m x n, row-major: each row is one
 * right-hand side), and is overwritten with the solutions (row r = L⁻¹ b_r). Processes right-hand sides in blocks and
 * the unknowns in panels so the working set stays in cache.
 */
export function solveLowerRowsInPlace(L: Float64Array, n: number, B: Float64Array, m: number): void {
  for (let r = 0; r < m; r++) {
    const ro = r * n;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      B[ro + i] = (B[ro + i] - dot(L, ri, B, ro, i)) / L[ri + i];
    }
  }
}

/**
 * Inverse of a lower-triangular matrix (result lower-triangular, row-major).
 * Row i of M = L⁻¹ is −(1/L_ii) Σ_{k<i} L_ik · (row k of M) (+ 1/L_ii on the diagonal). Done in column panels of
 * `INV_PANEL` so the rows being combined (n x 64 doubles) stay in cache; the innermost loop is a contiguous axpy.
 * Panels are independent (each reads L and writes only its own columns of M), which is what lets two threads split
 * them (see `invertPanels` in src/core/parallel/tasks.ts).
 */
export function invertLower(L: Float64Array, n: number): Float64Array {
  const M = new Float64Array(n * n);
  invertLowerPanels(L, M, n, panelStarts(n));
  return M;
}

export const INV_PANEL = 64;

/** First columns of the panels of `invertLowerPanels`. */
export function panelStarts(n: number): number[] {
  const p: number[] = [];
  for (let j0 = 0; j0 < n; j0 += INV_PANEL) p.push(j0);
  return p;
}

/** Relative cost of the panel starting at column j0: about w·(n − j0)²/2 multiply-adds for a panel w columns wide. */
export function panelCost(n: number, j0: number): number {
  return Math.min(INV_PANEL, n - j0) * (n - j0) * (n - j0);
}

/** Columns [j0, j0 + 64) of M = L⁻¹ for every panel start j0 in `panels` (M zero-initialised). */
export function invertLowerPanels(L: Float64Array, M: Float64Array, n: number, panels: number[]): void {
  for (const j0 of panels) {
    const j1 = Math.min(n, j0 + INV_PANEL);
    for (let i = j0; i < n; i++) {
      const ri = i * n;
      const lii = L[ri + i];
      // contributions of rows k in [j0, i) restricted to columns [j0, min(j1, k + 1))
      for (let k = j0; k < i; k++) {
        const lik = L[ri + k];
        if (lik === 0) continue;
        const len = Math.min(j1, k + 1) - j0;
        axpy(-lik, M, k * n + j0, M, ri + j0, len);
      }
      const end = Math.min(j1, i);
      for (let j = j0; j < end; j++) M[ri + j] /= lii;
      if (i < j1) M[ri + i] = 1 / lii;
    }
  }
}

/**
 * Rows [j0, j1) of Mᵀ = (L⁻¹)ᵀ (upper triangular, row-major): row j is column j of L⁻¹, found by forward substitution
 * from j, so every step is a dot product of a contiguous row of L with a contiguous row of Mᵀ (two columns per pass
 * over L). Rows are independent, so two threads can split them; j0 must be even (rows are paired from j0, and the
 * pairing fixes the order of the sums), which `upperSplit` guarantees.
 */
export function invertLowerTRows(L: Float64Array, n: number, Mt: Float64Array, j0: number, j1: number): void {
  let j = j0;
  for (; j + 1 < j1; j += 2) {
    const a = j * n;
    const b = a + n;
    const lj1 = (j + 1) * n;
    Mt[a + j] = 1 / L[j * n + j];
    Mt[a + j + 1] = -(L[lj1 + j] * Mt[a + j]) / L[lj1 + j + 1];
    Mt[b + j + 1] = 1 / L[lj1 + j + 1];
    for (let i = j + 2; i < n; i++) {
      const li = i * n;
      let s0 = L[li + j] * Mt[a + j];
      let s1 = 0;
      let k = j + 1;
      for (; k + 3 < i; k += 4) {
        const l0 = L[li + k], l1 = L[li + k + 1], l2 = L[li + k + 2], l3 = L[li + k + 3];
        s0 += l0 * Mt[a + k] + l1 * Mt[a + k + 1] + l2 * Mt[a + k + 2] + l3 * Mt[a + k + 3];
        s1 += l0 * Mt[b + k] + l1 * Mt[b + k + 1] + l2 * Mt[b + k + 2] + l3 * Mt[b + k + 3];
      }
      for (; k < i; k++) {
        s0 += L[li + k] * Mt[a + k];
        s1 += L[li + k] * Mt[b + k];
      }
      const d = L[li + i];
      Mt[a + i] = -s0 / d;
      Mt[b + i] = -s1 / d;
    }
  }
  // a last unpaired row (only the matrix's last row when j0 and every split point are even, as required)
  for (; j < j1; j++) {
    const a = j * n;
    Mt[a + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) Mt[a + i] = -dotRange(L, i * n, Mt, a, j, i) / L[i * n + i];
  }
}

/**
 * Two dot products that share the loads of one row: s[0] = M[a+k]·M[r+k], s[1] = M[b+k]·M[r+k] summed over
 * k in [k0, k1) (a, b, r offsets of rows of M), unrolled by 4.
 */
function dot2(M: Float64Array, a: number, b: number, r: number, k0: number, k1: number, s: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let k = k0;
  for (; k + 3 < k1; k += 4) {
    const m0 = M[r + k], m1 = M[r + k + 1], m2 = M[r + k + 2], m3 = M[r + k + 3];
    s0 += M[a + k] * m0 + M[a + k + 1] * m1 + M[a + k + 2] * m2 + M[a + k + 3] * m3;
    s1 += M[b + k] * m0 + M[b + k + 1] * m1 + M[b + k + 2] * m2 + M[b + k + 3] * m3;
  }
  for (; k < k1; k++) {
    s0 += M[a + k] * M[r + k];
    s1 += M[b + k] * M[r + k];
  }
  s[0] = s0;
  s[1] = s1;
}

/**
 * Rows [i0, i1) of A⁻¹ = (L⁻¹)ᵀL⁻¹ = Mᵀ(Mᵀ)ᵀ from Mᵀ (`invertLowerTRows`): A⁻¹[i][j] = Mᵀ[i][j:] · Mᵀ[j][j:] for
 * j ≥ i, written to both triangles (each entry by the owner of its smaller index, so splits never collide). Two rows
 * per pass over Mᵀ[j].
 */
export function gramUpperRows(Mt: Float64Array, n: number, out: Float64Array, i0: number, i1: number): void {
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const a = i * n;
    const b = a + n;
    const v = dotRange(Mt, a, Mt, a, i, n);
    out[a + i] = v;
    const w = dotRange(Mt, a, Mt, b, i + 1, n);
    out[a + i + 1] = w;
    out[b + i] = w;
    const s = new Float64Array(2);
    for (let j = i + 1; j < n; j++) {
      const c = j * n;
      dot2(Mt, a, b, c, j, n, s);
      const s0 = s[0];
      const s1 = s[1];
      if (j > i + 1) {
        out[a + j] = s0;
        out[c + i] = s0;
      }
      out[b + j] = s1;
      out[c + i + 1] = s1;
    }
  }
  for (; i < i1; i++) {
    const a = i * n;
    for (let j = i; j < n; j++) {
      const v = dotRange(Mt, a, Mt, j * n, j, n);
      out[a + j] = v;
      out[j * n + i] = v;
    }
  }
}

/** Σ_{k ∈ [k0, k1)} x[xo + k]·y[yo + k], in the 4-way order of the paired loops above. */
function dotRange(x: Float64Array, xo: number, y: Float64Array, yo: number, k0: number, k1: number): number {
  let s = 0;
  let k = k0;
  for (; k + 3 < k1; k += 4)
    s += x[xo + k] * y[yo + k] + x[xo + k + 1] * y[yo + k + 1] + x[xo + k + 2] * y[yo + k + 2] + x[xo + k + 3] * y[yo + k + 3];
  for (; k < k1; k++) s += x[xo + k] * y[yo + k];
  return s;
}

/** Split point giving equal halves of work that shrinks quadratically with the row index (row j costs ~(n − j)²). */
export function upperSplit(n: number): number {
  return 2 * Math.round((n * (1 - Math.cbrt(0.5))) / 2);
}

/** log det(L Lᵀ) = 2 Σ log L_ii. */
export function logDetFromChol(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return 2 * s;
}

/**
 * C = A B with A (m x k) and B (k x n), row-major. Blocked i-k-j order: the inner loop is an axpy over a
 * contiguous row of B into a contiguous row of C; blocks of k keep the B panel in cache.
 */
export function matmul(A: Float64Array, B: Float64Array, m: number, k: number, n: number, C?: Float64Array): Float64Array {
  const out = C ?? new Float64Array(m * n);
  if (C) out.fill(0);
  const KB = 128;
  for (let k0 = 0; k0 < k; k0 += KB) {
    const k1 = Math.min(k, k0 + KB);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      for (let p = k0; p < k1; p++) {
        const a = A[ai + p];
        if (a !== 0) axpy(a, B, p * n, out, ci, n);
      }
    }
  }
  return out;
}

/** C = A Bᵀ with A (m x k) and B (n x k): every entry is a dot product of two contiguous rows. */
export function matmulABt(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  const NB = 64;
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(n, j0 + NB);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      for (let j = j0; j < j1; j++) out[ci + j] = dot(A, ai, B, j * k, k);
    }
  }
  return out;
}

/**
 * G += A Aᵀ on the upper triangle only (j ≥ i), A p x c row-major (p rows of length c): half the work of
 * matmulABt(A, A) for a symmetric accumulation; two rows of A per pass over A[j] (as gramUpperRows). The caller
 * mirrors the lower triangle once at the end (`mirrorUpper`).
 */
export function syrkAddUpper(A: Float64Array, p: number, c: number, G: Float64Array): void {
  let i = 0;
  const s = new Float64Array(2);
  for (; i + 1 < p; i += 2) {
    const a = i * c;
    const b = a + c;
    G[i * p + i] += dot(A, a, A, a, c);
    for (let j = i + 1; j < p; j++) {
      dot2(A, a, b, j * c, 0, c, s);
      G[i * p + j] += s[0];
      G[(i + 1) * p + j] += s[1]; // j = i + 1 is the diagonal of row i + 1
    }
  }
  if (i < p) G[i * p + i] += dot(A, i * c, A, i * c, c);
}

/** Copies the upper triangle of a symmetric p x p matrix onto its lower triangle. */
export function mirrorUpper(G: Float64Array, p: number): void {
  for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) G[j * p + i] = G[i * p + j];
}

/** Transpose of an m x n row-major matrix. */
export function transpose(A: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = A[i * n + j];
  return out;
}
