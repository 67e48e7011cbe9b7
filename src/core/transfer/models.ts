/**
 * Target-side models of the transfer strategies, all over the augmented input matrix
 * [descriptors | per source: prediction mean, spread | frozen activations | input of the last hidden layer]:
 * - `SubsetModel`: any engine model on a subset of those columns (baseline, `features`, `prediction` for non-GP models);
 * - `TransferGpModel` (tgp.ts): the GP with a linear kernel term on the source predictions (`prediction` with gp);
 * - `FinetuneModel`: the source network's last hidden layer + head as the starting point, retrained on the target
 *   (full batch Adam on the standardised target, early stopping on a held-out fifth, best weights restored), a few
 *   members with different splits; mean = average, latent variance = spread, noise = held-out MSE.
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { Rng } from '../linalg/random';
import { loadModel } from '../models';
import { checkAbort, checkShapes, emptyPrediction, notFitted, outputColumn, takeRows } from '../models/common';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from '../models/types';
import { act, type Activation } from './net';
import { TransferGpModel } from './tgp';

export function selectCols(X: Matrix, cols: number[]): Matrix {
  const out = new Float64Array(X.rows * cols.length);
  for (let i = 0; i < X.rows; i++) for (let k = 0; k < cols.length; k++) out[i * cols.length + k] = X.data[i * X.cols + cols[k]];
  return { rows: X.rows, cols: cols.length, data: out };
}

export class SubsetModel implements Model {
  readonly type: string;
  constructor(readonly cols: number[], readonly inner: Model, readonly width: number) {
    this.type = inner.type;
  }
  fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    return this.inner.fit(selectCols(X, this.cols), Y, opts);
  }
  predict(X: Matrix): Prediction {
    if (X.cols !== this.width) throw new MiError(`transfer model: expected ${this.width} input columns, got ${X.cols}`, { code: 'shape-mismatch' });
    return this.inner.predict(selectCols(X, this.cols));
  }
  summary(): ModelSummary {
    return this.inner.summary();
  }
  save(): SavedModel {
    return { type: 'transfer-subset', version: 1, state: { cols: this.cols, width: this.width, inner: this.inner.save() } };
  }
  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    if (!this.inner.sample) throw new MiError('transfer model: no sampler', { code: 'no-sampler' });
    return this.inner.sample(selectCols(X, this.cols), count, seed);
  }
}

interface Member {
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: number;
  valMse: number;
  epochs: number;
}

export interface FinetuneInit {
  /** Last hidden layer (P × H) and head (H × 1) of the source network. */
  W1: ArrayLike<number>;
  b1: ArrayLike<number>;
  W2: ArrayLike<number>;
  b2: number;
  P: number;
  H: number;
  activation: Activation;
}

/** Retrains the last hidden layer and the head of a source network on the target; inputs = that layer's input. */
export class FinetuneModel implements Model {
  readonly type = 'finetune';
  private members: Member[] = [];
  private xs = { mean: new Float64Array(0), std: new Float64Array(0) };
  private ys = { mean: 0, std: 1 };

  constructor(
    private readonly init: FinetuneInit,
    private readonly opts: { members?: number; epochs?: number; patience?: number; lr?: number; l2?: number } = {},
  ) {}

  private forward(m: Member, x: Float64Array, xo: number, h: Float64Array): number {
    const { P, H, activation } = this.init;
    let out = m.b2;
    for (let j = 0; j < H; j++) {
      let z = m.b1[j];
      for (let k = 0; k < P; k++) z += x[xo + k] * m.W1[k * H + j];
      h[j] = act(activation, z);
      out += h[j] * m.W2[j];
    }
    return out;
  }

