/**
 * s_i = ‖L⁻¹ k_i‖² for many rows k_i at once (the quadratic form behind every GP / Bayesian-linear predictive
 * variance). Float64 path: blocked triangular solves (4 right-hand sides per pass over L). Fast path, when a
 * TensorFlow.js WASM/native backend is ready: float32 matmuls with the precomputed inverse factor L⁻¹ stored as
 * lower-triangular column blocks (so ~5/8 of a full matmul is done).
 */
import { dot } from '../linalg/dense';
import { invertLowerParallel } from '../parallel/pool';
import type { Tf } from './tf';

type Tensor = ReturnType<Tf['tensor2d']>;
type AnyTensor = ReturnType<Tf['tensor']>;

export class InvFactorNorms {
  private blocks: { start: number; end: number; w: Tensor }[] | null = null;
  /** L⁻¹ when already computed elsewhere (the GP's LOO calibration); consumed by the first float32 call. */
  private invFactor: Float64Array | null = null;
  setInverseFactor(M: Float64Array): void {
    if (!this.blocks) this.invFactor = M;
  }
  constructor(
    readonly L: Float64Array,
    readonly n: number,
  ) {}

  /** Float64: out[i] = ‖L⁻¹ K[i,:]‖² for c rows of K (c x n row-major). K is left untouched; V is scratch (c x n). */
  sumSquares64(K: Float64Array, c: number, out: Float64Array, V?: Float64Array): void {
    const n = this.n;
    const W = V ?? new Float64Array(c * n);
    W.set(K.subarray(0, c * n));
    solveLowerRowsBlocked(this.L, n, W, c);
    for (let i = 0; i < c; i++) out[i] = dot(W, i * n, W, i * n, n);
  }

  /**
   * Float32 via TensorFlow.js (inputs rounded to float32; result accumulated in float32). `K32`: the same rows already
   * rounded to float32 (c x n), when the caller produced them alongside K.
   */
  sumSquares32(tf: Tf, K: Float64Array, c: number, out: Float64Array, K32?: Float32Array): void {
    const n = this.n;
    if (!this.blocks) {
      const M = this.invFactor ?? invertLowerParallel(this.L, n);
      this.invFactor = null;
      const nb = n >= 768 ? 8 : n >= 384 ? 4 : n >= 128 ? 2 : 1;
      const blocks: { start: number; end: number; w: Tensor }[] = [];
      for (let b = 0; b < nb; b++) {
        const start = Math.floor((b * n) / nb);
        const end = Math.floor(((b + 1) * n) / nb);
        // stored transposed (end x width): the WASM backend's matMul is much faster without transposeB
        const width = end - start;
        const w = new Float32Array(end * width);
        for (let i = start; i < end; i++) for (let j = 0; j < end; j++) w[j * width + (i - start)] = M[i * n + j];
        blocks.push({ start, end, w: tf.tensor2d(w, [end, width]) });
      }
      this.blocks = blocks;
    }
    const blocks = this.blocks;
    const res = tf.tidy(() => {
      let k32: Float32Array;
      if (K32) k32 = K32.length === c * n ? K32 : K32.subarray(0, c * n);
      else {
        k32 = new Float32Array(c * n);
        for (let i = 0; i < c * n; i++) k32[i] = K[i];
      }
      const kt = tf.tensor2d(k32, [c, n]);
      let acc: AnyTensor | null = null;
      for (const b of blocks) {
        const left = b.end === n ? kt : tf.slice(kt, [0, 0], [c, b.end]);
        const ss: AnyTensor = tf.sum(tf.square(tf.matMul(left, b.w)), 1);
        acc = acc ? tf.add(acc, ss) : ss;
      }
      return acc as AnyTensor;
    });
    const data = res.dataSync();
    res.dispose();
    for (let i = 0; i < c; i++) out[i] = data[i];
  }

  dispose(): void {
    if (this.blocks) for (const b of this.blocks) b.w.dispose();
    this.blocks = null;
  }
}

/**
 * Solves L v_r = b_r for c right-hand sides stored as rows of B (c x n), in place. Four rows at a time so each row
 * of L is read once per four solves.
 */
export function solveLowerRowsBlocked(L: Float64Array, n: number, B: Float64Array, c: number): void {
  let r = 0;
  for (; r + 3 < c; r += 4) {
    const o0 = r * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    for (let i = 0; i < n; i++) {
      const li = i * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < i; k++) {
        const l = L[li + k];
        s0 += l * B[o0 + k];
        s1 += l * B[o1 + k];
        s2 += l * B[o2 + k];
        s3 += l * B[o3 + k];
      }
      const d = L[li + i];
      B[o0 + i] = (B[o0 + i] - s0) / d;
      B[o1 + i] = (B[o1 + i] - s1) / d;
      B[o2 + i] = (B[o2 + i] - s2) / d;
      B[o3 + i] = (B[o3 + i] - s3) / d;
    }
  }
  for (; r < c; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) {
      const li = i * n;
      B[o + i] = (B[o + i] - dot(L, li, B, o, i)) / L[li + i];
    }
  }
}
