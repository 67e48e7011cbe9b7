/**
 * Symmetric eigendecomposition A = V diag(λ) Vᵀ for the Kronecker GP (K_x and K_t) and the PCA basis.
 *
 * Householder reduction to tridiagonal form (Golub & Van Loan, Matrix Computations, alg. 8.3.1) with the orthogonal
 * factor accumulated backwards, then implicit symmetric QR steps with a Wilkinson shift and bulge chasing by Givens
 * rotations (alg. 8.3.2/8.3.3), rotations applied to the eigenvector matrix. About 9n³ flops; eigenvalues ascending.
 */

export interface SymEig {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** n x n row-major; column j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Eigendecomposition of the symmetric n x n row-major matrix A (only read; A is copied). */
export function symEig(A: ArrayLike<number>, n: number): SymEig {
  const a = Float64Array.from(A as ArrayLike<number>);
  // symmetrise against round-off in the input
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const v = 0.5 * (a[i * n + j] + a[j * n + i]);
    a[i * n + j] = v;
    a[j * n + i] = v;
  }
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const Q = new Float64Array(n * n);
  tridiagonalise(a, n, d, e, Q);
  tridiagonalQr(d, e, Q, n);
  // sort ascending
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const k = order[j];
    values[j] = d[k];
    for (let i = 0; i < n; i++) vectors[i * n + j] = Q[i * n + k];
  }
  return { values, vectors };
}

/** A (copy, destroyed) → diagonal d, off-diagonal e and Q with A = Q T Qᵀ. */
function tridiagonalise(a: Float64Array, n: number, d: Float64Array, e: Float64Array, Q: Float64Array): void {
  const us: Float64Array[] = [];
  const betas: number[] = [];
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    const m = n - k - 1;
    const u = new Float64Array(m);
    let norm2 = 0;
    for (let i = 0; i < m; i++) {
      u[i] = a[(k + 1 + i) * n + k];
      norm2 += u[i] * u[i];
    }
    const norm = Math.sqrt(norm2);
    let beta = 0;
    let alpha = u[0];
    if (norm > 0) {
      alpha = u[0] >= 0 ? -norm : norm;
      u[0] -= alpha;
      let uu = 0;
      for (let i = 0; i < m; i++) uu += u[i] * u[i];
      beta = uu > 0 ? 2 / uu : 0;
    }
    us.push(u);
    betas.push(beta);
    if (beta !== 0) {
      // p = β A_sub u ; w = p − (β pᵀu / 2) u ; A_sub −= u wᵀ + w uᵀ
      const o = k + 1;
      let pu = 0;
      for (let i = 0; i < m; i++) {
        let s = 0;
        const row = (o + i) * n + o;
        for (let j = 0; j < m; j++) s += a[row + j] * u[j];
        p[i] = beta * s;
        pu += p[i] * u[i];
      }
      const K = 0.5 * beta * pu;
      for (let i = 0; i < m; i++) p[i] -= K * u[i];
      for (let i = 0; i < m; i++) {
        const row = (o + i) * n + o;
        const ui = u[i];
        const wi = p[i];
        for (let j = 0; j < m; j++) a[row + j] -= ui * p[j] + wi * u[j];
      }
    }
    a[(k + 1) * n + k] = alpha;
    a[k * n + k + 1] = alpha;
    for (let i = k + 2; i < n; i++) {
      a[i * n + k] = 0;
      a[k * n + i] = 0;
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  for (let i = 0; i + 1 < n; i++) e[i] = a[(i + 1) * n + i];
  // Q = H_0 H_1 ... H_{n-3}, accumulated backwards (each H_k touches rows/columns k+1.. only)
  Q.fill(0);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const tmp = new Float64Array(n);
  for (let k = us.length - 1; k >= 0; k--) {
    const u = us[k];
    const beta = betas[k];
    if (beta === 0) continue;
    const o = k + 1;
    const m = n - o;
    // Q_sub ← Q_sub − β u (uᵀ Q_sub)
    tmp.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const ui = u[i];
      if (ui === 0) continue;
      const row = (o + i) * n + o;
      for (let j = 0; j < m; j++) tmp[j] += ui * Q[row + j];
    }
    for (let i = 0; i < m; i++) {
      const f = beta * u[i];
      if (f === 0) continue;
      const row = (o + i) * n + o;
      for (let j = 0; j < m; j++) Q[row + j] -= f * tmp[j];
    }
  }
}

/** GVL givens: c, s with c·a − s·b = r and s·a + c·b = 0. */
function givens(a: number, b: number, out: Float64Array): void {
  if (b === 0) {
    out[0] = 1;
    out[1] = 0;
  } else if (Math.abs(b) > Math.abs(a)) {
    const tau = -a / b;
    const s = 1 / Math.sqrt(1 + tau * tau);
    out[0] = s * tau;
    out[1] = s;
  } else {
    const tau = -b / a;
    const c = 1 / Math.sqrt(1 + tau * tau);
    out[0] = c;
    out[1] = c * tau;
  }
}

/** Diagonalises the symmetric tridiagonal (d, e) in place, rotating the columns of Q (n x n). */
function tridiagonalQr(d: Float64Array, e: Float64Array, Q: Float64Array, n: number): void {
  const cs = new Float64Array(2);
  const eps = 2.220446049250313e-16;
  let iter = 0;
  const maxIter = 60 * Math.max(1, n);
  for (;;) {
    for (let i = 0; i + 1 < n; i++) {
      if (Math.abs(e[i]) <= eps * (Math.abs(d[i]) + Math.abs(d[i + 1])) || !Number.isFinite(e[i])) e[i] = 0;
    }
    let hi = n - 1;
    while (hi > 0 && e[hi - 1] === 0) hi--;
    if (hi === 0) return;
    let lo = hi - 1;
    while (lo > 0 && e[lo - 1] !== 0) lo--;
    if (++iter > maxIter) return; // not converged: leave as is (never observed on symmetric PSD kernels)
    // Wilkinson shift from the trailing 2x2 of the block [lo..hi]
    const dd = 0.5 * (d[hi - 1] - d[hi]);
    const eh = e[hi - 1];
    const den = dd + (dd >= 0 ? 1 : -1) * Math.hypot(dd, eh);
    const mu = den !== 0 ? d[hi] - (eh * eh) / den : d[hi];
    let x = d[lo] - mu;
    let z = e[lo];
    for (let k = lo; k < hi; k++) {
      givens(x, z, cs);
      const c = cs[0];
      const s = cs[1];
      if (k > lo) e[k - 1] = c * x - s * z;
      const a = d[k];
      const b = e[k];
      const cc = d[k + 1];
      d[k] = c * c * a - 2 * c * s * b + s * s * cc;
      d[k + 1] = s * s * a + 2 * c * s * b + c * c * cc;
      e[k] = c * s * (a - cc) + (c * c - s * s) * b;
      if (k + 1 < hi) {
        const f = e[k + 1];
        z = -s * f;
        e[k + 1] = c * f;
        x = e[k];
      }
      for (let i = 0; i < n; i++) {
        const qk = Q[i * n + k];
        const qk1 = Q[i * n + k + 1];
        Q[i * n + k] = c * qk - s * qk1;
        Q[i * n + k + 1] = s * qk + c * qk1;
      }
    }
  }
}
