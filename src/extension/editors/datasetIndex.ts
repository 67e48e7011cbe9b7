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
      return { ...base, type: 'numeric' as const, min, max, mean: sum / vals.length, histogram: histogram(vals, min, max, bins) };
    });
    return { columns, sampled: idx.length < this.rows, sampleRows: idx.length };
  }

  /** Up to `max` numeric (x, y) pairs of two columns, evenly sampled. */
  scatter(x: number, y: number, max: number): { x: number[]; y: number[]; sampled: boolean; total: number } {
    const idx = this.sampleIndices(max);
    const xs: number[] = [];
    const ys: number[] = [];
    const rows = idx.length === this.rows ? this.page(0, idx.length) : idx.map((i) => this.row(i));
    for (const r of rows) {
      const a = Number(r[x]);
      const b = Number(r[y]);
      if (r[x]?.trim() && r[y]?.trim() && Number.isFinite(a) && Number.isFinite(b)) {
        xs.push(a);
        ys.push(b);
      }
    }
    return { x: xs, y: ys, sampled: idx.length < this.rows, total: this.rows };
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
