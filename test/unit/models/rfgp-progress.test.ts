// rf-gp at large n fits its weights chunk by chunk; between chunks it reports progress in words and honours a cancel
// (before, a 1M-row fit ran minutes of synchronous work: no progress line moved and Cancel waited for the end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RfGpModel } from '../../../src/core/models/rfgp';
import type { FitProgress } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/linalg/random';

function data(n: number) {
  const rng = new Rng(3);
  const X = { rows: n, cols: 3, data: Float64Array.from({ length: 3 * n }, () => rng.uniform()) };
  const Y = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => Math.sin(3 * X.data[3 * i]) + X.data[3 * i + 1] + 0.1 * rng.normal()) };
  return { X, Y };
}

test('rf-gp on more rows than features: the weight fit reports the rows done, in words, up to all of them', async () => {
  const { X, Y } = data(5000);
  const seen: FitProgress[] = [];
  const m = new RfGpModel({ seed: 1, features: 100, restarts: 1 });
  await m.fit(X, Y, { seed: 1, onProgress: (p) => seen.push(p) });
  const w = seen.filter((p) => p.phase === 'weights');
  assert.ok(w.some((p) => /random-feature Gram over 2,048 of 5,000 rows/.test(p.message ?? '')), w.map((p) => p.message).join(' | '));
  assert.ok(w.some((p) => /Gram over 5,000 of 5,000 rows/.test(p.message ?? '')));
  assert.ok(w.some((p) => /calibrating the intervals.*5,000 of 5,000 rows/.test(p.message ?? '')));
  assert.ok(w.every((p) => !Number.isFinite(p.value)), 'no learning-curve values from the progress of the weight fit');
  const f = w.map((p) => p.fraction ?? NaN);
  assert.ok(f.every((x, i) => Number.isFinite(x) && x > 0 && x <= 1 && (i === 0 || x >= f[i - 1])), `the fraction never moves backwards across the two passes: ${f.map((x) => x.toFixed(2))}`);
  const pr = m.predict(X);
  assert.ok(pr.mean.every(Number.isFinite));
});

test('rf-gp at large n: a cancel during the weight fit stops it between chunks', async () => {
  const { X, Y } = data(20000);
  const ac = new AbortController();
  let chunksAfterCancel = 0;
  const m = new RfGpModel({ seed: 1, features: 100, restarts: 1 });
  await assert.rejects(
    m.fit(X, Y, {
      seed: 1,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase !== 'weights') return;
        if (ac.signal.aborted) chunksAfterCancel++;
        else ac.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.equal(chunksAfterCancel, 0, 'no chunk is accumulated after the cancel');
});
