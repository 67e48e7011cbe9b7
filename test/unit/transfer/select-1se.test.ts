/** auto's one-standard-error rule: the baseline is kept unless a transfer candidate is clearly (> 1 SE) better. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/linalg/random';
import { pickOneSe, type CandidateScore } from '../../../src/core/transfer/select';

function score(label: string, strategy: CandidateScore['strategy'], e: Float64Array): CandidateScore {
  const mae = e.reduce((s, v) => s + v, 0) / e.length;
  return { label, strategy, source: strategy === 'none' ? null : 'src', mae, rmse: mae, score: mae };
}

test('one-SE rule: a candidate only marginally better than the baseline loses to it; a clearly better one wins', () => {
  const rng = new Rng(4);
  const n = 80;
  const base = Float64Array.from({ length: n }, () => Math.abs(rng.normal()));
  // marginally better: 1 % lower on average, with zero-mean row-level noise (±0.3) far larger than the difference
  const close = Float64Array.from(base, (v, i) => 0.99 * v + (i % 2 ? 0.3 : -0.3));
  // clearly better: 40 % lower on every row
  const clear = Float64Array.from(base, (v) => 0.6 * v);
  const closeScores = [score('none', 'none', base), score('prediction:src', 'prediction', close)];
  assert.ok(closeScores[1].score < closeScores[0].score, `the candidate must score better than the baseline for the rule to matter (${closeScores[1].score} vs ${closeScores[0].score})`);
  assert.equal(pickOneSe(closeScores, [base, close]), 0, 'within one SE: the baseline');
  assert.equal(pickOneSe([score('none', 'none', base), score('features:src', 'features', close), score('prediction:src', 'prediction', clear)], [base, close, clear]), 2, 'clearly better: the best candidate');
  // the baseline itself best: the baseline
  assert.equal(pickOneSe([score('prediction:src', 'prediction', clear.map((v) => v + 1)), score('none', 'none', base)], [clear.map((v) => v + 1), base]), 1);
});

// auto's default rule: the average of the three best transfer candidates, judged against the baseline on its own
// averaged out-of-fold predictions
import { pickAverage } from '../../../src/core/transfer/select';
import { AverageModel, loadTransferModel } from '../../../src/core/transfer/models';
import type { Model, Prediction } from '../../../src/core/models/types';

function oofCase(seed: number, n: number, baseNoise: number, candNoise: number[]) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, () => rng.normal());
  const Y = { rows: n, cols: 1, data: y };
  const oof = [baseNoise, ...candNoise].map((s) => Float64Array.from(y, (v) => v + s * rng.normal()));
  const errors = oof.map((m) => Float64Array.from(m, (v, i) => Math.abs(v - y[i])));
  const labels = ['none', 'prediction:a', 'prediction:b', 'finetune:a', 'features:a'].slice(0, oof.length);
  const scores = errors.map((e, k) => score(labels[k], k === 0 ? 'none' : (labels[k].split(':')[0] as CandidateScore['strategy']), e));
  return { Y, oof, errors, scores };
}

test('pickAverage: three candidates with independent errors are averaged (best first) when the average clearly beats the baseline', () => {
  const c = oofCase(1, 80, 1.0, [0.5, 0.55, 0.6, 2.0]);
  const p = pickAverage(c.scores, c.oof, c.errors, c.Y, [1]);
  const byScore = [1, 2, 3].sort((a, b) => c.scores[a].score - c.scores[b].score);
  assert.deepEqual(p.members, byScore, 'the three best transfer candidates, best first; the worst one and the baseline left out');
  assert.ok(p.score, 'the average has its own inner-CV score');
  assert.equal(p.score!.strategy, 'average');
  assert.deepEqual(p.score!.members, byScore.map((k) => c.scores[k].label));
  assert.equal(p.score!.label, `average:${byScore.map((k) => c.scores[k].label).join('+')}`);
  // averaging independent errors: the average's inner-CV MAE is below every member's
  for (const k of p.members) assert.ok(p.score!.mae < c.scores[k].mae, `average ${p.score!.mae} vs member ${c.scores[k].label} ${c.scores[k].mae}`);
});

test('pickAverage: the baseline is kept when the average is not clearly better; a single transfer candidate is judged alone', () => {
  // candidates as noisy as the baseline: their average is somewhat better, but each is not; with 12 rows not by 1 SE
  const close = oofCase(2, 12, 0.5, [0.5, 0.52, 0.55]);
  assert.deepEqual(pickAverage(close.scores, close.oof, close.errors, close.Y, [1]).members, [0], 'within one SE: the baseline');
  const one = oofCase(3, 80, 1.0, [0.3]);
  assert.deepEqual(pickAverage(one.scores, one.oof, one.errors, one.Y, [1]).members, [1], 'one clearly better candidate: that candidate');
  const noBaseline = oofCase(4, 80, 1.0, [0.3, 0.4]);
  const p = pickAverage(noBaseline.scores.slice(1), noBaseline.oof.slice(1), noBaseline.errors.slice(1), noBaseline.Y, [1]);
  assert.deepEqual(p.members, [0, 1], 'no baseline among the candidates (several finetune sources): the average');
});

class Fixed implements Model {
  readonly type = 'fixed';
  constructor(private m: number[], private v: number[]) {}
  async fit(): Promise<void> {}
  predict(): Prediction {
    return { mean: Float64Array.from(this.m), variance: Float64Array.from(this.v, (x) => x + 0.1), latentVariance: Float64Array.from(this.v), rows: this.m.length, outputs: 1 };
  }
  summary() {
    return { type: 'fixed', hyperparameters: {} };
  }
  save() {
    return { type: 'ridge', version: 1 as const, state: {} };
  }
}

test('AverageModel: the mixture of its members (mean of means; variance = mean variance + spread of the means)', () => {
  const avg = new AverageModel([new Fixed([1, 2], [0.5, 1]), new Fixed([3, 2], [1.5, 1])], ['a', 'b']);
  const X = { rows: 2, cols: 1, data: new Float64Array(2) };
  const p = avg.predict(X);
  assert.deepEqual(Array.from(p.mean), [2, 2]);
  // row 0: variances 0.5, 1.5 (mean 1), means 1 and 3 around 2 (spread 1): latent 2; row 1: same means, latent 1
  assert.deepEqual(Array.from(p.latentVariance), [2, 1]);
  assert.deepEqual(Array.from(p.variance).map((v) => +v.toFixed(12)), [2.1, 1.1]);
  const draws = avg.sample(X, 4, 1);
  assert.equal(draws.length, 4);
  assert.ok(draws.every((d) => d.length === 2 && d.every(Number.isFinite)));
  assert.match(avg.summary().chosen ?? '', /average of a, b/);
});

test('AverageModel saves and loads through loadTransferModel with identical predictions', async () => {
  const { RidgeModel } = await import('../../../src/core/models');
  const rng = new Rng(5);
  const n = 30;
  const X = { rows: n, cols: 2, data: Float64Array.from({ length: 2 * n }, () => rng.normal()) };
  const Y = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => X.data[2 * i] - X.data[2 * i + 1] + 0.1 * rng.normal()) };
  const avg = new AverageModel([new RidgeModel(), new RidgeModel({ calibrate: false })], ['ridge-a', 'ridge-b']);
  await avg.fit(X, Y, { seed: 1 });
  const again = loadTransferModel(JSON.parse(JSON.stringify(avg.save())));
  const p = avg.predict(X);
  const q = again.predict(X);
  assert.deepEqual(Array.from(q.mean), Array.from(p.mean));
  assert.deepEqual(Array.from(q.variance), Array.from(p.variance));
});

test('loadTransferModel refuses saved wrappers nested deeper than the engine writes them (untrusted model files)', () => {
  let saved: Record<string, unknown> = { type: 'ridge', version: 1, state: {} };
  for (let i = 0; i < 50_000; i++) saved = { type: i % 2 ? 'transfer-selected' : 'transfer-average', version: 1, state: i % 2 ? { inner: saved } : { labels: ['a'], members: [saved] } };
  assert.throws(() => loadTransferModel(saved as never), (e: Error & { details?: { code?: string } }) => e.details?.code === 'bad-model' && /nested more than/.test(e.message));
  assert.throws(() => loadTransferModel({ type: 'transfer-average', version: 1, state: { labels: [] } } as never), (e: Error & { details?: { code?: string } }) => e.details?.code === 'bad-model');
});
