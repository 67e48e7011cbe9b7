/**
 * From a loaded table and a spec to a feature matrix: composition descriptors (formula column or element-fraction
 * columns), molecule descriptors (SMILES), numeric and one-hot categorical inputs; constant columns dropped; targets
 * into Y (NaN where missing). The returned FeaturePipeline re-applies exactly the same featurisation to new tables
 * (CV folds are already rows of X; candidate pools go through `transform`). Standardisation is not done here: models
 * fit it on training folds with ./standardize.ts.
 */
import { basename, resolve } from 'node:path';
import { MiError } from '../diagnostics';
import type { InputSpec, Spec } from '../spec/types';
import { inputColumns } from '../spec/types';
import type { Table } from '../data/types';
import { readHeader, streamTable } from '../data';
import { parseNumber } from '../data/infer';
import type { FeatureSet, Matrix } from './types';
import { matrix } from './types';
import { FormulaError, parseFormulaAmounts } from './formula';
import { ATOMIC_NUMBER, elementOfColumn } from './periodic';
import { ATOMIC_WEIGHTS } from './elements';
import { compositionFeaturizer, type Composition, type CompositionPreset } from './composition';
import { getRDKit, morganFeaturizer, parseSmiles, rdkit2dFeaturizer, rdkitSafely, RdkitTrap, type MoleculeFeaturizer } from './molecules';

export { parseFormula, parseFormulaAmounts, FormulaError } from './formula';
export { compositionFeaturizer, type CompositionPreset, type Composition } from './composition';
export { ELEMENT_SYMBOLS, ATOMIC_NUMBER, elementOfColumn } from './periodic';

export interface DroppedRow { row: number; column: string; message: string }

/** Several invalid cells (on_invalid: error): the message lists them all; `rows` has them structured. */
/** Row errors written out one per line in a message (per file); the rest are counted ("and N more"). */
export const MAX_LISTED = 200;

export class InvalidRowsError extends MiError {
  constructor(message: string, details: MiError['details'], readonly rows: DroppedRow[]) {
    super(message, details);
  }
}

export interface TransformResult {
  X: Matrix;
  ids: string[];
  rowNumbers: number[];
  /** Rows left out because an input is invalid (always skipped here; pools never throw for a bad row). */
  dropped: DroppedRow[];
  /** E.g. unseen categories (encoded as all zeros). */
  warnings: string[];
}

export interface FeaturePipeline {
  featureNames: string[];
  droppedConstant: string[];
  transform(table: Table): Promise<TransformResult>;
  /** JSON state (saved with the model; restore with restorePipeline). */
  save(): PipelineState;
}

/** What was learnt from the training table for each input. */
interface InputState {
  columns: string[];
  kind: InputSpec['kind'];
  descriptors: string[];
  basis?: 'atomic' | 'weight';
  radius?: number;
  bits?: number;
  /** categorical: categories seen in training, in column order. */
  categories?: string[];
  /** composition `fractions`: atomic numbers seen in training. */
  elements?: number[];
}

export interface PipelineState {
  format: 'mi-studio-features';
  version: 1;
  id?: string;
  inputs: InputState[];
  /** All feature names before dropping constant columns. */
  allNames: string[];
  kept: number[];
  featureNames: string[];
  droppedConstant: string[];
}

// ------------------------------------------------------------------------------------------------ blocks

/** One input's featurisation: writes `names.length` values per row, or returns an error message for the row. */
interface Block {
  names: string[];
  /** The column named in row errors. */
  column: string;
  fill(row: number, out: Float64Array, offset: number): string | null;
}

function colIndex(table: Table, name: string, what: string): number {
  const j = table.header.indexOf(name);
  if (j < 0) {
    const close = table.header.find((h) => h.toLowerCase() === name.toLowerCase());
    throw new MiError(`${what} column "${name}" not found in ${basename(table.path)}`, {
      file: basename(table.path), line: 1, code: 'unknown-column',
      hint: close ? `did you mean "${close}"?` : `columns are: ${table.header.join(', ')}`,
    });
  }
  return j;
}

