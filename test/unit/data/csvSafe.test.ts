import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spreadsheetSafe } from '../../../src/core/data/csvSafe';

test('spreadsheetSafe: formula-like cells get a leading quote', () => {
  for (const c of ['=1+1', '=HYPERLINK("http://x")', '+cmd', '-cmd|x', '@SUM(A1)', '\tx', '\rx', '-', '+']) {
    assert.equal(spreadsheetSafe(c), `'${c}`, c);
  }
});

test('spreadsheetSafe: numbers and ordinary text are unchanged', () => {
  for (const c of ['', '-1.5', '+3e-2', '-.5', '42', 'Li7La3Zr2O12', 'a=b', 'C1=CC=CC=C1', ' =x']) {
    assert.equal(spreadsheetSafe(c), c, c);
  }
});
