/**
 * Candidate pools: a CSV of unmeasured candidates featurised with the training pipeline.
 *
 * Exclusions (never scored, never suggested): candidates whose id equals a measured id (only when both the dataset
 * and the pool have an id column), candidates whose raw input values equal those of a measured row (numbers compared
 * by value, so "0.10" equals "0.1"), later duplicates of an earlier pool row, and ids in `optimize.exclude`.
 * `optimize.pin` forces candidates into the batch (even if measured); an id both pinned and excluded is an error.
 */
import { MiError } from '../diagnostics';
import type { Table } from '../data/types';
import { inputColumns, type Spec } from '../spec/types';

export function specInputColumns(spec: Spec): string[] {
  const out: string[] = [];
  for (const i of spec.dataset.inputs) for (const c of inputColumns(i)) if (!out.includes(c)) out.push(c);
  return out;
}

function normCell(v: string | null | undefined): string {
  if (v === null || v === undefined) return '';
  const t = v.trim();
  if (t === '') return '';
  const n = Number(t);
  return Number.isFinite(n) ? String(n) : t;
}

/** Column accessor for raw-input keys (identical raw inputs ⇔ identical keys). */
export function keyMaker(table: Table, columns: string[]): (record: number) => string {
  const idx = columns.map((c) => table.header.indexOf(c));
  return (r: number) => idx.map((j) => (j < 0 ? '' : normCell(table.columns[j][r]))).join('\u0001');
}

/** Rows of a table as a new table (same header, selected records). */
export function subTable(table: Table, records: ArrayLike<number>): Table {
  const columns = table.columns.map((col) => Array.from(records, (r) => col[r]));
  return { ...table, columns, rowNumbers: Array.from(records, (r) => table.rowNumbers[r]) };
}

/** A table built from raw values (continuous-space candidates). */
export function tableFromRows(header: string[], rows: (string | null)[][], like?: Table): Table {
  const columns = header.map((_, j) => rows.map((r) => r[j]));
  const info = header.map((name) => {
    const src = like ? like.info[like.header.indexOf(name)] : undefined;
    return src ? { ...src, missing: 0 } : { name, type: 'numeric' as const, evidence: 'generated candidates', missing: 0 };
  });
  return { path: like?.path ?? '<generated>', sha256: '', delimiter: ',', header, columns, rowNumbers: rows.map((_, i) => i + 2), info };
}

export interface PoolSelection {
  /** Id of every pool record. */
  ids: string[];
  /** Records to score, in pool order. */
  score: number[];
  /** Pinned records (by optimize.pin), in the order given. */
  pinned: number[];
  measured: number;
  excluded: number;
  duplicates: number;
}

/** Id column of a table: explicit name if present, else undefined. */
function idColumn(table: Table, name: string | undefined): number {
  return name ? table.header.indexOf(name) : -1;
}

export function selectPool(spec: Spec, pool: Table, poolPath: string, data: Table): PoolSelection {
  const cols = specInputColumns(spec);
  const missing = cols.filter((c) => !pool.header.includes(c));
  if (missing.length) {
    throw new MiError(`candidate pool has no column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')}`, {
      file: poolPath,
      line: 1,
      column: missing[0],
      code: 'pool-missing-column',
      hint: `the pool needs every input column of the spec (${cols.join(', ')})`,
    });
  }
  const poolIdName = spec.optimize?.candidates?.id ?? spec.dataset.id;
  const pj = idColumn(pool, poolIdName);
  if (spec.optimize?.candidates?.id && pj < 0) {
    throw new MiError(`candidate pool has no id column "${spec.optimize.candidates.id}"`, { file: poolPath, line: 1, column: spec.optimize.candidates.id, code: 'pool-missing-column', hint: `columns: ${pool.header.join(', ')}` });
  }
  const n = pool.rowNumbers.length;
  const ids = Array.from({ length: n }, (_, r) => (pj >= 0 && pool.columns[pj][r] ? String(pool.columns[pj][r]) : String(r + 1)));
  const dj = idColumn(data, spec.dataset.id);
  const measuredIds = new Set<string>();
  if (pj >= 0 && dj >= 0) for (const v of data.columns[dj]) if (v) measuredIds.add(v);
  const dataKey = keyMaker(data, cols);
  const measuredKeys = new Set<string>();
  for (let r = 0; r < data.rowNumbers.length; r++) measuredKeys.add(dataKey(r));
  const poolKey = keyMaker(pool, cols);
  const exclude = new Set(spec.optimize?.exclude ?? []);
  const pinIds = spec.optimize?.pin ?? [];
  for (const p of pinIds) {
    if (exclude.has(p)) throw new MiError(`candidate "${p}" is both pinned and excluded`, { code: 'pin-excluded', column: 'optimize.pin', hint: 'remove it from optimize.pin or optimize.exclude' });
  }
  const idToRecord = new Map<string, number>();
  ids.forEach((id, r) => {
    if (!idToRecord.has(id)) idToRecord.set(id, r);
  });
  const pinned: number[] = [];
  for (const p of pinIds) {
    const r = idToRecord.get(p);
    if (r === undefined) throw new MiError(`pinned candidate "${p}" is not in the candidate pool`, { file: poolPath, code: 'unknown-pin', column: 'optimize.pin', hint: pj >= 0 ? `ids come from column "${pool.header[pj]}"` : 'without an id column, ids are 1-based data row numbers' });
    pinned.push(r);
  }
  const pinnedSet = new Set(pinned);
  const seen = new Set<string>();
  const score: number[] = [];
  let measured = 0;
  let excluded = 0;
  let duplicates = 0;
  for (let r = 0; r < n; r++) {
    const k = poolKey(r);
    if (pinnedSet.has(r)) {
      seen.add(k);
      continue;
    }
    if (exclude.has(ids[r])) {
      excluded++;
      continue;
    }
    if (measuredIds.has(ids[r]) || measuredKeys.has(k)) {
      measured++;
      continue;
    }
    if (seen.has(k)) {
      duplicates++;
      continue;
    }
    seen.add(k);
    score.push(r);
  }
  return { ids, score, pinned, measured, excluded, duplicates };
}
