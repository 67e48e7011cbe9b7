/**
 * Stationary kernels on scaled inputs z = x / lengthscale, as functions of r² = ‖z − z'‖² (unit signal variance).
 * `gradFactor` g satisfies ∂k/∂log ℓ_d = σ² · g(r²) · Δ_d² / ℓ_d² (for an isotropic kernel use r² itself).
 */
import { MiError } from '../diagnostics';

export type KernelName = 'rbf' | 'matern32' | 'matern52';
export const KERNELS: KernelName[] = ['rbf', 'matern32', 'matern52'];

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
  for (let i = 0; i < n1; i++) {
    const ai = i * d;
    const oi = i * n2;
    for (let j = 0; j < n2; j++) {
      const bj = j * d;
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const t = A[ai + k] - B[bj + k];
        r2 += t * t;
      }
      out[oi + j] = kval(code, r2);
    }
  }
}
