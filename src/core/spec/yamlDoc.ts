/** Positions and node look-up on a parsed `yaml` Document (0-based ranges for diagnostics). */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Diagnostic, Range, Severity } from '../diagnostics';

export type YPath = (string | number)[];

export class SpecDoc {
  /** With the text: lines as editors count them (`\r\n`, `\r`, `\n`), positions never past a line's end. */
  private readonly lines: TextLines | undefined;

  constructor(readonly doc: Document, readonly lc: LineCounter, readonly textLength: number, text?: string) {
    this.lines = text !== undefined ? new TextLines(text) : undefined;
  }

  rangeOf(start: number, end: number): Range {
    const s = Math.max(0, Math.min(start, this.textLength));
    const e = Math.max(s, Math.min(end, this.textLength));
    if (this.lines) return { start: this.lines.position(s), end: this.lines.position(e, e > s) };
    const a = this.lc.linePos(s);
    const b = this.lc.linePos(e);
    return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
  }

  nodeRange(node: Node | null | undefined): Range {
    const r = node?.range;
    if (!r) return this.rangeOf(0, 0);
    return this.rangeOf(r[0], r[1]);
  }

  diag(node: Node | null | undefined, severity: Severity, code: string, message: string, hint?: string): Diagnostic {
    const d: Diagnostic = { range: this.nodeRange(node), severity, code, message };
    if (hint) d.hint = hint;
    return d;
  }

  /** Follows aliases (bounded, so alias loops cannot hang). */
  deref(node: unknown): Node | null {
    let cur = node;
    for (let i = 0; i < 32 && isAlias(cur); i++) {
      try { cur = cur.resolve(this.doc); } catch { return null; }
    }
    return cur && !isAlias(cur) && (isMap(cur) || isSeq(cur) || isScalar(cur)) ? (cur as Node) : null;
  }

  /** The key node and the value node at a path (value may be null when absent); undefined when the path is absent. */
  locate(path: YPath): { key?: Node; value: Node | null } | undefined {
    let value: Node | null = this.deref(this.doc.contents);
    let key: Node | undefined;
    for (const seg of path) {
      if (typeof seg === 'number') {
        if (!isSeq(value)) return undefined;
        const item: unknown = value.items[seg];
        if (item === undefined) return undefined;
        value = this.deref(item);
        key = undefined;
      } else {
        if (!isMap(value)) return undefined;
        const pair = value.items.find((p) => isPair(p) && scalarKey(this.deref(p.key)) === seg);
        if (!pair) return undefined;
        key = (this.deref(pair.key) ?? undefined) as Node | undefined;
        value = this.deref(pair.value);
      }
    }
    return { key, value };
  }

  /** The node to underline for a value at `path`: the value, or its key when the value is empty. */
  valueNode(path: YPath): Node | null {
    const l = this.locate(path);
    if (!l) return null;
    if (l.value && !(isScalar(l.value) && l.value.value === null && l.key)) return l.value;
    return l.key ?? l.value;
  }

  keyNode(path: YPath): Node | null {
    const l = this.locate(path);
    return l ? (l.key ?? l.value) : null;
  }
}

export function scalarKey(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === null ? '' : undefined;
}

export function formatPath(path: YPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(top level)';
}

/**
 * Offsets → 0-based line/character as VS Code counts them. The yaml parser's LineCounter does not count a lone `\r`
 * as a line break and puts ranges on the `\r` of a `\r\n`, so diagnostics after such lines (or after multi-line
 * plain scalars written with them) pointed past the end of their line.
 */
export class TextLines {
  /** Offset where each line starts. */
  private readonly starts: number[] = [0];
  /** Offset where each line's content ends (before its line break). */
  private readonly ends: number[] = [];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.ends.push(i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
    this.ends.push(text.length);
  }

  /**
   * The position of an offset. An offset inside a line break is the end of that line; an end offset at the start of
   * a line (a range that ends with a line break) stays at the end of the previous line.
   */
  position(offset: number, isEnd = false): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    if (isEnd && lo > 0 && offset === this.starts[lo] && offset > 0 && this.ends[lo - 1] < offset) {
      return { line: lo - 1, character: this.ends[lo - 1] - this.starts[lo - 1] };
    }
    return { line: lo, character: Math.min(offset, this.ends[lo]) - this.starts[lo] };
  }
}
