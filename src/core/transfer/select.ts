/**
 * Candidates and nested selection. The augmented input matrix holds every column any candidate may use; a candidate is
 * (strategy, source subset) → a model on its columns. `SelectingModel.fit` scores every candidate by an inner k-fold
 * CV on ITS training rows only and refits the best on all of them, so inside the outer CV (crossValidate calls fit on
 * the outer training rows) the selection never sees the outer test fold.
 */
import type { Matrix } from '../features/types';
import type { ModelSpec } from '../spec/types';
import { createModel, crossValidate } from '../models';
import type { FitOptions, Model, ModelSummary, Prediction, SavedModel } from '../models/types';
import { AverageModel, FinetuneModel, marginalDraws, SubsetModel } from './models';
import type { SourceOutputs } from './sources';
import { TransferGpModel } from './tgp';

export type Strategy = 'prediction' | 'features' | 'finetune' | 'none';
/** What `auto` can end up with: one candidate's strategy, or `average` (the equal-weight average of the best few). */
export type PickedStrategy = Strategy | 'average';
export type RequestedStrategy = Strategy | 'auto';

export interface Layout {
  width: number;
  desc: number[];
  /** Column of the average of the standardised source predictions (when there are several sources). */
  avg?: number;
  /** Mean/std of each source's prediction over the rows the layout was built on (re-used for new rows). */
  avgStats?: { mean: number; std: number }[];
  sources: { name: string; mean: number; std: number; hidden: number[]; penult: number[] }[];
}

/**
 * [X | per source: mean, std | hidden activations | last-hidden-layer input | average of the standardised source
 * predictions (≥ 2 sources)], with column names. The average's per-source standardisation comes from the rows given
 * (inputs only, never labels) or from `stats` (new rows: candidate pools).
 */
export function augment(X: Matrix, names: string[], outs: SourceOutputs[], stats?: { mean: number; std: number }[]): { X: Matrix; names: string[]; layout: Layout } {
  const n = X.rows;
  const cols: Float64Array[] = [];
  const outNames = [...names];
  const layout: Layout = { width: 0, desc: names.map((_, k) => k), sources: [] };
  let c = X.cols;
  for (const o of outs) {
    const entry = { name: o.name, mean: c, std: c + 1, hidden: [] as number[], penult: [] as number[] };
    cols.push(o.mean, o.std);
    outNames.push(`transfer:${o.name}:mean`, `transfer:${o.name}:std`);
    c += 2;
    for (let k = 0; k < o.hidden.cols; k++) {
      cols.push(Float64Array.from({ length: n }, (_, i) => o.hidden.data[i * o.hidden.cols + k]));
      outNames.push(`transfer:${o.name}:h${k}`);
      entry.hidden.push(c++);
    }
    for (let k = 0; k < o.penult.cols; k++) {
      cols.push(Float64Array.from({ length: n }, (_, i) => o.penult.data[i * o.penult.cols + k]));
      outNames.push(`transfer:${o.name}:p${k}`);
      entry.penult.push(c++);
    }
    layout.sources.push(entry);
  }
  if (outs.length > 1) {
    const st = stats ?? outs.map((o) => {
      let m = 0;
      for (const v of o.mean) m += v;
      m /= Math.max(1, n);
      let v2 = 0;
      for (const v of o.mean) v2 += (v - m) ** 2;
      return { mean: m, std: Math.sqrt(v2 / Math.max(1, n)) || 1 };
    });
    cols.push(Float64Array.from({ length: n }, (_, i) => outs.reduce((acc, o, k) => acc + (o.mean[i] - st[k].mean) / st[k].std, 0) / outs.length));
    outNames.push('transfer:mean-of-sources');
    layout.avg = c++;
    layout.avgStats = st;
  }
  const W = c;
  const data = new Float64Array(n * W);
  for (let i = 0; i < n; i++) {
    data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * W);
    for (let k = 0; k < cols.length; k++) data[i * W + X.cols + k] = cols[k][i];
  }
  layout.width = W;
  return { X: { rows: n, cols: W, data }, names: outNames, layout };
}

export interface Candidate {
  /** e.g. `none`, `prediction:mp_gap`, `features:all`; `average:prediction:mp_gap+prediction:all+finetune:aflow_gap` for auto's average. */
  label: string;
  strategy: PickedStrategy;
  /** Source name, `all` (every selected source together), `mean` (their averaged standardised predictions) or null (baseline). */
  source: string | null;
  make(seed: number): Model;
}

