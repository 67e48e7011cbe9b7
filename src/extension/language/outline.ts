/**
 * Outline (document symbols) of a spec: sections, their keys, and list items named by what they refer to
 * (`inputs[0]: formula (composition)`). Feeds the Outline view and breadcrumbs. VS Code-free.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export interface Span { startLine: number; startChar: number; endLine: number; endChar: number }
export interface SymbolData {
  name: string;
  detail?: string;
  kind: 'section' | 'key' | 'item';
  range: Span;
  selection: Span;
  children: SymbolData[];
}

function span(lc: LineCounter, start: number, end: number): Span {
  const a = lc.linePos(start);
  const b = lc.linePos(Math.max(start, end));
  return { startLine: a.line - 1, startChar: a.col - 1, endLine: b.line - 1, endChar: b.col - 1 };
}

function scalarText(n: unknown): string | undefined {
  if (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number' || typeof n.value === 'boolean')) return String(n.value);
  return undefined;
}

/** A short label for a list item: its column(s) and kind, or its first scalar value. */
function itemLabel(n: Node | null): { name?: string; detail?: string } {
  if (isMap(n)) {
    const get = (k: string): unknown => n.get(k, true);
    const col = scalarText(get('column'));
    const cols = get('columns');
    const kind = scalarText(get('kind'));
    const goal = get('goal');
    const name = col ?? (isSeq(cols) ? cols.items.map(scalarText).filter(Boolean).join(', ') : undefined)
      ?? scalarText(get('name')) ?? scalarText(get('path'));
    const detail = kind ?? scalarText(goal) ?? (isMap(goal) ? `target ${scalarText(goal.get('target', true)) ?? ''}`.trim() : undefined);
    return { name, detail };
  }
  return { name: scalarText(n) };
}

function walk(node: Node | null, lc: LineCounter, depth: number): SymbolData[] {
  const out: SymbolData[] = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
      const key = String(pair.key.value);
      const value = pair.value as Node | null;
      const end = value && 'range' in value && value.range ? value.range[1] : pair.key.range[1];
      const children = depth < 4 ? walk(value, lc, depth + 1) : [];
      const detail = scalarText(value);
      out.push({
        name: key,
        detail,
        kind: depth === 0 ? 'section' : 'key',
        range: span(lc, pair.key.range[0], end),
        selection: span(lc, pair.key.range[0], pair.key.range[1]),
        children,
      });
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const n = item as Node | null;
      if (!n || !('range' in n) || !n.range) return;
      const { name, detail } = itemLabel(n);
      out.push({
        name: name ? `[${i}] ${name}` : `[${i}]`,
        detail,
        kind: 'item',
        range: span(lc, n.range[0], n.range[1]),
        selection: span(lc, n.range[0], n.range[0]),
        children: depth < 4 && isMap(n) ? walk(n, lc, depth + 1) : [],
      });
    });
  }
  return out;
}

export function outline(text: string): SymbolData[] {
  try {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
    return walk(doc.contents as Node | null, lc, 0);
  } catch {
    return [];
  }
}
