/**
 * The one CSV cell writer for every CSV the engine and the CLI write (predictions.csv, suggestions.csv,
 * acquisition.csv, dropped_rows.csv, `featurize` output): formula-like text is neutralised with `spreadsheetSafe`
 * (a leading `'`), then the cell is quoted per RFC 4180 when it holds a comma, a quote, CR/LF, or leading/trailing
 * spaces. Finite numbers are written as they are; non-finite numbers and null/undefined become empty cells.
 */
import { spreadsheetSafe } from './csvSafe';

export type CsvValue = string | number | null | undefined;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = spreadsheetSafe(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line without the line break. */
export function csvLine(cells: CsvValue[]): string {
  return cells.map(csvCell).join(',');
}

/** One CSV line with `\n`. */
export function csvRow(cells: CsvValue[]): string {
  return csvLine(cells) + '\n';
}

/**
 * CSV text appended straight into a growable UTF-8 byte buffer, for large outputs (`featurize` writes millions of
 * numbers): building one string per chunk made V8 copy long rope strings in every young-generation GC. Cells go
 * through `csvCell` like every other CSV; `text` appends text that is already a valid cell (e.g. a number).
 * The owner writes `bytes.subarray(0, length)` out and calls `clear()`.
 */
export class CsvBytes {
  bytes: Uint8Array;
  length = 0;
  private readonly encoder = new TextEncoder();

  constructor(capacity = 1 << 20) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Appends `s` as UTF-8 (ASCII, as numbers are, byte by byte). */
  text(s: string): void {
    const n = s.length;
    if (this.length + 3 * n > this.bytes.length) this.grow(3 * n);
    const b = this.bytes;
    let p = this.length;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c >= 128) {
        p += this.encoder.encodeInto(s.slice(k), b.subarray(p)).written;
        break;
      }
      b[p++] = c;
    }
    this.length = p;
  }

  /** Appends one cell, escaped and spreadsheet-safe (csvCell). */
  cell(v: CsvValue): void {
    this.text(csvCell(v));
  }

  /** Appends one character given by its code (`,` 44, `\n` 10). */
  char(code: number): void {
    if (this.length + 1 > this.bytes.length) this.grow(1);
    this.bytes[this.length++] = code;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}
