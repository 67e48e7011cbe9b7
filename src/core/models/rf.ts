/**
 * `rf`: random forest regression (Breiman 2001) with honest uncertainty.
 *
 * Each output column separately (observed rows only, targets standardised): B trees (`trees`, default 300), each on a
 * bootstrap sample (by group when the fit has `groups`: whole compositions are drawn, so out-of-bag rows never have a
 * sibling measurement in the bag, and the jackknife below sums over groups — the units that were resampled), `max_features` features tried per split (default 1/3 of them — Breiman's
 * regression rule), `min_samples_leaf` (default 1), `max_depth` (default unlimited). Trees: `tree.ts`.
 *
 * * mean = average of the trees;
 * * latent variance = bias-corrected infinitesimal-jackknife variance V_IJ-U (forest-var.ts) — the sampling variance
 *   of the forest's prediction;
 * * observation variance = latent + σn², σn² from the out-of-bag residuals (forest-var.ts `oobNoiseAndScale`);
 * * calibration (default on): s from OOB standardised residuals — OOB predictions are natural held-out predictions
 *   of the training rows (≤ 600 evenly spaced rows are used for the latent variance at training points);
 * * featureRelevance = impurity importance (SSE decrease summed over splits), normalised, averaged over outputs.
 */
import { MiError } from '../diagnostics';
import type { Matrix } from '../features/types';
import { Rng } from '../linalg/random';
import { checkAbort, checkShapes, emptyPrediction, normalise, notFitted, outputColumn, takeRows, yieldToEventLoop } from './common';
import { bootstrapCounts, evenRows, ijVariances, inBagOf, oobNoiseAndScale, type InBag } from './forest-var';
import { b64, binFeatures, growTree, loadTree, predictTree, predictTreeRow, resolveMtry, saveTree, unb64, type SavedTree, type Tree } from './tree';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

export interface RfOptions {
  trees?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  /** Fraction (0, 1], count > 1, or 'sqrt' | 'log2' | 'third' | 'all'. Default 'third'. */
  maxFeatures?: number | string;
  /** false: every tree sees every row once (testing; no OOB, no calibration). Default true. */
  bootstrap?: boolean;
  calibrate?: boolean;
  seed?: number;
}

interface RfOutput {
  trees: Tree[];
  /** Bootstrap counts per tree over this output's n bootstrap units — rows, or groups (empty without bootstrap). */
  counts: Uint8Array[];
  bag: InBag | null;
  n: number;
  yMean: number;
  yStd: number;
  sn2: number;
  cal: number;
  importance: Float64Array;
  oobRmse: number;
}

interface RfState {
  d: number;
  options: { trees: number; maxDepth: number | null; minSamplesLeaf: number; mtry: number; bootstrap: boolean };
  outputs: { n: number; yMean: number; yStd: number; sn2: number; cal: number; importance: number[]; oobRmse: number; trees: SavedTree[]; counts: string[] }[];
}

export class RandomForestModel implements Model {
  readonly type = 'rf';
  private d = 0;
  private mtry = 0;
  private outputs: RfOutput[] = [];
  constructor(private readonly opts: RfOptions = {}) {}