function defaultDescriptors(i: InputSpec): string[] {
  if (i.descriptors && i.descriptors.length > 0) return [...i.descriptors];
  if (i.kind === 'composition') return i.columns && i.columns.length > 0 ? ['fractions'] : ['magpie'];
  if (i.kind === 'smiles') return ['morgan'];
  return [];
}

/** Composition of row i: from a formula cell or from element-fraction columns. */
function compositionReader(table: Table, st: InputState): { column: string; read(i: number): Composition | string } {
  if (st.columns.length === 1 && elementOfColumn(st.columns[0]) === undefined) {
    const j = colIndex(table, st.columns[0], 'composition');
    const col = table.columns[j];
    return {
      column: st.columns[0],
      read(i) {
        const v = col[i];
        if (v === null) return 'missing formula';
        try {
          return parseFormulaAmounts(v);
        } catch (e) {
          if (e instanceof FormulaError) return e.message;
          throw e;
        }
      },
    };
  }
  // element-fraction columns (`columns: [Fe, C, Mn]`), atomic or weight basis; blank cells count as 0
  const zs = st.columns.map((c) => {
    const z = elementOfColumn(c);
    if (z === undefined) {
      throw new MiError(`composition column "${c}" is not an element symbol`, {
        file: basename(table.path), line: 1, code: 'not-an-element',
        hint: 'element-fraction columns must be named by element symbols (Fe, C, Mn, ... or with a unit: wt%_Fe, Fe (at%)); use `column:` for a formula column',
      });
    }
    return z;
  });
  const cols = st.columns.map((c) => table.columns[colIndex(table, c, 'composition')]);
  const weight = st.basis === 'weight';
  return {
    column: st.columns.join(','),
    read(i) {
      const z: number[] = [];
      const amount: number[] = [];
      for (let k = 0; k < cols.length; k++) {
        const v = cols[k][i];
        if (v === null) continue;
        const x = parseNumber(v);
        if (Number.isNaN(x)) return `column "${st.columns[k]}": not a number: "${v}"`;
        if (x < 0) return `column "${st.columns[k]}": negative fraction ${v}`;
        if (x > 0) {
          z.push(zs[k]);
          amount.push(weight ? x / ATOMIC_WEIGHTS[zs[k] - 1] : x);
        }
      }
      if (z.length === 0) return 'all element fractions are zero or missing';
      if (weight) {
        // moles per unit mass are not on a meaningful scale: normalise to atomic fractions (so sum:<p> = ave:<p>)
        let total = 0;
        for (const a of amount) total += a;
        for (let k = 0; k < amount.length; k++) amount[k] /= total;
      }
      return { z, amount };
    },
  };
}

