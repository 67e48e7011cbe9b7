// Audit regression: a misspelled input column (not in the dataset either) also raised candidates-missing-column with
// the hint "it has \"data.σᵉ.p.v.value\" — rename it to \"data.σe.p.v.value\"", i.e. asked the user to break the pool's
// correct column. Only the unknown-column error at the spec node remains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { validateSpecText } from '../../../src/core/spec';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');
const spec = (col: string, pool = 'estm_small_candidates.csv') => `version: 1
name: x
dataset:
  path: estm_small.csv
  inputs:
    - column: Formula
      kind: composition
    - column: ${col}
      kind: numeric
  targets:
    - column: ZT
      goal: maximize
optimize:
  candidates: {path: ${pool}}
`;

test('a typo in an input column is reported once, at the column, not as a pool rename', async () => {
  const v = await validateSpecText(spec('temperatur(K)'), join(FIX, 'x.mi.yaml'));
  const errs = v.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errs.map((d) => d.code), ['unknown-column']);
  assert.equal(errs[0].range.start.line, 7);
  assert.match(errs[0].hint ?? errs[0].message, /temperature\(K\)/);
});

test('a column in the dataset but not in the pool is still a candidates error', async () => {
  const ok = await validateSpecText(spec('temperature(K)'), join(FIX, 'x.mi.yaml'));
  assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error'), []);
  const v = await validateSpecText(spec('temperature(K)', 'mixed_eol.csv'), join(FIX, 'x.mi.yaml'));
  assert.equal(v.diagnostics.filter((d) => d.code === 'candidates-missing-column').length, 2);
});
