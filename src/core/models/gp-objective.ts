/**
 * The GP hyperparameter objective: negative log marginal likelihood (plus log-normal hyperpriors) and its analytic
 * gradient. Its own module, free of the parallel helper pool, because the worker-thread helper runs optimiser starts
 * with it (src/core/parallel/tasks.ts).
 */
import { choleskyJitter, cholSolve, dot, inverseFromInvFactor, SERIAL_KERNELS, type DenseKernels } from '../linalg/dense';
import { kvalGrad } from './kernels';
import type { Tf } from './tf';

/** Bounds in standardised units. */
export const GP_BOUNDS = { lengthscale: [1e-2, 1e3], signal: [1e-2, 1e2], noise: [1e-6, 1] } as const;
const LOG2PI = Math.log(2 * Math.PI);
/** Negative log marginal likelihood and its gradient w.r.t. log-hyperparameters [log ℓ (D), log σ², log σn²]. */
export class GpObjective {
  readonly D: number;
  private readonly K: Float64Array;
  private readonly G: Float64Array;
  private readonly kg = new Float64Array(2);
  /** Cholesky and L⁻¹ (the GP swaps in the two-thread versions for large n; the values are identical). */
  kernels: DenseKernels = SERIAL_KERNELS;
  constructor(
    readonly X: Float64Array,
    readonly n: number,
    readonly d: number,
    readonly y: Float64Array,
    readonly code: number,
    readonly ard: boolean,
    /** When given (a fast TensorFlow.js backend), K⁻¹ for the gradient is formed with a float32 matmul. */
    readonly tf: Tf | null = null,
    /** Add the log-normal hyperpriors (MAP instead of maximum likelihood). */
    readonly usePrior = true,
  ) {
    this.D = ard ? d : 1;
    this.K = new Float64Array(n * n);
    this.G = new Float64Array(n * n);
  }

  get dim(): number {
    return this.D + 2;
  }

