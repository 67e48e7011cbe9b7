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
