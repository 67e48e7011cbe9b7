/**
 * `auto`: picks among gp, rf-gp and ridge (and mlp-ensemble when n ≥ 500) by inner 3-fold CV RMSE (averaged over
 * targets in standardised units), then refits the winner on all rows. The choice and the inner scores are recorded in
 * the summary (`chosen`, hyperparameters `inner_cv_rmse_<type>`).
 */
import type { Matrix } from '../features/types';
import { checkAbort, marginalSamples } from './common';
import { Rng } from '../linalg/random';
import { crossValidate } from './cv';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from './types';

export type ModelFactory = (type: string, seed: number) => Model;

export class AutoModel implements Model {
  readonly type = 'auto';
  private inner: Model | null = null;
  private scores: Record<string, number> = {};
  constructor(
    private readonly factory: ModelFactory,
    private readonly seed: number,
  ) {}

  candidates(n: number): string[] {
    return n >= 500 ? ['gp', 'rf-gp', 'ridge', 'mlp-ensemble'] : ['gp', 'rf-gp', 'ridge'];
  }

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    const seed = opts.seed ?? this.seed;
    this.scores = {};
    let best = '';
    let bestScore = Infinity;
    for (const type of this.candidates(X.rows)) {
      checkAbort(opts.signal);
      const cv = await crossValidate(() => this.factory(type, seed), X, Y, {
        folds: Math.min(3, X.rows),
        repeats: 1,
        seed: seed + 31,
        signal: opts.signal,
      });
      let s = 0;
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
        const sd = Math.sqrt(v / Math.max(1, c)) || 1;
        s += cv.metrics[t].rmse / sd;
      }
      const score = s / Y.cols;
      this.scores[type] = score;
      opts.onProgress?.({ phase: 'auto', iteration: Object.keys(this.scores).length, value: score });
      if (score < bestScore) {
        bestScore = score;
        best = type;
      }
    }
    this.inner = this.factory(best || 'ridge', seed);
    await this.inner.fit(X, Y, opts);
    this.bindCondition();
  }

  /**
   * `conditionOn` exists exactly when the picked model has one (BO tests for the method), and delegates to it.
   * An instance property rather than a method, so that an `auto` over an MLP ensemble reports no exact update.
   */
  conditionOn?: (X: Matrix, Y: Matrix) => Model;

  private bindCondition(): void {
    const inner = this.inner;
    this.conditionOn = inner?.conditionOn
      ? (X: Matrix, Y: Matrix): Model => AutoModel.fromInner(inner.conditionOn!(X, Y), this.scores, this.factory, this.seed)
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
    return { ...s, type: this.inner?.type ?? 'auto', chosen: this.inner?.type, hyperparameters: hp };
  }

  save(): SavedModel {
    if (!this.inner) throw new Error('auto model: save() called before fit()');
    return { type: 'auto', version: 1, state: { chosen: this.inner.type, scores: this.scores, inner: this.inner.save() } };
  }

  static fromInner(inner: Model, scores: Record<string, number>, factory: ModelFactory, seed: number): AutoModel {
    const m = new AutoModel(factory, seed);
    m.inner = inner;
    m.scores = scores;
    m.bindCondition();
    return m;
  }

  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    if (!this.inner) throw new Error('auto model: sample() called before fit()');
    if (this.inner.sample) return this.inner.sample(X, count, seed);
    return marginalSamples(this.inner.predict(X), count, seed, new Rng(seed));
  }
}
