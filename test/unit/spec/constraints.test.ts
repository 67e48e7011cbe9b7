import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance, parseLinearConstraint } from '../../../src/core/spec';

test('linear constraints parse into coefficients, operator and right-hand side', () => {
  const a = parseLinearConstraint('Ni + Fe <= 0.8');
  assert.ok(a.ok);
  assert.deepEqual(a.constraint.coefficients, { Ni: 1, Fe: 1 });
  assert.equal(a.constraint.op, '<=');
  assert.equal(a.constraint.rhs, 0.8);
  const b = parseLinearConstraint('2*x - y >= 0.5 + z');
  assert.ok(b.ok);
  assert.deepEqual(b.constraint.coefficients, { x: 2, y: -1, z: -1 });
  assert.equal(b.constraint.op, '>=');
  assert.equal(b.constraint.rhs, 0.5);
  const c = parseLinearConstraint('0.5 Co - 1 < col_b');
  assert.ok(c.ok);
  assert.deepEqual(c.constraint.coefficients, { Co: 0.5, col_b: -1 });
  assert.equal(c.constraint.rhs, 1);
  const d = parseLinearConstraint('-a > 1e-2');
  assert.ok(d.ok);
  assert.deepEqual(d.constraint.coefficients, { a: -1 });
  assert.equal(d.constraint.op, '>=');
});

test('malformed constraints report an error and an offset', () => {
  for (const [s, re] of [
    ['Ni + Fe', /missing comparison/], ['Ni + <= 1', /missing term/], ['Ni <= ', /right-hand side/],
    ['Ni <= 1 <= 2', /one comparison/], ['Ni ^ 2 <= 1', /unexpected character/], ['1 <= 2', /names no column/],
    ['<= 1', /missing term|empty/], ['Ni Fe <= 1', /expected \+/], ['Ni == 0.5', /equality/],
  ] as const) {
    const r = parseLinearConstraint(s);
    assert.equal(r.ok, false, s);
    if (!r.ok) {
      assert.match(r.error, re, s);
      assert.ok(r.offset >= 0 && r.offset <= s.length, s);
    }
  }
});

test('edit distance and did-you-mean suggestions', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('ab', 'ba'), 1, 'transposition counts once');
  assert.equal(closest('fromula', ['id', 'formula', 'gap']), 'formula');
  assert.equal(closest('GAP', ['id', 'formula', 'gap']), 'gap');
  assert.equal(closest('band_gap', ['id', 'band-gap']), 'band-gap');
  assert.equal(closest('temp', ['temperature', 'pressure']), 'temperature');
  assert.equal(closest('evaluate', ['evaluation', 'optimize']), 'evaluation');
  assert.equal(closest('xyz', ['formula', 'gap']), undefined);
  assert.equal(closest('descriptors', ['description', 'dataset']), 'description', 'long shared prefix');
  assert.equal(closest('colour', ['id', 'formula']), undefined);
});
