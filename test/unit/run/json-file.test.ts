// model.json is written piece by piece (writeJsonFile) with exactly the text JSON.stringify gives with typed arrays as
// arrays: the loaders read what they always read, and a 1M-row rf-gp never becomes one giant string in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonFile } from '../../../src/core/run/jsonFile';
import { RfGpModel, loadModel } from '../../../src/core/models';
import { Rng } from '../../../src/core/linalg/random';

const replacer = (_k: string, v: unknown): unknown => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v);
const dir = mkdtempSync(join(tmpdir(), 'mi-json-file-'));

test('writeJsonFile writes the same text as JSON.stringify (typed arrays, NaN/Infinity, undefined, nesting, toJSON, escapes)', async () => {
  const value = {
    a: 1, b: -0, c: 1e-300, d: 123456789.12345679, e: NaN, f: -Infinity, g: 'quote " backslash \\ newline \n é \u2028',
    h: [1, 'x', null, undefined, NaN, [2, [3, {}]], { k: undefined, l: () => 1 }],
    i: Float64Array.from([0.1, NaN, Infinity, -2.5e-7, 3]), j: Int32Array.from([1, -2, 3]), u: undefined, t: true,
    date: new Date(0), big: Float64Array.from({ length: 10000 }, (_, i) => i / 7), empty: [], eo: {},
  };
  const p = join(dir, 'v.json');
  await writeJsonFile(p, value);
  assert.equal(readFileSync(p, 'utf8'), JSON.stringify(value, replacer) + '\n');
});

test('a saved rf-gp written by writeJsonFile loads back with identical predictions', async () => {
  const rng = new Rng(2);
  const n = 1500;
  const X = { rows: n, cols: 3, data: Float64Array.from({ length: 3 * n }, () => rng.uniform()) };
  const Y = { rows: n, cols: 1, data: Float64Array.from({ length: n }, (_, i) => Math.sin(4 * X.data[3 * i]) + 0.05 * rng.normal()) };
  const m = new RfGpModel({ seed: 3, features: 200, restarts: 1 });
  await m.fit(X, Y, { seed: 3 });
  const p = join(dir, 'model.json');
  await writeJsonFile(p, m.save());
  const text = readFileSync(p, 'utf8');
  assert.equal(text, JSON.stringify(m.save(), replacer) + '\n');
  const back = loadModel(JSON.parse(text));
  assert.deepEqual(Array.from(back.predict(X).mean), Array.from(m.predict(X).mean));
});
