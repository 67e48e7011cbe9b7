/**
 * `gbm`: gradient-boosted regression trees (Friedman 2001; squared loss, shrinkage, row subsampling per stage —
 * stochastic gradient boosting, Friedman 2002) with uncertainty from an ensemble of boosted models.
 *
 * Each output column separately (observed rows, standardised targets). `members` (default 5) boosted models, each on
 * its own bootstrap sample of the rows (by group when the fit has `groups`) and its own seed: F₀ = mean, then per stage
 * a tree of depth ≤ `max_depth` (default 3) on the residuals of a `subsample` (default 0.8) of the member's rows,
 * F += `learning_rate` (default 0.05) · tree. The number of stages is chosen per member on its own out-of-bag rows
 * (best OOB MSE, at most `trees` = 500 stages, stop after 50 stages without improvement).
 *
 * * mean = average of the members; latent variance = variance between members (unbiased, K − 1) — the bootstrap
 *   estimate of the sampling variance of a boosted model;
 * * observation variance = latent + σn², σn² from the ensemble's out-of-bag residuals (each training row predicted by
 *   the members that did not see it), and the calibration scale s from the same residuals (`forest-var.ts`);
 * * featureRelevance = impurity importance of the kept stages, normalised, averaged over members and outputs.
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { Rng } from '../linalg/random';
import { checkAbort, checkShapes, emptyPrediction, normalise, notFitted, outputColumn, takeRows, yieldToEventLoop } from './common';
import { bootstrapCounts, oobNoiseAndScale } from './forest-var';
import { binFeatures, growTree, loadTree, predictTree, predictTreeRow, resolveMtry, saveTree, type BinnedFeatures, type SavedTree, type Tree } from './tree';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

export interface GbmOptions {
  members?: number;
  /** Maximum boosting stages per member. */
  trees?: number;
  learningRate?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  maxFeatures?: number | string;
  subsample?: number;
  /** false: members see every row once (testing; no OOB → fixed `trees` stages, no calibration). Default true. */
  bootstrap?: boolean;
  calibrate?: boolean;
  seed?: number;
}

interface Member {
  init: number;
  trees: Tree[];
}

interface GbmOutput {
  members: Member[];
  lr: number;
  yMean: number;
  yStd: number;
  sn2: number;
  cal: number;
  importance: Float64Array;
  stages: number[];
}

interface GbmState {
  d: number;
  mtry: number;
  outputs: { lr: number; yMean: number; yStd: number; sn2: number; cal: number; importance: number[]; members: { init: number; trees: SavedTree[] }[] }[];
}

const PATIENCE = 50;

