/**
 * "Append to dataset as pending rows": the exact bytes appended to a dataset for chosen suggestions, written in the
 * file's own dialect — line ending (LF / CRLF / CR), delimiter (`,` `;` tab `|`), decimal separator (`,` when the
 * file writes its numbers that way) and encoding (UTF-8 with or without BOM, UTF-16LE/BE with BOM, otherwise Latin-1
 * for bytes that are not UTF-8). Every cell passes `spreadsheetSafe`. The host writes `before + appended` atomically.
 */
import type { CsvTable } from '../protocol/webview';
import { parseCsv, safeCell, sniffDelimiter } from './csv';

export type DatasetEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'latin1';

export interface CsvDialect {
  encoding: DatasetEncoding;
  eol: '\n' | '\r\n' | '\r';
  delimiter: string;
  decimal: '.' | ',';
  /** The file does not end with a line break (the appended text starts with one). */
  needsNewline: boolean;
}

export function decodeDataset(bytes: Uint8Array): { text: string; encoding: DatasetEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
  }
}

export function encodeAs(text: string, encoding: DatasetEncoding): Uint8Array {
  if (encoding === 'utf8' || encoding === 'utf8-bom') return new TextEncoder().encode(text);
  if (encoding === 'latin1') return Uint8Array.from(text, (c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f));
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (encoding === 'utf16le') {
      out[2 * i] = u & 255;
      out[2 * i + 1] = u >> 8;
    } else {
      out[2 * i] = u >> 8;
      out[2 * i + 1] = u & 255;
    }
  }
  return out;
}

const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DECIMAL_POINT = /^[+-]?\d*\.\d+([eE][+-]?\d+)?$/;

/** The dialect of a decoded dataset text. */
export function detectDialect(text: string, encoding: DatasetEncoding, fileName = ''): CsvDialect {
  const firstBreak = text.search(/\r\n|\n|\r/);
  const eol = firstBreak < 0 ? '\n' : text.startsWith('\r\n', firstBreak) ? '\r\n' : text[firstBreak] === '\r' ? '\r' : '\n';
  const headerLine = firstBreak < 0 ? text : text.slice(0, firstBreak);
  const delimiter = sniffDelimiter(headerLine, fileName);
  let decimal: '.' | ',' = '.';
  if (delimiter !== ',') {
    const sample = parseCsv(text.slice(0, 200_000).replace(/[^\r\n]*$/, ''), delimiter).slice(1, 500);
    let comma = 0;
    let point = 0;
    for (const r of sample) for (const c of r) {
      if (DECIMAL_COMMA.test(c.trim())) comma++;
      else if (DECIMAL_POINT.test(c.trim())) point++;
    }
    if (comma > point) decimal = ',';
  }
  return { encoding, eol, delimiter, decimal, needsNewline: text.length > 0 && !/[\r\n]$/.test(text) };
}

export interface PendingRowsPlan {
  /** The exact text appended to the dataset file (before encoding). */
  text: string;
  rows: string[][];
  /** Dataset columns that get a value from the suggestion (the rest stay empty). */
  filled: string[];
  dialect: CsvDialect;
}

/**
 * Rows appended for suggested candidates: each dataset column takes the suggestion's value of the same name (the
 * spec's id column takes the candidate id); targets and other columns stay empty (pending measurement).
 */
export function planPendingRows(opts: { datasetHeader: string[]; dialect: CsvDialect; suggestions: CsvTable; ranks: number[]; idColumn?: string }): PendingRowsPlan {
  const { datasetHeader, dialect, suggestions } = opts;
  const sIdx = new Map(suggestions.header.map((h, i) => [h, i] as const));
  const rankCol = sIdx.get('rank');
  const idCol = sIdx.get('id');
  const chosen = suggestions.rows.filter((r, i) => opts.ranks.includes(rankCol !== undefined ? Number(r[rankCol]) : i + 1));
  const filled = datasetHeader.filter((h) => (sIdx.has(h) && h !== 'rank') || (h === opts.idColumn && idCol !== undefined));
  const localNumber = (c: string): string => (dialect.decimal === ',' && DECIMAL_POINT.test(c) && !/[eE]/.test(c) ? c.replace('.', ',') : c);
  const rows = chosen.map((r) =>
    datasetHeader.map((h) => {
      if (h === opts.idColumn && idCol !== undefined && !(sIdx.has(h) && h !== 'id')) return r[idCol] ?? '';
      const j = sIdx.get(h);
      return j !== undefined && h !== 'rank' ? localNumber(r[j] ?? '') : '';
    }),
  );
  const lines = rows.map((r) => r.map((c) => safeCell(c, dialect.delimiter)).join(dialect.delimiter));
  const text = (dialect.needsNewline && lines.length ? dialect.eol : '') + lines.map((l) => l + dialect.eol).join('');
  return { text, rows, filled, dialect };
}

/** Plans the append on the dataset's bytes: header, dialect, the appended text and the complete new content. */
export function planAppend(bytes: Uint8Array, fileName: string, suggestions: CsvTable, ranks: number[], idColumn?: string): PendingRowsPlan & { header: string[]; bytes: Uint8Array } {
  const { text, encoding } = decodeDataset(bytes);
  const dialect = detectDialect(text, encoding, fileName);
  const firstBreak = text.search(/\r\n|\n|\r/);
  const header = parseCsv(firstBreak < 0 ? text : text.slice(0, firstBreak), dialect.delimiter)[0] ?? [];
  const plan = planPendingRows({ datasetHeader: header, dialect, suggestions, ranks, idColumn: idColumn ?? (header.includes('id') ? 'id' : undefined) });
  const add = encodeAs(plan.text, encoding);
  const out = new Uint8Array(bytes.length + add.length);
  out.set(bytes);
  out.set(add, bytes.length);
  return { ...plan, header, bytes: out };
}
