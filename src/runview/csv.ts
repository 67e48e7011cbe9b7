/**
 * The one CSV reader of the views (run-folder builder, dataset viewer, pending-row append): csv-parse's browser build
 * (no Node APIs, so the webview may bundle it too), plus the writer every view-side CSV goes through — each cell passes
 * `spreadsheetSafe` (formula injection) and is quoted when it holds the delimiter, a quote or a line break.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { spreadsheetSafe } from '../core/data/csvSafe';
import type { CsvTable } from '../protocol/webview';

/** Records of a CSV text (RFC 4180: quotes, "" escapes, CRLF/LF, multi-line fields, BOM); blank lines skipped. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  if (!text) return [];
  return parse(text, { delimiter, record_delimiter: ['\r\n', '\n', '\r'], bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
}

/** Quotes a cell when it contains the delimiter, a quote or a line break (no formula guard: see `safeCell`). */
export function csvCell(value: string, delimiter = ','): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A cell as written by the product: formula-injection guard, then quoting. */
export function safeCell(value: string, delimiter = ','): string {
  return csvCell(spreadsheetSafe(value), delimiter);
}

/** CSV text of a table; every cell passes `spreadsheetSafe`. */
export function toCsv(header: string[], rows: string[][], delimiter = ',', eol = '\n'): string {
  return [header, ...rows].map((r) => r.map((c) => safeCell(c, delimiter)).join(delimiter)).join(eol) + eol;
}

/** Guesses the delimiter of a header line: tab, semicolon, pipe or comma (most frequent outside quotes). */
export function sniffDelimiter(headerLine: string, fileName = ''): string {
  if (/\.tsv$/i.test(fileName)) return '\t';
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  const counts = ['\t', ';', '|', ','].map((d) => [d, unquoted.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

/** Header + rows (at most `maxRows` kept; `totalRows` counts all). */
export function csvTable(text: string, maxRows = Infinity, delimiter = ','): CsvTable {
  const all = parseCsv(text, delimiter);
  const header = all[0] ?? [];
  const body = all.slice(1);
  return { header, rows: body.length > maxRows ? body.slice(0, maxRows) : body, totalRows: body.length };
}
