/**
 * The GP hyperparameter objective: negative log marginal likelihood (plus log-normal hyperpriors) and its analytic
 * gradient. Its own module, free of the parallel helper pool, because the worker-thread helper runs optimiser starts
 * with it (src/core/parallel/tasks.ts).
 */
import {
  choleskyJitter,
  cholSolve,
  dot,
  gramUpperRows,
  invertLowerTRows,
  SERIAL_KERNELS,
  upperSplit,
  type DenseKernels,
} from '../linalg/dense';
import { kvalGrad, rowSums, sqDist, tanimoto, TANIMOTO } from './kernels';
import type { Tf } from './tf';
import { SERIAL_SPLITTER, triangularSplit, type RowSplitter } from '../parallel/split';

export type { DenseKernels };

/** Bounds in standardised units. */
export const GP_BOUNDS = { lengthscale: [1e-2, 1e3], signal: [1e-2, 1e2], noise: [1e-6, 1] } as const;
const LOG2PI = Math.log(2 * Math.PI);
/** The data of a hyperparameter search: standardised inputs (n x d) and targets, kernel code, ARD or not. */
export interface GpProblem {
  X: Float64Array;
  n: number;
  d: number;
  y: Float64Array;
  code: number;
  ard: boolean;
}

export interface ObjectiveArrays {
  X: Float64Array;
  n: number;
  d: number;
  code: number;
  ard: boolean;
  /** n x n covariance (both triangles) and the kernel's gradient factor (lower triangle). */
  K: Float64Array;
  G: Float64Array;
  inv2: Float64Array;
  sf2: number;
  sn2: number;
  /**
   * Isotropic kernels only: cached squared distances ‖x_i − x_j‖² (strict lower triangle, row-major n x n), so an
   * evaluation costs O(n²) for the kernel and gradient sums instead of O(n²d) — at d = 100–2,000 descriptors the
   * distance sums were most of the time.
   */
  R2?: Float64Array;
}

/**
 * Rows [i0, i1) of the squared-distance cache (strict lower triangle); for the Tanimoto kernel (`sums` given) the
 * cache holds the similarities themselves.
 */
export function objectiveR2Rows(a: { X: Float64Array; n: number; d: number; R2: Float64Array; sums?: Float64Array }, i0: number, i1: number): null {
  const { X, n, d, R2, sums } = a;
  if (sums) {
    for (let i = i0; i < i1; i++) for (let j = 0; j < i; j++) R2[i * n + j] = tanimoto(X, i * d, X, j * d, d, sums[i], sums[j]);
    return null;
  }
  for (let i = i0; i < i1; i++) for (let j = 0; j < i; j++) R2[i * n + j] = sqDist(X, i * d, X, j * d, d);
  return null;
}

