/**
 * Where is the cursor in a (possibly incomplete) YAML document?
 *
 * Pure and VS Code-free so it can be unit-tested. Works on lines and indentation rather than on a full parse,
 * because while the user types the document is usually not valid YAML (`kin` without a colon, an unclosed `[`).
 * Block mappings and sequences (including the compact `key:\n- item` style) are handled across lines; flow
 * collections (`{a: 1, b: [x, y]}`) are handled on the cursor's line.
 */

export type PathSeg = string | number;

export interface CursorContext {
  /**
   * `key`: the cursor is where a mapping key goes; `path` is the path of that mapping.
   * `value`: the cursor is on a scalar value; `path` is the path of that value (ends with its key or sequence index).
   */
  kind: 'key' | 'value';
  path: PathSeg[];
  /** Text already typed before the cursor (without an opening quote). */
  prefix: string;
  /** Character where the prefix starts on the cursor's line (the completion replaces [prefixStart, cursor)). */
  prefixStart: number;
  /** For `key`: keys already present in the same mapping (to avoid suggesting duplicates). */
  existingKeys: string[];
  /** True when the cursor is inside a quoted scalar. */
  quoted?: string;
}

/** One structural element on a line: a sequence dash, a mapping key, or a scalar. */
interface Entry {
  kind: 'seq' | 'key' | 'scalar';
  col: number;
  key?: string;
}

interface LineInfo {
  entries: Entry[];
  /** Column where the value after the last key starts (or -1). */
  valueCol: number;
}