  /** Builds K (and the gradient factors) for theta; returns sf2 and sn2. */
  private build(theta: ArrayLike<number>): { sf2: number; sn2: number; inv2: Float64Array } {
    const { n, d, X, K, G, code, kg } = this;
    const inv2 = new Float64Array(d);
    for (let k = 0; k < d; k++) inv2[k] = Math.exp(-2 * theta[this.ard ? k : 0]);
    const sf2 = Math.exp(theta[this.D]);
    const sn2 = Math.exp(theta[this.D + 1]);
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      for (let j = 0; j < i; j++) {
        const xj = j * d;
        let r2 = 0;
        for (let k = 0; k < d; k++) {
          const t = X[xi + k] - X[xj + k];
          r2 += t * t * inv2[k];
        }
        kvalGrad(code, r2, kg);
        const v = sf2 * kg[0];
        K[i * n + j] = v;
        K[j * n + i] = v;
        G[i * n + j] = kg[1];
      }
      K[i * n + i] = sf2 + sn2;
    }
    return { sf2, sn2, inv2 };
  }

  /** NLML; writes the gradient into `grad` when given. Returns Infinity when K cannot be factorised. */
  evaluate(theta: ArrayLike<number>, grad?: Float64Array): number {
    const { n, d, X, K, G, y } = this;
    const { sf2, sn2, inv2 } = this.build(theta);
    const ch = choleskyJitter(K, n, this.kernels);
    if (!ch) return Infinity;
    const L = ch.L;
    const alpha = cholSolve(L, n, y);
    let logdet = 0;
    for (let i = 0; i < n; i++) logdet += Math.log(L[i * n + i]);
    const nlml = 0.5 * dot(y, 0, alpha, 0, n) + logdet + 0.5 * n * LOG2PI + (this.usePrior ? this.prior(theta) : 0);
    if (!grad) return nlml;
    const Kinv = this.tf
      ? tfInverseFromInvFactor(this.tf, this.kernels.invertLower(L, n), n)
      : inverseFromInvFactor(this.kernels.invertLower(L, n), n);
    grad.fill(0);
    const D = this.D;
    const gl = new Float64Array(D);
    let gsf = 0;
    let trW = 0;
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      const ai = alpha[i];
      for (let j = 0; j < i; j++) {
        const w = Kinv[i * n + j] - ai * alpha[j];
        gsf += w * K[i * n + j];
        const c = w * sf2 * G[i * n + j];
        if (c === 0) continue;
        const xj = j * d;
        if (this.ard) {
          for (let k = 0; k < d; k++) {
            const t = X[xi + k] - X[xj + k];
            gl[k] += c * t * t * inv2[k];
          }
        } else {
          let r2 = 0;
          for (let k = 0; k < d; k++) {
            const t = X[xi + k] - X[xj + k];
            r2 += t * t;
          }
          gl[0] += c * r2 * inv2[0];
        }
      }
      trW += Kinv[i * n + i] - ai * ai;
    }
    for (let k = 0; k < D; k++) grad[k] = gl[k];
    grad[D] = gsf + 0.5 * sf2 * trW;
    grad[D + 1] = 0.5 * sn2 * trW;
    if (this.usePrior) this.prior(theta, grad);
    return nlml;
  }

  /**
   * Negative log hyperprior (up to a constant), adding its gradient to `grad` when given. Log-normal priors in the
   * spirit of BoTorch's current defaults (Hvarfner et al. 2024): log ℓ ~ N(√2 + ½ log d + log √12, 3) — the √12
   * converts from unit-cube to standardised inputs —, log σf² ~ N(0, 1) and log σn² ~ N(−4, 1) on standardised
   * targets. They keep high-dimensional ARD fits from interpolating the noise, and the signal variance from growing
   * far beyond the data's (which inflates the prior std, and so EI, for candidates unlike any measured one); with
   * enough data the likelihood dominates.
   */
  prior(theta: ArrayLike<number>, grad?: Float64Array): number {
    const { D } = this;
    const muL = Math.SQRT2 + 0.5 * Math.log(this.d) + 0.5 * Math.log(12);
    const varL = 3;
    let p = 0;
    for (let k = 0; k < D; k++) {
      const z = theta[k] - muL;
      p += (0.5 * z * z) / varL;
      if (grad) grad[k] += z / varL;
    }
    const zs = theta[D];
    p += 0.5 * zs * zs;
    if (grad) grad[D] += zs;
    const zn = theta[D + 1] + 4;
    p += 0.5 * zn * zn;
    if (grad) grad[D + 1] += zn;
    return p;
  }

  bounds(): { lower: Float64Array; upper: Float64Array } {
    const lower = new Float64Array(this.dim);
    const upper = new Float64Array(this.dim);
    for (let k = 0; k < this.D; k++) {
      lower[k] = Math.log(GP_BOUNDS.lengthscale[0]);
      upper[k] = Math.log(GP_BOUNDS.lengthscale[1]);
    }
    lower[this.D] = Math.log(GP_BOUNDS.signal[0]);
    upper[this.D] = Math.log(GP_BOUNDS.signal[1]);
    lower[this.D + 1] = Math.log(GP_BOUNDS.noise[0]);
    upper[this.D + 1] = Math.log(GP_BOUNDS.noise[1]);
    return { lower, upper };
  }
}

/** (L⁻¹)ᵀ L⁻¹ with a float32 matmul (gradient only: float32 accuracy is enough to steer the optimiser). */
function tfInverseFromInvFactor(tf: Tf, M: Float64Array, n: number): Float64Array {
  // Mᵀ is built explicitly: the WASM backend's matMul is an order of magnitude slower with transposeA/transposeB
  const mt = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) mt[j * n + i] = M[i * n + j];
  const out = tf.tidy(() => tf.matMul(tf.tensor2d(mt, [n, n]), tf.tensor2d(Float32Array.from(M), [n, n])));
  const data = out.dataSync();
  out.dispose();
  return Float64Array.from(data);
}
