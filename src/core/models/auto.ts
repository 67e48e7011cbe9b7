/**
 * `auto`: picks among gp, rf, gbm, rf-gp and ridge (plus mlp-ensemble when n ≥ 1000; gp only up to 2000 rows) by an
 * inner 3-fold CV (grouped when the fit has `groups`), scores each by RMSE averaged over targets in standardised
 * units, and refits the best on all rows — or, when a **stack** of the best three beats the best single candidate in
 * a cross-fitted check, a `StackModel` of them (weights ≥ 0 summing to 1 from the out-of-fold predictions).
 *
 * Inner CV uses cheaper settings (gp, rf-gp: 1 optimiser start; rf-gp: 256 random features; rf: 150 trees; gbm and
 * mlp-ensemble: 3 members) unless the spec sets them;
 * the gp and rf-gp candidates are isotropic when there are fewer than 10 rows per ARD hyperparameter (unless the spec
 * sets `ard`) — on ~200 rows × 135 descriptors ARD is slower and no better (docs/models.md).
 * The summary records `chosen`, `candidates` ({type, score, mae, coverage90, seconds, …}) and, as before, the
 * hyperparameters `inner_cv_rmse_<type>`.
 */
import type { Matrix } from '../features/types';
import type { ModelSpec } from '../spec/types';
import { checkAbort, marginalSamples } from './common';
import { Rng } from '../linalg/random';
import { calibrationScale } from './calibrate';
import { crossValidate, groupFoldCount, type CvResult } from './cv';
import { simplexWeights, StackModel } from './stack';
import type { AutoCandidate, FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

/** Creates a model of `type`; `overrides` are defaults the user's spec may still override. */
export type ModelFactory = (type: string, seed: number, overrides?: Partial<ModelSpec>) => Model;

/** Relative margin by which the cross-fitted stack must beat the best single candidate to be chosen. */
const STACK_MARGIN = 0.005;

/**
 * mlp-ensemble joins from this many rows: below it the deep ensemble rarely wins and its inner CV dominated auto's
 * time (500-row expt_gap subset: 288 s of a 499 s fit under load, scored behind rf, gbm and gp).
 */
const MLP_MIN_ROWS = 1000;

export class AutoModel implements Model {
  readonly type = 'auto';
  private inner: Model | null = null;
  private scores: Record<string, number> = {};
  private tried: AutoCandidate[] = [];
  constructor(
    private readonly factory: ModelFactory,
    private readonly seed: number,
  ) {}

  candidates(n: number): string[] {
    const c = n <= 2000 ? ['gp', 'rf', 'gbm', 'rf-gp', 'ridge'] : ['rf', 'gbm', 'rf-gp', 'ridge'];
    if (n >= MLP_MIN_ROWS) c.push('mlp-ensemble');
    return c;
  }

  /** Settings for a candidate (inner CV: cheaper), before the user's spec keys. */
  private settings(type: string, n: number, d: number, inner: boolean): Partial<ModelSpec> {
    const ard = 10 * (d + 2) <= n;
    switch (type) {
      case 'gp':
        return inner ? { ard, restarts: 1 } : { ard };
      case 'rf-gp':
        return inner ? { ard, restarts: 1, features: 256 } : { ard };
      case 'rf':
        return inner ? { trees: 150 } : {};
      case 'gbm':
        return inner ? { members: 3 } : {};
      case 'mlp-ensemble':
        return inner ? { members: 3 } : {};
      default:
        return {};
    }
  }

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    const seed = opts.seed ?? this.seed;
    this.scores = {};
    this.tried = [];
    const n = X.rows;
    const sd = targetStds(Y);
    const folds = Math.max(2, groupFoldCount(3, opts.groups, n));
    const cvs: Record<string, CvResult> = {};
    let best = '';
    let bestScore = Infinity;
    const types = this.candidates(n);
    for (const type of types) {
      checkAbort(opts.signal);
      const t0 = performance.now();
      const cv = await crossValidate(() => this.factory(type, seed, this.settings(type, n, X.cols, true)), X, Y, {
        folds,
        repeats: 1,
        seed: seed + 31,
        signal: opts.signal,
        ...(opts.groups ? { groups: opts.groups } : {}),
      });
      let s = 0;
      for (let t = 0; t < Y.cols; t++) s += cv.metrics[t].rmse / sd[t];
      const score = s / Y.cols;
      cvs[type] = cv;
      this.scores[type] = score;
      this.tried.push({
        type,
        score,
        mae: cv.metrics[0].mae,
        coverage90: cv.metrics[0].coverage90,
        seconds: +((performance.now() - t0) / 1000).toFixed(2),
      });
      opts.onProgress?.({ phase: 'auto', iteration: this.tried.length, value: score, fraction: this.tried.length / (types.length + 1) });
      if (score < bestScore) {
        bestScore = score;
        best = type;
      }
    }
    best ||= 'ridge';
    const stack = Y.cols === 1 ? this.tryStack(cvs, Y, bestScore) : null;
    if (stack) {
      const entry: AutoCandidate = { type: 'stack', score: stack.score, members: stack.members, weights: stack.weights, chosen: true };
      this.tried.push(entry);
      this.scores.stack = stack.score;
      const members: Model[] = [];
      for (const type of stack.members) {
        checkAbort(opts.signal);
        const m = this.factory(type, seed, this.settings(type, n, X.cols, false));
        await m.fit(X, Y, opts);
        members.push(m);
      }
      this.inner = new StackModel(members, stack.weights, [stack.cal]);
    } else {
      for (const c of this.tried) if (c.type === best) c.chosen = true;
      this.inner = this.factory(best, seed, this.settings(best, n, X.cols, false));
      await this.inner.fit(X, Y, opts);
    }
    this.bindCondition();
  }

  /**
   * Stack of the best three candidates: cross-fitted score (weights fitted on the other inner folds' out-of-fold
   * predictions, applied to this fold) must beat `bestScore` by STACK_MARGIN; then weights on all out-of-fold rows,
   * members with weight < 0.02 dropped, and the calibration scale from the out-of-fold mixture.
   */
  private tryStack(cvs: Record<string, CvResult>, Y: Matrix, bestScore: number): { members: string[]; weights: number[]; score: number; cal: number } | null {
    const ranked = Object.keys(cvs)
      .filter((t) => Number.isFinite(this.scores[t]) && cvs[t].mean.every((v) => Number.isFinite(v)))
      .sort((a, b) => this.scores[a] - this.scores[b])
      .slice(0, 3);
    if (ranked.length < 2) return null;
    const y = Y.data;
    const n = Y.rows;
    const preds = ranked.map((t) => cvs[t].mean);
    const fold = cvs[ranked[0]].fold;
    const nf = fold.reduce((a, b) => Math.max(a, b), 0) + 1;
    const stacked = new Float64Array(n);
    for (let f = 0; f < nf; f++) {
      const yTrain = Float64Array.from(y, (v, i) => (fold[i] === f ? NaN : v));
      const w = simplexWeights(preds, yTrain);
      for (let i = 0; i < n; i++) if (fold[i] === f) stacked[i] = preds.reduce((s, p, k) => s + w[k] * p[i], 0);
    }
    const sd = targetStds(Y)[0];
    let se = 0, c = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) continue;
      se += (y[i] - stacked[i]) ** 2;
      c++;
    }
    const score = Math.sqrt(se / Math.max(1, c)) / sd;
    if (!(score < bestScore * (1 - STACK_MARGIN))) return null;
    let w = simplexWeights(preds, y);
    const keep = ranked.map((_, k) => w[k] >= 0.02);
    if (keep.filter(Boolean).length < 2) return null;
    const members = ranked.filter((_, k) => keep[k]);
    const kept = w.filter((_, k) => keep[k]);
    const sum = kept.reduce((a, b) => a + b, 0);
    w = kept.map((v) => v / sum);
    const mp = members.map((t) => cvs[t]);
    const z: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) continue;
      let mu = 0, s2 = 0;
      mp.forEach((cv, k) => {
        mu += w[k] * cv.mean[i];
        s2 += w[k] * (cv.std[i] ** 2 + cv.mean[i] ** 2);
      });
      const v = s2 - mu * mu;
      if (v > 0) z.push((y[i] - mu) / Math.sqrt(v));
    }
    return { members, weights: w, score, cal: calibrationScale(z) };
  }

  /**
   * `conditionOn` exists exactly when the picked model has one (BO tests for the method), and delegates to it.
   * An instance property rather than a method, so that an `auto` over an MLP ensemble reports no exact update.
   */
  conditionOn?: (X: Matrix, Y: Matrix) => Model;

  private bindCondition(): void {
    const inner = this.inner;
    this.conditionOn = inner?.conditionOn
      ? (X: Matrix, Y: Matrix): Model => AutoModel.fromInner(inner.conditionOn!(X, Y), this.scores, this.factory, this.seed, this.tried)
      : undefined;
  }

  predict(X: Matrix): Prediction {
    if (!this.inner) throw new Error('auto model: predict() called before fit()');
    return this.inner.predict(X);
  }

  get chosen(): string | undefined {
    return this.inner?.type;
  }

  summary(): ModelSummary {
    const s = this.inner ? this.inner.summary() : { type: 'auto', hyperparameters: {} };
    const hp: Record<string, number | number[]> = { ...s.hyperparameters };
    for (const [k, v] of Object.entries(this.scores)) hp[`inner_cv_rmse_${k}`] = v;
    return { ...s, type: this.inner?.type ?? 'auto', chosen: this.inner?.type, hyperparameters: hp, candidates: this.tried.map((c) => ({ ...c })) };
  }

  save(): SavedModel {
    if (!this.inner) throw new Error('auto model: save() called before fit()');
    return { type: 'auto', version: 1, state: { chosen: this.inner.type, scores: this.scores, candidates: this.tried, inner: this.inner.save() } };
  }

  static fromInner(inner: Model, scores: Record<string, number>, factory: ModelFactory, seed: number, tried: AutoCandidate[] = []): AutoModel {
    const m = new AutoModel(factory, seed);
    m.inner = inner;
    m.scores = scores;
    m.tried = tried;
    m.bindCondition();
    return m;
  }

  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    if (!this.inner) throw new Error('auto model: sample() called before fit()');
    if (this.inner.sample) return this.inner.sample(X, count, seed);
    return marginalSamples(this.inner.predict(X), count, seed, new Rng(seed));
  }
}

/** Population std of each target column's observed values (1 when degenerate). */
function targetStds(Y: Matrix): number[] {
  const out: number[] = [];
  for (let t = 0; t < Y.cols; t++) {
    let m = 0, v = 0, c = 0;
    for (let i = 0; i < Y.rows; i++) {
      const y = Y.data[i * Y.cols + t];
      if (Number.isFinite(y)) {
        m += y;
        c++;
      }
    }
    m /= Math.max(1, c);
    for (let i = 0; i < Y.rows; i++) {
      const y = Y.data[i * Y.cols + t];
      if (Number.isFinite(y)) v += (y - m) ** 2;
    }
    out.push(Math.sqrt(v / Math.max(1, c)) || 1);
  }
  return out;
}
