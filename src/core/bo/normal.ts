/**
 * Standard normal functions with full relative accuracy in the tails (no underflow of the log forms).
 *
 * erfc is computed from the all-positive-terms series of erf for |x| < 3 and from the continued fraction of the
 * scaled complementary error function erfcx(x) = exp(x²)·erfc(x) beyond, so erfcx never underflows.
 */
const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** exp(-x²)-free part: sum_{n>=0} 2^n x^(2n+1) / (1·3·…·(2n+1)); erf(x) = 2/√π·exp(−x²)·S(x). */
function erfSeriesS(x: number): number {
  let term = x;
  let sum = x;
  const x2 = 2 * x * x;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** erfcx(x) for x >= 2.5 by the Laplace continued fraction (modified Lentz). */
function erfcxCF(x: number): number {
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    D = x + a * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = x + a / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** Scaled complementary error function exp(x²)·erfc(x); finite for all x (overflows only for x < −26). */
export function erfcx(x: number): number {
  if (x === Infinity) return 0;
  if (x >= 3) return erfcxCF(x);
  if (x >= 0) {
    // erfc = 1 − erf, computed as exp(x²) − 2/√π·S(x) after scaling
    return Math.exp(x * x) - (2 / SQRT_PI) * erfSeriesS(x);
  }
  // erfc(−y) = 2 − erfc(y)
  return 2 * Math.exp(x * x) - erfcx(-x);
}

export function erfc(x: number): number {
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (x >= 3) return Math.exp(-x * x) * erfcxCF(x);
  if (x >= 0) return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * erfSeriesS(x);
  return 2 - erfc(-x);
}

export function normPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

export function logNormPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** Φ(z) with full relative accuracy for z ≪ 0. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** log Φ(z), finite for any finite z. */
export function logNormCdf(z: number): number {
  if (z > -5) return Math.log(normCdf(z));
  const x = -z / SQRT2;
  return Math.log(0.5 * erfcx(x)) - x * x;
}

/** log(1 − exp(a)) for a < 0, accurate near 0 and for a ≪ 0 (Mächler 2012). */
export function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/** h(z) = φ(z) + z·Φ(z): expected improvement of a unit normal over the threshold −z. */
export function hFunction(z: number): number {
  return normPdf(z) + z * normCdf(z);
}

const INV_SQRT_EPS = 1 / Math.sqrt(Number.EPSILON);

/**
 * log h(z), stable for any z (Ament et al., "Unexpected Improvements to Expected Improvement", NeurIPS 2023, eq. 9):
 *   z > −1:           log(φ(z) + zΦ(z)) directly;
 *   −1/√ε < z ≤ −1:   −z²/2 − log√(2π) + log1mexp(log(erfcx(−z/√2)·|z|) + log√(π/2));
 *   z ≤ −1/√ε:        −z²/2 − log√(2π) − 2·log|z|  (asymptotic, relative error < ε).
 */
export function logH(z: number): number {
  if (z > -1) return Math.log(hFunction(z));
  if (z > -INV_SQRT_EPS) {
    return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(Math.log(erfcx(-z / SQRT2) * Math.abs(z)) + 0.5 * Math.log(Math.PI / 2));
  }
  return -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(Math.abs(z));
}

/** Inverse standard normal CDF (Acklam's rational approximation refined by one Halley step). */
export function normQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const e = normCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}
