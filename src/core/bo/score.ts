/**
 * Chunked pool scoring in bounded memory: features are produced and predicted chunk by chunk; only per-candidate
 * means/stds (Float32) and acquisition values (Float64, since EI can be far below Float32's range) are stored, plus the
 * features of the current top-M candidates (used for batch selection).
 *
 * Thompson sampling (`ts`): the stored acquisition is one joint posterior draw when `tsDraw` is given (random
 * features, rff.ts), else one independent marginal draw per candidate; the top-M rows are pre-screened by UCB with
 * beta = 4 for batch picks with `model.sample`.
 */
import type { Matrix } from '../features/types';
import type { Model } from '../models/types';
import { acquisitionOf, type AcquisitionSetup } from './objectives';
import { Rng } from './rng';

export interface Chunk {
  X: Matrix;
  /** Candidate index (caller's numbering) of each row of X. */
  index: ArrayLike<number>;
}

export interface ScoredPool {
  count: number;
  /** Candidate index of each scored row, in scoring order. */
  index: Int32Array;
  mean: Float32Array; // count x T
  std: Float32Array; // count x T (predictive std of an observation)
  acq: Float64Array;
  top: { index: number[]; X: Matrix; screen: number[] };
}

export interface ScoreOptions {
  chunkSize?: number;
  keepTop?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Thompson sampling: a joint posterior draw of the objective output on a chunk (e.g. random features). */
  tsDraw?: { output: number; evaluate: (X: Matrix) => Float64Array };
}

export async function scorePool(
  model: Model,
  setup: AcquisitionSetup,
  total: number,
  getChunk: (start: number, end: number) => Promise<Chunk>,
  opts: ScoreOptions = {},
): Promise<ScoredPool> {
  const chunkSize = opts.chunkSize ?? 8192;
  const keepTop = opts.keepTop ?? 512;
  const T = setup.targets.length;
  let cap = Math.max(16, total);
  let index = new Int32Array(cap);
  let mean = new Float32Array(cap * T);
  let std = new Float32Array(cap * T);
  let acq = new Float64Array(cap);
  let count = 0;
  let d = 0;
  // top-M buffer
  let topIdx: number[] = [];
  let topScreen: number[] = [];
  let topX: number[][] = [];
  const prune = (): void => {
    const order = topScreen.map((_, i) => i).sort((a, b) => topScreen[b] - topScreen[a]).slice(0, keepTop);
    topIdx = order.map((i) => topIdx[i]);
    topX = order.map((i) => topX[i]);
    topScreen = order.map((i) => topScreen[i]);
  };
  const rng = new Rng(setup.seed + 101);
  const screenSetup: AcquisitionSetup | undefined = setup.kind === 'ts' ? { ...setup, kind: 'ucb', beta: 4 } : undefined;
  const m = new Float64Array(T);
  const v = new Float64Array(T);
  const draw = new Float64Array(T);
  for (let start = 0; start < total; start += chunkSize) {
    if (opts.signal?.aborted) throw new Error('cancelled');
    const end = Math.min(total, start + chunkSize);
    const chunk = await getChunk(start, end);
    const X = chunk.X;
    d = X.cols;
    if (X.rows === 0) continue;
    const p = model.predict(X);
    const joint = setup.kind === 'ts' && opts.tsDraw ? opts.tsDraw.evaluate(X) : undefined;
    if (count + X.rows > cap) {
      cap = Math.max(cap * 2, count + X.rows);
      const i2 = new Int32Array(cap);
      i2.set(index);
      index = i2;
      const m2 = new Float32Array(cap * T);
      m2.set(mean);
      mean = m2;
      const s2 = new Float32Array(cap * T);
      s2.set(std);
      std = s2;
      const a2 = new Float64Array(cap);
      a2.set(acq);
      acq = a2;
    }
    let threshold = topScreen.length >= keepTop ? Math.min(...topScreen) : -Infinity;
    for (let i = 0; i < X.rows; i++) {
      for (let t = 0; t < T; t++) {
        m[t] = p.mean[i * T + t];
        v[t] = p.latentVariance[i * T + t];
        mean[count * T + t] = m[t];
        std[count * T + t] = Math.sqrt(Math.max(0, p.variance[i * T + t]));
        if (setup.kind === 'ts') draw[t] = m[t] + Math.sqrt(Math.max(0, v[t])) * rng.normal();
      }
      if (joint) draw[opts.tsDraw!.output] = joint[i];
      const a = acquisitionOf(setup, m, v, setup.kind === 'ts' ? draw : undefined);
      const s = screenSetup ? acquisitionOf(screenSetup, m, v) : a;
      acq[count] = a;
      index[count] = chunk.index[i];
      count++;
      if (s > threshold || (Number.isNaN(threshold) && !Number.isNaN(s))) {
        topIdx.push(chunk.index[i]);
        topScreen.push(Number.isNaN(s) ? -Infinity : s);
        topX.push(Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
        if (topIdx.length >= 2 * keepTop) {
          prune();
          threshold = Math.min(...topScreen);
        }
      }
    }
    opts.onProgress?.(end, total);
    // let other work (cancellation, progress events) run between chunks
    await new Promise<void>((r) => setImmediate(r));
  }
  prune();
  const Xtop = new Float64Array(topX.length * d);
  topX.forEach((row, i) => Xtop.set(row, i * d));
  return {
    count,
    index: index.subarray(0, count),
    mean: mean.subarray(0, count * T),
    std: std.subarray(0, count * T),
    acq: acq.subarray(0, count),
    top: { index: topIdx, X: { rows: topX.length, cols: d, data: Xtop }, screen: topScreen },
  };
}
