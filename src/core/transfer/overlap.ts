/**
 * Leakage guard keys: the reduced formula (atomic fractions rounded to 1e-4, elements sorted by Z) of a composition
 * input, or the canonical SMILES (RDKit) of a molecule input, hashed to 8 bytes (SHA-256 prefix, hex). Sources store
 * the hashes of the rows they were trained on; a run counts target rows whose key is among them.
 */
import { createHash } from 'node:crypto';
import type { Table } from '../data/types';
import { parseFormulaAmounts } from '../features';
import { getRDKit, parseSmiles } from '../features/molecules';

export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Reduced-formula key of a formula string, or null when it does not parse. */
export function formulaKey(formula: string): string | null {
  let a;
  try {
    a = parseFormulaAmounts(formula);
  } catch {
    return null;
  }
  const m = new Map<number, number>();
  a.z.forEach((z, i) => m.set(z, (m.get(z) ?? 0) + a.amount[i]));
  let total = 0;
  for (const v of m.values()) total += v;
  if (!(total > 0)) return null;
  return [...m.entries()]
    .filter(([, v]) => v > 0)
    .sort((x, y) => x[0] - y[0])
    .map(([z, v]) => `${z}:${(v / total).toFixed(4)}`)
    .join(',');
}

/** The first formula-column (composition, single column) or SMILES input of a spec's inputs. */
export function keyInput(inputs: { column?: string; columns?: string[]; kind: string }[]): { column: string; kind: 'composition' | 'smiles' } | null {
  for (const i of inputs) {
    const cols = i.columns ?? (i.column !== undefined ? [i.column] : []);
    if (cols.length !== 1) continue;
    if (i.kind === 'composition' || i.kind === 'smiles') return { column: cols[0], kind: i.kind };
  }
  return null;
}

/** Hash of every record of `table` (null where the cell is missing or unparsable), in record order. */
export async function rowHashes(table: Table, input: { column: string; kind: 'composition' | 'smiles' }): Promise<(string | null)[]> {
  const j = table.header.indexOf(input.column);
  if (j < 0) return table.rowNumbers.map(() => null);
  const col = table.columns[j];
  if (input.kind === 'composition') return col.map((v) => (v === null ? null : ((k) => (k ? keyHash(k) : null))(formulaKey(v))));
  const r = await getRDKit();
  return col.map((v) => {
    if (v === null) return null;
    const mol = parseSmiles(r, v);
    if (typeof mol === 'string') return null;
    try {
      return keyHash(`smiles:${mol.get_smiles()}`);
    } finally {
      mol.delete();
    }
  });
}