function uniq(a: number[]): number[] {
  return [...new Set(a)];
}

/** Columns with any variation in the given rows would be better, but a constant column is harmless for every model. */
export function candidates(model: ModelSpec, layout: Layout, outs: SourceOutputs[], strategy: RequestedStrategy, targets = 1): Candidate[] {
  const list: Candidate[] = [];
  const base = (cols: number[], seed: number): Model => new SubsetModel(cols, createModel(model, { seed }), layout.width);
  const baseline: Candidate = { label: 'none', strategy: 'none', source: null, make: (seed) => base(layout.desc, seed) };
  const subsets: { source: string; idx: number[] }[] = layout.sources.map((_, i) => ({ source: layout.sources[i].name, idx: [i] }));
  if (layout.sources.length > 1) subsets.push({ source: 'all', idx: layout.sources.map((_, i) => i) });
  const prediction = (sub: { source: string; idx: number[] }): Candidate => ({
    label: `prediction:${sub.source}`,
    strategy: 'prediction',
    source: sub.source,
    make: (seed) => {
      const means = sub.idx.map((i) => layout.sources[i].mean);
      if (model.type === 'gp') {
        return new SubsetModel([...layout.desc, ...means], new TransferGpModel({ nLinear: means.length, kernel: model.kernel === 'tanimoto' || !model.kernel ? 'matern52' : model.kernel, ard: model.ard ?? true, restarts: Math.min(model.restarts ?? 2, 2), seed, calibrate: model.calibrate ?? true }), layout.width);
      }
      return base(uniq([...layout.desc, ...means, ...sub.idx.map((i) => layout.sources[i].std)]), seed);
    },
  });
  const features = (sub: { source: string; idx: number[] }): Candidate => ({
    label: `features:${sub.source}`,
    strategy: 'features',
    source: sub.source,
    make: (seed) => base(uniq([...layout.desc, ...sub.idx.flatMap((i) => layout.sources[i].hidden)]), seed),
  });
  const finetune = (i: number): Candidate => {
    const o = outs[i];
    const w = o.best.weights;
    const H = w.length - 1;
    const last = w[H - 1];
    const head = w[H];
    return {
      label: `finetune:${o.name}`,
      strategy: 'finetune',
      source: o.name,
      make: () =>
        new SubsetModel(
          layout.sources[i].penult,
          new FinetuneModel({ W1: last.W, b1: last.b, W2: head.W, b2: head.b[0], P: last.inDim, H: last.outDim, activation: o.best.meta.activation }),
          layout.width,
        ),
    };
  };
  if (strategy === 'none' || strategy === 'auto') list.push(baseline);
  const average: Candidate | null =
    layout.avg === undefined
      ? null
      : {
          label: 'prediction:mean',
          strategy: 'prediction',
          source: 'mean',
          make: (seed) =>
            model.type === 'gp'
              ? new SubsetModel([...layout.desc, layout.avg!], new TransferGpModel({ nLinear: 1, kernel: model.kernel === 'tanimoto' || !model.kernel ? 'matern52' : model.kernel, ard: model.ard ?? true, restarts: Math.min(model.restarts ?? 2, 2), seed, calibrate: model.calibrate ?? true }), layout.width)
              : base([...layout.desc, layout.avg!], seed),
        };
  if (strategy === 'prediction') list.push(prediction(subsets[subsets.length - 1]));
  if (strategy === 'features') list.push(features(subsets[subsets.length - 1]));
  // finetune retrains a one-output head: one target only (the validator rejects strategy finetune with several)
  if (strategy === 'finetune' && targets === 1) outs.forEach((_, i) => list.push(finetune(i)));
  if (strategy === 'auto') {
    for (const s of subsets) list.push(prediction(s));
    if (average) list.push(average);
    for (const s of subsets) list.push(features(s));
    if (targets === 1) outs.forEach((_, i) => list.push(finetune(i)));
  }
  return list;
}

export interface CandidateScore {
  label: string;
  strategy: PickedStrategy;
  source: string | null;
  /** `average` only: the labels of the averaged candidates, best first. */
  members?: string[];
  /** Inner-CV MAE of target 1 (original units), RMSE, and the selection score (MAE / std(y), averaged over targets). */
  mae: number;
  rmse: number;
  score: number;
}