async function makeBlocks(table: Table, states: InputState[]): Promise<Block[]> {
  const blocks: Block[] = [];
  for (const st of states) {
    if (st.kind === 'numeric') {
      for (const c of st.columns) {
        const col = table.columns[colIndex(table, c, 'input')];
        blocks.push({
          names: [c], column: c,
          fill(i, out, o) {
            const v = col[i];
            if (v === null) return 'missing value';
            const x = parseNumber(v);
            if (Number.isNaN(x)) return `not a number: "${v}"`;
            out[o] = x;
            return null;
          },
        });
      }
    } else if (st.kind === 'categorical') {
      for (const c of st.columns) {
        const col = table.columns[colIndex(table, c, 'input')];
        const cats = (st.categories ?? []).filter((x) => x.startsWith(`${c}=`));
        const index = new Map(cats.map((k, n) => [k.slice(c.length + 1), n]));
        blocks.push({
          names: cats, column: c,
          fill(i, out, o) {
            const v = col[i];
            if (v === null) return 'missing value';
            for (let n = 0; n < cats.length; n++) out[o + n] = 0;
            const n = index.get(v);
            if (n !== undefined) out[o + n] = 1;
            return null;
          },
        });
      }
    } else if (st.kind === 'composition') {
      const reader = compositionReader(table, st);
      const feats = st.descriptors.map((d) => compositionFeaturizer(d as CompositionPreset, st.elements ?? []));
      const names = feats.flatMap((f) => f.names);
      blocks.push({
        names, column: reader.column,
        fill(i, out, o) {
          const c = reader.read(i);
          if (typeof c === 'string') return c;
          let off = o;
          for (const f of feats) {
            f.compute(c, out, off);
            off += f.names.length;
          }
          return null;
        },
      });
    } else if (st.kind === 'smiles') {
      const r = await getRDKit();
      const c = st.columns[0];
      const col = table.columns[colIndex(table, c, 'smiles')];
      const feats: MoleculeFeaturizer[] = st.descriptors.map((d) =>
        d === 'rdkit2d' ? rdkit2dFeaturizer(r) : morganFeaturizer(st.radius ?? 2, st.bits ?? 2048));
      blocks.push({
        names: feats.flatMap((f) => f.names), column: c,
        fill(i, out, o) {
          const v = col[i];
          if (v === null) return 'missing SMILES';
          const mol = parseSmiles(r, v);
          if (typeof mol === 'string') return mol;
          try {
            return rdkitSafely(v, () => {
              let off = o;
              for (const f of feats) {
                f.compute(mol, out, off);
                off += f.names.length;
              }
            });
          } finally {
            try {
              mol.delete();
            } catch {
              /* RDKit's destructor can trap after a failed computation; the row is already an error */
            }
          }
        },
      });
    }
  }
  // Two inputs can produce the same names (e.g. two formula columns with magpie): prefix the later block.
  const seen = new Set<string>();
  for (const b of blocks) {
    if (b.names.some((n) => seen.has(n))) b.names = b.names.map((n) => `${b.column}.${n}`);
    for (const n of b.names) seen.add(n);
  }
  return blocks;
}

/**
 * Learns categories / element sets from training rows, one table (or streamed chunk) at a time: `add` each, then
 * `states()`. The whole-table fit is one `add`, so the in-memory and the streamed featurisation learn the same.
 */
function stateFitter(spec: Spec): { add(table: Table): void; states(): InputState[] } {
  const parts = spec.dataset.inputs.map((inp) => {
    const columns = inputColumns(inp);
    const st: InputState = { columns, kind: inp.kind, descriptors: defaultDescriptors(inp) };
    if (inp.basis) st.basis = inp.basis;
    if (inp.radius !== undefined) st.radius = inp.radius;
    if (inp.bits !== undefined) st.bits = inp.bits;
    const cats = inp.kind === 'categorical' ? columns.map(() => new Set<string>()) : undefined;
    const present = inp.kind === 'composition' && st.descriptors.includes('fractions') ? new Set<number>() : undefined;
    return { st, cats, present };
  });
  return {
    add(table) {
      for (const { st, cats, present } of parts) {
        if (cats) {
          st.columns.forEach((c, k) => {
            const col = table.columns[colIndex(table, c, 'input')];
            for (const v of col) if (v !== null) cats[k].add(v);
          });
        }
        if (present) {
          const reader = compositionReader(table, st);
          for (let i = 0; i < table.rowNumbers.length; i++) {
            const c = reader.read(i);
            if (typeof c !== 'string') for (let k = 0; k < c.z.length; k++) present.add(c.z[k]);
          }
        }
      }
    },
    states() {
      return parts.map(({ st, cats, present }) => {
        if (cats) st.categories = st.columns.flatMap((c, k) => [...cats[k]].sort().map((v) => `${c}=${v}`));
        if (present) st.elements = [...present].sort((a, b) => a - b);
        return st;
      });
    },
  };
}

