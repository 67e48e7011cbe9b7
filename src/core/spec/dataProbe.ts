/**
 * What the validator needs to know about a CSV/TSV: its header and, for a sample of rows, the inferred column types.
 * Cached by path + mtime + size so live validation while typing does not re-read the file on every keystroke.
 */
import { statSync } from 'node:fs';
import type { ColumnType } from '../data/types';
import { loadTable, readHeader } from '../data';

export interface ColumnProbe { type: ColumnType; evidence: string }

export interface DataProbe {
  header: string[];
  /** Rows read (at most SAMPLE_ROWS). */
  rows: number;
  /** True when the sample is the whole file. */
  complete: boolean;
  types: Map<string, ColumnProbe>;
  /** First repeated value of a column in the sample, with the 1-based file lines of both occurrences. */
  firstDuplicate(column: string): { value: string; lines: [number, number] } | undefined;
}

export const SAMPLE_ROWS = 2000;

export interface DataReader {
  header(path: string): Promise<string[]>;
  probe(path: string): Promise<DataProbe>;
}

interface CacheEntry { key: string; header?: Promise<string[]>; probe?: Promise<DataProbe> }
const cache = new Map<string, CacheEntry>();

function statKey(path: string): string {
  const st = statSync(path);
  return `${st.mtimeMs}:${st.size}`;
}

function entry(path: string): CacheEntry {
  const key = statKey(path);
  let e = cache.get(path);
  if (!e || e.key !== key) {
    e = { key };
    cache.set(path, e);
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
  }
  return e;
}

export const defaultDataReader: DataReader = {
  header(path) {
    const e = entry(path);
    e.header ??= readHeader(path).then((h) => h.header);
    e.header.catch(() => cache.delete(path));
    return e.header;
  },
  probe(path) {
    const e = entry(path);
    e.probe ??= loadTable(path, { maxRows: SAMPLE_ROWS }).then((t) => {
      const types = new Map<string, ColumnProbe>();
      t.info.forEach((c) => types.set(c.name, { type: c.type, evidence: c.evidence }));
      const rows = t.rowNumbers.length;
      const firstDuplicate = (column: string): { value: string; lines: [number, number] } | undefined => {
        const j = t.header.indexOf(column);
        if (j < 0) return undefined;
        const seen = new Map<string, number>();
        const col = t.columns[j];
        for (let i = 0; i < col.length; i++) {
          const v = col[i];
          if (v === null) continue;
          const prev = seen.get(v);
          if (prev !== undefined) return { value: v, lines: [t.rowNumbers[prev], t.rowNumbers[i]] };
          seen.set(v, i);
        }
        return undefined;
      };
      return { header: t.header, rows, complete: rows < SAMPLE_ROWS, types, firstDuplicate };
    });
    e.probe.catch(() => cache.delete(path));
    return e.probe;
  },
};
