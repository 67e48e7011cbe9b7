/**
 * Deep ensemble of small MLPs (TensorFlow.js): K members with different seeds (initial weights, data split and
 * minibatch order), each predicting a mean and a variance per output (Gaussian NLL, NaN targets masked), trained with
 * Adam and early stopping on a held-out 10% split (best weights restored). Prediction: mean = average of member
 * means; latent variance = spread of member means; observation variance = latent + average member variance.
 * Weights are initialised from the engine's seeded RNG, so a run is reproducible on a given backend (float32).
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { fitStandardizer, standardize, type Standardizer } from '../features/standardize';
import { Rng } from '../linalg/random';
import { calibrationScale } from './calibrate';
import { checkAbort, checkShapes, emptyPrediction, f64, notFitted, takeRows, toArray, yieldToEventLoop } from './common';
import { getTfBackend, readyTf, type Tf } from './tf';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

export interface MlpOptions {
  members?: number;
  hidden?: number[];
  epochs?: number;
  learning_rate?: number;
  /** Minibatch size (default min(n, 128)). */
  batch?: number;
  /** Early-stopping patience in epochs (default 40). */
  patience?: number;
  seed?: number;
  /** Scale predictive std so the members' held-out (early-stopping) 90% intervals cover 90% (default true). */
  calibrate?: boolean;
}

type Variable = ReturnType<Tf['variable']>;
type Tensor = ReturnType<Tf['tensor']>;

interface MemberWeights {
  /** Per layer: W (in x out) and b (out), row-major. */
  layers: { W: number[]; b: number[]; inDim: number; outDim: number }[];
  /** Best held-out mean squared error (standardised units). */
  bestVal: number;
  epochs: number;
}

interface MlpState {
  hidden: number[];
  members: MemberWeights[];
  xs: { mean: number[]; std: number[] };
  ys: { mean: number[]; std: number[] };
  d: number;
  T: number;
  /** Calibration scale per output (absent in older saves = 1). */
  cal?: number[];
}

function tfOrThrow(): Tf {
  const r = readyTf();
  if (r) return r.tf;
  // Not initialised through getTfBackend(): use the module as is (TensorFlow.js picks its default backend).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as Tf;
}

export class MlpEnsembleModel implements Model {
  readonly type = 'mlp-ensemble';
  private readonly K: number;
  private readonly hidden: number[];
  private readonly epochs: number;
  private readonly lr: number;
  private readonly opts: MlpOptions;
  private xs: Standardizer | null = null;
  private ys: Standardizer | null = null;
  private d = 0;
  private T = 0;
  private members: MemberWeights[] = [];
  private lastLoss = NaN;
  /** Calibration scale per output (std multiplier). */
  private cal: number[] = [];