/** Inner CV of every candidate on (X, Y); returns scores in candidate order. */
export async function scoreCandidates(
  cands: Candidate[],
  X: Matrix,
  Y: Matrix,
  o: { folds: number; seed: number; signal?: AbortSignal; onCandidate?: (k: number, total: number, label: string) => void },
): Promise<CandidateScore[]> {
  return (await scoreCandidatesDetailed(cands, X, Y, o)).scores;
}

/**
 * As scoreCandidates, plus each candidate's per-row out-of-fold error (|error| / std(y), averaged over the observed
 * targets). Every candidate uses the same inner folds, so the errors are paired across candidates.
 */
export async function scoreCandidatesDetailed(
  cands: Candidate[],
  X: Matrix,
  Y: Matrix,
  o: { folds: number; seed: number; groups?: ArrayLike<number>; signal?: AbortSignal; onCandidate?: (k: number, total: number, label: string) => void },
): Promise<{ scores: CandidateScore[]; errors: Float64Array[]; oof: Float64Array[]; sds: number[] }> {
  const out: CandidateScore[] = [];
  const errors: Float64Array[] = [];
  const oof: Float64Array[] = [];
  const folds = Math.max(2, Math.min(o.folds, X.rows));
  const groups = o.groups && new Set(Array.from(o.groups)).size >= 2 ? o.groups : undefined;
  const T = Y.cols;
  const sds: number[] = [];
  for (let t = 0; t < T; t++) {
    let m = 0;
    let s2 = 0;
    let n = 0;
    for (let i = 0; i < Y.rows; i++) {
      const v = Y.data[i * T + t];
      if (Number.isFinite(v)) {
        m += v;
        s2 += v * v;
        n++;
      }
    }
    sds.push(n > 1 ? Math.sqrt(Math.max(s2 / n - (m / n) ** 2, 1e-300)) || 1 : 1);
  }
  for (let k = 0; k < cands.length; k++) {
    const c = cands[k];
    o.onCandidate?.(k, cands.length, c.label);
    // grouped like the outer CV (rows sharing a composition / molecule / group stay in one inner fold)
    const cv = await crossValidate(() => c.make(o.seed + 17 * k), X, Y, { folds, repeats: 1, seed: o.seed + 7919, ...(groups ? { groups } : {}), signal: o.signal });
    let score = 0;
    let cnt = 0;
    for (let t = 0; t < T; t++) {
      const mae = cv.metrics[t].mae;
      if (Number.isFinite(mae)) {
        score += mae / sds[t];
        cnt++;
      }
    }
    errors.push(rowErrors(cv.mean, Y, sds));
    oof.push(cv.mean);
    out.push({ label: c.label, strategy: c.strategy, source: c.source, mae: cv.metrics[0].mae, rmse: cv.metrics[0].rmse, score: cnt ? score / cnt : Infinity });
  }
  return { scores: out, errors, oof, sds };
}

/** Per-row |error| / std(y) of out-of-fold means (rows × targets), averaged over the observed targets (NaN: none). */
function rowErrors(mean: Float64Array, Y: Matrix, sds: number[]): Float64Array {
  const T = Y.cols;
  const e = new Float64Array(Y.rows);
  for (let i = 0; i < Y.rows; i++) {
    let s = 0;
    let c = 0;
    for (let t = 0; t < T; t++) {
      const v = Y.data[i * T + t];
      const p = mean[i * T + t];
      if (Number.isFinite(v) && Number.isFinite(p)) {
        s += Math.abs(p - v) / sds[t];
        c++;
      }
    }
    e[i] = c ? s / c : NaN;
  }
  return e;
}

/**
 * True when `other`'s paired errors beat the baseline's by more than one standard error of the paired difference
 * (the one-standard-error rule: with ~80 rows the inner CV is noisy, and a transfer candidate that is not clearly
 * better than no transfer is not worth its risk).
 */
function clearlyBetter(baseline: Float64Array, other: Float64Array): boolean {
  let n = 0;
  let m = 0;
  let s2 = 0;
  for (let i = 0; i < other.length; i++) {
    const d = baseline[i] - other[i];
    if (!Number.isFinite(d)) continue;
    n++;
    m += d;
    s2 += d * d;
  }
  if (n < 2) return true;
  m /= n;
  const se = Math.sqrt(Math.max(s2 / n - m * m, 0) / (n - 1));
  return m > se;
}

