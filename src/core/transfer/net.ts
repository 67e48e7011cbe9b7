/**
 * Source networks: plain MLPs (dense layers, one activation, dropout while training, one linear output) trained with
 * TensorFlow.js on a source property (MSE on the standardised target, Adam, early stopping on a held-out split, best
 * weights restored). Inference (predictions, frozen hidden activations) is plain float64 JavaScript over the stored
 * float32 weights, so it is deterministic and needs no TensorFlow.js at run time.
 */
import type { Matrix } from '../features/types';
import { Rng } from '../linalg/random';
import { checkAbort, yieldToEventLoop } from '../models/common';
import { getTfBackend, readyTf, type Tf } from '../models/tf';

export const ACTIVATIONS = ['relu', 'elu', 'tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Per layer: W (inDim × outDim, row-major) and b (outDim). The last layer is linear with outDim 1. */
export type NetWeights = { W: Float32Array; b: Float32Array; inDim: number; outDim: number }[];

export interface Architecture {
  hidden: number[];
  activation: Activation;
  dropout: number;
}

/** Seeded random architecture: depth 2–3, decreasing widths from {256, 128, 64, 32}, activation, dropout. */
export function randomArchitecture(seed: number): Architecture {
  const rng = new Rng(seed * 7727 + 11);
  const depth = 2 + rng.int(2);
  const first = [256, 128, 128, 64][rng.int(4)];
  const hidden: number[] = [first];
  for (let l = 1; l < depth; l++) hidden.push(Math.max(32, hidden[l - 1] / (rng.uniform() < 0.5 ? 1 : 2)));
  return { hidden, activation: ACTIVATIONS[rng.int(ACTIVATIONS.length)], dropout: [0, 0.05, 0.1][rng.int(3)] };
}

export function act(a: Activation, z: number): number {
  if (a === 'relu') return z > 0 ? z : 0;
  if (a === 'elu') return z > 0 ? z : Math.expm1(z);
  return Math.tanh(z);
}

/**
 * Forward pass of standardised inputs (n × d). Returns the output (n) and, when asked, the activations of hidden
 * layer `keep` (0-based among hidden layers; negative counts from the last hidden layer, -1 = last).
 */
export function forwardJs(w: NetWeights, activation: Activation, Xs: Matrix, keep?: number): { out: Float64Array; hidden?: Matrix } {
  const n = Xs.rows;
  const H = w.length - 1;
  const keepAt = keep === undefined ? -99 : keep < 0 ? H + keep : keep;
  let cur = Xs.data;
  let width = Xs.cols;
  let hidden: Matrix | undefined;
  for (let l = 0; l < w.length; l++) {
    const { W, b, inDim, outDim } = w[l];
    if (inDim !== width) throw new Error(`source net: layer ${l} expects ${inDim} inputs, got ${width}`);
    const next = new Float64Array(n * outDim);
    for (let i = 0; i < n; i++) {
      const xo = i * inDim;
      const zo = i * outDim;
      for (let j = 0; j < outDim; j++) next[zo + j] = b[j];
      for (let k = 0; k < inDim; k++) {
        const x = cur[xo + k];
        if (x === 0) continue;
        const wo = k * outDim;
        for (let j = 0; j < outDim; j++) next[zo + j] += x * W[wo + j];
      }
      if (l < H) for (let j = 0; j < outDim; j++) next[zo + j] = act(activation, next[zo + j]);
    }
    if (l === keepAt) hidden = { rows: n, cols: outDim, data: next };
    cur = next;
    width = outDim;
  }
  return { out: cur, hidden };
}

export interface TrainNetOptions {
  arch: Architecture;
  seed: number;
  epochs?: number;
  patience?: number;
  batch?: number;
  learningRate?: number;
  /**
   * Reduce-on-plateau: after this many epochs without a better held-out loss the learning rate is halved (down to
   * 1/64 of the start); default 4. 0 keeps it constant.
   */
  plateau?: number;
  /** Fraction of rows held out for early stopping and the validation metric (default 0.1). */
  valFraction?: number;
  signal?: AbortSignal;
  onEpoch?: (epoch: number, trainLoss: number, valLoss: number) => void;
}

export interface TrainedNet {
  weights: NetWeights;
  epochs: number;
  /** Held-out rows (indices into the training matrix) used for early stopping. */
  valRows: number[];
  bestVal: number;
}

function tfNow(): Tf {
  const r = readyTf();
  if (r) return r.tf;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as Tf;
}

/** Trains one network on standardised X (n × d) and y (n). */
export async function trainNet(Xs: Matrix, ys: Float64Array, o: TrainNetOptions): Promise<TrainedNet> {
  await getTfBackend();
  const tf = tfNow();
  const n = Xs.rows;
  const d = Xs.cols;
  const rng = new Rng(o.seed * 104729 + 3);
  const dims = [d, ...o.arch.hidden, 1];
  const perm = rng.permutation(n);
  const nVal = Math.max(1, Math.round((o.valFraction ?? 0.1) * n));
  const valRows = Array.from(perm.subarray(0, nVal));
  const trRows = Array.from(perm.subarray(nVal));
  const vars: ReturnType<Tf['variable']>[] = [];
  for (let l = 0; l + 1 < dims.length; l++) {
    const W = new Float32Array(dims[l] * dims[l + 1]);
    const sd = Math.sqrt((o.arch.activation === 'tanh' || l + 2 === dims.length ? 1 : 2) / dims[l]);
    for (let i = 0; i < W.length; i++) W[i] = rng.normal() * sd;
    vars.push(tf.variable(tf.tensor2d(W, [dims[l], dims[l + 1]])), tf.variable(tf.zeros([dims[l + 1]])));
  }
  const X32 = Float32Array.from(Xs.data);
  const y32 = Float32Array.from(ys);
  const Xall = tf.tensor2d(X32, [n, d]);
  const yall = tf.tensor2d(y32, [n, 1]);
  const valIdx = tf.tensor1d(Int32Array.from(valRows), 'int32');
  const xVal = tf.gather(Xall, valIdx);
  const yVal = tf.gather(yall, valIdx);
  valIdx.dispose();
  const actFn = (z: ReturnType<Tf['tensor2d']>) => (o.arch.activation === 'relu' ? tf.relu(z) : o.arch.activation === 'elu' ? tf.elu(z) : tf.tanh(z));
  let dropSeed = o.seed * 31 + 1;
  const forward = (x: ReturnType<Tf['tensor2d']>, training: boolean): ReturnType<Tf['tensor2d']> => {
    let h = x;
    const L = vars.length / 2;
    for (let l = 0; l < L; l++) {
      const z = tf.add(tf.matMul(h, vars[2 * l] as ReturnType<Tf['tensor2d']>), vars[2 * l + 1]) as ReturnType<Tf['tensor2d']>;
      if (l + 1 < L) {
        h = actFn(z) as ReturnType<Tf['tensor2d']>;
        if (training && o.arch.dropout > 0) h = tf.dropout(h, o.arch.dropout, undefined, dropSeed++) as ReturnType<Tf['tensor2d']>;
      } else h = z;
    }
    return h;
  };
  const lr0 = o.learningRate ?? 1e-3;
  const optimizer = tf.train.adam(lr0);
  let lr = lr0;
  const plateau = o.plateau ?? 4;
  const batch = Math.max(8, Math.min(trRows.length, o.batch ?? 256));
  const maxEpochs = o.epochs ?? 100;
  const patience = o.patience ?? 12;
  let best = Infinity;
  let bestWeights = vars.map((v) => v.dataSync().slice() as Float32Array);
  let since = 0;
  let epochs = 0;
  const order = trRows.slice();
  try {
    for (let e = 0; e < maxEpochs; e++) {
      checkAbort(o.signal);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      let sum = 0;
      for (let b0 = 0; b0 < order.length; b0 += batch) {
        const idx = tf.tensor1d(Int32Array.from(order.slice(b0, b0 + batch)), 'int32');
        const xb = tf.gather(Xall, idx);
        const yb = tf.gather(yall, idx);
        const l = optimizer.minimize(() => tf.mean(tf.square(tf.sub(forward(xb as ReturnType<Tf['tensor2d']>, true), yb))) as ReturnType<Tf['scalar']>, true, vars);
        sum += (l ? l.dataSync()[0] : NaN) * Math.min(batch, order.length - b0);
        l?.dispose();
        idx.dispose();
        xb.dispose();
        yb.dispose();
        if (((b0 / batch) | 0) % 20 === 19) {
          checkAbort(o.signal);
          await yieldToEventLoop();
        }
      }
      epochs++;
      const vl = tf.tidy(() => tf.mean(tf.square(tf.sub(forward(xVal as ReturnType<Tf['tensor2d']>, false), yVal))).dataSync()[0]);
      o.onEpoch?.(epochs, sum / order.length, vl);
      if (vl < best - 1e-5) {
        best = vl;
        bestWeights = vars.map((v) => v.dataSync().slice() as Float32Array);
        since = 0;
      } else {
        if (++since >= patience) break;
        if (plateau > 0 && since % plateau === 0 && lr > lr0 / 64) {
          lr /= 2;
          // AdamOptimizer reads its (TS-protected) learningRate at every step
          (optimizer as unknown as { learningRate: number }).learningRate = lr;
        }
      }
      await yieldToEventLoop();
    }
  } finally {
    optimizer.dispose();
    vars.forEach((v) => v.dispose());
    Xall.dispose();
    yall.dispose();
    xVal.dispose();
    yVal.dispose();
  }
  const weights: NetWeights = [];
  for (let l = 0; l + 1 < dims.length; l++) weights.push({ W: bestWeights[2 * l], b: bestWeights[2 * l + 1], inDim: dims[l], outDim: dims[l + 1] });
  return { weights, epochs, valRows, bestVal: best };
}