function fitStates(spec: Spec, table: Table): InputState[] {
  const f = stateFitter(spec);
  f.add(table);
  return f.states();
}

interface RawFeatures {
  names: string[];
  /** n x W for all table rows (rows with errors hold garbage). */
  data: Float64Array;
  errors: { index: number; column: string; message: string }[];
  bad: Uint8Array;
}

/** Featurises record i of `table` into out[off...]: true when valid, else its errors are pushed (values garbage). */
function fillRow(table: Table, blocks: Block[], i: number, out: Float64Array, off: number, errors: RawFeatures['errors']): boolean {
  let ok = true;
  for (const b of blocks) {
    let err: string | null;
    try {
      err = b.fill(i, out, off);
    } catch (e) {
      if (!(e instanceof RdkitTrap)) throw e;
      // RDKit is not usable after a trap: stop here, naming the row, instead of producing wrong features.
      throw new MiError(`${e.message}; the molecule engine cannot continue after this, so featurisation stopped`, {
        file: basename(table.path), line: table.rowNumbers[i], column: b.column, code: 'rdkit-failed',
        hint: 'remove or fix this row (very large or unusual molecules are not supported)',
      });
    }
    if (err !== null) {
      errors.push({ index: i, column: b.column, message: err });
      ok = false;
    }
    off += b.names.length;
  }
  return ok;
}

async function computeRaw(table: Table, states: InputState[]): Promise<RawFeatures> {
  const blocks = await makeBlocks(table, states);
  const names = blocks.flatMap((b) => b.names);
  const W = names.length;
  const n = table.rowNumbers.length;
  const data = new Float64Array(n * W);
  const errors: RawFeatures['errors'] = [];
  const bad = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (!fillRow(table, blocks, i, data, i * W, errors)) bad[i] = 1;
  return { names, data, errors, bad };
}

function ids(table: Table, idColumn: string | undefined): (i: number) => string {
  if (!idColumn) return (i) => String(i + 1);
  const col = table.columns[colIndex(table, idColumn, 'id')];
  return (i) => col[i] ?? String(i + 1);
}

function select(raw: RawFeatures, keep: number[], kept: number[]): Matrix {
  const W = raw.names.length;
  if (keep.length * W === raw.data.length && kept.length === W) return matrix(keep.length, W, raw.data); // nothing dropped: no copy
  const out = matrix(keep.length, kept.length);
  for (let r = 0; r < keep.length; r++) {
    const src = keep[r] * W;
    const dst = r * kept.length;
    for (let c = 0; c < kept.length; c++) out.data[dst + c] = raw.data[src + kept[c]];
  }
  return out;
}

function formatRowError(file: string, line: number, column: string, message: string): string {
  return `${file}:${line}: column "${column}": ${message}`;
}

