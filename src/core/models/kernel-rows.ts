/**
 * GP cross-kernel rows for many query points, chunk by chunk: K[i,:] = σf² k(z_i, Z) (float64, and the same rounded
 * to float32 when the caller's variance path wants it) plus the posterior mean μ_i = K[i,:]·α.
 *
 * With the helper thread, each chunk is split: the helper builds its first h rows ahead of time (while the caller
 * works on the previous chunk) and this thread builds the rest just before handing the chunk out. h adapts so both
 * threads finish together: all rows go to the helper when the caller's own work (the variance matmul) is as long as
 * a whole chunk's kernel (large n), about 5/8 of them when the kernel dominates (small n). Without a helper every row
 * is built here. Which thread built a row never changes its values (same function, same order of operations).
 */
import { prepareRows, TANIMOTO } from './kernels';
import { getHelper, sharedF32, sharedF64, toShared, type Helper } from '../parallel/pool';
import { kernelRows, type KernelRowsArgs } from '../parallel/tasks';

export interface KernelChunk {
  /** First query row of the chunk and its number of rows. */
  r0: number;
  c: number;
  /** c x n kernel rows (σf² included). */
  K: Float64Array;
  /** The same rows in float32 (only when requested and d ≥ 8). */
  K32?: Float32Array;
  /** Posterior mean on standardised outputs, one per row. */
  mu: Float64Array;
}

export interface KernelRowSource {
  code: number;
  /** Standardised query inputs (m x d); scaled by 1/lengthscale here. */
  Xq: Float64Array;
  m: number;
  d: number;
  invLs: Float64Array;
  /** Scaled training inputs (n x d). */
  Z: Float64Array;
  n: number;
  sf2: number;
  alpha: Float64Array;
  chunk: number;
  float32: boolean;
}

/** Below this many kernel entries (m·n) the helper's start-up and hand-over cost more than they save. */
const PARALLEL_MIN_ENTRIES = 4e6;

type Slot = KernelRowsArgs & { rows: number };

export class KernelRowStream {
  private readonly helper: Helper | null;
  private readonly slots: Slot[];
  private readonly chunks: number;
  private k = 0;
  private pending = false;
  /** Fraction of each chunk's rows given to the helper, and the timings it is tuned from (ms per row / per chunk). */
  private frac = 0.75;
  private helperMsPerRow = 0;
  private ownMsPerRow = 0;
  private consumerMs = 0;
  private handedOutAt = 0;

  constructor(private readonly s: KernelRowSource) {
    const { m, n, d, chunk } = s;
    this.chunks = Math.ceil(m / chunk);
    this.helper = this.chunks >= 2 && m * n >= PARALLEL_MIN_ENTRIES ? getHelper() : null;
    const shared = this.helper !== null;
    const f64 = (len: number): Float64Array => (shared ? sharedF64(len) : new Float64Array(len));
    const prepared = s.code !== TANIMOTO && d >= 8 && m >= 64 ? prepareRows(s.Z, n, d) : null;
    const common = {
      code: s.code,
      d,
      n,
      scale: s.sf2,
      Z: prepared ? undefined : shared ? toShared(s.Z) : s.Z,
      Bt: prepared ? (shared ? toShared(prepared.Bt) : prepared.Bt) : undefined,
      bb: prepared ? (shared ? toShared(prepared.bb) : prepared.bb) : undefined,
      alpha: shared ? toShared(s.alpha) : s.alpha,
    };
    this.slots = Array.from({ length: shared ? 2 : 1 }, () => ({
      ...common,
      c: 0,
      rows: 0,
      Zq: f64(chunk * d),
      out: f64(chunk * n),
      // float32 rows are produced only on the expanded path (while each row is still in cache)
      out32: s.float32 && prepared ? (shared ? sharedF32(chunk * n) : new Float32Array(chunk * n)) : undefined,
      mu: f64(chunk),
    }));
    if (this.helper) this.post(0);
  }

  /** Scaled query rows of chunk k into its slot. */
  private fill(k: number): Slot {
    const { Xq, m, d, invLs, chunk } = this.s;
    const slot = this.slots[k % this.slots.length];
    const r0 = k * chunk;
    const c = Math.min(chunk, m - r0);
    slot.c = c;
    const Zq = slot.Zq;
    for (let i = 0; i < c; i++) for (let j = 0; j < d; j++) Zq[i * d + j] = Xq[(r0 + i) * d + j] * invLs[j];
    return slot;
  }

  private post(k: number): void {
    const slot = this.fill(k);
    slot.rows = Math.round(this.frac * slot.c);
    this.helper?.post('kernelRowsHead', slot);
    this.pending = true;
  }

  /** The next chunk, or null at the end. Its buffers are valid until the call after next. */
  next(): KernelChunk | null {
    const now = performance.now();
    if (this.k > 0) this.consumerMs = now - this.handedOutAt;
    const k = this.k;
    if (k >= this.chunks) return null;
    this.k++;
    let slot: Slot;
    if (this.helper) {
      const helperMs = this.helper.wait('kernelRowsHead');
      this.pending = false;
      slot = this.slots[k % 2];
      if (slot.rows > 0) this.helperMsPerRow = helperMs / slot.rows;
      if (k + 1 < this.chunks) {
        this.rebalance();
        this.post(k + 1);
      }
      const own = slot.c - slot.rows;
      const ms = kernelRows(slot, slot.rows, slot.c);
      if (own > 0) this.ownMsPerRow = ms / own;
    } else {
      slot = this.fill(k);
      slot.rows = 0;
      kernelRows(slot);
    }
    this.handedOutAt = performance.now();
    return { r0: k * this.s.chunk, c: slot.c, K: slot.out, K32: slot.out32, mu: slot.mu as Float64Array };
  }

  /**
   * Helper share f so that its rows take as long as this thread's rows plus the caller's work:
   * f·c·h = (1 − f)·c·o + W  ⇒  f = (c·o + W) / (c·(h + o)); kept within [1/2, 1].
   */
  private rebalance(): void {
    const h = this.helperMsPerRow;
    const o = this.ownMsPerRow || h;
    if (!(h > 0)) return;
    const c = this.s.chunk;
    const f = (c * o + this.consumerMs) / (c * (h + o));
    if (Number.isFinite(f)) this.frac = Math.min(1, Math.max(0.5, f));
  }

  /** Waits for a chunk still being built (call when stopping early, e.g. after an exception). */
  close(): void {
    if (this.helper && this.pending) {
      this.pending = false;
      this.helper.wait('kernelRowsHead');
    }
  }
}
