import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../../src/cli/commands/simulate';
import type { SimulationResult } from '../../../src/core/bo/simulate';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const orig = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  let out = '';
  // the test runner itself talks over stdout: forward everything, remember only our plain-text lines
  (process.stdout as { write: unknown }).write = (s: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof s === 'string' && s.endsWith('simulation.json\n')) out += s;
    return (orig as (...a: unknown[]) => boolean)(s, ...rest);
  };
  (process.stderr as { write: unknown }).write = () => true;
  try {
    return { code: await fn(), out };
  } finally {
    (process.stdout as { write: unknown }).write = orig;
    (process.stderr as { write: unknown }).write = origErr;
  }
}

test('simulate CLI writes simulation.json with 1-based data-row orders and prints its path last', async () => {
  const spec = join(process.env.MI_ROOT ?? '.', 'test/unit/bo/fixtures/bump.mi.yaml');
  const outDir = mkdtempSync(join(tmpdir(), 'bo-simcli-'));
  const { code, out } = await capture(() => command.main([spec, '--budget', '24', '--initial', '4', '--repeats', '2', '--seed', '5', '--model', 'gp', '--out', outDir]));
  assert.equal(code, 0);
  const last = out.trim().split('\n').pop()!;
  assert.match(last, /simulation-\d{8}-\d{6}(-\d+)?\/simulation\.json$/);
  assert.ok(last.startsWith(outDir), `${last} in ${outDir}`);
  const sim = JSON.parse(readFileSync(last, 'utf8')) as SimulationResult;
  assert.equal(sim.runs.length, 2);
  assert.equal(sim.budget, 24);
  assert.equal(sim.batch, 2);
  const csv = readFileSync(join(process.env.MI_ROOT ?? '.', 'test/unit/bo/fixtures/bump.csv'), 'utf8').trim().split('\n').slice(1);
  for (const r of sim.runs) {
    for (const m of [r.bo, r.random]) {
      assert.equal(m.order.length, 24);
      assert.equal(new Set(m.order).size, 24);
      // data row k is line k+1 of the file; its y must be the recorded best-so-far when it is the best
      for (const k of m.order) assert.ok(k >= 1 && k <= 144);
    }
    const ys = r.bo.order.map((k) => Number(csv[k - 1].split(',')[3]));
    assert.equal(r.bo.bestSoFar[23], Math.max(...ys));
  }
  assert.ok(sim.summary.bo.experimentsToTop1.median !== null);
});
