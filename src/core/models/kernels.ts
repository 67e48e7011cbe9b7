/**
 * Stationary kernels on scaled inputs z = x / lengthscale, as functions of r² = ‖z − z'‖² (unit signal variance).
 * `gradFactor` g satisfies ∂k/∂log ℓ_d = σ² · g(r²) · Δ_d² / ℓ_d² (for an isotropic kernel use r² itself).
 */
import { MiError } from '../diagnostics';

export type KernelName = 'rbf' | 'matern32' | 'matern52';
/** The stationary kernels (every GP-like model, including random features). */
export const KERNELS: KernelName[] = ['rbf', 'matern32', 'matern52'];
/** The exact GP also has the Tanimoto (MinMax) kernel for non-negative count fingerprints. */
export type GpKernelName = KernelName | 'tanimoto';
export const GP_KERNELS: GpKernelName[] = [...KERNELS, 'tanimoto'];
/** Kernel code of the Tanimoto kernel (not a function of r²; no lengthscale). */
export const TANIMOTO = 3;

export function gpKernelCode(name: string): number {
  if (name === 'tanimoto') return TANIMOTO;
  const i = KERNELS.indexOf(name as KernelName);
  if (i < 0) throw new MiError(`unknown kernel "${name}"`, { code: 'unknown-kernel', hint: `use one of ${GP_KERNELS.join(', ')}` });
  return i;
}

/**
 * Tanimoto (MinMax) similarity Σ min(a_k, b_k) / Σ max(a_k, b_k) of non-negative count vectors (1 when both are zero):
 * the standard kernel for count fingerprints (Ralaivola et al. 2005; positive definite on non-negative vectors).
 * Uses max = a + b − min, so one pass over the features.
 */
export function tanimoto(A: Float64Array, ai: number, B: Float64Array, bj: number, d: number, sa: number, sb: number): number {
  let mn = 0;
  for (let k = 0; k < d; k++) {
    const a = A[ai + k];
    const b = B[bj + k];
    mn += a < b ? a : b;
  }
  const mx = sa + sb - mn;
  return mx > 0 ? mn / mx : 1;
}

/** Squared Euclidean distance between row ai of A and row bj of B (offsets in elements, d features). */
export function sqDist(A: ArrayLike<number>, ai: number, B: ArrayLike<number>, bj: number, d: number): number {
  let r2 = 0;
  for (let k = 0; k < d; k++) {
    const t = A[ai + k] - B[bj + k];
    r2 += t * t;
  }
  return r2;
}

/**
 * Squared distance of two rows scaled by inverse lengthscales: per feature (ARD) or one for all (isotropic), i.e.
 * Σ ((a_k − b_k)·invLs_k)² or sqDist · invLs_0².
 */
export function scaledSqDist(A: ArrayLike<number>, ai: number, B: ArrayLike<number>, bj: number, d: number, invLs: ArrayLike<number>, ard: boolean): number {
  if (!ard) return sqDist(A, ai, B, bj, d) * invLs[0] * invLs[0];
  let r2 = 0;
  for (let k = 0; k < d; k++) {
    const t = (A[ai + k] - B[bj + k]) * invLs[k];
    r2 += t * t;
  }
  return r2;
}

/** Row sums of a non-negative n x d matrix (the Σ a_k of `tanimoto`). */
export function rowSums(A: Float64Array, n: number, d: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let k = 0; k < d; k++) t += A[i * d + k];
    s[i] = t;
  }
  return s;
}

const S3 = Math.sqrt(3);
const S5 = Math.sqrt(5);

export function kernelCode(name: string): number {
  const i = KERNELS.indexOf(name as KernelName);
  if (i < 0) throw new MiError(`unknown kernel "${name}"`, { code: 'unknown-kernel', hint: `use one of ${KERNELS.join(', ')}` });
  return i;
}

/** k(r²) for kernel code 0 = rbf, 1 = matern32, 2 = matern52. */
export function kval(code: number, r2: number): number {
  if (code === 0) return Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  if (code === 1) return (1 + S3 * r) * Math.exp(-S3 * r);
  return (1 + S5 * r + (5 / 3) * r2) * Math.exp(-S5 * r);
}

/** Writes k(r²) and the gradient factor g(r²) for one pair. */
export function kvalGrad(code: number, r2: number, out: Float64Array): void {
  if (code === 0) {
    const e = Math.exp(-0.5 * r2);
    out[0] = e;
    out[1] = e;
    return;
  }
  const r = Math.sqrt(r2);
  if (code === 1) {
    const e = Math.exp(-S3 * r);
    out[0] = (1 + S3 * r) * e;
    out[1] = 3 * e;
    return;
  }
  const e = Math.exp(-S5 * r);
  out[0] = (1 + S5 * r + (5 / 3) * r2) * e;
  out[1] = (5 / 3) * (1 + S5 * r) * e;
}

