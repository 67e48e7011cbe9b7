/**
 * Source outputs for target rows: each selected source featurises the target table's raw inputs with its OWN stored
 * pipeline (descriptor preset, element set) and scalers, then its K networks give a prediction per row (mean and
 * spread over the K networks), the frozen last-hidden-layer activations of its best network (neural descriptors) and
 * the input of that layer (for `finetune`). Source models are fixed, so this is computed once, before any CV, and
 * never sees a target label.
 */
import { MiError } from '../diagnostics';
import type { Table } from '../data/types';
import { restorePipeline, type PipelineState } from '../features';
import type { FeatureSet, Matrix } from '../features/types';
import type { InputSpec } from '../spec/types';
import { inputColumns } from '../spec/types';
import { forwardJs } from './net';
import { loadSource, readIndex, type LibraryIndex, type LoadedNet, type LoadedSource } from './library';
import { keyInput, rowHashes } from './overlap';
export { bundledLibraryDir, libraryDirFor } from './paths';

export interface SourceOutputs {
  name: string;
  target: string;
  mean: Float64Array;
  std: Float64Array;
  hidden: Matrix;
  penult: Matrix;
  best: LoadedNet;
  /** Target rows the source could not featurise (filled with the source's mean input). */
  missing: number;
  /** Target rows whose reduced formula / canonical SMILES is in the source's training data. */
  overlap: number;
  overlapChecked: boolean;
  valMae: number;
  /** Held-out skill of the source on its own property (see `sourceSkill`). */
  skill: number;
}

/**
 * How well a source predicts its OWN property on its held-out rows: R² ≈ 1 − (RMSE / std of the source target), the
 * best of its networks (NaN when no network has held-out rows). A source without skill (a network trained on noise,
 * or on a property its inputs do not determine) carries no knowledge to transfer: whatever it adds is a random
 * nonlinear feature of the inputs, and `auto` leaves it out.
 */
export function sourceSkill(nets: LoadedNet[]): number {
  let best = NaN;
  for (const n of nets) {
    const r2 = 1 - (n.meta.val.rmse / n.meta.ys.std) ** 2;
    if (Number.isFinite(r2) && !(r2 <= best)) best = r2;
  }
  return best;
}

/** Picks the library sources named by `sources` (`all` or a list). Unknown names: an error naming the known ones. */
export function selectSources(index: LibraryIndex, sources: 'all' | string[], dir: string): LibraryIndex['sources'] {
  if (sources === 'all') {
    if (!index.sources.length) throw new MiError(`the transfer library ${dir} has no sources`, { code: 'library-empty', hint: 'add one with `mi-studio pretrain SOURCE_SPEC --library DIR`' });
    return index.sources;
  }
  return sources.map((n) => {
    const s = index.sources.find((x) => x.name === n);
    if (!s) {
      throw new MiError(`source "${n}" is not in the transfer library ${dir}`, {
        code: 'unknown-source',
        hint: `available: ${index.sources.map((x) => x.name).join(', ') || '(none)'}`,
      });
    }
    return s;
  });
}

/** Rewrites the source pipeline's input columns onto the target spec's inputs of the same kind. */
function mapPipeline(state: PipelineState, targetInputs: InputSpec[], table: Table, source: string): PipelineState {
  const used = new Set<number>();
  const inputs = state.inputs.map((st) => {
    if (st.kind === 'composition' || st.kind === 'smiles') {
      const k = targetInputs.findIndex((t, i) => !used.has(i) && t.kind === st.kind);
      if (k < 0) {
        throw new MiError(`transfer source "${source}" needs a ${st.kind} input, but the target spec has none`, {
          code: 'transfer-incompatible',
          hint: `pick sources trained on the same kind of input (${st.kind}), or list compatible ones under transfer.sources`,
        });
      }
      used.add(k);
      const t = targetInputs[k];
      return { ...st, columns: inputColumns(t), ...(t.basis ? { basis: t.basis } : {}) };
    }
    for (const c of st.columns) {
      if (!table.header.includes(c)) {
        throw new MiError(`transfer source "${source}" needs the column "${c}", which the target dataset lacks`, {
          code: 'transfer-incompatible',
          hint: 'sources with numeric/categorical inputs need the same column names in the target data',
        });
      }
    }
    return st;
  });
  return { ...state, inputs };
}

