/** rf-gp at large n: the chunked Gram accumulation gives the same Bayesian linear regression as the full design matrix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitBlr, fitBlrChunked } from '../../../src/core/models/blr';
import { Rng } from '../../../src/core/linalg/random';

test('fitBlrChunked equals fitBlr (evidence on, several chunk sizes incl. a ragged last chunk)', () => {
  const rng = new Rng(5);
  const n = 523;
  const p = 17;
  const Phi = new Float64Array(n * p);
  for (let i = 0; i < n * p; i++) Phi[i] = rng.normal();
  const w = Float64Array.from({ length: p }, () => rng.normal());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += Phi[i * p + j] * w[j];
    y[i] = s + 0.3 * rng.normal();
  }
  const opts = { sw2: 1, sn2: 0.5, evidence: true, maxIter: 20, minNoise: 1e-6, primal: true };
  const full = fitBlr(Phi, n, p, y, opts);
  for (const chunk of [1, 64, 100, 4096]) {
    const fill = (r0: number, c: number, out: Float64Array): void => out.set(Phi.subarray(r0 * p, (r0 + c) * p));
    const ch = fitBlrChunked(fill, n, p, y, opts, chunk);
    assert.ok(Math.abs(ch.sn2 - full.sn2) < 1e-9 * full.sn2, `chunk ${chunk}: sn2 ${ch.sn2} vs ${full.sn2}`);
    assert.ok(Math.abs(ch.sw2 - full.sw2) < 1e-9 * full.sw2, `chunk ${chunk}: sw2`);
    assert.ok(Math.abs(ch.nlml - full.nlml) < 1e-7 * Math.abs(full.nlml), `chunk ${chunk}: nlml`);
    for (let j = 0; j < p; j++) assert.ok(Math.abs(ch.m[j] - full.m[j]) < 1e-9, `chunk ${chunk}: m[${j}]`);
  }
  assert.ok(Math.abs(full.sn2 - 0.09) < 0.03, `noise recovered: ${full.sn2}`);
});
