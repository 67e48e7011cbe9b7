/** Bad input never crashes the validator: truncated and random files yield diagnostics, never an exception. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpecText } from '../../../src/core/spec';

const root = process.env.MI_ROOT ?? process.cwd();
const example = join(root, 'examples/bandgap/bandgap.mi.yaml');
const full = join(root, 'test/fixtures/spec/good-full.mi.yaml');

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function assertSane(text: string, r: Awaited<ReturnType<typeof validateSpecText>>, what: string): void {
  assert.ok(Array.isArray(r.diagnostics), what);
  const bad = r.diagnostics.find((d) => d.code === 'internal-error');
  assert.equal(bad, undefined, `${what}: ${bad?.message}`);
  const nLines = text.split(/\r\n|\r|\n/).length;
  for (const d of r.diagnostics) {
    assert.ok(d.range.start.line >= 0 && d.range.start.line < nLines + 1, `${what}: line ${d.range.start.line}`);
    assert.ok(d.code && d.message, what);
  }
  if (r.diagnostics.some((d) => d.severity === 'error')) assert.equal(r.spec, undefined, what);
}

test('the example truncated at every offset yields diagnostics, never an exception', async () => {
  const text = readFileSync(example, 'utf8');
  let withErrors = 0;
  for (let i = 0; i <= text.length; i++) {
    const t = text.slice(0, i);
    const r = await validateSpecText(t, example);
    assertSane(t, r, `truncated at ${i}`);
    if (r.diagnostics.some((d) => d.severity === 'error')) withErrors++;
  }
  assert.ok(withErrors > text.length / 2, 'most truncations are errors');
});

test('random bytes and random edits yield diagnostics, never an exception', async () => {
  const rnd = lcg(12345);
  const base = readFileSync(full, 'utf8');
  const alphabet = ' \t\n:-[]{},#&*!|>\'"%@`?abcXYZ019.\u00e9\u4e2d\ufeff\r\0';
  for (let k = 0; k < 150; k++) {
    let t: string;
    if (k % 3 === 0) {
      const n = Math.floor(rnd() * 200);
      t = Array.from({ length: n }, () => String.fromCharCode(Math.floor(rnd() * 256))).join('');
    } else if (k % 3 === 1) {
      const n = Math.floor(rnd() * 300);
      t = Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    } else {
      const chars = base.split('');
      for (let e = 0; e < 1 + Math.floor(rnd() * 6); e++) {
        const at = Math.floor(rnd() * chars.length);
        const op = rnd();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
        else chars[at] = alphabet[Math.floor(rnd() * alphabet.length)];
      }
      t = chars.join('');
    }
    const r = await validateSpecText(t, full);
    assertSane(t, r, `case ${k}: ${JSON.stringify(t.slice(0, 60))}`);
  }
});

test('hostile YAML (alias bombs, deep nesting, tags, many documents) yields diagnostics', async () => {
  const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n';
  const deep = 'dataset: ' + '['.repeat(500) + ']'.repeat(500) + '\n';
  const tags = 'version: !!str 1\nseed: !!float 3\ndataset: !custom {path: x}\n';
  const docs = 'version: 1\n---\nversion: 1\n';
  const cyc = 'version: 1\ndataset: &x\n  inputs: *x\n';
  for (const t of [bomb, deep, tags, docs, cyc, '\0\0\0', '---', '...', '[', '{', '? [a]\n: b\n', 'version:\n  - 1\n']) {
    const r = await validateSpecText(t, full);
    assertSane(t, r, JSON.stringify(t.slice(0, 40)));
    assert.ok(r.diagnostics.length > 0, JSON.stringify(t.slice(0, 40)));
  }
});
