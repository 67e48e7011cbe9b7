/** A loaded tabular dataset, column-oriented. Missing values are `null`. */
export type ColumnType = 'numeric' | 'composition' | 'smiles' | 'categorical' | 'text' | 'empty';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  /** Why the type was inferred, e.g. "198/200 values parse as numbers". */
  evidence: string;
  missing: number;
}

export interface Table {
  /** Absolute path of the file it was read from. */
  path: string;
  sha256: string;
  delimiter: string;
  header: string[];
  /** columns[j][i] is the raw cell of record i in column j (trimmed), or null when missing. */
  columns: (string | null)[][];
  /** 1-based line number in the file of each record (the header is line 1). */
  rowNumbers: number[];
  info: ColumnInfo[];
}

export function columnIndex(t: Table, name: string): number {
  return t.header.indexOf(name);
}
