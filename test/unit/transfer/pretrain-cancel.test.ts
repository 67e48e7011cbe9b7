/** Pretraining is a run: cancelling it ends the run as `cancelled` and leaves the library untouched. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/core/linalg/random';
import { executePretrain } from '../../../src/core/transfer/pretrain';

test('cancelling pretrain (after the first epoch) gives status cancelled and writes no library', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-pretrain-cancel-'));
  const rng = new Rng(4);
  const lines = ['a,b,y'];
  for (let i = 0; i < 400; i++) {
    const a = rng.normal();
    const b = rng.normal();
    lines.push(`${a},${b},${a * b}`);
  }
  writeFileSync(join(dir, 'src.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'src.mi.yaml'), 'version: 1\nname: src\ndataset:\n  path: src.csv\n  inputs: [{columns: [a, b], kind: numeric}]\n  targets: [{column: y}]\n');
  const ac = new AbortController();
  const phases: string[] = [];
  const r = await executePretrain(join(dir, 'src.mi.yaml'), {
    library: join(dir, 'lib'),
    models: 3,
    epochs: 500,
    out: join(dir, 'runs'),
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'progress') phases.push(e.phase);
      if (e.type === 'curve') ac.abort();
    },
  });
  assert.equal(r.manifest.status, 'cancelled');
  assert.ok(phases.includes('train'), 'progress reached the training phase');
  assert.ok(!existsSync(join(dir, 'lib', 'library.json')), 'no library.json after a cancelled pretraining');
  assert.ok(existsSync(r.manifestPath), 'the run folder records the cancelled pretraining');
});