  constructor(opts: MlpOptions = {}) {
    this.opts = opts;
    this.K = Math.max(1, Math.floor(opts.members ?? 5));
    this.hidden = opts.hidden?.length ? opts.hidden.map((h) => Math.max(1, Math.floor(h))) : [64, 64];
    this.epochs = Math.max(1, Math.floor(opts.epochs ?? 300));
    this.lr = opts.learning_rate ?? 0.01;
  }

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    checkShapes(X, Y);
    await getTfBackend();
    const tf = tfOrThrow();
    const seed = opts.seed ?? this.opts.seed ?? 0;
    this.xs = fitStandardizer(X);
    this.ys = fitStandardizer(Y);
    this.d = X.cols;
    this.T = Y.cols;
    const n = X.rows;
    const Xs = standardize(X, this.xs).data;
    const Ys = standardize(Y, this.ys).data;
    this.members = [];
    this.cal = new Array<number>(Y.cols).fill(1);
    const heldOut: number[][] = [];
    let epochCounter = 0;
    for (let k = 0; k < this.K; k++) {
      checkAbort(opts.signal);
      const rng = new Rng(seed * 7919 + k * 104729 + 17);
      const perm = rng.permutation(n);
      const nVal = n >= 20 ? Math.max(2, Math.round(0.1 * n)) : 0;
      const valRows = Array.from(perm.subarray(0, nVal));
      const trRows = Array.from(perm.subarray(nVal));
      const member = await this.trainMember(tf, rng, Xs, Ys, trRows, valRows, opts, () => ++epochCounter);
      this.members.push(member);
      heldOut.push(valRows);
    }
    if (this.opts.calibrate ?? true) this.calibrate(X, Y, heldOut);
  }

  /**
   * Calibration on the early-stopping splits: for each member k and each row i it held out, the standardised residual
   * z = (y_i − μ_k(x_i)) / √(v_k(x_i) + spread(x_i)), with v_k the member's predicted noise variance and spread the
   * ensemble's variance of member means at x_i; s = calibrationScale(z) per output.
   */
  private calibrate(X: Matrix, Y: Matrix, heldOut: number[][]): void {
    const T = this.T;
    const all = this.predict(X);
    const z: number[][] = Array.from({ length: T }, () => []);
    this.members.forEach((mem, k) => {
      const rows = heldOut[k];
      if (!rows.length) return;
      const single = this.single(mem);
      const p = single.predict(takeRows(X, rows));
      rows.forEach((r, i) => {
        for (let t = 0; t < T; t++) {
          const y = Y.data[r * T + t];
          if (!Number.isFinite(y)) continue;
          const v = p.variance[i * T + t] + all.latentVariance[r * T + t];
          z[t].push((y - p.mean[i * T + t]) / Math.sqrt(v));
        }
      });
    });
    this.cal = z.map((zt) => calibrationScale(zt));
  }

  private single(mem: MemberWeights): MlpEnsembleModel {
    const single = new MlpEnsembleModel({ hidden: this.hidden, members: 1 });
    single.xs = this.xs;
    single.ys = this.ys;
    single.d = this.d;
    single.T = this.T;
    single.members = [mem];
    single.cal = new Array<number>(this.T).fill(1);
    return single;
  }

  private async trainMember(
    tf: Tf,
    rng: Rng,
    Xs: Float64Array,
    Ys: Float64Array,
    trRows: number[],
    valRows: number[],
    opts: FitOptions,
    nextEpoch: () => number,
  ): Promise<MemberWeights> {
    const { d, T } = this;
    const dims = [d, ...this.hidden, 2 * T];
    const vars: Variable[] = [];
    for (let l = 0; l + 1 < dims.length; l++) {
      const fanIn = dims[l];
      const fanOut = dims[l + 1];
      const W = new Float32Array(fanIn * fanOut);
      const sd = Math.sqrt((l + 2 < dims.length ? 2 : 1) / fanIn);
      for (let i = 0; i < W.length; i++) W[i] = rng.normal() * sd;
      vars.push(tf.variable(tf.tensor2d(W, [fanIn, fanOut])), tf.variable(tf.zeros([fanOut])));
    }
    const toTensors = (rows: number[]): { x: Tensor; y: Tensor; mask: Tensor } => {
      const x = new Float32Array(rows.length * d);
      const y = new Float32Array(rows.length * T);
      const mask = new Float32Array(rows.length * T);
      rows.forEach((r, i) => {
        for (let k = 0; k < d; k++) x[i * d + k] = Xs[r * d + k];
        for (let t = 0; t < T; t++) {
          const v = Ys[r * T + t];
          const ok = Number.isFinite(v);
          y[i * T + t] = ok ? v : 0;
          mask[i * T + t] = ok ? 1 : 0;
        }
      });
      return { x: tf.tensor2d(x, [rows.length, d]), y: tf.tensor2d(y, [rows.length, T]), mask: tf.tensor2d(mask, [rows.length, T]) };
    };
    const loss = (x: Tensor, y: Tensor, mask: Tensor): Tensor =>
      tf.tidy(() => {
        const out = forward(tf, vars, x);
        const mu = tf.slice(out, [0, 0], [-1, T]);
        const v = tf.add(tf.softplus(tf.slice(out, [0, T], [-1, T])), 1e-4);
        const nll = tf.mul(tf.add(tf.log(v), tf.div(tf.square(tf.sub(y, mu)), v)), 0.5);
        return tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), 1));
      });
    const mse = (x: Tensor, y: Tensor, mask: Tensor): Tensor =>
      tf.tidy(() => {
        const mu = tf.slice(forward(tf, vars, x), [0, 0], [-1, T]);
        return tf.div(tf.sum(tf.mul(tf.square(tf.sub(y, mu)), mask)), tf.maximum(tf.sum(mask), 1));
      });
    const optimizer = tf.train.adam(this.lr);
    const batch = Math.max(1, Math.min(trRows.length, this.opts.batch ?? 128));
    const patience = this.opts.patience ?? 40;
    const val = valRows.length ? toTensors(valRows) : null;
    let best = Infinity;
    let bestWeights: Float32Array[] = vars.map((v) => v.dataSync().slice() as Float32Array);
    let sinceBest = 0;
    let epochs = 0;
    const order = trRows.slice();
    try {
      for (let e = 0; e < this.epochs; e++) {
        checkAbort(opts.signal);
        for (let i = order.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        let epochLoss = 0;
        for (let b0 = 0; b0 < order.length; b0 += batch) {
          const rows = order.slice(b0, b0 + batch);
          const t = toTensors(rows);
          const l = optimizer.minimize(() => loss(t.x, t.y, t.mask) as ReturnType<Tf['scalar']>, true, vars);
          epochLoss += (l ? l.dataSync()[0] : NaN) * rows.length;
          l?.dispose();
          t.x.dispose();
          t.y.dispose();
          t.mask.dispose();
        }
        epochLoss /= order.length;
        epochs++;
        this.lastLoss = epochLoss;
        opts.onProgress?.({ phase: 'epoch', iteration: nextEpoch(), value: epochLoss });
        // early stopping on the held-out squared error of the means (the NLL can rise while the mean still improves)
        const vl = val ? lossValue(mse(val.x, val.y, val.mask)) : epochLoss;
        if (vl < best - 1e-6) {
          best = vl;
          bestWeights = vars.map((v) => v.dataSync().slice() as Float32Array);
          sinceBest = 0;
        } else if (++sinceBest >= patience) break;
        if (e % 10 === 9) await yieldToEventLoop();
      }
    } finally {
      optimizer.dispose();
      val?.x.dispose();
      val?.y.dispose();
      val?.mask.dispose();
      vars.forEach((v) => v.dispose());
    }
    const layers: MemberWeights['layers'] = [];
    for (let l = 0; l + 1 < dims.length; l++) {
      layers.push({ W: Array.from(bestWeights[2 * l]), b: Array.from(bestWeights[2 * l + 1]), inDim: dims[l], outDim: dims[l + 1] });
    }
    return { layers, bestVal: best, epochs };
  }

  predict(X: Matrix): Prediction {
    if (!this.xs || !this.ys || !this.members.length) throw notFitted('mlp-ensemble');
    if (X.cols !== this.d) throw new MiError(`mlp-ensemble predict: expected ${this.d} features, got ${X.cols}`, { code: 'shape-mismatch' });
    const tf = tfOrThrow();
    const { T } = this;
    const m = X.rows;
    const K = this.members.length;
    const Xs = standardize(X, this.xs).data;
    const sumMu = new Float64Array(m * T);
    const sumMu2 = new Float64Array(m * T);
    const sumVar = new Float64Array(m * T);
    const chunk = 8192;
    for (const mem of this.members) {
      const vars = mem.layers.flatMap((l) => [tf.tensor2d(Float32Array.from(l.W), [l.inDim, l.outDim]), tf.tensor1d(Float32Array.from(l.b))]);
      for (let r0 = 0; r0 < m; r0 += chunk) {
        const c = Math.min(chunk, m - r0);
        const out = tf.tidy(() => {
          const x = tf.tensor2d(Float32Array.from(Xs.subarray(r0 * this.d, (r0 + c) * this.d)), [c, this.d]);
          const o = forward(tf, vars, x);
          return tf.concat([tf.slice(o, [0, 0], [-1, T]), tf.add(tf.softplus(tf.slice(o, [0, T], [-1, T])), 1e-4)], 1);
        });
        const data = out.dataSync();
        out.dispose();
        for (let i = 0; i < c; i++) {
          for (let t = 0; t < T; t++) {
            const mu = data[i * 2 * T + t];
            const idx = (r0 + i) * T + t;
            sumMu[idx] += mu;
            sumMu2[idx] += mu * mu;
            sumVar[idx] += data[i * 2 * T + T + t];
          }
        }
      }
      vars.forEach((v) => v.dispose());
    }
    const pred = emptyPrediction(m, T);
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < T; t++) {
        const idx = i * T + t;
        const mu = sumMu[idx] / K;
        const spread = Math.max(sumMu2[idx] / K - mu * mu, 0);
        const noise = sumVar[idx] / K;
        const s2 = this.ys.std[t] ** 2 * (this.cal[t] ?? 1) ** 2;
        pred.mean[idx] = this.ys.mean[t] + this.ys.std[t] * mu;
        pred.latentVariance[idx] = Math.max(spread, 1e-12) * s2;
        pred.variance[idx] = (spread + noise) * s2;
      }
    }
    return pred;
  }

  /** Thompson samples of output 0: each draw is one ensemble member's mean function (members chosen at random). */
  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    if (!this.xs || !this.ys || !this.members.length) throw notFitted('mlp-ensemble');
    const rng = new Rng(seed);
    const perMember = this.members.map((mem) => this.single(mem));
    const cache = new Map<number, Float64Array>();
    return Array.from({ length: count }, () => {
      const k = rng.int(perMember.length);
      let s = cache.get(k);
      if (!s) {
        const p = perMember[k].predict(X);
        s = new Float64Array(X.rows);
        for (let i = 0; i < X.rows; i++) s[i] = p.mean[i * this.T];
        cache.set(k, s);
      }
      return Float64Array.from(s);
    });
  }

  summary(): ModelSummary {
    return {
      type: 'mlp-ensemble',
      hyperparameters: {
        members: this.members.length,
        hidden: this.hidden,
        learning_rate: this.lr,
        epochs_trained: this.members.map((m) => m.epochs),
        best_val_mse: this.members.map((m) => m.bestVal),
        ...Object.fromEntries(this.cal.map((c, t) => [`calibration_scale${t === 0 ? '' : `#${t + 1}`}`, c])),
      },
      objective: this.members.length ? this.members.reduce((s, m) => s + m.bestVal, 0) / this.members.length : this.lastLoss,
    };
  }

  save(): SavedModel {
    if (!this.xs || !this.ys) throw notFitted('mlp-ensemble');
    const state: MlpState = {
      hidden: this.hidden,
      members: this.members,
      xs: { mean: toArray(this.xs.mean), std: toArray(this.xs.std) },
      ys: { mean: toArray(this.ys.mean), std: toArray(this.ys.std) },
      d: this.d,
      T: this.T,
      cal: this.cal,
    };
    return { type: 'mlp-ensemble', version: 1, state };
  }

  static load(saved: SavedModel): MlpEnsembleModel {
    const s = saved.state as MlpState;
    const m = new MlpEnsembleModel({ hidden: s.hidden, members: s.members.length });
    m.xs = { mean: f64(s.xs.mean), std: f64(s.xs.std) };
    m.ys = { mean: f64(s.ys.mean), std: f64(s.ys.std) };
    m.d = s.d;
    m.T = s.T;
    m.members = s.members;
    m.cal = s.cal ?? new Array<number>(s.T).fill(1);
    return m;
  }
}

function forward(tf: Tf, vars: Tensor[], x: Tensor): Tensor {
  let h = x;
  const L = vars.length / 2;
  for (let l = 0; l < L; l++) {
    const z = tf.add(tf.matMul(h as ReturnType<Tf['tensor2d']>, vars[2 * l] as ReturnType<Tf['tensor2d']>), vars[2 * l + 1]);
    h = l + 1 < L ? tf.relu(z) : z;
  }
  return h;
}

function lossValue(t: Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}
