/**
 * CART regression trees for the tree ensembles (`rf`, `gbm`): weighted squared-error splits on binned features.
 *
 * * Binning (once per fit, `binFeatures`): each feature's distinct values; when there are at most `maxBins` (256) of
 *   them every value is its own bin and the splits are exactly CART's (threshold = midpoint between neighbouring
 *   values present in the node, as scikit-learn). With more distinct values, the sorted values are grouped into
 *   `maxBins` quantile bins (histogram trees, as LightGBM / scikit-learn's HistGradientBoosting).
 * * Split search per node and candidate feature: a histogram of (weight, weight·y, rows) per bin for large nodes, a
 *   sort of the node's bin codes for small ones (no per-node clearing of 256 bins); gain = SSE reduction
 *   sumL²/wL + sumR²/wR − sum²/w; the first best (feature order, then threshold order) wins on ties (gains within a
 *   relative 1e-9 count as tied, so the choice does not depend on summation order).
 * * Growth uses an explicit stack (no recursion: any depth is safe). `minSamplesLeaf` counts distinct rows (rows with
 *   weight 0 — out of a bootstrap sample — are not in the node), `maxDepth` limits depth (0 = a single leaf),
 *   `mtry` features are drawn per node without replacement (all features, in order, when mtry ≥ d).
 * * `importance[j]`: summed weighted SSE decrease of the splits on feature j (impurity importance).
 */
import type { Rng } from '../linalg/random';

export const MAX_BINS = 256;

/** Features binned for tree growing: codes column-major (codes[j * n + i]), and per feature the bin value ranges. */
export interface BinnedFeatures {
  n: number;
  d: number;
  codes: Uint8Array;
  /** Number of bins per feature. */
  nb: Int32Array;
  /** Per feature j: binMin[j][b], binMax[j][b] = smallest / largest training value in bin b. */
  binMin: Float64Array[];
  binMax: Float64Array[];
}

/** Bins every column of X (row-major n × d). */
export function binFeatures(X: Float64Array, n: number, d: number, maxBins = MAX_BINS): BinnedFeatures {
  const codes = new Uint8Array(n * d);
  const nb = new Int32Array(d);
  const binMin: Float64Array[] = [];
  const binMax: Float64Array[] = [];
  const col = new Float64Array(n);
  const order = new Int32Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = X[i * d + j];
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => col[a] - col[b] || a - b);
    // distinct values and their counts
    let distinct = 0;
    for (let k = 0; k < n; k++) if (k === 0 || col[order[k]] !== col[order[k - 1]]) distinct++;
    const mins: number[] = [];
    const maxs: number[] = [];
    if (distinct <= maxBins) {
      let b = -1;
      for (let k = 0; k < n; k++) {
        const v = col[order[k]];
        if (k === 0 || v !== col[order[k - 1]]) {
          b++;
          mins.push(v);
          maxs.push(v);
        }
        codes[j * n + order[k]] = b;
      }
    } else {
      // quantile bins over the sorted rows; a run of equal values never straddles two bins
      const per = n / maxBins;
      let b = 0;
      let start = 0;
      mins.push(col[order[0]]);
      for (let k = 0; k < n; k++) {
        const v = col[order[k]];
        if (k > start && v !== col[order[k - 1]] && k >= (b + 1) * per && b < maxBins - 1) {
          maxs.push(col[order[k - 1]]);
          b++;
          start = k;
          mins.push(v);
        }
        codes[j * n + order[k]] = b;
      }
      maxs.push(col[order[n - 1]]);
    }
    nb[j] = mins.length;
    binMin.push(Float64Array.from(mins));
    binMax.push(Float64Array.from(maxs));
  }
  return { n, d, codes, nb, binMin, binMax };
}

/** A fitted tree in flat arrays; leaves have feature −1. Node 0 is the root. */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export interface TreeOptions {
  maxDepth: number;
  minSamplesLeaf: number;
  /** Features tried per node (≥ d: all, in order). */
  mtry: number;
}

/** Midpoint split threshold between a (left) and b (right), never equal to b (scikit-learn's rule). */
function midpoint(a: number, b: number): number {
  const t = a + (b - a) / 2;
  return t >= b || !Number.isFinite(t) ? a : t;
}

/**
 * Grows one tree on rows with positive weight w[i] (bootstrap counts or 1), targets y, binned features B.
 * `importance` (length d) is incremented by each split's weighted SSE decrease. Deterministic given rng state.
 */