function rowsOf(X: Matrix, rows: number[]): Matrix {
  const out = new Float64Array(rows.length * X.cols);
  rows.forEach((r, i) => out.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { rows: rows.length, cols: X.cols, data: out };
}

/** Standardised source features for the given table rows (line numbers), mean-filled where the source fails. */
export async function sourceInputs(src: LoadedSource, net: LoadedNet, targetInputs: InputSpec[], table: Table, rowNumbers: number[]): Promise<{ Xs: Matrix; missing: number }> {
  const pipeline = restorePipeline(mapPipeline(net.meta.pipeline, targetInputs, table, src.entry.name));
  const tr = await pipeline.transform(table);
  const at = new Map<number, number>();
  tr.rowNumbers.forEach((line, i) => at.set(line, i));
  const d = tr.X.cols;
  const Xs: Matrix = { rows: rowNumbers.length, cols: d, data: new Float64Array(rowNumbers.length * d) };
  let missing = 0;
  rowNumbers.forEach((line, i) => {
    const r = at.get(line);
    if (r === undefined) {
      missing++;
      return; // standardised 0 = the source's mean input
    }
    for (let k = 0; k < d; k++) Xs.data[i * d + k] = (tr.X.data[r * d + k] - net.meta.xs.mean[k]) / net.meta.xs.std[k];
  });
  return { Xs, missing };
}

/** Outputs of every network of a source for the target rows of `set`. */
export async function computeSourceOutputs(src: LoadedSource, targetInputs: InputSpec[], table: Table, set: Pick<FeatureSet, 'rowNumbers'>): Promise<SourceOutputs> {
  const n = set.rowNumbers.length;
  const sum = new Float64Array(n);
  const sum2 = new Float64Array(n);
  let best = src.nets[0];
  for (const net of src.nets) if (net.meta.val.mae < best.meta.val.mae) best = net;
  let hidden: Matrix | undefined;
  let penult: Matrix | undefined;
  let missing = 0;
  // All nets of a source share the pipeline and scalers only if trained on the same rows; featurise per net to be safe.
  const cache = new Map<string, { Xs: Matrix; missing: number }>();
  for (const net of src.nets) {
    const key = JSON.stringify([net.meta.pipeline.featureNames.length, net.meta.xs.mean.slice(0, 4), net.meta.xs.std.slice(0, 4)]);
    let inp = cache.get(key);
    if (!inp) {
      inp = await sourceInputs(src, net, targetInputs, table, set.rowNumbers);
      cache.set(key, inp);
    }
    missing = Math.max(missing, inp.missing);
    const f = forwardJs(net.weights, net.meta.activation, inp.Xs, -1);
    for (let i = 0; i < n; i++) {
      const y = f.out[i] * net.meta.ys.std + net.meta.ys.mean;
      sum[i] += y;
      sum2[i] += y * y;
    }
    if (net === best) {
      hidden = f.hidden!;
      const H = net.weights.length - 1;
      penult = H >= 2 ? forwardJs(net.weights, net.meta.activation, inp.Xs, -2).hidden! : inp.Xs;
    }
  }
  const K = src.nets.length;
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mean[i] = sum[i] / K;
    std[i] = Math.sqrt(Math.max(sum2[i] / K - mean[i] * mean[i], 0));
  }
  // leakage guard
  let overlap = 0;
  let overlapChecked = false;
  const key = keyInput(targetInputs);
  if (key && src.hashes.size > 0) {
    overlapChecked = true;
    const hashes = await rowHashes(table, key);
    const recordOf = new Map<number, number>();
    table.rowNumbers.forEach((line, r) => recordOf.set(line, r));
    for (const line of set.rowNumbers) {
      const h = hashes[recordOf.get(line) ?? -1];
      if (h && src.hashes.has(h)) overlap++;
    }
  }
  return { name: src.entry.name, target: src.entry.target, mean, std, hidden: hidden!, penult: penult!, best, missing, overlap, overlapChecked, valMae: best.meta.val.mae, skill: sourceSkill(src.nets) };
}

export async function loadLibrarySources(dir: string, names: 'all' | string[]): Promise<LoadedSource[]> {
  const index = await readIndex(dir);
  const picked = selectSources(index, names, dir);
  const out: LoadedSource[] = [];
  for (const e of picked) out.push(await loadSource(dir, e));
  return out;
}

export { rowsOf };