function makePipeline(spec: { id?: string }, states: InputState[], allNames: string[], kept: number[]): FeaturePipeline {
  const featureNames = kept.map((k) => allNames[k]);
  const keptSet = new Set(kept);
  const droppedConstant = allNames.filter((_, k) => !keptSet.has(k));
  const state: PipelineState = {
    format: 'mi-studio-features', version: 1, id: spec.id, inputs: states, allNames, kept, featureNames, droppedConstant,
  };
  return {
    featureNames,
    droppedConstant,
    save: () => state,
    async transform(table: Table): Promise<TransformResult> {
      const raw = await computeRaw(table, states);
      if (raw.names.length !== allNames.length || raw.names.some((nm, k) => nm !== allNames[k])) {
        throw new MiError('the candidate table produces different feature columns than the training data', {
          file: basename(table.path), code: 'feature-mismatch',
        });
      }
      const file = basename(table.path);
      const keep: number[] = [];
      for (let i = 0; i < table.rowNumbers.length; i++) if (!raw.bad[i]) keep.push(i);
      const idOf = ids(table, spec.id && table.header.includes(spec.id) ? spec.id : undefined);
      const warnings: string[] = [];
      // unseen categories: all-zero one-hot rows
      for (const st of states) {
        if (st.kind !== 'categorical') continue;
        for (const c of st.columns) {
          const j = table.header.indexOf(c);
          const known = new Set((st.categories ?? []).filter((k) => k.startsWith(`${c}=`)).map((k) => k.slice(c.length + 1)));
          const unseen = new Map<string, number>();
          for (const i of keep) {
            const v = table.columns[j][i];
            if (v !== null && !known.has(v)) unseen.set(v, (unseen.get(v) ?? 0) + 1);
          }
          for (const [v, count] of unseen) {
            warnings.push(`${file}: column "${c}": category "${v}" was not in the training data (${count} row(s)); encoded as all zeros`);
          }
        }
      }
      for (const st of states) {
        if (st.kind !== 'composition' || !st.elements || !st.descriptors.includes('fractions')) continue;
        const known = new Set(st.elements);
        const reader = compositionReader(table, st);
        const unseen = new Set<number>();
        for (const i of keep) {
          const c = reader.read(i);
          if (typeof c !== 'string') for (let k = 0; k < c.z.length; k++) if (!known.has(c.z[k])) unseen.add(c.z[k]);
        }
        if (unseen.size > 0) {
          const syms = [...unseen].sort((a, b) => a - b).map((z) => [...ATOMIC_NUMBER.entries()].find(([, v]) => v === z)?.[0]);
          warnings.push(`${file}: element(s) ${syms.join(', ')} not in the training data have no "fraction:" column`);
        }
      }
      return {
        X: select(raw, keep, kept),
        ids: keep.map(idOf),
        rowNumbers: keep.map((i) => table.rowNumbers[i]),
        dropped: raw.errors.map((e) => ({ row: table.rowNumbers[e.index], column: e.column, message: e.message })),
        warnings,
      };
    },
  };
}

/** Rebuilds a pipeline from `pipeline.save()` (e.g. model/pipeline.json "state"). */
export function restorePipeline(state: PipelineState): FeaturePipeline {
  return makePipeline({ id: state.id }, state.inputs, state.allNames, state.kept);
}

/** Parses the target cells of every row into n x T values (NaN where missing); a non-number is a row error. */
function targetValues(table: Table, targets: Spec['dataset']['targets'], raw: Pick<RawFeatures, 'errors' | 'bad'>): Float64Array {
  const n = table.rowNumbers.length;
  const T = targets.length;
  const Yall = new Float64Array(n * T);
  const tcols = targets.map((t) => table.columns[colIndex(table, t.column, 'target')]);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      const v = tcols[t][i];
      let y = NaN;
      if (v !== null) {
        y = parseNumber(v);
        if (Number.isNaN(y)) {
          raw.errors.push({ index: i, column: targets[t].column, message: `target is not a number: "${v}"` });
          raw.bad[i] = 1;
        }
      }
      Yall[i * T + t] = y;
    }
  }
  return Yall;
}

/** The error for invalid cells with `on_invalid: error`: one cell names it directly; several are listed (the first
 *  MAX_LISTED, one line each, then "and N more"), with all of them in `rows`. */
function invalidRowsError(file: string, errors: DroppedRow[]): MiError {
  if (errors.length === 1) {
    const e = errors[0];
    return new MiError(e.message, {
      file, line: e.row, column: e.column, code: 'invalid-row',
      hint: 'fix the cell, or set `on_invalid: skip` under dataset to drop invalid rows',
    });
  }
  const lines = errors.slice(0, MAX_LISTED).map((e) => formatRowError(file, e.row, e.column, e.message));
  if (errors.length > MAX_LISTED) lines.push(`… and ${errors.length - MAX_LISTED} more`);
  const badRows = new Set(errors.map((e) => e.row)).size;
  return new InvalidRowsError(`${errors.length} invalid value(s) in ${badRows} row(s):\n${lines.join('\n')}`, {
    file, code: 'invalid-rows', hint: 'fix the cells, or set `on_invalid: skip` under dataset to drop invalid rows',
  }, errors);
}

