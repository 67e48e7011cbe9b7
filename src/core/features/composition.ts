/**
 * Composition descriptor presets (column names `<stat>:<property>`, documented in docs/descriptors.md):
 *  - xenonpy:   ave, sum, var, max, min over the 58 element properties (290 columns);
 *  - magpie:    stoichiometry p-norms (p = 0, 2, 3, 5, 7, 10) then, per Magpie property, minimum, maximum, range,
 *               mean, avg_dev, mode (6 + 22 x 6 = 138 columns), as matminer's ElementProperty "magpie" preset;
 *  - fractions: `fraction:<El>` for each element present in the training data.
 * Compositions are (atomic numbers, raw amounts); fractions are amount / total. Computation writes straight into a
 * row of the output matrix (no per-row Maps), using a dense element x property table.
 */
import { denseTable } from './elements';
import { ELEMENT_SYMBOLS } from './periodic';

export type CompositionPreset = 'xenonpy' | 'magpie' | 'fractions';

export interface Composition {
  /** Atomic numbers 1..118, distinct. */
  z: ArrayLike<number>;
  /** Raw amounts (formula counts, or fractions for element-fraction columns); > 0. */
  amount: ArrayLike<number>;
}

export interface CompositionFeaturizer {
  names: string[];
  /** Writes `names.length` values for one composition into out[offset...]. */
  compute(c: Composition, out: Float64Array, offset: number): void;
}

export const XENONPY_STATS = ['ave', 'sum', 'var', 'max', 'min'] as const;
export const MAGPIE_STATS = ['minimum', 'maximum', 'range', 'mean', 'avg_dev', 'mode'] as const;
export const MAGPIE_NORMS = [0, 2, 3, 5, 7, 10] as const;

// Scratch buffers shared by all featurizers (single-threaded); grown on demand.
let fracBuf = new Float64Array(16);
function fractions(c: Composition): Float64Array {
  const k = c.z.length;
  if (fracBuf.length < k) fracBuf = new Float64Array(k * 2);
  let total = 0;
  for (let i = 0; i < k; i++) total += c.amount[i];
  for (let i = 0; i < k; i++) fracBuf[i] = c.amount[i] / total;
  return fracBuf;
}

export function xenonpyFeaturizer(): CompositionFeaturizer {
  const { names: props, P, table } = denseTable('xenonpy');
  const names = XENONPY_STATS.flatMap((s) => props.map((p) => `${s}:${p}`));
  const ave = new Float64Array(P);
  const sum = new Float64Array(P);
  const mx = new Float64Array(P);
  const mn = new Float64Array(P);
  const vr = new Float64Array(P);
  return {
    names,
    compute(c, out, o) {
      const k = c.z.length;
      const w = fractions(c);
      // first element initialises, the others accumulate (no ±Infinity sentinels, no writes into `out` in the loops)
      let base = (c.z[0] - 1) * P;
      let wi = w[0];
      let ni = c.amount[0];
      for (let p = 0; p < P; p++) {
        const x = table[base + p];
        ave[p] = wi * x;
        sum[p] = ni * x;
        mx[p] = x;
        mn[p] = x;
      }
      for (let i = 1; i < k; i++) {
        base = (c.z[i] - 1) * P;
        wi = w[i];
        ni = c.amount[i];
        for (let p = 0; p < P; p++) {
          const x = table[base + p];
          ave[p] += wi * x;
          sum[p] += ni * x;
          if (x > mx[p]) mx[p] = x;
          if (x < mn[p]) mn[p] = x;
        }
      }
      vr.fill(0);
      for (let i = 0; i < k; i++) {
        base = (c.z[i] - 1) * P;
        wi = w[i];
        for (let p = 0; p < P; p++) {
          const d = table[base + p] - ave[p];
          vr[p] += wi * d * d;
        }
      }
      out.set(ave, o);
      out.set(sum, o + P);
      out.set(vr, o + 2 * P);
      out.set(mx, o + 3 * P);
      out.set(mn, o + 4 * P);
    },
  };
}

export function magpieFeaturizer(): CompositionFeaturizer {
  const { names: props, P, table } = denseTable('magpie');
  const names = [
    ...MAGPIE_NORMS.map((p) => `${p}-norm:stoichiometry`),
    ...props.flatMap((p) => MAGPIE_STATS.map((s) => `${s}:${p}`)),
  ];
  const NN = MAGPIE_NORMS.length;
  return {
    names,
    compute(c, out, o) {
      const k = c.z.length;
      const w = fractions(c);
      // stoichiometry p-norms over atomic fractions; p = 0 counts the elements
      out[o] = k;
      for (let q = 1; q < NN; q++) {
        const pw = MAGPIE_NORMS[q];
        let s = 0;
        for (let i = 0; i < k; i++) s += w[i] ** pw;
        out[o + q] = s ** (1 / pw);
      }
      // the element with the largest fraction gives the mode (ties: the smaller property value, like matminer)
      let wmax = -1;
      for (let i = 0; i < k; i++) if (w[i] > wmax) wmax = w[i];
      for (let p = 0; p < P; p++) {
        let mn = Infinity, mx = -Infinity, mean = 0, mode = Infinity;
        for (let i = 0; i < k; i++) {
          const x = table[(c.z[i] - 1) * P + p];
          if (x < mn) mn = x;
          if (x > mx) mx = x;
          mean += w[i] * x;
          if (w[i] >= wmax - 1e-12 && x < mode) mode = x;
        }
        let dev = 0;
        for (let i = 0; i < k; i++) dev += w[i] * Math.abs(table[(c.z[i] - 1) * P + p] - mean);
        const b = o + NN + p * 6;
        out[b] = mn;
        out[b + 1] = mx;
        out[b + 2] = mx - mn;
        out[b + 3] = mean;
        out[b + 4] = dev;
        out[b + 5] = mode;
      }
    },
  };
}

/** Atomic fractions of the given elements (atomic numbers, e.g. all elements seen in the training data). */
export function fractionsFeaturizer(elements: number[]): CompositionFeaturizer {
  const zs = [...elements].sort((a, b) => a - b);
  const col = new Int32Array(119).fill(-1);
  zs.forEach((z, j) => (col[z] = j));
  const names = zs.map((z) => `fraction:${ELEMENT_SYMBOLS[z - 1]}`);
  return {
    names,
    compute(c, out, o) {
      const w = fractions(c);
      for (let j = 0; j < zs.length; j++) out[o + j] = 0;
      for (let i = 0; i < c.z.length; i++) {
        const j = col[c.z[i]];
        if (j >= 0) out[o + j] = w[i];
      }
    },
  };
}

export function compositionFeaturizer(preset: CompositionPreset, elements: number[] = []): CompositionFeaturizer {
  if (preset === 'xenonpy') return xenonpyFeaturizer();
  if (preset === 'magpie') return magpieFeaturizer();
  return fractionsFeaturizer(elements);
}
