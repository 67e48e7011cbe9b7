/**
 * Chemical formula parser: `Li7La3Zr2O12`, `(Al0.5Ga0.5)2O3`, `CuSO4·5H2O`, `K4[Fe(CN)6]`, `Ti1/3Nb2/3`.
 *
 * Grammar (whitespace between groups is ignored, so pymatgen's `Fe2 O3` works):
 *   formula := unit (SEP unit)*           SEP = `·` `•` `∙` `⋅` `*` `+` or `.` (see below)
 *   unit    := [multiplier] group+        e.g. `5H2O`
 *   group   := Element [amount] | ( '(' | '[' | '{' ) group+ matching-close [amount]
 *   amount  := 12 | 0.5 | .5 | 1/3 | 2.5/3
 * A `.` directly after a number is a decimal point (`Al0.5`), except in the hydrate pattern `<int>.<int>H2O`
 * (`CuSO4.5H2O`); a `.` after an element or a bracket is an adduct separator when followed by a digit, a capital
 * letter or a bracket. Unicode subscript digits are accepted; D and T (deuterium, tritium) count as H. Amounts are
 * normalised to atomic fractions.
 */
import { ATOMIC_NUMBER, ELEMENT_SYMBOLS } from './periodic';

export class FormulaError extends Error {
  constructor(
    /** What is wrong, without the formula, e.g. `unknown element "Xy"`. */
    readonly detail: string,
    readonly formula: string,
    /** 1-based character position, 0 when the whole formula is at fault. */
    readonly position: number,
  ) {
    super(
      formula.trim() === '' ? detail : position > 0 ? `${detail} in "${shorten(formula)}" (at ${position})` : `${detail} in "${shorten(formula)}"`,
    );
    this.name = 'FormulaError';
  }
}