/**
 * Which feature columns vary over the valid rows seen so far: constant columns carry no information and are dropped
 * (a single valid row keeps every column). Shared by buildFeatures and streamFeatures' check pass.
 */
class ColumnVariation {
  private readonly first: Float64Array;
  private readonly varies: Uint8Array;
  count = 0;
  constructor(private readonly W: number) {
    this.first = new Float64Array(W);
    this.varies = new Uint8Array(W);
  }
  /** One valid row: values src[off … off + W). */
  add(src: Float64Array, off = 0): void {
    if (this.count++ === 0) {
      this.first.set(src.subarray(off, off + this.W));
      return;
    }
    for (let c = 0; c < this.W; c++) {
      const v = src[off + c];
      const f = this.first[c];
      if (!(v === f || (Number.isNaN(v) && Number.isNaN(f)))) this.varies[c] = 1;
    }
  }
  /** Indices of the columns to keep. */
  kept(): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.W; c++) if (this.varies[c] || this.count === 1) out.push(c);
    return out;
  }
}

/** Raw feature values buildFeatures keeps from its first pass (8 bytes each; 2.5e7 = 200 MB; `opts.rawCap` in tests). */
const RAW_CAP = 25_000_000;

/** Featurises the training table of a spec (see module comment). Throws one MiError listing every invalid cell when
 *  `on_invalid` is `error`; with `skip`, invalid rows go to `set.dropped`. */
export async function buildFeatures(spec: Spec, table: Table, opts: { rawCap?: number } = {}): Promise<{ set: FeatureSet; pipeline: FeaturePipeline }> {
  const file = basename(table.path);
  if (spec.dataset.targets.some((t) => t.kind === 'function')) {
    // function targets are featurised per curve by src/core/functional (run, suggest, simulate, featurize)
    throw new MiError('this command does not support function targets (kind: function)', {
      file, code: 'function-target-unsupported', hint: 'run, suggest, simulate and featurize support function targets',
    });
  }
  const states = fitStates(spec, table);
  // Pass 1 finds invalid rows and constant columns, pass 2 writes the kept values into X. Small and medium tables keep
  // pass 1's raw values (featurised once: SMILES through RDKit once); beyond RAW_CAP numbers (1M rows with magpie
  // would hold 1.1 GB of raw values beside X) pass 2 featurises again from one row of scratch.
  const blocks = await makeBlocks(table, states);
  const names = blocks.flatMap((b) => b.names);
  const W = names.length;
  const n = table.rowNumbers.length;
  const targets = spec.dataset.targets;
  const T = targets.length;
  // targets first, so pass 1 knows which rows are valid; their errors still follow the row's input errors
  const tgt = { errors: [] as RawFeatures['errors'], bad: new Uint8Array(n) };
  const Yall = targetValues(table, targets, tgt);
  const raw = { errors: [] as RawFeatures['errors'], bad: new Uint8Array(n) };
  const row = new Float64Array(W);
  const rawAll = n * W <= (opts.rawCap ?? RAW_CAP) ? new Float64Array(n * W) : undefined;
  // constant columns (over the kept training rows) carry no information: drop and record them
  const variation = new ColumnVariation(W);
  for (let i = 0; i < n; i++) {
    if (!fillRow(table, blocks, i, row, 0, raw.errors)) raw.bad[i] = 1;
    rawAll?.set(row, i * W);
    if (tgt.bad[i]) raw.bad[i] = 1;
    if (!raw.bad[i]) variation.add(row);
  }
  for (const e of tgt.errors) raw.errors.push(e);
  raw.errors.sort((a, b) => a.index - b.index);
  const onInvalid = spec.dataset.on_invalid ?? 'error';
  if (raw.errors.length > 0 && onInvalid !== 'skip') {
    throw invalidRowsError(file, raw.errors.map((e) => ({ row: table.rowNumbers[e.index], column: e.column, message: e.message })));
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!raw.bad[i]) keep.push(i);
  if (keep.length === 0) {
    throw new MiError(`no valid rows left in ${file} (${n} row(s), all invalid)`, { file, code: 'no-rows' });
  }
  const kept = variation.kept();
  const pipeline = makePipeline({ id: spec.dataset.id }, states, names, kept);
  const K = kept.length;
  const X = matrix(keep.length, K);
  const none: RawFeatures['errors'] = [];
  for (let r = 0; r < keep.length; r++) {
    const o = r * K;
    let src = row;
    if (rawAll) src = rawAll.subarray(keep[r] * W, (keep[r] + 1) * W);
    else if (K === W) {
      fillRow(table, blocks, keep[r], X.data, o, none);
      continue;
    } else fillRow(table, blocks, keep[r], row, 0, none);
    for (let c = 0; c < K; c++) X.data[o + c] = src[kept[c]];
  }
  const Y = matrix(keep.length, T);
  keep.forEach((i, r) => {
    for (let t = 0; t < T; t++) Y.data[r * T + t] = Yall[i * T + t];
  });
  const idOf = ids(table, spec.dataset.id);
  const set: FeatureSet = {
    X,
    featureNames: pipeline.featureNames,
    Y,
    targetNames: targets.map((t) => t.column),
    ids: keep.map(idOf),
    rowNumbers: keep.map((i) => table.rowNumbers[i]),
    dropped: raw.errors.map((e) => ({ row: table.rowNumbers[e.index], column: e.column, message: e.message })),
  };
  return { set, pipeline };
}

