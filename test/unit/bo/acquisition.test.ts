import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acquisitionValue,
  expectedCloseness,
  expectedImprovement,
  logExpectedImprovement,
  probabilityOfFeasibility,
  probabilityOfImprovement,
  upperConfidenceBound,
} from '../../../src/core/bo/acquisition';
import { erfc, logNormCdf, normCdf, normQuantile } from '../../../src/core/bo/normal';
import { Rng } from '../../../src/core/bo/rng';

const close = (a: number, b: number, rel: number, msg?: string): void =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300), `${msg ?? ''} ${a} vs ${b}`);

test('normal CDF matches known values including the far tail', () => {
  close(normCdf(0), 0.5, 1e-15);
  close(normCdf(1.959963984540054), 0.975, 1e-12);
  close(normCdf(-1), 0.15865525393145707, 1e-12);
  close(normCdf(-5), 2.866515718791939e-7, 1e-10);
  close(normCdf(-10), 7.619853024160527e-24, 1e-10);
  close(normCdf(-30), 4.906713927148187e-198, 1e-9);
  close(erfc(0.5), 0.4795001221869535, 1e-13);
  close(erfc(2), 0.004677734981047266, 1e-12);
  // log Φ beyond underflow: −z²/2 − log(−z) − log√(2π) asymptote
  const z = -1e4;
  close(logNormCdf(z), -0.5 * z * z - Math.log(-z) - 0.5 * Math.log(2 * Math.PI), 1e-9);
  close(normQuantile(0.975), 1.959963984540054, 1e-9);
});

test('EI, PI and UCB equal their closed forms at known points', () => {
  // mean 1, sd 2, best 0.5 → z = 0.25; EI = σ(zΦ(z) + φ(z))
  const z = 0.25;
  const phi = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
  const Phi = 0.5987063256829237;
  close(expectedImprovement(1, 4, 0.5), 2 * (z * Phi + phi), 1e-12, 'EI');
  close(probabilityOfImprovement(1, 4, 0.5), Phi, 1e-12, 'PI');
  close(upperConfidenceBound(1, 4, 2), 1 + Math.SQRT2 * 2, 1e-15, 'UCB');
  // at the incumbent: EI = σ φ(0)
  close(expectedImprovement(3, 9, 3), 3 / Math.sqrt(2 * Math.PI), 1e-14);
  // zero variance: plain improvement
  assert.equal(expectedImprovement(2, 0, 1), 1);
  assert.equal(expectedImprovement(0, 0, 1), 0);
  // minimize flips the sign of the mean; best is in utility space (−min y)
  close(acquisitionValue('ei', 'minimize', -1, 4, 0.5), expectedImprovement(1, 4, 0.5), 1e-15, 'minimize');
  close(acquisitionValue('ucb', 'maximize', 1, 4, 0, 9), 1 + 3 * 2, 1e-15, 'beta');
});

test('EI against Monte Carlo (sanity of the closed form)', () => {
  const rng = new Rng(1);
  let s = 0;
  const n = 200000;
  for (let i = 0; i < n; i++) s += Math.max(0, 0.3 + 0.7 * rng.normal() - 0.5);
  close(expectedImprovement(0.3, 0.49, 0.5), s / n, 0.02);
});

test('logEI equals log(EI) where EI is representable', () => {
  for (const z of [3, 1, 0, -0.5, -1, -2, -5, -10, -20, -30, -37]) {
    const ei = expectedImprovement(z, 1, 0);
    assert.ok(ei > 0, `EI representable at z=${z}`);
    close(logExpectedImprovement(z, 1, 0), Math.log(ei), 1e-9, `z=${z}`);
  }
  // scaled: σ = 3
  close(logExpectedImprovement(-6, 9, 0), Math.log(expectedImprovement(-6, 9, 0)), 1e-10);
});

test('logEI stays finite and strictly monotone where EI underflows (z = −40 … −1e4)', () => {
  assert.equal(expectedImprovement(-40, 1, 0), 0, 'EI underflows to 0 at z = −40');
  let prev = Infinity;
  for (let k = 0; k <= 400; k++) {
    const z = -40 * Math.pow(250, k / 400); // −40 … −1e4
    const v = logExpectedImprovement(z, 1, 0);
    assert.ok(Number.isFinite(v), `finite at z=${z}`);
    assert.ok(v < prev, `monotone at z=${z}`);
    prev = v;
  }
  // asymptote: log h(z) ≈ −z²/2 − log√(2π) − 2 log|z|
  const z = -1e4;
  close(logExpectedImprovement(z, 1, 0), -z * z / 2 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z), 1e-9);
  // continuity across the branch at z = −1
  close(logExpectedImprovement(-1 - 1e-9, 1, 0), logExpectedImprovement(-1 + 1e-9, 1, 0), 1e-7);
});

test('target goal: expected closeness matches Monte Carlo and PI is P(|Y−v| < d)', () => {
  const rng = new Rng(2);
  const m = 0.4;
  const s = 0.5;
  const d = 0.3;
  let acc = 0;
  let hit = 0;
  const n = 400000;
  for (let i = 0; i < n; i++) {
    const z = m + s * rng.normal();
    acc += Math.max(0, d - Math.abs(z));
    if (Math.abs(z) < d) hit++;
  }
  close(expectedCloseness(m, s, d), acc / n, 0.02);
  // spec form: goal {target: 5}, mean 5.4, best utility −0.3
  close(acquisitionValue('ei', { target: 5 }, 5.4, s * s, -d), expectedCloseness(m, s, d), 1e-12);
  close(acquisitionValue('pi', { target: 5 }, 5.4, s * s, -d), hit / n, 0.02);
  // logEI for target goals stays finite far away
  const far = acquisitionValue('logei', { target: 0 }, 100, 0.01, -0.1);
  assert.ok(Number.isFinite(far) && far < -1000);
  assert.ok(acquisitionValue('logei', { target: 0 }, 120, 0.01, -0.1) < far, 'monotone in distance');
});

test('probability of feasibility of an interval', () => {
  close(probabilityOfFeasibility(0, 1, { min: -1.959963984540054, max: 1.959963984540054 }), 0.95, 1e-10);
  close(probabilityOfFeasibility(0, 1, { max: 0 }), 0.5, 1e-14);
  assert.ok(probabilityOfFeasibility(0, 1, { min: 30 }) > 4e-198, 'tail kept');
});
