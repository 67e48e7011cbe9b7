/**
 * Column type inference: numeric, composition (chemical formulas), smiles, categorical, text, empty.
 * Every decision comes with a human-readable evidence string shown in the dataset view and hovers.
 */
import type { ColumnType } from './types';
import { parseFormulaAmounts } from '../features/formula';
import { ATOMIC_NUMBER } from '../features/periodic';

/** Cells treated as missing (after trimming). */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '', 'NA', 'N/A', 'n/a', 'na', 'NaN', 'nan', 'NAN', 'null', 'NULL', 'Null', '-', '#N/A',
]);

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Strict decimal number (no hex, no "Infinity", no empty string); NaN when the text is not a number. */
export function parseNumber(s: string): number {
  // Fast path: Number() accepts things we do not want (" ", "0x1f", "Infinity"), so gate it with a cheap check.
  const n = Number(s);
  if (Number.isNaN(n) || !Number.isFinite(n)) return NaN;
  if (s.length === 0 || !NUMBER_RE.test(s)) return NaN;
  return n;
}

const SMILES_CHARS = /^[A-Za-z0-9@+\-[\]()=#$%:/\\.*]+$/;
/** Bonds, stereo, ring-bond numbers above 9, polymer attachment points: never in formulas. */
const SMILES_ONLY = /[=#@/\\*$%]/;
/** A SMILES bracket atom: [Na+], [nH], [C@@H], [13CH3], [O-]. (Formula brackets hold several elements.) */
const BRACKET_ATOM = /\[\d*[A-Za-z][a-z]?@*(?:H\d?)?(?:[+-]+\d*)?(?::\d+)?\]/;
const ORGANIC = new Set(['B', 'C', 'N', 'O', 'P', 'S', 'F', 'Cl', 'Br', 'I']);
const AROMATIC = new Set(['b', 'c', 'n', 'o', 'p', 's']);

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? s.slice(0, 37) + '...' : s);
}

/** Does the text look like a SMILES string rather than a formula or a word? (Cheap syntax heuristics, no RDKit.) */
export function looksLikeSmiles(s: string): boolean {
  if (!SMILES_CHARS.test(s) || /^\d/.test(s)) return false;
  // Outside [...] only the organic subset (B C N O P S F Cl Br I, aromatic b c n o p s) and * may appear:
  // rules out DOIs, URLs, words and inorganic formulas such as NaCl.
  if (/[A-Za-z]/.test(s.replace(/\[[^\]]*\]/g, '').replace(/Cl|Br|[BCNOPSFI]|[bcnops]/g, ''))) return false;
  if (SMILES_ONLY.test(s) || BRACKET_ATOM.test(s)) return true;
  const atoms: string[] = [];
  let organicOnly = true;
  let repeated = false;
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c >= 'A' && c <= 'Z') {
      const two = c + (s[k + 1] ?? '');
      const sym = /[a-z]/.test(s[k + 1] ?? '') && (ORGANIC.has(two) || ATOMIC_NUMBER.has(two)) ? two : c;
      k += sym.length - 1;
      if (!ORGANIC.has(sym)) organicOnly = false;
      if (atoms.length > 0 && atoms[atoms.length - 1] === sym) repeated = true;
      atoms.push(sym);
    } else if (c >= 'a' && c <= 'z') {
      // a lowercase atom not glued to a capital is aromatic: it sits in a ring, so a ring-closure digit opens and
      // closes (appears twice); "s12" or "sample1" are ids, not SMILES
      return AROMATIC.has(c) && reusedDigit(s);
    } else if (c >= '0' && c <= '9') {
      atoms.push(c);
    }
  }
  if (!organicOnly) return false;
  return repeated || reusedDigit(s);
}

function reusedDigit(s: string): boolean {
  const digits = s.replace(/[^0-9]/g, '');
  for (let i = 1; i < digits.length; i++) if (digits.lastIndexOf(digits[i], i - 1) >= 0) return true;
  return false;
}

function isFormulaLike(s: string): boolean {
  try {
    parseFormulaAmounts(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Infers the type of one column from its cells (null = missing). Numeric wins when ≥ 80% of non-missing cells are
 * numbers and the rest are at most max(5, 5%) cells; then SMILES (≥ 90% SMILES-like and more SMILES markers than
 * formula evidence), composition (≥ 60% parse
 * as formulas and at least one has two elements or an amount), categorical (few distinct values), text otherwise.
 */
export function inferColumnType(values: (string | null)[]): { type: ColumnType; evidence: string } {
  let n = 0;
  let numeric = 0;
  let firstNonNumeric: string | undefined;
  const distinct = new Map<string, number>();
  for (const v of values) {
    if (v === null) continue;
    n++;
    if (!Number.isNaN(parseNumber(v))) numeric++;
    else if (firstNonNumeric === undefined) firstNonNumeric = v;
    if (distinct.size <= 5000) distinct.set(v, (distinct.get(v) ?? 0) + 1);
  }
  if (n === 0) return { type: 'empty', evidence: `all ${values.length} values are missing` };
  if (numeric === n) return { type: 'numeric', evidence: `${numeric}/${n} values parse as numbers` };
  // A few stray cells ("n.d.", "<0.1", a typo) keep a column numeric so that they are reported row by row
  // instead of turning the whole column into text: ≥ 80% numbers and at most max(5, 5%) other cells.
  if (numeric >= 0.8 * n && n - numeric <= Math.max(5, 0.05 * n)) {
    return { type: 'numeric', evidence: `${numeric}/${n} values parse as numbers (not: ${quote(firstNonNumeric ?? '')})` };
  }
  // Structural checks on a sample of distinct values (bounded cost on large files).
  const sample: string[] = [];
  for (const k of distinct.keys()) {
    if (sample.length >= 500) break;
    if (Number.isNaN(parseNumber(k))) sample.push(k);
  }
  let smiles = 0;
  let smilesExample: string | undefined;
  let formulas = 0;
  let formulaStrong = 0;
  let formulaExample: string | undefined;
  let formulaFail: string | undefined;
  for (const s of sample) {
    const sm = looksLikeSmiles(s);
    if (sm) {
      smiles++;
      smilesExample ??= s;
    }
    if (isFormulaLike(s)) {
      formulas++;
      if (!sm && (/\d|[·([{]/.test(s) || /[A-Z][a-z]?[A-Z]/.test(s))) {
        formulaStrong++;
        formulaExample ??= s;
      }
    } else if (!sm) formulaFail ??= s;
  }
  const m = sample.length;
  if (m > 0 && smiles >= 0.9 * m) {
    return { type: 'smiles', evidence: `${smiles}/${m} distinct values look like SMILES (e.g. ${quote(smilesExample ?? '')})` };
  }
  if (m > 0 && formulas >= 0.6 * m && formulaStrong > 0 && formulaStrong >= smiles) {
    const not = formulaFail !== undefined ? `; not: ${quote(formulaFail)}` : '';
    return {
      type: 'composition',
      evidence: `${formulas}/${m} distinct values parse as chemical formulas (e.g. ${quote(formulaExample ?? '')}${not})`,
    };
  }
  const d = distinct.size;
  if (d <= Math.max(2, Math.min(50, 0.5 * n)) && d < 5000) {
    const top = [...distinct.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k]) => quote(k)).join(', ');
    return { type: 'categorical', evidence: `${d} distinct values in ${n} rows (${top}${d > 3 ? ', ...' : ''})` };
  }
  return { type: 'text', evidence: `${d >= 5000 ? '5000+' : d} distinct values in ${n} rows, not numbers, formulas or SMILES` };
}
