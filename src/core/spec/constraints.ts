/**
 * Linear constraints of a design space, e.g. `"Ni + Fe <= 0.8"`, `"2*x - y >= 0"`, `"0.5 Co + Cr < 1"`.
 * Grammar: expr op expr, where expr is a sum of terms `[number [*]] name` or numbers, op is <=, >=, < or >
 * (equalities are rejected: use two inequalities or the composition sum). Names are identifiers (letters, digits,
 * `_`, `.`). The result is normalised to `sum(coefficients[name] * name) op rhs`, with < and > read as <= and >=.
 * Accepts the same language as the optimiser's parser in src/core/bo/space.ts.
 */
import { ownGet, ownSet } from '../own';

export interface LinearConstraint {
  coefficients: Record<string, number>;
  op: '<=' | '>=';
  rhs: number;
  /** The original text. */
  text: string;
}

export type ConstraintParse = { ok: true; constraint: LinearConstraint } | { ok: false; error: string; offset: number };

type Tok = { t: 'num'; v: number; o: number } | { t: 'name'; v: string; o: number } | { t: 'op'; v: string; o: number };

function tokenize(s: string): Tok[] | { error: string; offset: number } {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(s.slice(i));
    if (num) { toks.push({ t: 'num', v: Number(num[0]), o: i }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(s.slice(i));
    if (id) { toks.push({ t: 'name', v: id[0], o: i }); i += id[0].length; continue; }
    const op = /^(<=|>=|==|<|>|=|\+|-|\*)/.exec(s.slice(i));
    if (op) { toks.push({ t: 'op', v: op[0], o: i }); i += op[0].length; continue; }
    return { error: `unexpected character "${c}"`, offset: i };
  }
  return toks;
}

export function parseLinearConstraint(text: string): ConstraintParse {
  const toks = tokenize(text);
  if (!Array.isArray(toks)) return { ok: false, ...toks };
  const coefficients: Record<string, number> = {};
  // own properties only: a variable may be called `constructor` or `__proto__`
  const add = (name: string, v: number): void => ownSet(coefficients, name, (ownGet(coefficients, name) ?? 0) + v);
  let constant = 0; // of (lhs - rhs)
  let side = 1;
  let op: LinearConstraint['op'] | undefined;
  let i = 0;
  let expectTerm = true;
  let sign = 1;
  let termsOnSide = 0;
  while (i < toks.length) {
    const tk = toks[i];
    if (tk.t === 'op' && (tk.v === '+' || tk.v === '-')) {
      if (!expectTerm && tk.v === '+') { expectTerm = true; sign = 1; i++; continue; }
      if (!expectTerm && tk.v === '-') { expectTerm = true; sign = -1; i++; continue; }
      if (expectTerm && tk.v === '-') { sign = -sign; i++; continue; }
      if (expectTerm && tk.v === '+') { i++; continue; }
    }
    if (tk.t === 'op' && ['<=', '>=', '==', '<', '>', '='].includes(tk.v)) {
      if (op) return { ok: false, error: 'only one comparison is allowed', offset: tk.o };
      if (tk.v === '==' || tk.v === '=') return { ok: false, error: 'equality constraints are not supported (use two inequalities)', offset: tk.o };
      if (expectTerm) return { ok: false, error: `missing term before "${tk.v}"`, offset: tk.o };
      if (termsOnSide === 0) return { ok: false, error: 'empty left-hand side', offset: tk.o };
      op = tk.v === '<' || tk.v === '<=' ? '<=' : '>=';
      side = -1; expectTerm = true; sign = 1; termsOnSide = 0; i++;
      continue;
    }
    if (!expectTerm) return { ok: false, error: 'expected +, - or a comparison (<= or >=)', offset: tk.o };
    if (tk.t === 'num') {
      const next = toks[i + 1];
      const after = toks[i + 2];
      if (next && next.t === 'op' && next.v === '*' && after && after.t === 'name') {
        add(after.v, side * sign * tk.v); i += 3;
      } else if (next && next.t === 'name') {
        add(next.v, side * sign * tk.v); i += 2;
      } else if (next && next.t === 'op' && next.v === '*') {
        return { ok: false, error: 'expected a column name after "*"', offset: next.o };
      } else {
        constant += side * sign * tk.v; i += 1;
      }
    } else if (tk.t === 'name') {
      add(tk.v, side * sign); i += 1;
    } else {
      return { ok: false, error: `unexpected "${tk.v}"`, offset: tk.o };
    }
    expectTerm = false; sign = 1; termsOnSide++;
  }
  if (!op) return { ok: false, error: 'missing comparison (<= or >=)', offset: text.length };
  if (expectTerm || termsOnSide === 0) return { ok: false, error: 'missing right-hand side', offset: text.length };
  if (Object.keys(coefficients).length === 0) return { ok: false, error: 'the constraint names no column', offset: 0 };
  return { ok: true, constraint: { coefficients, op, rhs: -constant, text } };
}