/**
 * Cross-kernel block: out[i*n2 + j] = k(‖a_i − b_j‖²) for scaled inputs A (n1 x d) and B (n2 x d), unit variance.
 */
export function crossKernel(code: number, A: Float64Array, n1: number, B: Float64Array, n2: number, d: number, out: Float64Array): void {
  if (code === TANIMOTO) {
    const sa = rowSums(A, n1, d);
    const sb = rowSums(B, n2, d);
    for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) out[i * n2 + j] = tanimoto(A, i * d, B, j * d, d, sa[i], sb[j]);
    return;
  }
  const r2row = new Float64Array(n2);
  for (let i = 0; i < n1; i++) {
    const ai = i * d;
    const oi = i * n2;
    for (let j = 0; j < n2; j++) r2row[j] = sqDist(A, ai, B, j * d, d);
    // one tight loop per kernel so V8 keeps it monomorphic and inlines Math.exp/sqrt
    if (code === 0) {
      for (let j = 0; j < n2; j++) out[oi + j] = Math.exp(-0.5 * r2row[j]);
    } else if (code === 1) {
      for (let j = 0; j < n2; j++) {
        const r = S3 * Math.sqrt(r2row[j]);
        out[oi + j] = (1 + r) * Math.exp(-r);
      }
    } else {
      for (let j = 0; j < n2; j++) {
        const r = S5 * Math.sqrt(r2row[j]);
        out[oi + j] = (1 + r + (r * r) / 3) * Math.exp(-r);
      }
    }
  }
}

/** Training-side data for `crossKernelExpanded`: Bᵀ (d x n2) and squared norms of the rows of B. */
export interface PreparedRows {
  Bt: Float64Array;
  bb: Float64Array;
  n: number;
  d: number;
}

export function prepareRows(B: Float64Array, n: number, d: number): PreparedRows {
  const Bt = new Float64Array(d * n);
  const bb = new Float64Array(n);
  for (let j = 0; j < n; j++)
    for (let k = 0; k < d; k++) {
      const v = B[j * d + k];
      Bt[k * n + j] = v;
      bb[j] += v * v;
    }
  return { Bt, bb, n, d };
}

/**
 * Same as `crossKernel` but with r² = ‖a‖² + ‖b‖² − 2 a·b, where the inner products are contiguous axpy updates over
 * the n2 training rows (about twice as fast for d ≳ 8; float64 cancellation error ~1e-16·(‖a‖² + ‖b‖²)).
 * The kernel values are multiplied by `scale` (the signal variance) and, when `out32` is given, also written there
 * rounded to float32 — both while the row is still in cache, instead of two more passes over the block.
 */
export function crossKernelExpanded(
  code: number,
  A: Float64Array,
  n1: number,
  P: PreparedRows,
  out: Float64Array,
  scale = 1,
  out32?: Float32Array,
): void {
  const { Bt, bb, n: n2, d } = P;
  for (let i = 0; i < n1; i++) {
    const ai = i * d;
    const oi = i * n2;
    let aa = 0;
    for (let k = 0; k < d; k++) aa += A[ai + k] * A[ai + k];
    for (let j = 0; j < n2; j++) out[oi + j] = aa + bb[j];
    for (let k = 0; k < d; k++) {
      const a = -2 * A[ai + k];
      const bo = k * n2;
      let j = 0;
      for (; j + 3 < n2; j += 4) {
        out[oi + j] += a * Bt[bo + j];
        out[oi + j + 1] += a * Bt[bo + j + 1];
        out[oi + j + 2] += a * Bt[bo + j + 2];
        out[oi + j + 3] += a * Bt[bo + j + 3];
      }
      for (; j < n2; j++) out[oi + j] += a * Bt[bo + j];
    }
    if (code === 0) {
      for (let j = 0; j < n2; j++) out[oi + j] = Math.exp(-0.5 * Math.max(out[oi + j], 0)) * scale;
    } else if (code === 1) {
      for (let j = 0; j < n2; j++) {
        const r = S3 * Math.sqrt(Math.max(out[oi + j], 0));
        out[oi + j] = (1 + r) * Math.exp(-r) * scale;
      }
    } else {
      for (let j = 0; j < n2; j++) {
        const r = S5 * Math.sqrt(Math.max(out[oi + j], 0));
        out[oi + j] = (1 + r + (r * r) / 3) * Math.exp(-r) * scale;
      }
    }
    if (out32) for (let j = 0; j < n2; j++) out32[oi + j] = out[oi + j];
  }
}
