import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { command } from '../../../src/cli/commands/featurize';

async function capture(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  // node:test reports on this process's stdout: capture only the command's own output line (an absolute path)
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (String(s).startsWith('/') ? out.push(String(s)) : ow(s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await fn();
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

const SPEC = (onInvalid: string) => `version: 1
name: cli-test
dataset:
  path: data/gaps.csv
  id: id
  on_invalid: ${onInvalid}
  inputs:
    - column: formula
      kind: composition
      descriptors: [fractions]
    - column: method
      kind: categorical
  targets:
    - column: gap
      goal: maximize
model: {type: gp}
`;

function project(onInvalid: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-featurize-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'gaps.csv'), 'id,formula,method,gap\na,NaCl,optical,8.5\nb,Fe2O3,optical,2.2\nc,KCl,thermal,8.4\nd,Xy2O3,optical,1\n');
  writeFileSync(join(dir, 'gaps.mi.yaml'), SPEC(onInvalid));
  return dir;
}

test('featurize writes id, features, targets; prints the output path last; skip writes a dropped report', async () => {
  const dir = project('skip');
  const out = join(dir, 'features.csv');
  const r = await capture(() => command.main([join(dir, 'gaps.mi.yaml'), '--out', out]));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').pop(), out);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'id,fraction:O,fraction:Na,fraction:Cl,fraction:K,fraction:Fe,method=optical,method=thermal,gap');
  assert.equal(lines[1], 'a,0,0.5,0.5,0,0,1,0,8.5');
  assert.equal(lines[2], 'b,0.6,0,0,0,0.4,1,0,2.2');
  assert.equal(lines.length, 4);
  assert.match(r.stderr, /gaps\.csv:5: column "formula": unknown element "Xy" in "Xy2O3" \(at 1\)/);
  assert.equal(readFileSync(`${out}.dropped.csv`, 'utf8'), 'row,column,message\n5,formula,"unknown element ""Xy"" in ""Xy2O3"" (at 1)"\n');
  // atomic write: no temp files left behind
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('featurize with on_invalid: error fails with the row error and writes nothing', async () => {
  const dir = project('error');
  const out = join(dir, 'features.csv');
  await assert.rejects(capture(() => command.main([join(dir, 'gaps.mi.yaml'), '--out', out])),
    (e: unknown) => (e as Error).message === 'unknown element "Xy" in "Xy2O3" (at 1)');
  assert.equal(existsSync(out), false);
});
