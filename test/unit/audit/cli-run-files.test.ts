// Audit regression (issue 6 §8): `run` on a spec with `optimize` prints where the suggestion files are, like
// `suggest`, and the manifest path stays the last stdout line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { command as runCommand, fileLines } from '../../../src/cli/commands/run';
import type { RunManifest } from '../../../src/core/run/manifest';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');

async function captureStdout(f: () => Promise<number>): Promise<{ code: number; out: string }> {
  const orig = process.stdout.write.bind(process.stdout);
  const errOrig = process.stderr.write.bind(process.stderr);
  let out = '';
  // the test runner reports through stdout with Buffers; the CLI writes strings
  process.stdout.write = ((s: string | Uint8Array, ...rest: never[]) => {
    if (typeof s === 'string') {
      out += s;
      return true;
    }
    return orig(s, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    const code = await f();
    return { code, out };
  } finally {
    process.stdout.write = orig;
    process.stderr.write = errOrig;
  }
}

test('fileLines lists the suggestion outputs of a completed run only', () => {
  const m = { status: 'completed', files: { suggestions: 'suggestions.csv', predictions: 'predictions.csv', log: 'run.log' } } as unknown as RunManifest;
  assert.deepEqual(fileLines(m, '/r/x/run.mirun.json'), ['suggestions: /r/x/suggestions.csv', 'predictions: /r/x/predictions.csv']);
  assert.deepEqual(fileLines({ ...m, status: 'failed' }, '/r/x/run.mirun.json'), []);
});

test('run with optimize prints suggestions/acquisition/landscape paths, manifest path last', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-audit-'));
  try {
    for (const f of ['estm-opt.mi.yaml', 'estm_small.csv', 'estm_small_candidates.csv']) cpSync(join(FIX, f), join(dir, f));
    const { code, out } = await captureStdout(() => runCommand.main([join(dir, 'estm-opt.mi.yaml'), '--out', join(dir, 'o')]));
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    const last = lines[lines.length - 1];
    assert.match(last, /run\.mirun\.json$/);
    for (const key of ['suggestions', 'acquisition', 'landscape']) {
      const l = lines.find((x) => x.startsWith(`${key}: `));
      assert.ok(l, `no "${key}:" line in ${out}`);
      assert.ok(existsSync(l.slice(key.length + 2)), l);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
