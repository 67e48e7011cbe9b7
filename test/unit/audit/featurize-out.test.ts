// Audit regression: `featurize SPEC --out new/folder/f.csv` crashed with ENOENT (stack trace) when the folder did not
// exist, and a bare `--out` silently wrote ./features.csv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { command } from '../../../src/cli/commands/featurize';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/audit');

async function quiet(f: () => Promise<number>): Promise<number> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array, ...r: never[]) => (typeof s === 'string' ? true : out(s, ...r))) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await f();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

test('featurize --out into a folder that does not exist creates it; id first, targets last', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-audit-'));
  try {
    for (const f of ['estm-opt.mi.yaml', 'estm_small.csv', 'estm_small_candidates.csv']) cpSync(join(FIX, f), join(dir, f));
    const target = join(dir, 'new folder', 'sub', 'f.csv');
    assert.equal(await quiet(() => command.main([join(dir, 'estm-opt.mi.yaml'), '--out', target])), 0);
    assert.ok(existsSync(target));
    const header = readFileSync(target, 'utf8').split('\n')[0].split(',');
    assert.equal(header[0], 'id');
    assert.equal(header[header.length - 1], 'ZT');
    assert.ok(header.includes('temperature(K)'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('featurize with a bare --out is a usage error (exit 2), not a write to ./features.csv', async () => {
  assert.equal(await quiet(() => command.main([join(FIX, 'estm-opt.mi.yaml'), '--out'])), 2);
});