/**
 * One-standard-error rule toward the baseline: the best candidate by inner-CV score, unless the no-transfer baseline's
 * mean paired error exceeds the best's by at most one standard error of that paired difference — then the baseline.
 * With ~80 rows the inner CV is noisy; a transfer candidate that is not clearly better than no transfer is not worth
 * its risk. (Applying the rule among the transfer candidates as well, toward the "simpler" ones, cost accuracy on the
 * band-gap benchmark, so only the baseline gets the benefit of the doubt.)
 */
export function pickOneSe(scores: CandidateScore[], errors: Float64Array[]): number {
  let best = 0;
  for (let k = 1; k < scores.length; k++) if (scores[k].score < scores[best].score) best = k;
  const b = scores.findIndex((c) => c.strategy === 'none');
  if (b < 0 || b === best || !Number.isFinite(scores[best].score) || !Number.isFinite(scores[b].score)) return best;
  return clearlyBetter(errors[b], errors[best]) ? best : b;
}

/** How many of the best transfer candidates auto averages. */
export const AVERAGE_SIZE = 3;

/**
 * auto's rule: the equal-weight average of the `size` best transfer candidates by inner-CV score, judged against the
 * no-transfer baseline by the one-standard-error rule on the paired inner-CV errors of the AVERAGED out-of-fold
 * predictions (same folds for every candidate); when the average is not clearly better, the best candidate alone under
 * the same rule; else the baseline. Returns the candidate indices to average (one index: that candidate alone; the
 * baseline's index: no transfer) and the average's own inner-CV score.
 *
 * Why an average: picking one candidate by the inner CV of ~80 rows is noisy, and the candidates that rank near the top
 * make different errors (a source's prediction, another source's prediction, a fine-tuned head). Measured on every
 * outer fold of the band-gap benchmark (bundled library, sources: all, 13 candidates) and on the polymer pair: outer
 * MAE 0.630 / 0.673 / 0.593 eV at 50 / 100 / 200 rows (one best candidate under the same rule: 0.683 / 0.698 / 0.598)
 * and 0.593 vs 0.618 (baseline 0.601) on the polymers; averaging the best 2 or 4, or only `prediction` candidates,
 * stacking weights and softmax weights all did worse somewhere (docs/transfer.md).
 */
export function pickAverage(scores: CandidateScore[], oof: Float64Array[], errors: Float64Array[], Y: Matrix, sds: number[], size = AVERAGE_SIZE): { members: number[]; score?: CandidateScore } {
  const b = scores.findIndex((c) => c.strategy === 'none');
  const ranked = scores.map((_, k) => k).filter((k) => k !== b && Number.isFinite(scores[k].score)).sort((p, q) => scores[p].score - scores[q].score);
  const members = ranked.slice(0, Math.max(1, size));
  if (!members.length) return { members: [Math.max(0, b)] };
  if (members.length === 1) {
    if (b < 0 || !Number.isFinite(scores[b].score)) return { members };
    return { members: clearlyBetter(errors[b], errors[members[0]]) ? members : [b] };
  }
  const len = oof[members[0]].length;
  const mean = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    let acc = 0;
    for (const k of members) acc += oof[k][i];
    mean[i] = acc / members.length;
  }
  const e = rowErrors(mean, Y, sds);
  if (b >= 0 && Number.isFinite(scores[b].score) && !clearlyBetter(errors[b], e)) {
    // the average is not clearly better (e.g. one good candidate averaged with two poor ones): the best alone, if it is
    return { members: [clearlyBetter(errors[b], errors[members[0]]) ? members[0] : b] };
  }
  const T = Y.cols;
  let ae = 0;
  let se2 = 0;
  let n = 0;
  for (let i = 0; i < Y.rows; i++) {
    const v = Y.data[i * T];
    if (!Number.isFinite(v) || !Number.isFinite(mean[i * T])) continue;
    ae += Math.abs(mean[i * T] - v);
    se2 += (mean[i * T] - v) ** 2;
    n++;
  }
  let score = 0;
  let cnt = 0;
  for (const v of e) {
    if (Number.isFinite(v)) {
      score += v;
      cnt++;
    }
  }
  const labels = members.map((k) => scores[k].label);
  return {
    members,
    score: {
      label: `average:${labels.join('+')}`,
      strategy: 'average',
      source: [...new Set(members.map((k) => scores[k].source))].join('+'),
      members: labels,
      mae: n ? ae / n : NaN,
      rmse: n ? Math.sqrt(se2 / n) : NaN,
      score: cnt ? score / cnt : Infinity,
    },
  };
}