export function growTree(B: BinnedFeatures, y: ArrayLike<number>, w: ArrayLike<number>, opts: TreeOptions, rng: Rng, importance?: Float64Array): Tree {
  const { n, d, codes, nb } = B;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (w[i] > 0) idx.push(i);
  const rows = Int32Array.from(idx);
  const mtry = Math.max(1, Math.min(d, Math.floor(opts.mtry)));
  const minLeaf = Math.max(1, Math.floor(opts.minSamplesLeaf));
  const maxDepth = opts.maxDepth;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  // histogram scratch
  const hW = new Float64Array(MAX_BINS);
  const hS = new Float64Array(MAX_BINS);
  const hC = new Int32Array(MAX_BINS);
  const eB = new Int32Array(MAX_BINS);
  const eW = new Float64Array(MAX_BINS);
  const eS = new Float64Array(MAX_BINS);
  const eC = new Int32Array(MAX_BINS);
  const feats = new Int32Array(d);
  for (let j = 0; j < d; j++) feats[j] = j;
  let keys = new Int32Array(Math.max(16, rows.length));

  const newNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  // stack entries: node id, start, end, depth
  const stack: number[] = [newNode(), 0, rows.length, 0];
  while (stack.length) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    let W = 0;
    let S = 0;
    for (let k = start; k < end; k++) {
      const i = rows[k];
      W += w[i];
      S += w[i] * y[i];
    }
    value[node] = W > 0 ? S / W : 0;
    const size = end - start;
    if (depth >= maxDepth || size < 2 * minLeaf || W <= 0) continue;
    const parentScore = (S * S) / W;
    let bestGain = 1e-12 * Math.max(1e-300, W);
    let bestF = -1;
    let bestCode = -1;
    let bestThr = 0;
    // choose the candidate features
    let nf = d;
    if (mtry < d) {
      for (let a = 0; a < mtry; a++) {
        const b = a + rng.int(d - a);
        const t = feats[a];
        feats[a] = feats[b];
        feats[b] = t;
      }
      nf = mtry;
    }
    for (let q = 0; q < nf; q++) {
      const j = mtry < d ? feats[q] : q;
      const nbj = nb[j];
      if (nbj < 2) continue;
      const cj = j * n;
      const lo = B.binMin[j];
      const hi = B.binMax[j];
      // the node's non-empty bins in increasing order: (bin, weight, weight·y, rows)
      let m = 0;
      if (size * 4 < nbj) {
        // small node: sort the codes (key = code * size + local index)
        if (keys.length < size) keys = new Int32Array(size);
        const kk = keys.subarray(0, size);
        for (let k = 0; k < size; k++) kk[k] = codes[cj + rows[start + k]] * size + k;
        kk.sort();
        let last = -1;
        for (let k = 0; k < size; k++) {
          const b = Math.floor(kk[k] / size);
          const i = rows[start + (kk[k] - b * size)];
          if (b !== last) {
            eB[m] = b;
            eW[m] = 0;
            eS[m] = 0;
            eC[m] = 0;
            m++;
            last = b;
          }
          eW[m - 1] += w[i];
          eS[m - 1] += w[i] * y[i];
          eC[m - 1]++;
        }
      } else {
        hW.fill(0, 0, nbj);
        hS.fill(0, 0, nbj);
        hC.fill(0, 0, nbj);
        for (let k = start; k < end; k++) {
          const i = rows[k];
          const b = codes[cj + i];
          hW[b] += w[i];
          hS[b] += w[i] * y[i];
          hC[b]++;
        }
        for (let b = 0; b < nbj; b++) {
          if (hC[b] === 0) continue;
          eB[m] = b;
          eW[m] = hW[b];
          eS[m] = hS[b];
          eC[m] = hC[b];
          m++;
        }
      }
      // scan: split between consecutive non-empty bins e−1 | e
      let wL = 0, sL = 0, cL = 0;
      for (let e = 1; e < m; e++) {
        wL += eW[e - 1];
        sL += eS[e - 1];
        cL += eC[e - 1];
        if (cL < minLeaf) continue;
        if (size - cL < minLeaf) break;
        const wR = W - wL;
        if (!(wL > 0 && wR > 0)) continue;
        const sR = S - sL;
        const gain = (sL * sL) / wL + (sR * sR) / wR - parentScore;
        // near-ties (same partition, different summation order) go to the first candidate
        if (gain > bestGain * (1 + 1e-9)) {
          bestGain = gain;
          bestF = j;
          bestCode = eB[e - 1];
          bestThr = midpoint(hi[eB[e - 1]], lo[eB[e]]);
        }
      }
    }
    if (bestF < 0) continue;
    // partition rows[start, end): codes ≤ bestCode go left
    const cf = bestF * n;
    let a = start;
    let z = end - 1;
    while (a <= z) {
      if (codes[cf + rows[a]] <= bestCode) a++;
      else {
        const t = rows[a];
        rows[a] = rows[z];
        rows[z] = t;
        z--;
      }
    }
    if (importance) importance[bestF] += bestGain;
    feature[node] = bestF;
    threshold[node] = bestThr;
    const l = newNode();
    const r = newNode();
    left[node] = l;
    right[node] = r;
    // push right first so the left subtree is grown next (depth-first, left-to-right numbering not required)
    stack.push(r, a, end, depth + 1);
    stack.push(l, start, a, depth + 1);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

/** Prediction of one tree for row i of X (row-major, d columns). */
export function predictTreeRow(t: Tree, X: ArrayLike<number>, off: number): number {
  let node = 0;
  const { feature, threshold, left, right } = t;
  while (feature[node] >= 0) node = X[off + feature[node]] <= threshold[node] ? left[node] : right[node];
  return t.value[node];
}

/** Predictions of one tree for all m rows of X (m × d row-major) into out. */
export function predictTree(t: Tree, X: Float64Array, m: number, d: number, out: Float64Array): void {
  for (let i = 0; i < m; i++) out[i] = predictTreeRow(t, X, i * d);
}

/** Number of features per node from the `max_features` option: fraction in (0, 1], count > 1, or a rule name. */
export function resolveMtry(maxFeatures: number | string | undefined, d: number, dflt: number | string): number {
  const mf = maxFeatures ?? dflt;
  let m: number;
  if (mf === 'sqrt') m = Math.sqrt(d);
  else if (mf === 'log2') m = Math.log2(Math.max(2, d));
  else if (mf === 'third') m = d / 3;
  else if (mf === 'all') m = d;
  else if (typeof mf === 'number' && mf > 0 && mf <= 1) m = mf * d;
  else if (typeof mf === 'number' && mf > 1) m = mf;
  else m = d;
  return Math.max(1, Math.min(d, Math.round(m)));
}

// ---- compact serialisation of typed arrays (base64 of the little-endian bytes)

export function b64(a: Int32Array | Float64Array | Uint8Array | Uint16Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function bytes(s: string, elem: number, what: string): ArrayBuffer {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % elem !== 0) throw new Error(`saved tree model: corrupt ${what}`);
  const out = new ArrayBuffer(buf.byteLength);
  new Uint8Array(out).set(buf);
  return out;
}

export const unb64 = {
  i32: (s: string, what = 'array'): Int32Array => new Int32Array(bytes(s, 4, what)),
  f64: (s: string, what = 'array'): Float64Array => new Float64Array(bytes(s, 8, what)),
  u8: (s: string, what = 'array'): Uint8Array => new Uint8Array(bytes(s, 1, what)),
  u16: (s: string, what = 'array'): Uint16Array => new Uint16Array(bytes(s, 2, what)),
};

export interface SavedTree { feature: string; threshold: string; left: string; right: string; value: string }

export function saveTree(t: Tree): SavedTree {
  return { feature: b64(t.feature), threshold: b64(t.threshold), left: b64(t.left), right: b64(t.right), value: b64(t.value) };
}

/** Restores a tree and checks its structure (untrusted model files: child indices in range, no cycles by construction). */
export function loadTree(s: SavedTree, d: number): Tree {
  const t: Tree = {
    feature: unb64.i32(s.feature, 'tree'),
    threshold: unb64.f64(s.threshold, 'tree'),
    left: unb64.i32(s.left, 'tree'),
    right: unb64.i32(s.right, 'tree'),
    value: unb64.f64(s.value, 'tree'),
  };
  const m = t.feature.length;
  if (!m || t.threshold.length !== m || t.left.length !== m || t.right.length !== m || t.value.length !== m) {
    throw new Error('saved tree model: inconsistent tree arrays');
  }
  for (let k = 0; k < m; k++) {
    const f = t.feature[k];
    if (f < 0) continue;
    // children are always created after their parent: forward references only, so traversal terminates
    if (f >= d || !(t.left[k] > k && t.left[k] < m && t.right[k] > k && t.right[k] < m)) throw new Error('saved tree model: invalid node');
  }
  return t;
}