  async fit(X: Matrix, Y: Matrix, o: FitOptions): Promise<void> {
    checkShapes(X, Y);
    const { P, H, activation } = this.init;
    if (X.cols !== P) throw new MiError(`finetune: expected ${P} inputs, got ${X.cols}`, { code: 'shape-mismatch' });
    if (Y.cols !== 1) throw new MiError('finetune: one target only', { code: 'shape-mismatch', hint: 'use strategy prediction or features for several targets' });
    const col = outputColumn(Y, 0);
    const rows = Array.from(col.rows);
    this.ys = { mean: col.mean, std: col.std };
    // inputs are activations of the frozen layers: keep their scale (the source weights expect it)
    const Xo = takeRows(X, rows);
    const n = rows.length;
    const K = Math.max(1, this.opts.members ?? 2);
    const maxEpochs = this.opts.epochs ?? 150;
    const patience = this.opts.patience ?? 20;
    const lr = this.opts.lr ?? 3e-3;
    const l2 = this.opts.l2 ?? 1e-4;
    this.members = [];
    for (let k = 0; k < K; k++) {
      checkAbort(o.signal);
      const rng = new Rng((o.seed ?? 0) * 7001 + k * 13 + 5);
      const perm = rng.permutation(n);
      const nVal = n >= 10 ? Math.max(2, Math.round(0.2 * n)) : 0;
      const val = Array.from(perm.subarray(0, nVal));
      const tr = Array.from(perm.subarray(nVal));
      const m: Member = { W1: Float64Array.from(this.init.W1), b1: Float64Array.from(this.init.b1), W2: Float64Array.from(this.init.W2), b2: this.init.b2, valMse: Infinity, epochs: 0 };
      // the head is re-fitted to the target's scale first (least squares on the frozen activations), then all trained
      const params = [m.W1, m.b1, m.W2];
      const mom = params.map((p) => new Float64Array(p.length));
      const vel = params.map((p) => new Float64Array(p.length));
      let mb2 = 0;
      let vb2 = 0;
      const h = new Float64Array(H);
      const gW1 = new Float64Array(P * H);
      const gb1 = new Float64Array(H);
      const gW2 = new Float64Array(H);
      let best = { W1: m.W1.slice(), b1: m.b1.slice(), W2: m.W2.slice(), b2: m.b2 };
      let bestVal = Infinity;
      let since = 0;
      const mse = (rs: number[]): number => {
        let s = 0;
        for (const r of rs) s += (this.forward(m, Xo.data, r * P, h) - col.y[r]) ** 2;
        return rs.length ? s / rs.length : 0;
      };
      const t0 = tr.length ? tr : val;
      for (let e = 1; e <= maxEpochs; e++) {
        gW1.fill(0);
        gb1.fill(0);
        gW2.fill(0);
        let gb2 = 0;
        for (const r of t0) {
          const out = this.forward(m, Xo.data, r * P, h);
          const dout = (2 * (out - col.y[r])) / t0.length;
          gb2 += dout;
          for (let j = 0; j < H; j++) {
            gW2[j] += dout * h[j];
            const a = h[j];
            const dz = dout * m.W2[j] * (activation === 'relu' ? (a > 0 ? 1 : 0) : activation === 'elu' ? (a > 0 ? 1 : a + 1) : 1 - a * a);
            if (dz === 0) continue;
            gb1[j] += dz;
            for (let q = 0; q < P; q++) gW1[q * H + j] += dz * Xo.data[r * P + q];
          }
        }
        const grads = [gW1, gb1, gW2];
        const b1c = 1 - 0.9 ** e;
        const b2c = 1 - 0.999 ** e;
        params.forEach((p, pi) => {
          const g = grads[pi];
          const mm = mom[pi];
          const vv = vel[pi];
          for (let i = 0; i < p.length; i++) {
            const gi = g[i] + (pi !== 1 ? l2 * p[i] : 0);
            mm[i] = 0.9 * mm[i] + 0.1 * gi;
            vv[i] = 0.999 * vv[i] + 0.001 * gi * gi;
            p[i] -= (lr * (mm[i] / b1c)) / (Math.sqrt(vv[i] / b2c) + 1e-8);
          }
        });
        mb2 = 0.9 * mb2 + 0.1 * gb2;
        vb2 = 0.999 * vb2 + 0.001 * gb2 * gb2;
        m.b2 -= (lr * (mb2 / b1c)) / (Math.sqrt(vb2 / b2c) + 1e-8);
        m.epochs = e;
        const vl = val.length ? mse(val) : mse(t0);
        if (vl < bestVal - 1e-6) {
          bestVal = vl;
          best = { W1: m.W1.slice(), b1: m.b1.slice(), W2: m.W2.slice(), b2: m.b2 };
          since = 0;
        } else if (++since >= patience) break;
        if (e % 25 === 0) {
          checkAbort(o.signal);
          o.onProgress?.({ phase: 'epoch', iteration: e, value: vl });
          await new Promise((r) => setImmediate(r));
        }
      }
      m.W1.set(best.W1);
      m.b1.set(best.b1);
      m.W2.set(best.W2);
      m.b2 = best.b2;
      m.valMse = bestVal;
      this.members.push(m);
    }
  }

