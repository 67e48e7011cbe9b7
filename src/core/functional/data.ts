/**
 * Function-valued targets: from a loaded table and a `kind: function` target to one row per sample (the table the
 * feature pipeline sees) and a matrix Y (samples x grid points) resampled onto one argument grid.
 *
 * Layouts (spec keys are a contract):
 * - long: `long: {id, argument, value}` — one row per (sample, argument); rows of a sample share its inputs (the first
 *   row's inputs are used). The id may also be an input column (e.g. the composition).
 * - wide: `columns: "xrd_*"` — one column per argument value, the argument parsed from the header (the part the `*`
 *   matched, else the first number in the header).
 * - file per row: `file: spectrum` — a column naming a two-column (argument, value) text file, relative to the
 *   dataset's folder and never outside the spec's folder tree.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { MiError } from '../diagnostics';
import type { Table } from '../data/types';
import { parseNumber } from '../data/infer';
import type { Spec, TargetSpec } from '../spec/types';
import { resolveInside } from '../run/contain';
import { cleanCurve, defaultGrid, makeGrid, resampleCurve, type Curve } from './resample';
import { functionTargetLine } from './objectives';

export interface FunctionData {
  /** One row per sample (long layout: the first row of each sample), same columns as the dataset. */
  table: Table;
  /** Sample ids (long: the id value; otherwise the spec's id column or the 1-based row number). */
  ids: string[];
  /** Raw measured curves (sorted, duplicates averaged), one per sample. */
  curves: Curve[];
  grid: Float64Array;
  /** n x G, NaN where a curve does not reach a grid point (beyond the margin). */
  Y: Float64Array;
  resampling: ResamplingRecord;
}

/** Recorded in the manifest (`functional.<target>.resampling`). */
export interface ResamplingRecord {
  layout: 'long' | 'wide' | 'file';
  grid: { from: number; to: number; points: number; margin: number; source: 'spec' | 'shared-arguments' | 'default' };
  samples: number;
  /** Measured points over all curves, and how many grid values were interpolated (not exactly measured). */
  measuredPoints: number;
  interpolated: number;
  /** Grid values left missing because they lie beyond a curve's range by more than the margin. */
  missing: number;
  /** Samples with no grid value at all (dropped). */
  droppedSamples: number;
  /** Grid values reached by fewer than 3 curves (dropped from the grid). */
  droppedGridValues?: number[];
}

export const isFunctionTarget = (t: TargetSpec): boolean => t.kind === 'function';

/** The name of a function target in metrics and files. */
export function functionTargetName(t: Pick<TargetSpec, 'name' | 'long' | 'file' | 'columns' | 'column'>): string {
  if (t.name) return t.name;
  if (t.long?.value) return t.long.value;
  if (t.file) return t.file;
  if (typeof t.columns === 'string') {
    const stem = t.columns.replace(/\*/g, '').replace(/^[_\-. ]+|[_\-. ]+$/g, '');
    return stem || 'curve';
  }
  return t.column || 'curve';
}

export function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '(.*)').replace(/\?/g, '(.)');
  return new RegExp(`^${esc}$`);
}

const NUM_RE = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;

/** The argument a wide-layout header stands for, or NaN. */
export function argumentFromHeader(header: string, re: RegExp): number {
  const m = re.exec(header);
  if (!m) return NaN;
  const part = m.length > 1 ? m.slice(1).join('') : header;
  let v = parseNumber(part.trim());
  if (Number.isNaN(v)) {
    const n = NUM_RE.exec(part) ?? NUM_RE.exec(header);
    v = n ? Number(n[0]) : NaN;
  }
  return v;
}

/** Columns of a wide layout: every header matching the glob whose argument parses (inputs and id excluded). */
export function wideColumns(header: string[], glob: string, exclude: Set<string>): { index: number; name: string; arg: number }[] {
  const re = globToRegExp(glob);
  const out: { index: number; name: string; arg: number }[] = [];
  header.forEach((h, index) => {
    if (exclude.has(h) || !re.test(h)) return;
    const arg = argumentFromHeader(h, re);
    if (Number.isFinite(arg)) out.push({ index, name: h, arg });
  });
  return out;
}

function col(table: Table, name: string, what: string, specFile: string): (string | null)[] {
  const j = table.header.indexOf(name);
  if (j < 0) {
    const close = table.header.find((h) => h.toLowerCase() === name.toLowerCase());
    throw new MiError(`${what} column "${name}" not found in ${basename(table.path)}`, {
      file: specFile, code: 'unknown-column', hint: close ? `did you mean "${close}"?` : `columns are: ${table.header.slice(0, 20).join(', ')}`,
    });
  }
  return table.columns[j];
}

function subsetRows(table: Table, rows: number[]): Table {
  return {
    ...table,
    columns: table.columns.map((c) => rows.map((i) => c[i])),
    rowNumbers: rows.map((i) => table.rowNumbers[i]),
  };
}

