/**
 * Bayesian linear regression y = Φ w + ε, w ~ N(0, σw² I), ε ~ N(0, σn²), on a design matrix Φ (n x p).
 * Works in weight space (p x p) when p ≤ n, else in function space (n x n) — same posterior either way.
 * Optional evidence maximisation of σw², σn² by MacKay's fixed-point updates.
 */
import { choleskyOrThrow, cholSolve, dot, invertLower, matmulABt, mirrorUpper, syrkAddUpper, transpose } from '../linalg/dense';
import { checkAbort, yieldToEventLoop } from './common';
import { InvFactorNorms } from './fastvar';
import type { Tf } from './tf';

export interface BlrPosterior {
  mode: 'primal' | 'dual';
  n: number;
  p: number;
  sw2: number;
  sn2: number;
  /** Posterior mean of the weights (p). */
  m: Float64Array;
  /** primal: chol(A), A = ΦᵀΦ/σn² + I/σw² (p x p). dual: chol(K), K = σw² ΦΦᵀ + σn² I (n x n). */
  L: Float64Array;
  /** dual only: the design matrix (n x p). */
  Phi?: Float64Array;
  norms: InvFactorNorms;
  /** Negative log evidence. */
  nlml: number;
  iterations: number;
}

export interface BlrOptions {
  sw2: number;
  sn2: number;
  /** Maximise the evidence over σw², σn² (MacKay). */
  evidence: boolean;
  maxIter?: number;
  /** Lower bound on σn² (default 1e-8). */
  minNoise?: number;
  /** Always work in weight space (needed for weight-posterior sampling). */
  primal?: boolean;
}

const LOG2PI = Math.log(2 * Math.PI);

/**
 * One MacKay evidence update of the weight-prior and noise variances from the posterior's squared weight norm `mm`,
 * residual sum of squares `resid` and effective number of parameters `gamma`; `change` is the total log-change.
 */
function mackayStep(mm: number, resid: number, gamma: number, n: number, sw2: number, sn2: number, minNoise: number) {
  const sw2New = clamp(mm / gamma, 1e-8, 1e8);
  const sn2New = clamp(resid / Math.max(1e-6, n - gamma), minNoise, 1e8);
  return { sw2: sw2New, sn2: sn2New, change: Math.abs(Math.log(sw2New / sw2)) + Math.abs(Math.log(sn2New / sn2)) };
}

export function fitBlr(Phi: Float64Array, n: number, p: number, y: Float64Array, opts: BlrOptions): BlrPosterior {
  let sw2 = opts.sw2;
  let sn2 = opts.sn2;
  const minNoise = opts.minNoise ?? 1e-8;
  const maxIter = opts.evidence ? (opts.maxIter ?? 100) : 0;
  const yy = dot(y, 0, y, 0, n);
  if (opts.evidence && opts.primal && p > n) {
    // Evidence iterations are much cheaper in function space (n x n) when features outnumber rows; the weight-space
    // posterior (needed for sampling) is then built once with the estimated σw², σn².
    const est = fitBlr(Phi, n, p, y, { ...opts, primal: false });
    const post = fitBlr(Phi, n, p, y, { ...opts, sw2: est.sw2, sn2: est.sn2, evidence: false });
    post.iterations = est.iterations;
    return post;
  }
  if (p <= n || opts.primal) {
    const PhiT = transpose(Phi, n, p);
    const G = matmulABt(PhiT, PhiT, p, n, p); // ΦᵀΦ
    const b = new Float64Array(p);
    for (let j = 0; j < p; j++) b[j] = dot(PhiT, j * n, y, 0, n);
    return fitBlrGram(G, b, yy, n, p, opts);
  }
  // dual (function space)
  const H = matmulABt(Phi, Phi, n, p, n); // ΦΦᵀ
  let it = 0;
  for (;;) {
    const K = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) K[i] = sw2 * H[i];
    for (let i = 0; i < n; i++) K[i * n + i] += sn2;
    const { L } = choleskyOrThrow(K, n, 'Bayesian linear regression covariance');
    const alpha = cholSolve(L, n, y);
    if (it >= maxIter) {
      const m = new Float64Array(p);
      for (let i = 0; i < n; i++) {
        const a = sw2 * alpha[i];
        for (let j = 0; j < p; j++) m[j] += a * Phi[i * p + j];
      }
      let logdet = 0;
      for (let i = 0; i < n; i++) logdet += Math.log(L[i * n + i]);
      const nlml = 0.5 * dot(y, 0, alpha, 0, n) + logdet + 0.5 * n * LOG2PI;
      return { mode: 'dual', n, p, sw2, sn2, m, L, Phi, norms: new InvFactorNorms(L, n), nlml, iterations: it };
    }
    const M = invertLower(L, n);
    const trKinv = dot(M, 0, M, 0, n * n);
    const gamma = clamp(n - sn2 * trKinv, 1e-6, Math.min(p, n) - 1e-6);
    let aHa = 0;
    for (let i = 0; i < n; i++) aHa += alpha[i] * dot(H, i * n, alpha, 0, n);
    const mm = sw2 * sw2 * aHa;
    const resid = sn2 * sn2 * dot(alpha, 0, alpha, 0, n);
    const next = mackayStep(mm, resid, gamma, n, sw2, sn2, minNoise);
    ({ sw2, sn2 } = next);
    it++;
    if (next.change < 1e-7) it = maxIter;
  }
}

/**
 * The weight-space posterior from the Gram matrix G = ΦᵀΦ (p x p), b = Φᵀy and yy = yᵀy alone: what fitBlr does in
 * primal mode, without the n x p design matrix (fitBlrChunked accumulates G and b chunk by chunk).
 */
