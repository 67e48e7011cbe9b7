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
