/**
 * Thompson sampling over very large pools with random Fourier features (Rahimi & Recht 2007; Hernández-Lobato et al.
 * 2014): the model's stationary kernel (lengthscales, signal and noise variance read from `summary().hyperparameters`,
 * as reported by the GP) is approximated by D cosine features with frequencies drawn from its spectral density
 * (Gaussian for RBF, multivariate Student-t with 2ν degrees of freedom for Matérn-ν); the posterior over the feature
 * weights given the training data is Gaussian, and one weight draw is one joint posterior function that can be
 * evaluated on any number of candidates in O(D·d) each. Returns undefined when the model does not report the needed
 * hyperparameters (callers then fall back to `model.sample` on a pre-screened subset).
 */
import type { Matrix } from '../features/types';
import { fitStandardizer } from '../features/standardize';
import type { Model } from '../models/types';
import { solveUpperTInPlace } from '../linalg';
import { fitBlr } from '../models/blr';
import { Rng } from './rng';

function gamma(rng: Rng, shape: number): number {
  // Marsaglia–Tsang (shape >= 1)
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export interface RffSampler {
  /** Evaluates draw k (0-based) of the posterior function (output 0, target units) on X. */
  evaluate(X: Matrix, k: number): Float64Array;
  draws: number;
}

export function rffSampler(model: Model, trainX: Matrix, y: ArrayLike<number>, draws: number, seed: number, D = 512): RffSampler | undefined {
  const hp = model.summary().hyperparameters;
  const ls = hp.lengthscales;
  const sv = hp.signal_variance;
  const nv = hp.noise_variance;
  const code = typeof hp.kernel_code === 'number' ? hp.kernel_code : 2;
  if (!Array.isArray(ls) || typeof sv !== 'number' || typeof nv !== 'number') return undefined;
  const d = trainX.cols;
  if (!(ls.length === d || ls.length === 1)) return undefined;
  const st = fitStandardizer(trainX);
  const rng = new Rng(seed + 4242);
  const W = new Float64Array(D * d);
  const b = new Float64Array(D);
  const nu = code === 1 ? 1.5 : 2.5;
  for (let f = 0; f < D; f++) {
    const scale = code === 0 ? 1 : Math.sqrt(nu / gamma(rng, nu));
    for (let j = 0; j < d; j++) W[f * d + j] = (rng.normal() * scale) / ls[ls.length === 1 ? 0 : j] / st.std[j];
    b[f] = 2 * Math.PI * rng.next();
  }
  const amp = Math.sqrt((2 * sv) / D);
  const phi = (X: Matrix, i: number, out: Float64Array): void => {
    for (let f = 0; f < D; f++) {
      let s = b[f];
      for (let j = 0; j < d; j++) s += W[f * d + j] * (X.data[i * X.cols + j] - st.mean[j]);
      out[f] = amp * Math.cos(s);
    }
  };
  // training rows with finite y; prior mean = sample mean (as the GP's standardisation)
  const rows: number[] = [];
  for (let i = 0; i < trainX.rows; i++) if (Number.isFinite(y[i])) rows.push(i);
  if (rows.length === 0) return undefined;
  const ym = rows.reduce((s, i) => s + y[i], 0) / rows.length;
  // Bayesian linear regression on the features, w ~ N(0, I), noise variance σn²: posterior N(m, A⁻¹),
  // A = ΦᵀΦ/σn² + I (the models' BLR, weight space so its Cholesky factor of A serves for sampling)
  const n = rows.length;
  const Phi = new Float64Array(n * D);
  const yc = new Float64Array(n);
  const p = new Float64Array(D);
  rows.forEach((i, a) => {
    phi(trainX, i, p);
    Phi.set(p, a * D);
    yc[a] = y[i] - ym;
  });
  const post = fitBlr(Phi, n, D, yc, { sw2: 1, sn2: Math.max(nv, 1e-10 * sv), evidence: false, primal: true });
  const L = post.L;
  const mean = post.m;
  const weights: Float64Array[] = [];
  for (let k = 0; k < draws; k++) {
    const z = new Float64Array(D);
    for (let a = 0; a < D; a++) z[a] = rng.normal();
    solveUpperTInPlace(L, D, z); // L⁻ᵀ z ~ N(0, A⁻¹)
    weights.push(mean.map((m, a) => m + z[a]));
  }
  return {
    draws,
    evaluate(X: Matrix, k: number): Float64Array {
      const out = new Float64Array(X.rows);
      const q = new Float64Array(D);
      const w = weights[k];
      for (let i = 0; i < X.rows; i++) {
        phi(X, i, q);
        let s = ym;
        for (let a = 0; a < D; a++) s += q[a] * w[a];
        out[i] = s;
      }
      return out;
    },
  };
}