/** A long cell is quoted by its start only (a 10,000-character formula must not become a 10,000-character message). */
function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 60)}… (${s.length} characters)` : s;
}

/** Brackets nested deeper than this are a row error (a recursive parser must not overflow the stack). */
export const MAX_FORMULA_DEPTH = 64;

const SEPARATORS = new Set(['·', '•', '∙', '⋅', '*', '+', '.']);
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);
const VARIABLES = new Set(['x', 'y', 'z', 'n', 'δ', 'ε', 'd']);
const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

function isDigit(c: string | undefined): boolean { return c !== undefined && c >= '0' && c <= '9'; }
function isUpper(c: string | undefined): boolean { return c !== undefined && c >= 'A' && c <= 'Z'; }
function isLower(c: string | undefined): boolean { return c !== undefined && ((c >= 'a' && c <= 'z') || c === 'δ' || c === 'ε'); }
function isSpace(c: string | undefined): boolean { return c === ' ' || c === '\t' || c === '\u00a0'; }

/** Parsed amounts per element (not normalised), in order of first appearance. */
export interface FormulaAmounts {
  /** Atomic numbers (1..118). */
  z: number[];
  amount: number[];
}

class Parser {
  i = 0;
  depth = 0;
  readonly s: string;
  constructor(readonly original: string) {
    let t = original;
    if (/[₀-₉]/.test(t)) t = t.replace(/[₀-₉]/g, (c) => String(SUBSCRIPTS.indexOf(c)));
    this.s = t;
  }

  fail(detail: string, at: number): never {
    throw new FormulaError(detail, this.original, at + 1);
  }

  skipSpace(): void {
    while (isSpace(this.s[this.i])) this.i++;
  }

  /** Whether `.` at position p (after a number) starts a hydrate like `.5H2O`. */
  hydrateDot(p: number): boolean {
    return /^\.\d+(H2O|D2O)/.test(this.s.slice(p, p + 12));
  }

  /** Parses a number at the cursor; returns NaN (cursor unchanged) when there is none. `amount`: a number after an
   *  element or bracket, where `4.5H2O` reads as 4 then the hydrate `.5H2O`; a leading multiplier keeps `1.3H2O`. */
  number(amount = true): number {
    const s = this.s;
    const start = this.i;
    let j = this.i;
    if (!isDigit(s[j]) && !(s[j] === '.' && isDigit(s[j + 1]))) return NaN;
    while (isDigit(s[j])) j++;
    if (s[j] === '.' && isDigit(s[j + 1]) && !(amount && this.hydrateDot(j))) {
      j++;
      while (isDigit(s[j])) j++;
    }
    let value = Number(s.slice(start, j));
    if (s[j] === '/') {
      const k0 = j + 1;
      let k = k0;
      while (isDigit(s[k])) k++;
      if (s[k] === '.' && isDigit(s[k + 1])) {
        k++;
        while (isDigit(s[k])) k++;
      }
      const den = Number(s.slice(k0, k));
      if (k === k0 || !(den > 0)) this.badNumber(start);
      value /= den;
      j = k;
    }
    // `1.2.3`, `1..5`, `2/3/4`: a number that keeps going is malformed (but `Fe2.O3`, `O4.5H2O` are separators).
    if ((s[j] === '.' && (isDigit(s[j + 1]) || s[j + 1] === '.') && !(amount && this.hydrateDot(j))) || s[j] === '/') this.badNumber(start);
    this.i = j;
    return value;
  }

  badNumber(start: number): never {
    let k = start;
    while (isDigit(this.s[k]) || this.s[k] === '.' || this.s[k] === '/') k++;
    this.fail(`bad number "${this.original.slice(start, k)}"`, start);
  }

  /** Optional amount after an element or a closing bracket; also catches placeholders such as `1-x`, `x`, `7-δ`. */
  amount(): number {
    const s = this.s;
    const start = this.i;
    const v = this.number();
    const c = s[this.i];
    if ((c === '-' || c === '+') && isLower(s[this.i + 1])) {
      let k = this.i + 1;
      while (isLower(s[k]) || isDigit(s[k])) k++;
      this.fail(`variable amount "${this.original.slice(start, k)}"`, start);
    }
    if (Number.isNaN(v) && VARIABLES.has(c) && !isLower(s[this.i + 1])) this.fail(`variable amount "${c}"`, this.i);
    if (c === '-') this.fail(`unexpected character "-"`, this.i);
    return Number.isNaN(v) ? 1 : v;
  }

  element(zs: number[], amts: number[]): void {
    const s = this.s;
    const start = this.i;
    const c = s[start];
    let sym = c;
    if (isLower(s[start + 1])) {
      const two = c + s[start + 1];
      if (ATOMIC_NUMBER.has(two)) sym = two;
      else if (!ATOMIC_NUMBER.has(c) || !VARIABLES.has(s[start + 1]) || isLower(s[start + 2])) {
        let k = start + 1;
        while (isLower(s[k])) k++;
        this.fail(`unknown element "${this.original.slice(start, k)}"`, start);
      }
    }
    // Deuterium and tritium (D2O, heavy-water optical data) count as hydrogen.
    const z = sym === 'D' || sym === 'T' ? 1 : ATOMIC_NUMBER.get(sym);
    if (z === undefined) this.fail(`unknown element "${sym}"`, start);
    this.i = start + sym.length;
    zs.push(z);
    amts.push(this.amount());
  }

  /** group+ until end, a separator (top level) or the close bracket `close`. */
  groups(close: string | null, openAt: number): { zs: number[]; amts: number[] } {
    const s = this.s;
    const zs: number[] = [];
    const amts: number[] = [];
    for (;;) {
      this.skipSpace();
      const c = s[this.i];
      if (c === undefined) {
        if (close !== null) this.fail(`unclosed "${s[openAt]}"`, openAt);
        break;
      }
      if (isUpper(c)) {
        this.element(zs, amts);
      } else if (c in OPEN) {
        const at = this.i;
        if (++this.depth > MAX_FORMULA_DEPTH) this.fail(`brackets nested deeper than ${MAX_FORMULA_DEPTH} levels`, at);
        this.i++;
        const inner = this.groups(OPEN[c], at);
        if (inner.zs.length === 0) this.fail(`empty group "${c}${OPEN[c]}"`, at);
        this.i++; // the close bracket, checked by the inner call
        this.depth--;
        const m = this.amount();
        for (let k = 0; k < inner.zs.length; k++) {
          zs.push(inner.zs[k]);
          amts.push(inner.amts[k] * m);
        }
      } else if (CLOSE.has(c)) {
        if (close === c) break;
        if (close === null) this.fail(`unmatched "${c}"`, this.i);
        this.fail(`mismatched "${c}" for "${s[openAt]}" opened at ${openAt + 1}`, this.i);
      } else if (SEPARATORS.has(c) && close === null) {
        break;
      } else if (isDigit(c)) {
        const at = this.i;
        this.number();
        this.fail(`amount "${this.original.slice(at, this.i)}" without an element`, at);
      } else if (isLower(c)) {
        let k = this.i;
        while (isLower(s[k])) k++;
        const word = this.original.slice(this.i, k);
        const cap = word[0].toUpperCase() + word.slice(1);
        if (ATOMIC_NUMBER.has(cap)) this.fail(`element symbol "${word}" must start with a capital letter`, this.i);
        if (word.length === 1 && VARIABLES.has(word)) this.fail(`variable amount "${word}"`, this.i);
        this.fail(`unexpected "${word}"`, this.i);
      } else {
        this.fail(`unexpected character "${c}"`, this.i);
      }
    }
    return { zs, amts };
  }

  /** [multiplier] group+ */
  unit(zs: number[], amts: number[]): void {
    this.skipSpace();
    const at = this.i;
    const c = this.s[at];
    if (c === undefined || (SEPARATORS.has(c) && !(c === '.' && isDigit(this.s[at + 1])))) {
      if (at === 0 || c !== undefined) {
        if (c === undefined) this.fail('empty formula', at);
        this.fail(`missing formula before "${c}"`, at);
      }
      this.fail(`missing formula after "${this.s[this.lastSep]}"`, this.lastSep);
    }
    let m = 1;
    if (isDigit(c) || c === '.') {
      m = this.number(false);
      this.skipSpace();
    }
    const g = this.groups(null, -1);
    if (g.zs.length === 0) {
      const end = this.s[this.i];
      if (end === undefined) this.fail(`amount "${this.original.slice(at, this.i).trim()}" without an element`, at);
      this.fail(`missing formula before "${end}"`, this.i);
    }
    for (let k = 0; k < g.zs.length; k++) {
      zs.push(g.zs[k]);
      amts.push(g.amts[k] * m);
    }
  }

  lastSep = 0;

  parse(): FormulaAmounts {
    const s = this.s;
    if (s.trim() === '') throw new FormulaError('empty formula', this.original, 0);
    const zs: number[] = [];
    const amts: number[] = [];
    for (;;) {
      this.unit(zs, amts);
      this.skipSpace();
      if (this.i >= s.length) break;
      const c = s[this.i];
      // The groups loop only stops at end, separators or (already reported) brackets.
      if (c === '.' && !(isDigit(s[this.i + 1]) || isUpper(s[this.i + 1]) || s[this.i + 1] in OPEN || isSpace(s[this.i + 1]))) {
        this.fail(`unexpected character "."`, this.i);
      }
      this.lastSep = this.i;
      this.i++;
    }
    // Combine repeated elements, keeping the order of first appearance.
    const outZ: number[] = [];
    const outA: number[] = [];
    let total = 0;
    for (let k = 0; k < zs.length; k++) {
      const idx = outZ.indexOf(zs[k]);
      if (idx < 0) {
        outZ.push(zs[k]);
        outA.push(amts[k]);
      } else outA[idx] += amts[k];
      total += amts[k];
    }
    if (!(total > 0)) throw new FormulaError('all amounts are zero', this.original, 0);
    if (!Number.isFinite(total)) throw new FormulaError('amount too large', this.original, 0);
    const z: number[] = [];
    const amount: number[] = [];
    for (let k = 0; k < outZ.length; k++) {
      if (outA[k] > 0) {
        z.push(outZ[k]);
        amount.push(outA[k]);
      }
    }
    return { z, amount };
  }
}

/** Amounts per element (atomic numbers), un-normalised. Throws FormulaError. */
export function parseFormulaAmounts(s: string): FormulaAmounts {
  return new Parser(s).parse();
}

/** Atomic fractions per element symbol (sum 1), in order of first appearance. Throws FormulaError. */
export function parseFormula(s: string): Map<string, number> {
  const { z, amount } = parseFormulaAmounts(s);
  let total = 0;
  for (const a of amount) total += a;
  const out = new Map<string, number>();
  for (let k = 0; k < z.length; k++) out.set(ELEMENT_SYMBOLS[z[k] - 1], amount[k] / total);
  return out;
}

/** True when `s` parses as a formula (no exception escapes). */
export function isFormula(s: string): boolean {
  try {
    parseFormulaAmounts(s);
    return true;
  } catch {
    return false;
  }
}