export function fitBlrGram(G: Float64Array, b: Float64Array, yy: number, n: number, p: number, opts: BlrOptions): BlrPosterior {
  let sw2 = opts.sw2;
  let sn2 = opts.sn2;
  const minNoise = opts.minNoise ?? 1e-8;
  const maxIter = opts.evidence ? (opts.maxIter ?? 100) : 0;
  let it = 0;
  for (;;) {
    const A = new Float64Array(p * p);
    for (let i = 0; i < p * p; i++) A[i] = G[i] / sn2;
    for (let i = 0; i < p; i++) A[i * p + i] += 1 / sw2;
    const { L } = choleskyOrThrow(A, p, 'Bayesian linear regression posterior precision');
    const m = cholSolve(L, p, b);
    for (let i = 0; i < p; i++) m[i] /= sn2;
    const mm = dot(m, 0, m, 0, p);
    let mGm = 0;
    for (let i = 0; i < p; i++) mGm += m[i] * dot(G, i * p, m, 0, p);
    const resid = Math.max(0, yy - 2 * dot(m, 0, b, 0, p) + mGm);
    if (it >= maxIter) {
      let logdetA = 0;
      for (let i = 0; i < p; i++) logdetA += 2 * Math.log(L[i * p + i]);
      const logEv = -0.5 * (n * LOG2PI + n * Math.log(sn2) + p * Math.log(sw2) + logdetA + resid / sn2 + mm / sw2);
      return { mode: 'primal', n, p, sw2, sn2, m, L, norms: new InvFactorNorms(L, p), nlml: -logEv, iterations: it };
    }
    const M = invertLower(L, p);
    const trAinv = dot(M, 0, M, 0, p * p);
    const gamma = clamp(p - trAinv / sw2, 1e-6, Math.min(p, n - 1e-3));
    const next = mackayStep(mm, resid, gamma, n, sw2, sn2, minNoise);
    ({ sw2, sn2 } = next);
    it++;
    if (next.change < 1e-7) it = maxIter; // converged: one more pass builds the final posterior
  }
}

/**
 * fitBlr for n > p without holding the n x p design matrix: `fill(r0, c, out)` writes the features of rows r0..r0+c
 * into out (c x p); G = ΦᵀΦ and b = Φᵀy are accumulated over chunks of `chunk` rows (memory p² + chunk·p instead of
 * 2·n·p). Same posterior as fitBlr (primal mode).
 */
export function fitBlrChunked(fill: (r0: number, c: number, out: Float64Array) => void, n: number, p: number, y: Float64Array, opts: BlrOptions, chunk = 2048): BlrPosterior {
  return runSteps(fitBlrChunkedSteps(fill, n, p, y, opts, chunk));
}

/**
 * fitBlrChunked as steps: yields the number of rows accumulated after each chunk (at 1M rows and p = 1000 each chunk
 * is about a second of work), so a caller can report progress, honour a cancel and keep its event loop alive
 * (`runStepsAsync`); returns the posterior.
 */
export function* fitBlrChunkedSteps(fill: (r0: number, c: number, out: Float64Array) => void, n: number, p: number, y: Float64Array, opts: BlrOptions, chunk = 2048): Generator<number, BlrPosterior> {
  const G = new Float64Array(p * p);
  const b = new Float64Array(p);
  const F = new Float64Array(chunk * p);
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const c = Math.min(chunk, n - r0);
    const Fc = F.subarray(0, c * p);
    fill(r0, c, Fc);
    const FT = transpose(Fc, c, p);
    syrkAddUpper(FT, p, c, G);
    for (let j = 0; j < p; j++) b[j] += dot(FT, j * c, y, r0, c);
    yield r0 + c;
  }
  mirrorUpper(G, p);
  return fitBlrGram(G, b, dot(y, 0, y, 0, n), n, p, opts);
}

/** Runs a step generator to its end synchronously. */
export function runSteps<S, T>(g: Generator<S, T>): T {
  let r = g.next();
  while (!r.done) r = g.next();
  return r.value;
}

/**
 * Runs a step generator, giving the event loop a turn after each step (`onStep` first; `signal` checked), so long
 * synchronous work stays cancellable and its progress visible.
 */
export async function runStepsAsync<S, T>(g: Generator<S, T>, o: { onStep?: (s: S) => void; signal?: AbortSignal } = {}): Promise<T> {
  let r = g.next();
  while (!r.done) {
    o.onStep?.(r.value);
    checkAbort(o.signal);
    await yieldToEventLoop();
    r = g.next();
  }
  return r.value;
}

/**
 * Predictive mean and latent variance for c rows of features F (c x p). Uses float32 TensorFlow.js matmuls for the
 * quadratic form when `tf` is given (primal mode; the posterior precision is well conditioned, A ≥ I/σw²).
 */
export function predictBlr(post: BlrPosterior, F: Float64Array, c: number, mean: Float64Array, latent: Float64Array, tf: Tf | null): void {
  const { p, m } = post;
  for (let i = 0; i < c; i++) mean[i] = dot(F, i * p, m, 0, p);
  if (post.mode === 'primal') {
    if (tf) post.norms.sumSquares32(tf, F, c, latent);
    else post.norms.sumSquares64(F, c, latent);
    for (let i = 0; i < c; i++) latent[i] = Math.max(latent[i], 0);
    return;
  }
  const n = post.n;
  const Phi = post.Phi as Float64Array;
  const Kx = matmulABt(F, Phi, c, p, n);
  for (let i = 0; i < c * n; i++) Kx[i] *= post.sw2;
  const s = new Float64Array(c);
  post.norms.sumSquares64(Kx, c, s);
  for (let i = 0; i < c; i++) latent[i] = Math.max(post.sw2 * dot(F, i * p, F, i * p, p) - s[i], 1e-12 * post.sw2);
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}