/** Removes a trailing comment (a `#` at line start or after whitespace, outside quotes). */
export function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      // quotes only open a scalar at its start
      const prev = line.slice(0, i).trimEnd();
      if (prev === '' || /[:\-[{,]$/.test(prev)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

const KEY_RE = /^((?:"[^"]*"|'[^']*'|[^\s#'"{[\]},:][^#{}[\],]*?))\s*:(?=\s|$)/;

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.endsWith('"')) || (t[0] === "'" && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}

/** Splits a line into its block-level entries: `  - - key: v` → seq@2, seq@4, key@6. */
function analyzeLine(raw: string): LineInfo | undefined {
  const line = stripComment(raw).replace(/\s+$/, '');
  if (line.trim() === '' || /^\s*(---|\.\.\.)\s*$/.test(line)) return undefined;
  const entries: Entry[] = [];
  let i = line.length - line.trimStart().length;
  for (;;) {
    if (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
      entries.push({ kind: 'seq', col: i });
      i++;
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i >= line.length) return { entries, valueCol: -1 };
      continue;
    }
    break;
  }
  const rest = line.slice(i);
  const m = KEY_RE.exec(rest);
  if (m) {
    entries.push({ kind: 'key', col: i, key: unquote(m[1]) });
    let v = i + m[0].length;
    while (line[v] === ' ' || line[v] === '\t') v++;
    return { entries, valueCol: v };
  }
  entries.push({ kind: 'scalar', col: i });
  return { entries, valueCol: -1 };
}

/** Path of a node that follows the sequence dashes at `seqDashCols` on line `lineNo`. */
function ancestorsPath(lines: string[], lineNo: number, seqDashCols: number[]): PathSeg[] {
  const outer = seqDashCols[0];
  // Count the earlier items of the outermost sequence: lines starting with a dash at the same column.
  let index = 0;
  let k = lineNo - 1;
  for (; k >= 0; k--) {
    const info = analyzeLine(lines[k]);
    if (!info) continue;
    const first = info.entries[0];
    if (first.col > outer) continue;
    if (first.col === outer && first.kind === 'seq') { index++; continue; }
    break;
  }
  // Inner dashes on the same line (`- - x`) start nested sequences: their index is 0.
  const inner = seqDashCols.slice(1).map(() => 0);
  return [...ownerPath(lines, k, outer, true), index, ...inner];
}

/**
 * Walks up from `fromLine` (inclusive) to find the parent of a node at column `threshold`.
 * `seqOwner`: the node is a block sequence at `threshold`, so a key at the same column owns it.
 */
function ownerPath(lines: string[], fromLine: number, threshold: number, seqOwner: boolean): PathSeg[] {
  for (let k = fromLine; k >= 0; k--) {
    const info = analyzeLine(lines[k]);
    if (!info) continue;
    const es = info.entries;
    // Rightmost entry that is a valid parent.
    for (let j = es.length - 1; j >= 0; j--) {
      const e = es[j];
      const isParent = e.kind === 'key' ? (e.col < threshold || (seqOwner && e.col === threshold)) : e.kind === 'seq' && e.col < threshold;
      if (!isParent) continue;
      if (e.kind === 'key') {
        const dashes = es.slice(0, j).filter((x) => x.kind === 'seq').map((x) => x.col);
        const base = dashes.length ? ancestorsPath(lines, k, dashes) : ownerPath(lines, k - 1, e.col, false);
        return [...base, e.key as string];
      }
      // a dash: we are inside a mapping/scalar that is this sequence item
      const dashes = es.slice(0, j + 1).filter((x) => x.kind === 'seq').map((x) => x.col);
      return ancestorsPath(lines, k, dashes);
    }
  }
  return [];
}

/** Keys present in the mapping whose keys sit at column `col`, around line `lineNo`. */
function siblingKeys(lines: string[], lineNo: number, col: number): string[] {
  const keys: string[] = [];
  for (let k = lineNo - 1; k >= 0; k--) {
    const info = analyzeLine(lines[k]);
    if (!info) continue;
    for (const e of info.entries) if (e.kind === 'key' && e.col === col) keys.push(e.key as string);
    if (info.entries[0].col < col) break;
  }
  for (let k = lineNo + 1; k < lines.length; k++) {
    const info = analyzeLine(lines[k]);
    if (!info) continue;
    if (info.entries[0].col < col) break;
    for (const e of info.entries) if (e.kind === 'key' && e.col === col) keys.push(e.key as string);
  }
  return keys;
}

interface FlowFrame { type: 'map' | 'seq'; key?: string; afterColon: boolean; index: number; keys: string[]; itemStart: number }

/** Parses the text of a flow collection up to the cursor; returns the path suffix and context, or undefined if not in one. */
function flowContext(text: string, offset: number): { suffix: PathSeg[]; kind: 'key' | 'value'; prefix: string; prefixStart: number; keys: string[]; quoted?: string } | undefined {
  const stack: FlowFrame[] = [];
  let quote: string | undefined;
  let tokenStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === quote) quote = undefined; continue; }
    if (c === '"' || c === "'") { quote = c; continue; }
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      stack.push({ type: c === '{' ? 'map' : 'seq', afterColon: false, index: 0, keys: [], itemStart: i + 1 });
      tokenStart = i + 1;
    } else if (c === '}' || c === ']') {
      stack.pop();
      tokenStart = i + 1;
    } else if (c === ',' && top) {
      top.index++;
      top.afterColon = false;
      top.key = undefined;
      tokenStart = i + 1;
    } else if (c === ':' && top && top.type === 'map' && (i + 1 === text.length || /\s/.test(text[i + 1]))) {
      top.key = unquote(text.slice(tokenStart, i));
      top.keys.push(top.key);
      top.afterColon = true;
      tokenStart = i + 1;
    }
  }
  if (!stack.length) return undefined;
  const suffix: PathSeg[] = [];
  // Outer frames contribute the key/index that leads to the next frame.
  for (let s = 0; s < stack.length; s++) {
    const f = stack[s];
    const last = s === stack.length - 1;
    if (!last) suffix.push(f.type === 'map' ? (f.key ?? '') : f.index);
  }
  const top = stack[stack.length - 1];
  let p = tokenStart;
  while (p < text.length && /\s/.test(text[p])) p++;
  let quoted: string | undefined;
  if (text[p] === '"' || text[p] === "'") { quoted = text[p]; p++; }
  const prefix = text.slice(p);
  if (top.type === 'seq') return { suffix: [...suffix, top.index], kind: 'value', prefix, prefixStart: offset + p, keys: [], quoted };
  if (top.afterColon && top.key !== undefined) {
    return { suffix: [...suffix, top.key], kind: 'value', prefix, prefixStart: offset + p, keys: [], quoted };
  }
  return { suffix, kind: 'key', prefix, prefixStart: offset + p, keys: top.keys.slice(), quoted };
}