  predict(X: Matrix): Prediction {
    if (!this.members.length) throw notFitted('finetune');
    const { P, H } = this.init;
    if (X.cols !== P) throw new MiError(`finetune predict: expected ${P} inputs, got ${X.cols}`, { code: 'shape-mismatch' });
    const pred = emptyPrediction(X.rows, 1);
    const h = new Float64Array(H);
    let noise = 0;
    for (const m of this.members) noise += Number.isFinite(m.valMse) ? m.valMse : 1;
    noise /= this.members.length;
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      let s2 = 0;
      for (const m of this.members) {
        const v = this.forward(m, X.data, i * P, h);
        s += v;
        s2 += v * v;
      }
      const mu = s / this.members.length;
      const spread = Math.max(s2 / this.members.length - mu * mu, 1e-12);
      pred.mean[i] = this.ys.mean + this.ys.std * mu;
      pred.latentVariance[i] = spread * this.ys.std ** 2;
      pred.variance[i] = (spread + noise) * this.ys.std ** 2;
    }
    return pred;
  }

  summary(): ModelSummary {
    return {
      type: 'finetune',
      hyperparameters: { members: this.members.length, epochs_trained: this.members.map((m) => m.epochs), val_mse: this.members.map((m) => m.valMse) },
      objective: this.members.reduce((s, m) => s + m.valMse, 0) / Math.max(1, this.members.length),
    };
  }

  save(): SavedModel {
    return {
      type: 'finetune',
      version: 1,
      state: {
        init: { ...this.init, W1: Array.from(this.init.W1), b1: Array.from(this.init.b1), W2: Array.from(this.init.W2) },
        ys: this.ys,
        members: this.members.map((m) => ({ W1: Array.from(m.W1), b1: Array.from(m.b1), W2: Array.from(m.W2), b2: m.b2, valMse: m.valMse, epochs: m.epochs })),
      },
    };
  }

  static load(saved: SavedModel): FinetuneModel {
    const s = saved.state as { init: FinetuneInit; ys: { mean: number; std: number }; members: { W1: number[]; b1: number[]; W2: number[]; b2: number; valMse: number; epochs: number }[] };
    const m = new FinetuneModel(s.init);
    m.ys = s.ys;
    m.members = s.members.map((x) => ({ W1: Float64Array.from(x.W1), b1: Float64Array.from(x.b1), W2: Float64Array.from(x.W2), b2: x.b2, valMse: x.valMse, epochs: x.epochs }));
    return m;
  }
}

/**
 * The equal-weight average of several fitted transfer candidates (auto's pick: see `pickAverage` in select.ts). The predictive distribution is the mixture of the members': mean = average of their means,
 * variance = average of their variances + the spread of their means (so disagreement between members widens the band).
 */
const MAX_NESTING = 8;

