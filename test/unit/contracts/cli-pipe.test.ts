/** Issue 14 item 9: the CLI drains stdout before exiting, so > 1 MiB of `validate --json` into a slow pipe arrives whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, root } from '../run/helpers';

test('validate --json of > 1 MiB into a pipe read late is complete, valid JSON', async () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'mi-pipe-'));
  for (let i = 0; i < 120; i++) {
    const keys = Array.from({ length: 40 }, (_, k) => `unknown_key_number_${k}_with_a_rather_long_name_${i}: ${k}`).join('\n');
    writeFileSync(join(dir, `s${String(i).padStart(3, '0')}.mi.yaml`), `version: 1\nname: x\n${keys}\n`);
  }
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'validate', '--json', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  const chunks: Buffer[] = [];
  // Do not read until the process has written everything it will (the pipe buffer fills up), then read it all.
  child.stdout.pause();
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  await new Promise((r) => setTimeout(r, 300));
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdout.resume();
  const ended = new Promise<void>((res) => child.stdout.on('end', () => res()));
  const [code] = await Promise.all([exited, ended]);
  const text = Buffer.concat(chunks).toString('utf8');
  assert.ok(text.length > 1 << 20, `${text.length} bytes`);
  const arr = JSON.parse(text) as { code: string }[];
  assert.equal(arr.filter((d) => d.code === 'unknown-key').length, 120 * 40);
  assert.equal(code, 1);
});
