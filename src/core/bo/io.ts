/** File output helpers for BO: RFC 4180 CSV cells and atomic writes (temp file + rename). */
import { promises as fsp } from 'node:fs';
import { spreadsheetSafe } from '../data/csvSafe';

let counter = 0;

export function tmpName(path: string): string {
  return `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${++counter}`;
}

/** Temp file + rename: the run engine's writer (one implementation for every run-folder file). */
export { writeFileAtomic as writeAtomic } from '../run/files';

/** Quoted when the cell holds a delimiter, a quote, CR/LF, or leading/trailing spaces. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const c = spreadsheetSafe(v);
  return /[",\r\n]|^\s|\s$/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
}

export function csvRow(cells: (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\n';
}

/** Streams many CSV lines into a temp file and renames it at the end. */
export class AtomicCsvWriter {
  private readonly tmp: string;
  private buf: string[] = [];
  private size = 0;
  private handle: fsp.FileHandle | undefined;
  constructor(private readonly path: string) {
    this.tmp = tmpName(path);
  }
  async open(): Promise<void> {
    this.handle = await fsp.open(this.tmp, 'w');
  }
  async row(cells: (string | number | null | undefined)[]): Promise<void> {
    const line = csvRow(cells);
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    if (!this.handle) await this.open();
    await this.handle!.write(this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  async close(): Promise<void> {
    await this.flush();
    await this.handle!.close();
    await fsp.rename(this.tmp, this.path);
  }
}

/** Shortest round-trippable-enough formatting for output numbers (keeps files compact). */
export function num(v: number, digits = 8): number {
  if (!Number.isFinite(v)) return NaN;
  return Number(v.toPrecision(digits));
}