export class AverageModel implements Model {
  readonly type = 'transfer-average';
  constructor(readonly members: Model[], readonly labels: string[]) {
    if (!members.length) throw new MiError('transfer average: no members', { code: 'internal' });
  }
  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    for (const m of this.members) {
      checkAbort(opts.signal);
      await m.fit(X, Y, opts);
    }
  }
  predict(X: Matrix): Prediction {
    const ps = this.members.map((m) => m.predict(X));
    const k = ps.length;
    const { rows, outputs } = ps[0];
    const len = rows * outputs;
    const mean = new Float64Array(len);
    const variance = new Float64Array(len);
    const latentVariance = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      let m = 0;
      for (const p of ps) m += p.mean[i];
      m /= k;
      let v = 0;
      let lv = 0;
      let spread = 0;
      for (const p of ps) {
        v += p.variance[i];
        lv += p.latentVariance[i];
        spread += (p.mean[i] - m) ** 2;
      }
      mean[i] = m;
      variance[i] = (v + spread) / k;
      latentVariance[i] = (lv + spread) / k;
    }
    return { mean, variance, latentVariance, rows, outputs };
  }
  /** Joint samples: sample j comes from member j mod k (a draw from the mixture); members without a sampler give marginal draws. */
  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    const k = this.members.length;
    const out: Float64Array[] = new Array(count);
    this.members.forEach((m, j) => {
      const want = Math.floor(count / k) + (j < count % k ? 1 : 0);
      if (!want) return;
      const got = m.sample ? m.sample(X, want, seed + 7 * j) : marginalDraws(m.predict(X), want, seed + 7 * j);
      got.forEach((s, q) => (out[j + q * k] = s));
    });
    return out;
  }
  summary(): ModelSummary {
    const s = this.members[0].summary();
    return { ...s, chosen: `average of ${this.labels.join(', ')}` };
  }
  save(): SavedModel {
    return { type: 'transfer-average', version: 1, state: { labels: this.labels, members: this.members.map((m) => m.save()) } };
  }
}

/** Independent draws from the marginal latent distribution of output 0 (for models without a joint sampler). */
export function marginalDraws(p: Prediction, count: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Float64Array.from({ length: p.rows }, (_, i) => p.mean[i * p.outputs] + Math.sqrt(Math.max(0, p.latentVariance[i * p.outputs])) * rng.normal()));
}

/**
 * Restores any model saved by the transfer code (and engine models inside a subset). Saved models are untrusted input:
 * the wrappers nest at most 3 deep when the engine writes them (auto's pick → average → column subset → model), so
 * anything deeper than `MAX_NESTING` is refused instead of recursing on.
 */
export function loadTransferModel(saved: SavedModel, depth = 0): Model {
  if (depth > MAX_NESTING) throw new MiError(`saved model: transfer wrappers nested more than ${MAX_NESTING} deep`, { code: 'bad-model', hint: 'the model file was not written by MI Studio; train again' });
  const st = (saved?.state ?? {}) as Record<string, unknown>;
  const inner = (v: unknown): Model => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MiError(`saved model ${saved.type}: inner model missing`, { code: 'bad-model' });
    return loadTransferModel(v as SavedModel, depth + 1);
  };
  if (saved.type === 'transfer-gp') return TransferGpModel.load(saved);
  if (saved.type === 'finetune') return FinetuneModel.load(saved);
  if (saved.type === 'transfer-subset') return new SubsetModel(st.cols as number[], inner(st.inner), st.width as number);
  if (saved.type === 'transfer-average') {
    if (!Array.isArray(st.members) || !st.members.length || !Array.isArray(st.labels)) throw new MiError('saved model transfer-average: members missing', { code: 'bad-model' });
    return new AverageModel(st.members.map(inner), st.labels.map(String));
  }
  // auto's pick (SelectingModel.save): the chosen candidate's model
  if (saved.type === 'transfer-selected') return inner(st.inner);
  return loadModel(saved);
}