/** The YAML context at a cursor position (0-based line and character). */
export function cursorContext(text: string, line: number, character: number): CursorContext | undefined {
  const lines = text.split(/\r?\n/);
  if (line >= lines.length) return undefined;
  const full = lines[line];
  const before = full.slice(0, character);
  if (stripComment(before) !== before) return undefined; // inside a comment

  // Dashes and key on the cursor's line, up to the cursor.
  let i = before.length - before.trimStart().length;
  const dashes: number[] = [];
  while (before[i] === '-' && (i + 1 === before.length || before[i + 1] === ' ')) {
    dashes.push(i);
    i++;
    while (before[i] === ' ') i++;
  }
  const rest = before.slice(i);
  const m = KEY_RE.exec(rest);
  const parentOf = (col: number): PathSeg[] => (dashes.length ? ancestorsPath(lines, line, dashes) : ownerPath(lines, line - 1, col, false));

  if (m) {
    // value position: `key: <cursor>` (maybe a flow collection)
    const key = unquote(m[1]);
    const keyPath = [...parentOf(i), key];
    let v = i + m[0].length;
    while (before[v] === ' ') v++;
    const valueText = before.slice(v);
    if (valueText.startsWith('{') || valueText.startsWith('[')) {
      const fc = flowContext(valueText, v);
      if (fc) {
        const path = [...keyPath, ...fc.suffix];
        return { kind: fc.kind, path, prefix: fc.prefix, prefixStart: fc.prefixStart, existingKeys: fc.keys, quoted: fc.quoted };
      }
    }
    let quoted: string | undefined;
    if (valueText.startsWith('"') || valueText.startsWith("'")) { quoted = valueText[0]; v++; }
    return { kind: 'value', path: keyPath, prefix: before.slice(v), prefixStart: v, existingKeys: [], quoted };
  }

  // Flow sequence as a sequence item, e.g. `- [a, b`: rare; treat the line start as the node.
  if (rest.startsWith('[') || rest.startsWith('{')) {
    const fc = flowContext(rest, i);
    if (fc) {
      const base = parentOf(i);
      return { kind: fc.kind, path: [...base, ...fc.suffix], prefix: fc.prefix, prefixStart: fc.prefixStart, existingKeys: fc.keys, quoted: fc.quoted };
    }
  }

  // key position (or a scalar sequence item / a block value on its own line): the node starts at column i.
  const col = i;
  const path = parentOf(col);
  let prefixStart = col;
  let quoted: string | undefined;
  if (rest.startsWith('"') || rest.startsWith("'")) { quoted = rest[0]; prefixStart++; }
  const existing = dashes.length ? sameItemKeys(lines, line, col) : siblingKeys(lines, line, col);
  return { kind: 'key', path, prefix: before.slice(prefixStart), prefixStart, existingKeys: existing, quoted };
}

/** Keys of the mapping that starts on this sequence-item line (the following, more-indented lines at `col`). */
function sameItemKeys(lines: string[], lineNo: number, col: number): string[] {
  const keys: string[] = [];
  for (let k = lineNo + 1; k < lines.length; k++) {
    const info = analyzeLine(lines[k]);
    if (!info) continue;
    if (info.entries[0].col < col) break;
    if (info.entries[0].kind === 'key' && info.entries[0].col === col) keys.push(info.entries[0].key as string);
  }
  return keys;
}

/** The word (key or scalar token) around a position: used for hover. Returns [start, end) characters. */
export function wordRangeAt(lineText: string, character: number): { start: number; end: number } | undefined {
  const isWord = (c: string | undefined): boolean => c !== undefined && /[^\s:,[\]{}#"']/.test(c);
  let s = character;
  let e = character;
  while (s > 0 && isWord(lineText[s - 1])) s--;
  while (e < lineText.length && isWord(lineText[e])) e++;
  if (s === e) return undefined;
  // a word may start with a dash only if it's not a sequence marker
  if (lineText[s] === '-' && lineText[s + 1] === undefined) return undefined;
  return { start: s, end: e };
}

/** Describes the token under a position for hover: a key (path ends with it) or a value (path of the value). */
export function tokenAt(text: string, line: number, character: number): { kind: 'key' | 'value'; path: PathSeg[]; word: string; start: number; end: number } | undefined {
  const lines = text.split(/\r?\n/);
  const lt = lines[line];
  if (lt === undefined) return undefined;
  const w = wordRangeAt(lt, character);
  if (!w) return undefined;
  // `- ` sequence dash is not a word
  if (lt.slice(w.start, w.end) === '-') return undefined;
  let end = w.end;
  const ctx = cursorContext(text, line, end);
  if (!ctx) return undefined;
  const word = lt.slice(w.start, w.end);
  const after = lt.slice(end);
  const isKey = ctx.kind === 'key' && /^["']?\s*:(\s|$)/.test(after);
  if (isKey) return { kind: 'key', path: [...ctx.path, word], word, start: w.start, end };
  if (ctx.kind === 'value') {
    // a multi-word scalar: take the whole value from the prefix start
    const valueEnd = stripComment(lt).trimEnd().length;
    if (ctx.prefixStart < w.start && !/[[\]{},]/.test(lt.slice(ctx.prefixStart, valueEnd))) {
      end = valueEnd;
      const v = unquote(lt.slice(ctx.prefixStart - (ctx.quoted ? 1 : 0), end));
      return { kind: 'value', path: ctx.path, word: v, start: ctx.prefixStart, end };
    }
    return { kind: 'value', path: ctx.path, word: unquote(word), start: w.start, end };
  }
  // scalar sequence item: `- temperature`
  if (ctx.kind === 'key') return { kind: 'value', path: ctx.path, word: unquote(word), start: w.start, end };
  return undefined;
}

/** True when `path` matches `pattern`, where `*` matches any sequence index. */
export function pathMatches(path: PathSeg[], pattern: string): boolean {
  const parts = pattern.split('.');
  if (parts.length !== path.length) return false;
  return parts.every((p, i) => (p === '*' ? typeof path[i] === 'number' : p === String(path[i])));
}