/** Reads a two-column (argument, value) file: comma, semicolon, tab or space separated; non-numeric lines skipped. */
export function readTwoColumnFile(path: string, shownAs: string, line: number, datasetFile: string): Curve {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MiError(`cannot read curve file "${shownAs}": ${e instanceof Error ? e.message : String(e)}`, {
      file: datasetFile, line, code: 'curve-file-unreadable', hint: 'file paths are relative to the dataset file',
    });
  }
  const t: number[] = [];
  const y: number[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const parts = raw.trim().split(/[,;\t ]+/);
    if (parts.length < 2) continue;
    const a = parseNumber(parts[0]);
    const b = parseNumber(parts[1]);
    if (Number.isFinite(a) && Number.isFinite(b)) {
      t.push(a);
      y.push(b);
    }
  }
  if (t.length === 0) {
    throw new MiError(`curve file "${shownAs}" has no (argument, value) number pairs`, {
      file: datasetFile, line, code: 'curve-file-empty', hint: 'give two numeric columns: argument, value',
    });
  }
  return { t, y };
}

/**
 * Builds the per-sample table and the resampled Y of a function target. `specPath` bounds where curve files may be
 * read from (the spec's folder tree).
 */
export function loadFunctionData(spec: Spec, target: TargetSpec, table: Table, specPath: string): FunctionData {
  const specFile = specPath;
  const dataFile = basename(table.path);
  let rowsOfSample: number[][];
  let curves: Curve[];
  let ids: string[];
  let layout: ResamplingRecord['layout'];
  const idCol = spec.dataset.id && table.header.includes(spec.dataset.id) ? table.columns[table.header.indexOf(spec.dataset.id)] : undefined;
  if (target.long) {
    layout = 'long';
    const idc = col(table, target.long.id, 'id', specFile);
    const argc = col(table, target.long.argument, 'argument', specFile);
    const valc = col(table, target.long.value, 'value', specFile);
    const index = new Map<string, number>();
    rowsOfSample = [];
    curves = [];
    ids = [];
    const bad: string[] = [];
    for (let i = 0; i < table.rowNumbers.length; i++) {
      const key = idc[i];
      if (key === null) {
        bad.push(`${dataFile}:${table.rowNumbers[i]}: column "${target.long.id}": missing sample id`);
        continue;
      }
      const a = argc[i] === null ? NaN : parseNumber(argc[i] as string);
      const v = valc[i] === null ? NaN : parseNumber(valc[i] as string);
      if (argc[i] !== null && Number.isNaN(a)) bad.push(`${dataFile}:${table.rowNumbers[i]}: column "${target.long.argument}": not a number: "${argc[i]}"`);
      if (valc[i] !== null && Number.isNaN(v)) bad.push(`${dataFile}:${table.rowNumbers[i]}: column "${target.long.value}": not a number: "${valc[i]}"`);
      let k = index.get(key);
      if (k === undefined) {
        k = rowsOfSample.length;
        index.set(key, k);
        rowsOfSample.push([]);
        curves.push({ t: [], y: [] });
        ids.push(key);
      }
      rowsOfSample[k].push(i);
      curves[k].t.push(a);
      curves[k].y.push(v);
    }
    if (bad.length > 0 && spec.dataset.on_invalid !== 'skip') {
      throw new MiError(`${bad.length} invalid value(s) in the function target:\n${bad.slice(0, 50).join('\n')}`, {
        file: dataFile, code: 'invalid-rows', hint: 'fix the cells, or set `on_invalid: skip` under dataset to drop invalid points',
      });
    }
  } else if (target.columns !== undefined) {
    layout = 'wide';
    const exclude = new Set<string>([...(spec.dataset.id ? [spec.dataset.id] : []), ...spec.dataset.inputs.flatMap((i) => i.columns ?? (i.column ? [i.column] : []))]);
    const cols = wideColumns(table.header, target.columns, exclude);
    if (cols.length < 2) {
      throw new MiError(`columns "${target.columns}" match ${cols.length} column(s) of ${dataFile} with a numeric argument in the header; a curve needs at least 2`, {
        file: specFile, code: 'function-columns', hint: 'the part of the header matched by * must be a number, e.g. xrd_10.5',
      });
    }
    rowsOfSample = table.rowNumbers.map((_, i) => [i]);
    curves = rowsOfSample.map(([i]) => {
      const t: number[] = [];
      const y: number[] = [];
      for (const c of cols) {
        const cell = table.columns[c.index][i];
        const v = cell === null ? NaN : parseNumber(cell);
        t.push(c.arg);
        y.push(v);
      }
      return { t, y };
    });
    ids = rowsOfSample.map(([i]) => (idCol ? idCol[i] ?? String(i + 1) : String(i + 1)));
  } else if (target.file) {
    layout = 'file';
    const fc = col(table, target.file, 'curve file', specFile);
    const root = dirname(resolve(specPath));
    const dataDir = dirname(table.path);
    rowsOfSample = table.rowNumbers.map((_, i) => [i]);
    curves = rowsOfSample.map(([i]) => {
      const rel = fc[i];
      if (rel === null) return { t: [], y: [] };
      const abs = resolve(dataDir, rel);
      const inside = resolveInside(root, relative(root, abs));
      if (inside === null) {
        throw new MiError(`curve file "${rel}" is outside the spec's folder`, {
          file: dataFile, line: table.rowNumbers[i], column: target.file, code: 'path-outside',
          hint: 'curve files must lie in the spec\'s folder or below it',
        });
      }
      return readTwoColumnFile(inside, rel, table.rowNumbers[i], dataFile);
    });
    ids = rowsOfSample.map(([i]) => (idCol ? idCol[i] ?? String(i + 1) : String(i + 1)));
  } else {
    throw new MiError(`function target "${functionTargetName(target)}" needs one of long, columns or file`, {
      file: specFile, code: 'function-layout', hint: 'e.g. long: {id: formula, argument: T, value: Cp}',
    });
  }
  const clean = curves.map(cleanCurve);
  let grid: Float64Array;
  let source: ResamplingRecord['grid']['source'];
  if (target.grid) {
    grid = makeGrid(target.grid);
    source = 'spec';
  } else {
    grid = defaultGrid(clean);
    const first = clean.find((c) => c.t.length > 0)?.t ?? [];
    source = grid.length === first.length && first.every((v, i) => v === grid[i]) ? 'shared-arguments' : 'default';
  }
  const margin = target.grid?.margin ?? 0;
  const G = grid.length;
  const keep: number[] = [];
  const rows: number[][] = [];
  const Yrows: Float64Array[] = [];
  let measured = 0;
  let interpolated = 0;
  let missing = 0;
  for (let k = 0; k < clean.length; k++) {
    const y = resampleCurve(clean[k], grid, margin);
    let any = false;
    const ts = new Set(clean[k].t);
    for (let g = 0; g < G; g++) {
      if (Number.isFinite(y[g])) {
        any = true;
        if (!ts.has(grid[g])) interpolated++;
      } else missing++;
    }
    measured += clean[k].t.length;
    if (!any) continue;
    keep.push(k);
    rows.push(rowsOfSample[k]);
    Yrows.push(y);
  }
  const dropped = clean.length - keep.length;
  if (!keep.length) {
    let tlo = Infinity;
    let thi = -Infinity;
    for (const c of clean) for (const t of c.t) { tlo = Math.min(tlo, t); thi = Math.max(thi, t); }
    throw new MiError(`no curve of "${functionTargetName(target)}" reaches any value of the grid [${grid[0]}, ${grid[G - 1]}] (margin ${margin})`, {
      file: specFile, ...(target.grid ? functionTargetLine(specFile, ['grid']) : {}), code: 'function-grid',
      hint: Number.isFinite(tlo) ? `the curves are measured over [${tlo}, ${thi}]: put grid.from / grid.to inside that range` : 'no curve has a measured (argument, value) pair: check the layout columns',
    });
  }
  // grid values that (almost) no curve reaches carry nothing to learn from: drop them (recorded)
  const cols: number[] = [];
  const droppedGrid: number[] = [];
  for (let g = 0; g < G; g++) {
    let c = 0;
    for (const y of Yrows) if (Number.isFinite(y[g])) c++;
    if (c >= Math.min(3, Yrows.length)) cols.push(g);
    else droppedGrid.push(grid[g]);
  }
  if (cols.length < 2) {
    throw new MiError(`only ${cols.length} grid value(s) of "${functionTargetName(target)}" are reached by at least 3 curves`, {
      file: specFile, code: 'function-grid',
      hint: 'move grid.from / grid.to inside the measured range of most curves, or allow a larger grid.margin',
    });
  }
  if (droppedGrid.length) grid = Float64Array.from(cols, (g) => grid[g]);
  const Gk = grid.length;
  const Y = new Float64Array(keep.length * Gk);
  missing = 0;
  Yrows.forEach((y, r) => cols.forEach((g, j) => {
    Y[r * Gk + j] = y[g];
    if (!Number.isFinite(y[g])) missing++;
  }));
  const firstRows = rows.map((r) => r[0]);
  return {
    table: subsetRows(table, firstRows),
    ids: keep.map((k) => ids[k]),
    curves: keep.map((k) => clean[k]),
    grid,
    Y,
    resampling: {
      layout,
      grid: { from: grid[0] ?? NaN, to: grid[Gk - 1] ?? NaN, points: Gk, margin, source },
      ...(droppedGrid.length ? { droppedGridValues: droppedGrid } : {}),
      samples: keep.length,
      measuredPoints: measured,
      interpolated,
      missing,
      droppedSamples: dropped,
    },
  };
}