/** Rows [i0, i1) of K (and the mirrored upper entries, each written only by the owner of its larger index) and G. */
export function objectiveBuildRows(a: ObjectiveArrays, i0: number, i1: number): null {
  const { n, d, X, K, G, code, inv2, sf2, sn2, R2 } = a;
  const kg = new Float64Array(2);
  if (R2 && code === TANIMOTO) {
    // K = σf²·T + σn²·I: no lengthscale, so no gradient factor
    for (let i = i0; i < i1; i++) {
      for (let j = 0; j < i; j++) {
        const v = sf2 * R2[i * n + j];
        K[i * n + j] = v;
        K[j * n + i] = v;
        G[i * n + j] = 0;
      }
      K[i * n + i] = sf2 + sn2;
    }
    return null;
  }
  if (R2) {
    const c = inv2[0];
    for (let i = i0; i < i1; i++) {
      for (let j = 0; j < i; j++) {
        kvalGrad(code, R2[i * n + j] * c, kg);
        const v = sf2 * kg[0];
        K[i * n + j] = v;
        K[j * n + i] = v;
        G[i * n + j] = kg[1];
      }
      K[i * n + i] = sf2 + sn2;
    }
    return null;
  }
  for (let i = i0; i < i1; i++) {
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
  return null;
}

/**
 * Gradient sums over rows [i0, i1) with W = K⁻¹ − ααᵀ: [Σ W_ij c_ij Δ²_ijk/ℓ_k² (per lengthscale)…, Σ W_ij K_ij, tr W]
 * over the strict lower triangle (and the diagonal for tr W).
 */
export function objectiveGradRows(
  a: ObjectiveArrays & { Kinv: Float64Array; alpha: Float64Array },
  i0: number,
  i1: number,
): Float64Array {
  const { n, d, X, K, G, Kinv, alpha, inv2, sf2, ard, R2 } = a;
  const D = ard ? d : 1;
  const out = new Float64Array(D + 2);
  let gsf = 0;
  let trW = 0;
  for (let i = i0; i < i1; i++) {
    const xi = i * d;
    const ai = alpha[i];
    for (let j = 0; j < i; j++) {
      const w = Kinv[i * n + j] - ai * alpha[j];
      gsf += w * K[i * n + j];
      const c = w * sf2 * G[i * n + j];
      if (c === 0) continue;
      const xj = j * d;
      if (ard) {
        for (let k = 0; k < d; k++) {
          const t = X[xi + k] - X[xj + k];
          out[k] += c * t * t * inv2[k];
        }
      } else if (R2) {
        out[0] += c * R2[i * n + j] * inv2[0];
      } else {
        out[0] += c * sqDist(X, xi, X, xj, d) * inv2[0];
      }
    }
    trW += Kinv[i * n + i] - ai * ai;
  }
  out[D] = gsf;
  out[D + 1] = trW;
  return out;
}

/** Negative log marginal likelihood and its gradient w.r.t. log-hyperparameters [log ℓ (D), log σ², log σn²]. */
export class GpObjective {
  readonly D: number;
  private readonly K: Float64Array;
  private readonly G: Float64Array;
  private readonly Xs: Float64Array;
  private readonly R2: Float64Array | undefined;
  /** Cholesky and L⁻¹ (the GP swaps in the two-thread versions for large n; the values are identical). */
  readonly kernels: DenseKernels;
  readonly splitter: RowSplitter;
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
    /** Two-thread kernels and splitter, used from `minRows` rows on (below, hand-overs cost more than they save). */
    parallel?: { kernels: DenseKernels; splitter: RowSplitter; minRows: number },
  ) {
    this.D = ard ? d : 1;
    const par = parallel && n >= parallel.minRows ? parallel : null;
    this.kernels = par?.kernels ?? SERIAL_KERNELS;
    this.splitter = par?.splitter ?? SERIAL_SPLITTER;
    this.K = this.splitter.alloc(n * n);
    this.G = this.splitter.alloc(n * n);
    this.Xs = this.splitter.share(X);
    if (code === TANIMOTO || (!ard && d > 1)) {
      this.R2 = this.splitter.alloc(n * n);
      const sums = code === TANIMOTO ? this.splitter.share(rowSums(X, n, d)) : undefined;
      this.splitter.split('objR2Rows', objectiveR2Rows, { X: this.Xs, n, d, R2: this.R2, ...(sums ? { sums } : {}) }, triangularSplit(n), n);
    }
  }

  get dim(): number {
    return this.D + 2;
  }

  /** NLML; writes the gradient into `grad` when given. Returns Infinity when K cannot be factorised. */
  evaluate(theta: ArrayLike<number>, grad?: Float64Array): number {
    const { n, d, K, G, y, splitter } = this;
    const inv2 = new Float64Array(d);
    for (let k = 0; k < d; k++) inv2[k] = Math.exp(-2 * theta[this.ard ? k : 0]);
    const sf2 = Math.exp(theta[this.D]);
    const sn2 = Math.exp(theta[this.D + 1]);
    const arrays: ObjectiveArrays = { X: this.Xs, n, d, code: this.code, ard: this.ard, K, G, inv2, sf2, sn2, ...(this.R2 ? { R2: this.R2 } : {}) };
    const s = triangularSplit(n);
    splitter.split('objBuildRows', objectiveBuildRows, arrays, s, n);
    const ch = choleskyJitter(K, n, this.kernels);
    if (!ch) return Infinity;
    const L = ch.L;
    const alpha = cholSolve(L, n, y);
    let logdet = 0;
    for (let i = 0; i < n; i++) logdet += Math.log(L[i * n + i]);
    const nlml = 0.5 * dot(y, 0, alpha, 0, n) + logdet + 0.5 * n * LOG2PI + (this.usePrior ? this.prior(theta) : 0);
    if (!grad) return nlml;
    // K⁻¹ = L⁻ᵀL⁻¹ through Mᵀ = L⁻ᵀ (rows = columns of L⁻¹), both steps split by rows
    const Mt = splitter.alloc(n * n);
    const u = upperSplit(n);
    splitter.split('invTRows', invTRows, { L: splitter.share(L), n, Mt }, u, n);
    let Kinv: Float64Array;
    if (this.tf) Kinv = splitter.share(tfGramFromInvFactorT(this.tf, Mt, n));
    else {
      Kinv = splitter.alloc(n * n);
      splitter.split('gramRows', gramRows, { Mt, n, out: Kinv }, u, n);
    }
    const [g1, g2] = splitter.split('objGradRows', objectiveGradRows, { ...arrays, Kinv, alpha: splitter.share(alpha) }, s, n);
    const D = this.D;
    for (let k = 0; k < D; k++) grad[k] = g1[k] + g2[k];
    const trW = g1[D + 1] + g2[D + 1];
    grad[D] = g1[D] + g2[D] + 0.5 * sf2 * trW;
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

/** (L⁻¹)ᵀ L⁻¹ = Mᵀ(Mᵀ)ᵀ with a float32 matmul, from Mᵀ (gradient only: float32 accuracy is enough to steer the optimiser). */
function tfGramFromInvFactorT(tf: Tf, Mt: Float64Array, n: number): Float64Array {
  // (Mᵀ)ᵀ is built explicitly: the WASM backend's matMul is an order of magnitude slower with transposeA/transposeB
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[j * n + i] = Mt[i * n + j];
  const out = tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(Mt), [n, n]), tf.tensor2d(m, [n, n])));
  const data = out.dataSync();
  out.dispose();
  return Float64Array.from(data);
}

/** Row-range wrappers run by the splitter (here and as helper tasks). */
export function invTRows(a: { L: Float64Array; n: number; Mt: Float64Array }, i0: number, i1: number): null {
  invertLowerTRows(a.L, a.n, a.Mt, i0, i1);
  return null;
}
export function gramRows(a: { Mt: Float64Array; n: number; out: Float64Array }, i0: number, i1: number): null {
  gramUpperRows(a.Mt, a.n, a.out, i0, i1);
  return null;
}
