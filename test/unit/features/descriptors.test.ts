import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFormulaAmounts } from '../../../src/core/features/formula';
import { compositionFeaturizer } from '../../../src/core/features/composition';
import { presetProperties, elementProperty, ELEMENT_DATA_SOURCES } from '../../../src/core/features/elements';

function features(preset: 'xenonpy' | 'magpie', formula: string): Record<string, number> {
  const f = compositionFeaturizer(preset);
  const out = new Float64Array(f.names.length);
  f.compute(parseFormulaAmounts(formula), out, 0);
  return Object.fromEntries(f.names.map((n, i) => [n, out[i]]));
}

test('xenonpy: NaCl atomic number ave 14, max 17, min 11, sum 28, var 9', () => {
  const x = features('xenonpy', 'NaCl');
  assert.equal(x['ave:atomic_number'], 14);
  assert.equal(x['max:atomic_number'], 17);
  assert.equal(x['min:atomic_number'], 11);
  assert.equal(x['sum:atomic_number'], 28);
  assert.equal(x['var:atomic_number'], 9);
});

test('xenonpy: 58 properties x 5 stats = 290 stable names, all finite', () => {
  const f = compositionFeaturizer('xenonpy');
  assert.equal(presetProperties('xenonpy').length, 58);
  assert.equal(f.names.length, 290);
  assert.equal(f.names[0], 'ave:atomic_number');
  assert.ok(f.names.includes('var:en_pauling'));
  const x = features('xenonpy', 'Li7La3Zr2O12');
  for (const [k, v] of Object.entries(x)) assert.ok(Number.isFinite(v), k);
  // weighted average of the Pauling electronegativity of Fe2O3 = 0.4*1.83 + 0.6*3.44
  assert.ok(Math.abs(features('xenonpy', 'Fe2O3')['ave:en_pauling'] - (0.4 * 1.83 + 0.6 * 3.44)) < 1e-12);
});

test('magpie: matminer-style names and Fe2O3 values', () => {
  const f = compositionFeaturizer('magpie');
  assert.equal(f.names.length, 6 + 22 * 6);
  assert.deepEqual(f.names.slice(0, 6), ['0-norm:stoichiometry', '2-norm:stoichiometry', '3-norm:stoichiometry',
    '5-norm:stoichiometry', '7-norm:stoichiometry', '10-norm:stoichiometry']);
  assert.deepEqual(f.names.slice(6, 12), ['minimum:Number', 'maximum:Number', 'range:Number', 'mean:Number', 'avg_dev:Number', 'mode:Number']);
  const m = features('magpie', 'Fe2O3');
  assert.equal(m['0-norm:stoichiometry'], 2);
  assert.ok(Math.abs(m['2-norm:stoichiometry'] - Math.sqrt(0.16 + 0.36)) < 1e-12);
  assert.equal(m['minimum:Number'], 8);
  assert.equal(m['maximum:Number'], 26);
  assert.equal(m['range:Number'], 18);
  assert.ok(Math.abs(m['mean:Number'] - 15.2) < 1e-12);
  assert.ok(Math.abs(m['avg_dev:Number'] - 8.64) < 1e-12);
  assert.equal(m['mode:Number'], 8); // O has the largest fraction
  assert.equal(m['mode:Column'], 16);
});

test('fractions: one column per element, atomic fractions', () => {
  const f = compositionFeaturizer('fractions', [26, 8, 11]);
  assert.deepEqual(f.names, ['fraction:O', 'fraction:Na', 'fraction:Fe']);
  const out = new Float64Array(3);
  f.compute(parseFormulaAmounts('Fe2O3'), out, 0);
  assert.deepEqual(Array.from(out), [0.6, 0, 0.4]);
});

test('element table: every property has a source, unit field and 118 finite values; imputation recorded', () => {
  for (const preset of ['xenonpy', 'magpie'] as const) {
    for (const p of presetProperties(preset)) {
      assert.ok(ELEMENT_DATA_SOURCES[p.source], `${p.name}: unknown source ${p.source}`);
      assert.equal(typeof p.unit, 'string');
      assert.equal(p.values.length, 118, p.name);
      assert.ok(p.values.every(Number.isFinite), p.name);
    }
  }
  assert.equal(elementProperty('atomic_weight').values[25], 55.845);
  assert.deepEqual(elementProperty('atomic_number').imputed, []);
  assert.ok(elementProperty('melting_point').imputed.includes('He'));
});