// ------------------------------------------------------------------------------------------------ streaming

/** One chunk of the streamed feature matrix: valid rows only, constant columns already dropped. */
export interface FeatureChunk {
  X: Matrix;
  Y: Matrix;
  ids: string[];
  rowNumbers: number[];
}

export interface StreamedFeatures {
  featureNames: string[];
  targetNames: string[];
  /** Rows written (valid rows). */
  rows: number;
  /** Rows dropped with on_invalid: skip, each with why (file line, column, message). */
  dropped: DroppedRow[];
  pipeline: FeaturePipeline;
}

export interface StreamFeaturesOptions {
  /** Records per chunk (default 4096). */
  chunkRows?: number;
  signal?: AbortSignal;
  /** Called once, before the first chunk, with the final column names (e.g. to write a header). */
  begin?(names: { featureNames: string[]; targetNames: string[] }): void | Promise<void>;
}

/**
 * buildFeatures for files too large to hold: the same features, row errors and dropped constant columns, computed
 * from the CSV in chunks without keeping the table or the matrix. Pass 1 (only for categorical or `fractions`
 * inputs) streams the file to learn categories / elements; pass 2 featurises every chunk to find invalid rows and
 * constant columns (and fails like buildFeatures with `on_invalid: error`); pass 3 featurises again and hands each
 * chunk of valid rows to `onChunk`. Memory is a few chunks plus the list of dropped rows. Function targets are
 * not handled here (use loadTable + buildFeatures).
 */
