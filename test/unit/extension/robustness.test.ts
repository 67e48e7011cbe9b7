import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specSchema } from '../../../src/core/spec';
import { createEnv, DataCache } from '../../../src/extension/language/dataEnv';
import type { JsonSchema } from '../../../src/extension/language/schema';
import { completions, hover } from '../../../src/extension/language/service';
import { cursorContext, tokenAt } from '../../../src/extension/language/yamlPath';

const root = process.env.MI_ROOT ?? process.cwd();
const fixtures = join(root, 'test/unit/extension/fixtures');
const env = createEnv(join(fixtures, 'probe.mi.yaml'), specSchema as unknown as JsonSchema, new DataCache());

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPEC = `version: 1
dataset:
  path: gaps.csv
  inputs:
    - column: chemicalFormula
      kind: composition
      descriptors: [magpie, "xenonpy"]
    - columns:
        - cond_Temperature
      kind: numeric
  targets:
  - {column: band_gap_eV, goal: {target: 1.5}}
model: {type: gp, kernel: matern52}
optimize:
  candidates: {path: perovskites.tsv, id: organic}
  space:
    bounds: {cond_Temperature: [0, 1]}
`;

test('truncated, mutated and random documents never make completion/hover throw', async () => {
  const next = rng(42);
  const alphabet = ' \n\t:-[]{},#"\'abc|>&*!%@`?\\';
  const docs: string[] = [];
  for (let cut = 0; cut <= SPEC.length; cut += 11) docs.push(SPEC.slice(0, cut));
  for (let k = 0; k < 30; k++) {
    const chars = [...SPEC];
    for (let m = 0; m < 8; m++) chars.splice(Math.floor(next() * chars.length), Math.floor(next() * 3), alphabet[Math.floor(next() * alphabet.length)]);
    docs.push(chars.join(''));
  }
  for (let k = 0; k < 10; k++) docs.push(Array.from({ length: 200 }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
  let calls = 0;
  for (const doc of docs) {
    const lines = doc.split('\n');
    for (let l = 0; l < lines.length; l++) {
      for (const ch of [0, Math.floor(lines[l].length / 2), lines[l].length]) {
        cursorContext(doc, l, ch);
        tokenAt(doc, l, ch);
        const items = await completions(doc, l, ch, env);
        assert.ok(Array.isArray(items));
        for (const it of items) assert.ok(it.start <= it.end && it.start >= 0, JSON.stringify({ doc, l, ch, it }));
        await hover(doc, l, ch, env);
        calls++;
      }
    }
  }
  assert.ok(calls > 500, `only ${calls} positions tried`);
});

test('the fixture spec: every key line hovers, and every column value completes from the right file', async () => {
  const lines = SPEC.split('\n');
  const keyLine = lines.findIndex((l) => l.includes('descriptors'));
  const h = await hover(SPEC, keyLine, lines[keyLine].indexOf('descriptors') + 1, env);
  assert.match(h?.markdown ?? '', /Descriptor sets/);
  const idLine = lines.findIndex((l) => l.includes('id: organic'));
  const items = await completions(SPEC, idLine, lines[idLine].indexOf('organic'), env);
  assert.deepEqual(items.map((i) => i.label), ['organic', 'cation', 'anion', 'hse_gap']);
  const tsv = readFileSync(join(fixtures, 'perovskites.tsv'), 'utf8');
  assert.ok(tsv.startsWith('organic\t'));
});