/**
 * A model that picks among candidates by inner CV on its own training rows, then refits the pick on all of them.
 * The pick is one candidate or (rule `average`, auto's default) the average of the best few (`pickAverage`).
 */
export class SelectingModel implements Model {
  readonly type = 'transfer';
  private chosen: Model | null = null;
  chosenIndex = -1;
  /** Indices of the averaged candidates (rule `average` with more than one member), else empty. */
  members: number[] = [];
  scores: CandidateScore[] = [];
  /** The average's inner-CV score when an average was picked. */
  averageScore: CandidateScore | undefined;

  constructor(
    private readonly cands: Candidate[],
    private readonly o: {
      innerFolds: number;
      seed: number;
      /**
       * `average` (default): the average of the best few transfer candidates unless it does not beat the no-transfer
       * baseline by one standard error (pickAverage); `1se`: the best single candidate under the same rule
       * (pickOneSe); `best`: the lowest inner-CV score.
       */
      rule?: 'average' | '1se' | 'best';
      onCandidate?: (k: number, total: number, label: string) => void;
    },
  ) {}

  async fit(X: Matrix, Y: Matrix, opts: FitOptions): Promise<void> {
    const seed = opts.seed ?? this.o.seed;
    this.members = [];
    this.averageScore = undefined;
    if (this.cands.length === 1 || X.rows < 6) {
      this.chosenIndex = 0;
      this.scores = [];
    } else {
      const d = await scoreCandidatesDetailed(this.cands, X, Y, { folds: this.o.innerFolds, seed, groups: opts.groups, signal: opts.signal, onCandidate: this.o.onCandidate });
      this.scores = d.scores;
      let best = 0;
      for (let k = 1; k < this.scores.length; k++) if (this.scores[k].score < this.scores[best].score) best = k;
      const rule = this.o.rule ?? 'average';
      if (rule === 'average') {
        const p = pickAverage(d.scores, d.oof, d.errors, Y, d.sds);
        this.chosenIndex = p.members[0];
        if (p.members.length > 1) {
          this.members = p.members;
          this.averageScore = p.score;
        }
      } else this.chosenIndex = rule === '1se' ? pickOneSe(d.scores, d.errors) : best;
    }
    // built exactly as the outer CV's factory would build the candidate alone (constructor seed of this model, fit
    // with the caller's options): a kept baseline is then the baseline model of `transfer.baselineCv`, bit for bit
    const m = this.candidate.make(this.o.seed);
    await m.fit(X, Y, opts);
    this.chosen = m;
  }

  /** The pick: one candidate, or the average of `members` (strategy `average`). */
  get candidate(): Candidate {
    if (this.members.length > 1) {
      const ms = this.members.map((k) => this.cands[k]);
      const s = this.averageScore;
      return {
        label: s?.label ?? `average:${ms.map((c) => c.label).join('+')}`,
        strategy: 'average',
        source: s?.source ?? null,
        make: (seed) => new AverageModel(ms.map((c) => c.make(seed)), ms.map((c) => c.label)),
      };
    }
    return this.cands[Math.max(0, this.chosenIndex)];
  }

  get inner(): Model | null {
    return this.chosen;
  }

  predict(X: Matrix): Prediction {
    if (!this.chosen) throw new Error('transfer model: predict() before fit()');
    return this.chosen.predict(X);
  }

  sample(X: Matrix, count: number, seed: number): Float64Array[] {
    const c = this.chosen;
    if (c?.sample) return c.sample(X, count, seed);
    return marginalDraws(this.predict(X), count, seed);
  }

  summary(): ModelSummary {
    const s = this.chosen?.summary() ?? { type: 'transfer', hyperparameters: {} };
    const hp: Record<string, number | number[]> = { ...s.hyperparameters };
    for (const c of [...this.scores, ...(this.averageScore ? [this.averageScore] : [])]) hp[`inner_cv_mae_${c.label}`] = c.mae;
    return { ...s, type: s.type, hyperparameters: hp, chosen: this.candidate.label };
  }

  save(): SavedModel {
    if (!this.chosen) throw new Error('transfer model: save() before fit()');
    return { type: 'transfer-selected', version: 1, state: { chosen: this.candidate.label, strategy: this.candidate.strategy, source: this.candidate.source, scores: this.scores, ...(this.averageScore ? { average: this.averageScore } : {}), inner: this.chosen.save() } };
  }
}