export async function streamFeatures(
  spec: Spec, path: string, opts: StreamFeaturesOptions, onChunk: (chunk: FeatureChunk) => void | Promise<void>,
): Promise<StreamedFeatures> {
  const { header, delimiter } = await readHeader(path);
  const abs = resolve(path);
  const file = basename(abs);
  const targets = spec.dataset.targets;
  if (targets.some((t) => t.kind === 'function')) {
    throw new MiError('streamFeatures does not handle function targets', { file, code: 'function-target-unsupported' });
  }
  const empty: Table = { path: abs, sha256: '', delimiter, header, columns: header.map(() => []), rowNumbers: [], info: [] };
  // Column checks up front, in buildFeatures' order (inputs, targets, id), so a typo fails before any pass.
  const fitter = stateFitter(spec);
  fitter.add(empty);
  await makeBlocks(empty, fitter.states());
  for (const t of targets) colIndex(empty, t.column, 'target');
  const idColumn = spec.dataset.id;
  if (idColumn) colIndex(empty, idColumn, 'id');
  const used = new Set<string>([...spec.dataset.inputs.flatMap(inputColumns), ...targets.map((t) => t.column)]);
  if (idColumn) used.add(idColumn);
  const stream = { columns: [...used], chunkRows: opts.chunkRows, signal: opts.signal };

  // pass 1: categories and elements seen
  const fitted = spec.dataset.inputs.some((i) => i.kind === 'categorical' || (i.kind === 'composition' && defaultDescriptors(i).includes('fractions')));
  if (fitted) await streamTable(path, stream, (chunk) => fitter.add(chunk));
  const states = fitter.states();

  // pass 2: row errors and constant columns over the valid rows
  const names = (await makeBlocks(empty, states)).flatMap((b) => b.names);
  const W = names.length;
  const variation = new ColumnVariation(W);
  const errors: DroppedRow[] = [];
  const { rows: n } = await streamTable(path, stream, async (chunk) => {
    const raw = await computeRaw(chunk, states);
    targetValues(chunk, targets, raw);
    raw.errors.sort((a, b) => a.index - b.index);
    for (const e of raw.errors) errors.push({ row: chunk.rowNumbers[e.index], column: e.column, message: e.message });
    const m = chunk.rowNumbers.length;
    for (let i = 0; i < m; i++) if (!raw.bad[i]) variation.add(raw.data, i * W);
  });
  const valid = variation.count;
  if (errors.length > 0 && (spec.dataset.on_invalid ?? 'error') !== 'skip') throw invalidRowsError(file, errors);
  if (valid === 0) throw new MiError(`no valid rows left in ${file} (${n} row(s), all invalid)`, { file, code: 'no-rows' });
  const kept = variation.kept();
  const pipeline = makePipeline({ id: idColumn }, states, names, kept);
  const targetNames = targets.map((t) => t.column);
  await opts.begin?.({ featureNames: pipeline.featureNames, targetNames });

  // pass 3: the features of the valid rows, chunk by chunk
  const T = targets.length;
  const K = kept.length;
  let written = 0;
  const pass3 = await streamTable(path, stream, async (chunk, offset) => {
    const raw = await computeRaw(chunk, states);
    const Yall = targetValues(chunk, targets, raw);
    const m = chunk.rowNumbers.length;
    const keep: number[] = [];
    for (let i = 0; i < m; i++) if (!raw.bad[i]) keep.push(i);
    const X = select(raw, keep, kept);
    const Y = matrix(keep.length, T);
    for (let r = 0; r < keep.length; r++) for (let t = 0; t < T; t++) Y.data[r * T + t] = Yall[keep[r] * T + t];
    const idCol = idColumn ? chunk.columns[chunk.header.indexOf(idColumn)] : undefined;
    const ids = keep.map((i) => (idCol ? idCol[i] : null) ?? String(offset + i + 1));
    if (X.cols !== K) throw new Error('internal: feature width changed between passes');
    written += keep.length;
    await onChunk({ X, Y, ids, rowNumbers: keep.map((i) => chunk.rowNumbers[i]) });
  });
  if (pass3.rows !== n || written !== valid) {
    throw new MiError(`${file} changed while it was being featurised (${n} then ${pass3.rows} rows)`, {
      file, code: 'file-changed', hint: 'run featurize again once the file is no longer being written',
    });
  }
  return { featureNames: pipeline.featureNames, targetNames, rows: valid, dropped: errors, pipeline };
}
