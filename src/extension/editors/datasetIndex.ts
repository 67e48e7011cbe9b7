/**
 * In-memory model behind the dataset viewer: the file's bytes, a record-offset index built in chunks that yield to the
 * event loop (so a 100 MB / 1M-row file never blocks the extension host), pages of parsed rows on demand, and column
 * summaries/histograms/scatter samples computed on an evenly spaced sample for big files.
 * No `vscode` import: unit-tested directly.
 */
import type { DatasetColumnSummary } from '../../protocol/webview';
import { parseCsv, sniffDelimiter } from '../../runview/csv';

const NL = 0x0a;
const QUOTE = 0x22;
const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface IndexProgress {
  rows: number;
  bytesScanned: number;
  done: boolean;
}

export class DatasetIndex {
  /** starts[k] = byte offset of record k (record 0 = header); starts[count] = end of data. */
  private starts = new Float64Array(1024);
  private count = 0;
  private done = false;
  readonly header: string[];
  readonly delimiter: string;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    readonly bytes: Uint8Array,
    fileName: string,
  ) {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let end = bytes.indexOf(NL, bom);
    if (end < 0) end = bytes.length;
    const headerLine = this.decoder.decode(bytes.subarray(bom, end)).replace(/\r$/, '');
    this.delimiter = sniffDelimiter(headerLine, fileName);
    this.header = parseCsv(headerLine, this.delimiter)[0] ?? [];
    this.starts[0] = bom;
  }

  /** Data rows known so far (header excluded). */
  get rows(): number {
    return Math.max(0, this.count - 1);
  }

  get complete(): boolean {
    return this.done;
  }

  private push(offset: number): void {
    if (this.count + 1 >= this.starts.length) {
      const next = new Float64Array(this.starts.length * 2);
      next.set(this.starts);
      this.starts = next;
    }
    this.starts[++this.count] = offset;
  }

  /** Scans the bytes for record boundaries (line breaks outside quotes), yielding every `chunk` bytes. */
  async build(onProgress?: (p: IndexProgress) => void, opts: { chunk?: number; signal?: { cancelled: boolean } } = {}): Promise<void> {
    const b = this.bytes;
    const chunk = opts.chunk ?? 1024 * 1024;
    let inQuotes = false;
    let pos = this.starts[0];
    this.count = 0;
    while (pos < b.length) {
      const stop = Math.min(b.length, pos + chunk);
      for (let i = pos; i < stop; i++) {
        const c = b[i];
        if (c === QUOTE) inQuotes = !inQuotes;
        else if (c === NL && !inQuotes) this.push(i + 1);
      }
      pos = stop;
      onProgress?.({ rows: this.rows, bytesScanned: pos, done: false });
      if (opts.signal?.cancelled) return;
      if (pos < b.length) await yieldNow();
    }
    // last record without a trailing newline
    if (this.starts[this.count] < b.length) this.push(b.length);
    // drop trailing blank records
    while (this.count > 0 && this.isBlank(this.count - 1)) this.count--;
    this.done = true;
    onProgress?.({ rows: this.rows, bytesScanned: b.length, done: true });
  }

  private isBlank(k: number): boolean {
    for (let i = this.starts[k]; i < this.starts[k + 1]; i++) if (this.bytes[i] !== NL && this.bytes[i] !== 0x0d && this.bytes[i] !== 0x20) return false;
    return true;
  }

  /** Row order of the table view (sorted and/or filtered), or undefined for the file's order. */
  private order?: Int32Array;

  /** Rows in the current view (after the filter). */
  get viewRows(): number {
    return this.order ? this.order.length : this.rows;
  }

  /**
   * Sorts by a column (numbers numerically, missing last; text by locale) and/or keeps the rows whose text contains
   * `filter` (case-insensitive, any cell). Returns the number of rows in the view. Yields between blocks.
   */
  async setView(opts: { column?: number; desc?: boolean; filter?: string }): Promise<number> {
    const filter = (opts.filter ?? '').trim().toLowerCase();
    if (opts.column === undefined && !filter) {
      this.order = undefined;
      return this.rows;
    }
    let keep: number[] = [];
    if (filter) {
      for (let i = 0; i < this.rows; i++) {
        const text = this.decoder.decode(this.bytes.subarray(this.starts[i + 1], this.starts[i + 2])).toLowerCase();
        if (text.includes(filter)) keep.push(i);
        if (i % 20000 === 19999) await yieldNow();
      }
    } else keep = Array.from({ length: this.rows }, (_, i) => i);
    if (opts.column !== undefined) {
      const j = opts.column;
      const keys: string[] = new Array(keep.length);
      for (let k = 0; k < keep.length; k += 2000) {
        const block = keep.slice(k, k + 2000);
        const contiguous = block.length > 1 && block[block.length - 1] - block[0] === block.length - 1;
        const rows = contiguous ? this.page(block[0], block.length) : block.map((i) => this.row(i));
        rows.forEach((r, q) => (keys[k + q] = (r[j] ?? '').trim()));
        await yieldNow();
      }
      const nums = keys.map((v) => (v === '' ? NaN : Number(v)));
      const numeric = nums.filter(Number.isFinite).length >= 0.95 * keys.filter((v) => v !== '').length;
      const dir = opts.desc ? -1 : 1;
      const pos = keep.map((_, q) => q);
      pos.sort((a, b) => {
        if (numeric) {
          const x = nums[a];
          const y = nums[b];
          if (!Number.isFinite(x) || !Number.isFinite(y)) return Number.isFinite(x) ? -1 : Number.isFinite(y) ? 1 : a - b;
          return (x - y) * dir || a - b;
        }
        return keys[a].localeCompare(keys[b]) * dir || a - b;
      });
      keep = pos.map((q) => keep[q]);
    }
    this.order = Int32Array.from(keep);
    return keep.length;
  }

  /** Rows [start, start+count) of the current view with their data-row indices (0-based). */
  viewPage(start: number, count: number): { rows: string[][]; index: number[] } {
    if (!this.order) {
      const rows = this.page(start, count);
      return { rows, index: rows.map((_, k) => start + k) };
    }
    const index = Array.from(this.order.subarray(Math.max(0, start), Math.max(0, start + count)));
    return { rows: index.map((i) => this.row(i)), index };
  }

  /** Parsed data rows [start, start+count) (0-based, header excluded), clipped to what is indexed. */
  page(start: number, count: number): string[][] {
    const s = Math.max(0, Math.floor(start));
    const e = Math.min(this.rows, s + Math.max(0, Math.floor(count)));
    if (e <= s) return [];
    const text = this.decoder.decode(this.bytes.subarray(this.starts[s + 1], this.starts[e + 1]));
    const rows = parseCsv(text, this.delimiter);
    return rows.slice(0, e - s);
  }

  row(i: number): string[] {
    return this.page(i, 1)[0] ?? [];
  }

  /** Evenly spaced row indices, at most `max` (all rows when there are fewer). */
  sampleIndices(max: number): number[] {
    const n = this.rows;
    if (n <= max) return Array.from({ length: n }, (_, i) => i);
    const step = n / max;
    return Array.from({ length: max }, (_, k) => Math.floor(k * step));
  }

  /** Column summaries on up to `maxSample` rows (sampled evenly for big files), yielding between blocks. */
  async summarize(maxSample = 50000, bins = 30): Promise<{ columns: DatasetColumnSummary[]; sampled: boolean; sampleRows: number }> {
    const idx = this.sampleIndices(maxSample);
    const ncol = this.header.length;
    const values: number[][] = Array.from({ length: ncol }, () => []);
    const missing = new Array<number>(ncol).fill(0);
    const nonNumeric = new Array<number>(ncol).fill(0);
    const distinct: Set<string>[] = Array.from({ length: ncol }, () => new Set());
    const contiguous = idx.length === this.rows;
    for (let k = 0; k < idx.length; k += 1000) {
      const block = contiguous ? this.page(k, Math.min(1000, idx.length - k)) : idx.slice(k, k + 1000).map((i) => this.row(i));
      for (const r of block) {
        for (let j = 0; j < ncol; j++) {
          const v = (r[j] ?? '').trim();
          if (v === '' || /^(na|nan|null|none|n\/a|-)$/i.test(v)) {
            missing[j]++;
            continue;
          }
          if (distinct[j].size < 1000) distinct[j].add(v);
          const x = Number(v);
          if (Number.isFinite(x)) values[j].push(x);
          else nonNumeric[j]++;
        }
      }
      await yieldNow();
    }
    const columns: DatasetColumnSummary[] = this.header.map((name, j) => {
      const vals = values[j];
      const present = vals.length + nonNumeric[j];
      const base = { name, missing: missing[j], count: present, distinct: distinct[j].size };
      if (!present) return { ...base, type: 'empty' as const };
      if (nonNumeric[j] > 0.05 * present || !vals.length) return { ...base, type: 'text' as const };
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const x of vals) {
        if (x < min) min = x;
        if (x > max) max = x;
        sum += x;
      }
      const mean = sum / vals.length;
      const std = vals.length > 1 ? Math.sqrt(vals.reduce((a, x) => a + (x - mean) ** 2, 0) / (vals.length - 1)) : 0;
      const sorted = Float64Array.from(vals).sort();
      const q = (p: number): number => {
        const pos = (sorted.length - 1) * p;
        const lo = Math.floor(pos);
        return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
      };
      return { ...base, type: 'numeric' as const, min, max, mean, std, q1: q(0.25), median: q(0.5), q3: q(0.75), histogram: histogram(vals, min, max, bins) };
    });
    return { columns, sampled: idx.length < this.rows, sampleRows: idx.length };
  }

  /** Up to `max` numeric (x, y) pairs of two columns, evenly sampled. */
  scatter(x: number, y: number, max: number): { x: number[]; y: number[]; rows: number[]; sampled: boolean; total: number } {
    const idx = this.sampleIndices(max);
    const xs: number[] = [];
    const ys: number[] = [];
    const rowIdx: number[] = [];
    const rows = idx.length === this.rows ? this.page(0, idx.length) : idx.map((i) => this.row(i));
    rows.forEach((r, k) => {
      const a = Number(r[x]);
      const b = Number(r[y]);
      if (r[x]?.trim() && r[y]?.trim() && Number.isFinite(a) && Number.isFinite(b)) {
        xs.push(a);
        ys.push(b);
        rowIdx.push(idx[k]);
      }
    });
    return { x: xs, y: ys, rows: rowIdx, sampled: idx.length < this.rows, total: this.rows };
  }
}

export function histogram(vals: number[], min: number, max: number, bins: number): { edges: number[]; counts: number[] } {
  const nb = min === max ? 1 : bins;
  const width = (max - min) / nb || 1;
  const edges = Array.from({ length: nb + 1 }, (_, i) => min + i * width);
  const counts = new Array<number>(nb).fill(0);
  for (const v of vals) counts[Math.min(nb - 1, Math.floor((v - min) / width))]++;
  return { edges, counts };
}