export class GbmModel implements Model {
  readonly type = 'gbm';
  private d = 0;
  private mtry = 0;
  private outputs: GbmOutput[] = [];
  constructor(private readonly opts: GbmOptions = {}) {}

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    checkShapes(X, Y);
    const d = (this.d = X.cols);
    this.mtry = resolveMtry(this.opts.maxFeatures, d, 0.5);
    const K = Math.max(1, Math.floor(this.opts.members ?? 5));
    const maxStages = Math.max(1, Math.floor(this.opts.trees ?? 500));
    const lr = this.opts.learningRate ?? 0.05;
    const bootstrap = this.opts.bootstrap ?? true;
    const subsample = Math.min(1, Math.max(0.05, this.opts.subsample ?? 0.8));
    const treeOpts = { maxDepth: this.opts.maxDepth ?? 3, minSamplesLeaf: this.opts.minSamplesLeaf ?? 1, mtry: this.mtry };
    const seed = opts.seed ?? this.opts.seed ?? 0;
    this.outputs = [];
    for (let t = 0; t < Y.cols; t++) {
      const col = outputColumn(Y, t);
      const n = col.rows.length;
      if (n === 0) throw new MiError(`target column ${t + 1} has no observed values`, { code: 'no-observations' });
      const Xt = n === X.rows ? X.data : takeRows(X, col.rows).data;
      const groups = opts.groups ? Int32Array.from(col.rows, (i) => opts.groups![i]) : undefined;
      const binned = binFeatures(Xt, n, d);
      const members: Member[] = [];
      const importance = new Float64Array(d);
      const oobSum = new Float64Array(n);
      const oobCnt = new Int32Array(n);
      const fitted: Float64Array[] = [];
      const stages: number[] = [];
      for (let k = 0; k < K; k++) {
        checkAbort(opts.signal);
        const rng = new Rng(seed * 7919 + 1009 * k + 31 * t + 5);
        const w = bootstrap ? bootstrapCounts(n, rng, groups) : new Uint8Array(n).fill(1);
        const r = await this.boost(binned, Xt, col.y, w, rng, lr, maxStages, subsample, treeOpts, opts, (t * K + k) / (K * Y.cols));
        members.push(r.member);
        fitted.push(r.F);
        stages.push(r.member.trees.length);
        for (let j = 0; j < d; j++) importance[j] += r.importance[j] / K;
        for (let i = 0; i < n; i++) {
          if (w[i] === 0) {
            oobSum[i] += r.F[i];
            oobCnt[i]++;
          }
        }
      }
      const out: GbmOutput = { members, lr, yMean: col.mean, yStd: col.std, sn2: 1e-6, cal: 1, importance, stages };
      const lat = new Float64Array(n);
      for (let i = 0; i < n; i++) lat[i] = spread(fitted, i);
      if (bootstrap) {
        const oob = Float64Array.from({ length: n }, (_, i) => (oobCnt[i] ? oobSum[i] / oobCnt[i] : NaN));
        const res = oobNoiseAndScale(col.y, oob, lat, this.opts.calibrate ?? true);
        out.sn2 = res.sn2;
        out.cal = res.cal;
      } else {
        let se = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (const F of fitted) s += F[i];
          se += (col.y[i] - s / K) ** 2;
        }
        out.sn2 = Math.max(se / n, 1e-8);
      }
      this.outputs.push(out);
    }
  }

  /** One boosted member; returns it, its fitted values on all n rows, and the importance of its kept stages. */
  private async boost(
    binned: BinnedFeatures,
    Xt: Float64Array,
    y: Float64Array,
    w: Uint8Array,
    rng: Rng,
    lr: number,
    maxStages: number,
    subsample: number,
    treeOpts: { maxDepth: number; minSamplesLeaf: number; mtry: number },
    opts: FitOptions,
    frac0: number,
  ): Promise<{ member: Member; F: Float64Array; importance: Float64Array }> {
    const n = y.length;
    const d = this.d;
    let W = 0;
    let S = 0;
    let nOob = 0;
    for (let i = 0; i < n; i++) {
      W += w[i];
      S += w[i] * y[i];
      if (w[i] === 0) nOob++;
    }
    const init = W > 0 ? S / W : 0;
    const F = new Float64Array(n).fill(init);
    const r = new Float64Array(n);
    const ws = new Uint8Array(n);
    const imp = new Float64Array(d);
    const trees: Tree[] = [];
    const stageImp: Float64Array[] = [];
    let best = Infinity;
    let bestStage = 0;
    let bestF = Float64Array.from(F);
    for (let s = 0; s < maxStages; s++) {
      if (s % 20 === 0) {
        checkAbort(opts.signal);
        await yieldToEventLoop();
      }
      for (let i = 0; i < n; i++) {
        r[i] = y[i] - F[i];
        ws[i] = w[i] > 0 && (subsample >= 1 || rng.uniform() < subsample) ? w[i] : 0;
      }
      const si = new Float64Array(d);
      const tree = growTree(binned, r, ws, treeOpts, rng, si);
      trees.push(tree);
      stageImp.push(si);
      let se = 0;
      for (let i = 0; i < n; i++) {
        F[i] += lr * predictTreeRow(tree, Xt, i * d);
        if (w[i] === 0) se += (y[i] - F[i]) ** 2;
      }
      if (nOob > 0) {
        const mse = se / nOob;
        if (mse < best) {
          best = mse;
          bestStage = s + 1;
          bestF = Float64Array.from(F);
        } else if (s + 1 - bestStage >= PATIENCE) break;
      } else {
        bestStage = s + 1;
        bestF = F;
      }
    }
    if (bestStage === 0) {
      // no stage improved on the mean: keep the constant model
      trees.length = 0;
    } else trees.length = bestStage;
    for (let s = 0; s < trees.length; s++) for (let j = 0; j < d; j++) imp[j] += stageImp[s][j];
    opts.onProgress?.({ phase: 'fit', iteration: trees.length, value: Number.isFinite(best) ? Math.sqrt(best) : NaN, fraction: frac0 });
    return { member: { init, trees }, F: bestStage === 0 ? new Float64Array(n).fill(init) : bestF, importance: imp };
  }

  predict(X: Matrix): Prediction {
    if (!this.outputs.length) throw notFitted('gbm');
    if (X.cols !== this.d) throw new MiError(`gbm predict: expected ${this.d} features, got ${X.cols}`, { code: 'shape-mismatch' });
    const m = X.rows;
    const T = this.outputs.length;
    const pred = emptyPrediction(m, T);
    const tmp = new Float64Array(m);
    this.outputs.forEach((o, t) => {
      const F = o.members.map((mb) => {
        const f = new Float64Array(m).fill(mb.init);
        for (const tr of mb.trees) {
          predictTree(tr, X.data, m, this.d, tmp);
          for (let i = 0; i < m; i++) f[i] += o.lr * tmp[i];
        }
        return f;
      });
      const y2 = o.yStd * o.yStd * o.cal * o.cal;
      for (let i = 0; i < m; i++) {
        let mu = 0;
        for (const f of F) mu += f[i];
        mu /= F.length;
        const lat = spread(F, i);
        pred.mean[i * T + t] = o.yMean + o.yStd * mu;
        pred.latentVariance[i * T + t] = lat * y2;
        pred.variance[i * T + t] = (lat + o.sn2) * y2;
      }
    });
    return pred;
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = { max_features: this.mtry };
    const rel = new Array<number>(this.d).fill(0);
    this.outputs.forEach((o, t) => {
      const sfx = t === 0 ? '' : `#${t + 1}`;
      hp[`members${sfx}`] = o.members.length;
      hp[`stages${sfx}`] = o.members.map((m) => m.trees.length);
      hp[`learning_rate${sfx}`] = o.lr;
      hp[`noise_variance${sfx}`] = o.sn2 * o.yStd * o.yStd;
      hp[`noise_std${sfx}`] = Math.sqrt(o.sn2) * o.yStd;
      hp[`calibration_scale${sfx}`] = o.cal;
      const r = normalise(Array.from(o.importance));
      for (let k = 0; k < this.d; k++) rel[k] += r[k] / this.outputs.length;
    });
    return { type: 'gbm', hyperparameters: hp, featureRelevance: rel };
  }

  save(): SavedModel {
    if (!this.outputs.length) throw notFitted('gbm');
    const state: GbmState = {
      d: this.d,
      mtry: this.mtry,
      outputs: this.outputs.map((o) => ({
        lr: o.lr,
        yMean: o.yMean,
        yStd: o.yStd,
        sn2: o.sn2,
        cal: o.cal,
        importance: Array.from(o.importance),
        members: o.members.map((m) => ({ init: m.init, trees: m.trees.map(saveTree) })),
      })),
    };
    return { type: 'gbm', version: 1, state };
  }

  static load(saved: SavedModel): GbmModel {
    const s = saved.state as GbmState;
    if (!s || !Number.isInteger(s.d) || s.d < 1 || !Array.isArray(s.outputs) || !s.outputs.length) {
      throw new MiError('saved gbm model: missing or invalid state', { code: 'bad-saved-model' });
    }
    const m = new GbmModel();
    m.d = s.d;
    m.mtry = s.mtry;
    try {
      m.outputs = s.outputs.map((o) => {
        if (!Array.isArray(o.members) || !o.members.length || !o.members.every((mb) => Array.isArray(mb?.trees))) throw new Error('no members');
        return {
          members: o.members.map((mb) => ({ init: Number(mb.init), trees: mb.trees.map((tr) => loadTree(tr, s.d)) })),
          lr: o.lr,
          yMean: o.yMean,
          yStd: o.yStd,
          sn2: o.sn2,
          cal: o.cal,
          importance: Float64Array.from(o.importance),
          stages: o.members.map((mb) => mb.trees.length),
        };
      });
    } catch (e) {
      throw new MiError(`saved gbm model: ${e instanceof Error ? e.message : String(e)}`, { code: 'bad-saved-model' });
    }
    return m;
  }
}

/** Unbiased variance of F[k][i] over members k (0 for one member). */
function spread(F: Float64Array[], i: number): number {
  const K = F.length;
  if (K < 2) return 0;
  let m = 0;
  for (const f of F) m += f[i];
  m /= K;
  let v = 0;
  for (const f of F) v += (f[i] - m) ** 2;
  return v / (K - 1);
}
