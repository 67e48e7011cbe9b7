/**
 * Groups for cross-validation (`evaluation.cv.group` / `evaluation.cv.by`): one group id per training row.
 *
 * * `group: <column>`: equal cells of that dataset column share a group (a missing cell is a group of its own).
 * * `by: composition`: equal composition keys share a group — formula columns by their reduced formula (atomic
 *   fractions rounded to 1e-6, so Fe2O3 = Fe4O6), element-fraction columns by the normalised fractions, SMILES by
 *   RDKit's canonical SMILES; several such inputs are combined.
 * * `by: row`: no groups (plain k-fold).
 * * default: `composition` when some composition/molecule occurs in more than one row, with a note in the log.
 */
import { parseFormula } from '../features/formula';
import { getRDKit, parseSmiles } from '../features/molecules';
import type { FeatureSet } from '../features/types';
import type { Table } from '../data/types';
import type { Spec } from '../spec/types';
import { cvSettings } from '../spec/cv';

export interface CvGroups {
  groups: Int32Array;
  /** How the groups were formed: `column <name>` or `composition`. */
  by: string;
  count: number;
}

/** Composition/molecule key per training row, or undefined when the spec has no composition/SMILES input. */
async function compositionKeys(spec: Spec, table: Table, set: FeatureSet): Promise<string[] | undefined> {
  const inputs = spec.dataset.inputs.filter((i) => i.kind === 'composition' || i.kind === 'smiles');
  if (!inputs.length) return undefined;
  const rec = recordIndex(table, set);
  const keys = set.rowNumbers.map(() => '');
  const rdkit = inputs.some((i) => i.kind === 'smiles') ? await getRDKit().catch(() => undefined) : undefined;
  for (const inp of inputs) {
    const cols = (inp.columns ?? (inp.column !== undefined ? [inp.column] : [])).map((c) => table.header.indexOf(c));
    if (cols.some((c) => c < 0)) return undefined;
    for (let r = 0; r < keys.length; r++) {
      const k = rec[r];
      let key: string;
      if (k < 0) key = `#${r}`;
      else if (inp.kind === 'smiles') key = canonicalSmiles(rdkit, table.columns[cols[0]][k]);
      else if (inp.columns) {
        const v = cols.map((c) => Number(table.columns[c][k] ?? 0) || 0);
        const s = v.reduce((a, b) => a + b, 0) || 1;
        key = v.map((x) => (x / s).toFixed(6)).join(',');
      } else key = formulaKey(table.columns[cols[0]][k]);
      keys[r] += (keys[r] ? '|' : '') + key;
    }
  }
  return keys;
}

function formulaKey(cell: string | null): string {
  if (cell === null) return '\u0000missing';
  try {
    const f = parseFormula(cell);
    return [...f.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([e, x]) => `${e}${x.toFixed(6)}`).join('');
  } catch {
    return `\u0000${cell}`;
  }
}

function canonicalSmiles(rdkit: Awaited<ReturnType<typeof getRDKit>> | undefined, cell: string | null): string {
  if (cell === null) return '\u0000missing';
  if (!rdkit) return cell;
  const mol = parseSmiles(rdkit, cell);
  if (typeof mol === 'string') return cell;
  try {
    return mol.get_smiles();
  } finally {
    mol.delete();
  }
}

/** Index of each training row's record in the table (by file line), −1 if not found. */
function recordIndex(table: Table, set: FeatureSet): Int32Array {
  const byLine = new Map<number, number>();
  table.rowNumbers.forEach((line, k) => byLine.set(line, k));
  return Int32Array.from(set.rowNumbers, (line) => byLine.get(line) ?? -1);
}

function toGroups(keys: string[]): { groups: Int32Array; count: number } {
  const ids = new Map<string, number>();
  const groups = Int32Array.from(keys, (k) => {
    let g = ids.get(k);
    if (g === undefined) ids.set(k, (g = ids.size));
    return g;
  });
  return { groups, count: ids.size };
}

/**
 * The CV groups for a run, or undefined for plain k-fold. `log` gets the note when grouping was switched on by
 * default (rows repeat a composition/molecule) and warnings when a requested grouping is not possible.
 */
export async function cvGroups(spec: Spec, table: Table, set: FeatureSet, log: (level: 'info' | 'warn', msg: string) => void): Promise<CvGroups | undefined> {
  const cv: { group?: string; by?: string } = cvSettings(spec) ?? {};
  const n = set.X.rows;
  if (cv.group !== undefined) {
    const c = table.header.indexOf(cv.group);
    if (c < 0) {
      log('warn', `[cv] group column "${cv.group}" is not in the dataset: rows are split independently`);
      return undefined;
    }
    const rec = recordIndex(table, set);
    const { groups, count } = toGroups(Array.from(rec, (k, r) => (k < 0 || table.columns[c][k] === null ? `\u0000${r}` : String(table.columns[c][k]))));
    log('info', `[cv] grouped by column "${cv.group}": ${count} groups over ${n} rows (rows of a group share a fold)`);
    return { groups, by: `column ${cv.group}`, count };
  }
  if (cv.by === 'row') return undefined;
  const keys = await compositionKeys(spec, table, set);
  if (!keys) {
    if (cv.by === 'composition') log('warn', '[cv] by: composition, but the spec has no composition or SMILES input: rows are split independently');
    return undefined;
  }
  const { groups, count } = toGroups(keys);
  if (cv.by === 'composition') {
    log('info', `[cv] grouped by composition: ${count} distinct compositions/molecules over ${n} rows`);
    return { groups, by: 'composition', count };
  }
  if (count === n) return undefined;
  log('info',
    `[cv] ${n - count} of ${n} rows repeat a composition/molecule of another row (${count} distinct): cross-validation is grouped by composition, ` +
      'so each composition is tested on a model that never saw it. Set evaluation.cv.by: row to split rows independently.');
  return { groups, by: 'composition', count };
}