  private get nTrees(): number {
    return Math.max(1, Math.floor(this.opts.trees ?? 300));
  }

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    checkShapes(X, Y);
    this.d = X.cols;
    this.mtry = resolveMtry(this.opts.maxFeatures, X.cols, 'third');
    const B = this.nTrees;
    const bootstrap = this.opts.bootstrap ?? true;
    const maxDepth = this.opts.maxDepth ?? Infinity;
    const minLeaf = this.opts.minSamplesLeaf ?? 1;
    this.outputs = [];
    const rng = new Rng((opts.seed ?? this.opts.seed ?? 0) * 7919 + 17);
    for (let t = 0; t < Y.cols; t++) {
      const col = outputColumn(Y, t);
      const n = col.rows.length;
      if (n === 0) throw new MiError(`target column ${t + 1} has no observed values`, { code: 'no-observations' });
      const Xt = n === X.rows ? X.data : takeRows(X, col.rows).data;
      // bootstrap units: rows, or groups (whole compositions) when the fit has groups; the IJ sums over units
      const unit = opts.groups ? denseIds(Int32Array.from(col.rows, (i) => opts.groups![i])) : undefined;
      const nUnits = unit ? unit.reduce((a, b) => Math.max(a, b), -1) + 1 : n;
      const binned = binFeatures(Xt, n, X.cols);
      const importance = new Float64Array(X.cols);
      const trees: Tree[] = [];
      const counts: Uint8Array[] = [];
      const oobSum = new Float64Array(n);
      const oobCnt = new Int32Array(n);
      const ones = new Uint8Array(n).fill(1);
      for (let b = 0; b < B; b++) {
        if (b % 16 === 0) {
          checkAbort(opts.signal);
          await yieldToEventLoop();
        }
        const uc = bootstrap ? bootstrapCounts(nUnits, rng) : ones;
        const w = unit ? Uint8Array.from(unit, (g) => uc[g]) : uc;
        const tree = growTree(binned, col.y, w, { maxDepth, minSamplesLeaf: minLeaf, mtry: this.mtry }, rng, importance);
        trees.push(tree);
        if (bootstrap) {
          counts.push(uc);
          for (let i = 0; i < n; i++) {
            if (w[i] === 0) {
              oobSum[i] += predictTreeRow(tree, Xt, i * X.cols);
              oobCnt[i]++;
            }
          }
        }
        if ((b + 1) % 25 === 0 || b === B - 1) {
          opts.onProgress?.({ phase: 'fit', iteration: b + 1, value: oobRmseOf(col.y, oobSum, oobCnt), fraction: (t + (b + 1) / B) / Y.cols });
        }
      }
      const out: RfOutput = { trees, counts, bag: bootstrap ? inBagOf(counts, nUnits) : null, n: nUnits, yMean: col.mean, yStd: col.std, sn2: 1e-6, cal: 1, importance, oobRmse: NaN };
      if (bootstrap) {
        const oob = new Float64Array(n).fill(NaN);
        for (let i = 0; i < n; i++) if (oobCnt[i] > 0) oob[i] = oobSum[i] / oobCnt[i];
        out.oobRmse = oobRmseOf(col.y, oobSum, oobCnt);
        // latent variance at (a subset of) the training rows
        const sub = evenRows(n, 600);
        const Xs = takeRows({ rows: n, cols: X.cols, data: Xt }, sub).data;
        const lat = this.latentStd(out, Xs, sub.length);
        const ys = Float64Array.from(sub, (i) => col.y[i]);
        const os = Float64Array.from(sub, (i) => oob[i]);
        const r = oobNoiseAndScale(ys, os, lat, this.opts.calibrate ?? true);
        out.sn2 = r.sn2;
        out.cal = r.cal;
      } else {
        // no held-out rows: noise from the training residuals, no calibration
        let se = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (const tr of trees) s += predictTreeRow(tr, Xt, i * X.cols);
          se += (col.y[i] - s / trees.length) ** 2;
        }
        out.sn2 = Math.max(se / n, 1e-8);
      }
      this.outputs.push(out);
    }
  }

  /** Latent (IJ-U) variance in standardised units for m rows (row-major, d columns). */
  private latentStd(o: RfOutput, Xd: Float64Array, m: number): Float64Array {
    const out = new Float64Array(m);
    if (!o.bag) return out;
    const B = o.trees.length;
    const chunk = Math.max(1, Math.min(m, Math.floor(4e6 / B)));
    const P = new Float64Array(B * chunk);
    const tmp = new Float64Array(chunk);
    const res = new Float64Array(chunk);
    for (let s = 0; s < m; s += chunk) {
      const c = Math.min(chunk, m - s);
      const Xc = Xd.subarray(s * this.d, (s + c) * this.d);
      for (let b = 0; b < B; b++) {
        predictTree(o.trees[b], Xc, c, this.d, tmp);
        P.set(tmp.subarray(0, c), b * c);
      }
      ijVariances(P.subarray(0, B * c), c, o.bag, res, undefined, 7 + s);
      out.set(res.subarray(0, c), s);
    }
    return out;
  }

  predict(X: Matrix): Prediction {
    if (!this.outputs.length) throw notFitted('rf');
    if (X.cols !== this.d) throw new MiError(`rf predict: expected ${this.d} features, got ${X.cols}`, { code: 'shape-mismatch' });
    const m = X.rows;
    const T = this.outputs.length;
    const pred = emptyPrediction(m, T);
    const tmp = new Float64Array(m);
    this.outputs.forEach((o, t) => {
      const mean = new Float64Array(m);
      for (const tr of o.trees) {
        predictTree(tr, X.data, m, this.d, tmp);
        for (let i = 0; i < m; i++) mean[i] += tmp[i];
      }
      const lat = this.latentStd(o, X.data, m);
      const y2 = o.yStd * o.yStd * o.cal * o.cal;
      for (let i = 0; i < m; i++) {
        pred.mean[i * T + t] = o.yMean + (o.yStd * mean[i]) / o.trees.length;
        pred.latentVariance[i * T + t] = lat[i] * y2;
        pred.variance[i * T + t] = (lat[i] + o.sn2) * y2;
      }
    });
    return pred;
  }

  summary(): ModelSummary {
    const hp: Record<string, number | number[]> = { trees: this.nTrees, max_features: this.mtry };
    const rel = new Array<number>(this.d).fill(0);
    this.outputs.forEach((o, t) => {
      const sfx = t === 0 ? '' : `#${t + 1}`;
      hp[`noise_variance${sfx}`] = o.sn2 * o.yStd * o.yStd;
      hp[`noise_std${sfx}`] = Math.sqrt(o.sn2) * o.yStd;
      hp[`calibration_scale${sfx}`] = o.cal;
      if (Number.isFinite(o.oobRmse)) hp[`oob_rmse${sfx}`] = o.oobRmse * o.yStd;
      const r = normalise(Array.from(o.importance));
      for (let k = 0; k < this.d; k++) rel[k] += r[k] / this.outputs.length;
    });
    return { type: 'rf', hyperparameters: hp, featureRelevance: rel };
  }

  save(): SavedModel {
    if (!this.outputs.length) throw notFitted('rf');
    const state: RfState = {
      d: this.d,
      options: {
        trees: this.nTrees,
        maxDepth: Number.isFinite(this.opts.maxDepth ?? Infinity) ? (this.opts.maxDepth as number) : null,
        minSamplesLeaf: this.opts.minSamplesLeaf ?? 1,
        mtry: this.mtry,
        bootstrap: this.opts.bootstrap ?? true,
      },
      outputs: this.outputs.map((o) => ({
        n: o.n,
        yMean: o.yMean,
        yStd: o.yStd,
        sn2: o.sn2,
        cal: o.cal,
        importance: Array.from(o.importance),
        oobRmse: Number.isFinite(o.oobRmse) ? o.oobRmse : -1,
        trees: o.trees.map(saveTree),
        counts: o.counts.map(b64),
      })),
    };
    return { type: 'rf', version: 1, state };
  }

  static load(saved: SavedModel): RandomForestModel {
    const s = saved.state as RfState;
    if (!s || !Number.isInteger(s.d) || s.d < 1 || !Array.isArray(s.outputs) || !s.outputs.length || typeof s.options !== 'object' || !s.options) {
      throw new MiError('saved rf model: missing or invalid state', { code: 'bad-saved-model' });
    }
    const m = new RandomForestModel({
      trees: s.options.trees,
      maxDepth: s.options.maxDepth ?? undefined,
      minSamplesLeaf: s.options.minSamplesLeaf,
      bootstrap: s.options.bootstrap,
    });
    m.d = s.d;
    m.mtry = s.options.mtry;
    try {
      m.outputs = s.outputs.map((o) => {
        const trees = o.trees.map((tr) => loadTree(tr, s.d));
        const counts = o.counts.map((c) => unb64.u8(c, 'bootstrap counts'));
        if (counts.some((c) => c.length !== o.n)) throw new Error('bootstrap counts do not match the row count');
        return {
          trees,
          counts,
          bag: counts.length ? inBagOf(counts, o.n) : null,
          n: o.n,
          yMean: o.yMean,
          yStd: o.yStd,
          sn2: o.sn2,
          cal: o.cal,
          importance: Float64Array.from(o.importance),
          oobRmse: o.oobRmse >= 0 ? o.oobRmse : NaN,
        };
      });
    } catch (e) {
      throw new MiError(`saved rf model: ${e instanceof Error ? e.message : String(e)}`, { code: 'bad-saved-model' });
    }
    return m;
  }
}

/** Group ids renumbered 0..G−1 in order of first appearance. */
function denseIds(g: Int32Array): Int32Array {
  const ids = new Map<number, number>();
  return Int32Array.from(g, (v) => {
    let k = ids.get(v);
    if (k === undefined) ids.set(v, (k = ids.size));
    return k;
  });
}

function oobRmseOf(y: ArrayLike<number>, sum: Float64Array, cnt: Int32Array): number {
  let se = 0;
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    if (cnt[i] === 0) continue;
    se += (y[i] - sum[i] / cnt[i]) ** 2;
    c++;
  }
  return c ? Math.sqrt(se / c) : NaN;
}
