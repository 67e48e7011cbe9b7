/** Issue 14 item 8: spec values and column names such as `__proto__` / `constructor` are looked up as own properties. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSpecText } from '../../../src/core/spec';
import { parseLinearConstraint } from '../../../src/core/spec/constraints';
import { executeRun } from '../../../src/core/run';
import { ownGet, ownSet } from '../../../src/core/own';
import { schemaAt } from '../../../src/core/spec/schema';
import { schemasAt } from '../../../src/extension/language/schema';
import { specSchema } from '../../../src/core/spec/schema';

const HEAD = 'version: 1\nname: t\ndataset:\n  path: nowhere.csv\n  inputs:\n    - column: x\n';

for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
  test(`kind/model/goal/descriptors "${word}" are bad values, never a validator crash`, async () => {
    const text = `${HEAD}      kind: "${word}"\n      descriptors: ["${word}"]\n  targets:\n    - column: y\n      goal: "${word}"\nmodel: {type: "${word}"}\nevaluation: {cv: "${word}"}\n"${word}": 1\n`;
    const r = await validateSpecText(text, join(tmpdir(), 'x.mi.yaml'), { skipFiles: true });
    const all = r.diagnostics.map((d) => `${d.range.start.line + 1} ${d.code} ${d.message}`).join('\n');
    assert.ok(!r.diagnostics.some((d) => d.code === 'internal-error'), all);
    for (const line of [7, 8, 11, 12, 13]) assert.ok(r.diagnostics.some((d) => d.range.start.line + 1 === line && d.severity === 'error'), `line ${line}:\n${all}`);
    assert.ok(r.diagnostics.some((d) => d.code === 'unknown-key' && d.range.start.line + 1 === 14), `unknown top-level key "${word}":\n${all}`);
    assert.equal(r.spec, undefined);
  });
}

test('own-property helpers, schema lookups and constraint coefficients ignore Object.prototype', () => {
  const o: Record<string, number> = {};
  assert.equal(ownGet(o, 'constructor'), undefined);
  ownSet(o, '__proto__', 1);
  assert.deepEqual(Object.keys(o), ['__proto__']);
  assert.equal(JSON.parse(JSON.stringify(o)).__proto__, 1);
  assert.equal(schemaAt(['constructor']), undefined);
  assert.equal(schemaAt(['model', '__proto__']), undefined);
  assert.deepEqual(schemasAt(specSchema as never, ['__proto__']), []);
  const c = parseLinearConstraint('constructor + __proto__ + toString <= 1');
  assert.ok(c.ok);
  if (c.ok) assert.deepEqual({ ...c.constraint.coefficients }, { constructor: 1, ['__proto__']: 1, toString: 1 });
});

test('a run whose target is "__proto__" and whose inputs are "constructor"/"toString" records its metrics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-proto-'));
  const rows = ['id,constructor,toString,__proto__'];
  for (let i = 0; i < 20; i++) rows.push(`r${i},${(i / 20).toFixed(3)},${((i * 7) % 20 / 20).toFixed(3)},${(Math.sin(i) + i / 10).toFixed(3)}`);
  writeFileSync(join(dir, 'd.csv'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 's.mi.yaml'), 'version: 1\nname: p\ndataset:\n  path: d.csv\n  id: id\n  inputs: [{columns: [constructor, toString], kind: numeric}]\n  targets: [{column: __proto__}]\nmodel: {type: ridge}\nevaluation: {cv: {folds: 3}}\n');
  const { manifest } = await executeRun(join(dir, 's.mi.yaml'), { out: join(dir, 'runs') });
  assert.equal(manifest.status, 'completed', JSON.stringify(manifest.error));
  assert.deepEqual(Object.keys(manifest.metrics.cv), ['__proto__']);
  assert.ok(Number.isFinite(ownGet(manifest.metrics.cv, '__proto__')?.mae));
});
