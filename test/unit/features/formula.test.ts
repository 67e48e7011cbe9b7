import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFormula, FormulaError } from '../../../src/core/features';
import { ELEMENT_SYMBOLS } from '../../../src/core/features/periodic';

function close(actual: Map<string, number>, expected: Record<string, number>): void {
  assert.deepEqual([...actual.keys()].sort(), Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) {
    assert.ok(Math.abs((actual.get(k) ?? NaN) - v) < 1e-12, `${k}: ${actual.get(k)} != ${v}`);
  }
}

test('known fractions', () => {
  close(parseFormula('Fe2O3'), { Fe: 0.4, O: 0.6 });
  close(parseFormula('NaCl'), { Na: 0.5, Cl: 0.5 });
  close(parseFormula('Li7La3Zr2O12'), { Li: 7 / 24, La: 3 / 24, Zr: 2 / 24, O: 12 / 24 });
  // (Al0.5Ga0.5)2O3 = Al1 Ga1 O3
  close(parseFormula('(Al0.5Ga0.5)2O3'), { Al: 0.2, Ga: 0.2, O: 0.6 });
  // CuSO4·5H2O = Cu1 S1 O9 H10, 21 atoms
  const hydrate = { Cu: 1 / 21, S: 1 / 21, O: 9 / 21, H: 10 / 21 };
  close(parseFormula('CuSO4·5H2O'), hydrate);
  close(parseFormula('CuSO4.5H2O'), hydrate);
  close(parseFormula('CuSO4*5H2O'), hydrate);
  close(parseFormula('CuSO4 · 5H2O'), hydrate);
  close(parseFormula('K4[Fe(CN)6]'), { K: 4 / 17, Fe: 1 / 17, C: 6 / 17, N: 6 / 17 });
  close(parseFormula('{Fe2}[O3]'), { Fe: 0.4, O: 0.6 });
  close(parseFormula('Ti1/3Nb2/3O2'), { Ti: 1 / 9, Nb: 2 / 9, O: 6 / 9 });
  close(parseFormula('Fe2 O3'), { Fe: 0.4, O: 0.6 });
  close(parseFormula('H₂O'), { H: 2 / 3, O: 1 / 3 });
  close(parseFormula('NaCl+KCl'), { Na: 0.25, K: 0.25, Cl: 0.5 });
  close(parseFormula('Na0.3CoO2*1.3H2O'), { Na: 0.3 / 7.2, Co: 1 / 7.2, O: 3.3 / 7.2, H: 2.6 / 7.2 });
  close(parseFormula('Fe.5Ni.5'), { Fe: 0.5, Ni: 0.5 });
  close(parseFormula('Fe2.O3'), { Fe: 0.4, O: 0.6 });
  close(parseFormula('CoO'), { Co: 0.5, O: 0.5 });
  close(parseFormula('CO'), { C: 0.5, O: 0.5 });
  close(parseFormula('Fe0Ni'), { Ni: 1 });
  close(parseFormula('D2O'), { H: 2 / 3, O: 1 / 3 });
  // first-appearance order
  assert.deepEqual([...parseFormula('OFe2O2').keys()], ['O', 'Fe']);
});

test('all 118 element symbols parse', () => {
  assert.equal(ELEMENT_SYMBOLS.length, 118);
  for (const s of ELEMENT_SYMBOLS) close(parseFormula(`${s}2`), { [s]: 1 });
  close(parseFormula('OgTsLvMcFlNh'), { Og: 1 / 6, Ts: 1 / 6, Lv: 1 / 6, Mc: 1 / 6, Fl: 1 / 6, Nh: 1 / 6 });
});

const MALFORMED: [string, string][] = [
  ['Xy2O3', 'unknown element "Xy" in "Xy2O3" (at 1)'],
  ['', 'empty formula'],
  ['   ', 'empty formula'],
  ['(Al2O3', 'unclosed "(" in "(Al2O3" (at 1)'],
  ['Al2)O3', 'unmatched ")" in "Al2)O3" (at 4)'],
  ['(Al2]O3', 'mismatched "]" for "(" opened at 1 in "(Al2]O3" (at 5)'],
  ['K4[Fe(CN6]', 'mismatched "]" for "(" opened at 6 in "K4[Fe(CN6]" (at 10)'],
  ['fe2O3', 'element symbol "fe" must start with a capital letter in "fe2O3" (at 1)'],
  ['nacl', 'unexpected "nacl" in "nacl" (at 1)'],
  ['Fe1..5', 'bad number "1..5" in "Fe1..5" (at 3)'],
  ['Fe1.2.3', 'bad number "1.2.3" in "Fe1.2.3" (at 3)'],
  ['Fe1/0', 'bad number "1/0" in "Fe1/0" (at 3)'],
  ['Fe2/', 'bad number "2/" in "Fe2/" (at 3)'],
  ['Fe0O0', 'all amounts are zero in "Fe0O0"'],
  ['()2', 'empty group "()" in "()2" (at 1)'],
  ['CuSO4·', 'missing formula after "·" in "CuSO4·" (at 6)'],
  ['·H2O', 'missing formula before "·" in "·H2O" (at 1)'],
  ['NaCl++KCl', 'missing formula before "+" in "NaCl++KCl" (at 6)'],
  ['5', 'amount "5" without an element in "5" (at 1)'],
  ['Fe2 3O', 'amount "3" without an element in "Fe2 3O" (at 5)'],
  ['Fe-Ni', 'unexpected character "-" in "Fe-Ni" (at 3)'],
  ['Ba1-xKxBiO3', 'variable amount "1-x" in "Ba1-xKxBiO3" (at 3)'],
  ['KxBiO3', 'variable amount "x" in "KxBiO3" (at 2)'],
  ['YBa2Cu3O7-δ', 'variable amount "7-δ" in "YBa2Cu3O7-δ" (at 9)'],
  ['HgBa2CuO4+d', 'variable amount "4+d" in "HgBa2CuO4+d" (at 9)'],
  ['Abc', 'unknown element "Abc" in "Abc" (at 1)'],
  ['Fe2%', 'unexpected character "%" in "Fe2%" (at 4)'],
  ['(Ba,K)BiO3', 'unexpected character "," in "(Ba,K)BiO3" (at 4)'],
  ['Hg-1201', 'unexpected character "-" in "Hg-1201" (at 3)'],
  ['LSCO', 'unknown element "L" in "LSCO" (at 1)'],
  ['YBa2Cu3O6.98:C', 'unexpected character ":" in "YBa2Cu3O6.98:C" (at 13)'],
  ['Fe2O3.', 'unexpected character "." in "Fe2O3." (at 6)'],
  ['Q2O', 'unknown element "Q" in "Q2O" (at 1)'],
  ['Fe2O3Jk', 'unknown element "Jk" in "Fe2O3Jk" (at 6)'],
];

test(`${MALFORMED.length} malformed formulas give exact, positioned errors`, () => {
  assert.ok(MALFORMED.length >= 25);
  for (const [s, msg] of MALFORMED) {
    assert.throws(() => parseFormula(s), (e: unknown) => {
      assert.ok(e instanceof FormulaError, `${s}: not a FormulaError`);
      assert.equal(e.message, msg, `formula ${JSON.stringify(s)}`);
      return true;
    });
  }
});

test('FormulaError carries detail and 1-based position separately', () => {
  try {
    parseFormula('Xy2O3');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof FormulaError);
    assert.equal(e.detail, 'unknown element "Xy"');
    assert.equal(e.position, 1);
    assert.equal(e.formula, 'Xy2O3');
  }
});
