/**
 * End to end through the run engine: pretrain a source on PURE NOISE, then `transfer: {strategy: auto}`. auto must not
 * report a gain over the no-transfer baseline evaluated on the same outer folds. The source has no held-out skill on
 * its own property, so auto leaves it out (its frozen activations are random nonlinear features of the inputs: with
 * them the nested selection did report "gains" of up to 27 % on some seeds of this very set-up — not transfer, and not
 * what a researcher reading `transfer.selected` would take it for). The manifest says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/core/linalg/random';
import { executeRun } from '../../../src/core/run';
import { executeSimulate } from '../../../src/core/run/simulate';
import { pretrainNumeric, writeCsv } from './fixtures';

test('auto with a pure-noise source never reports a gain (nested selection, no leakage)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-transfer-noise-'));
  const rng = new Rng(11);
  const src: number[][] = [];
  for (let i = 0; i < 300; i++) src.push([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
  writeCsv(join(dir, 'source.csv'), src, ['x1', 'x2', 'x3', 'noise']);
  const pre = await pretrainNumeric(dir, { name: 'noise_source', csv: 'source.csv', inputs: ['x1', 'x2', 'x3'], target: 'noise', models: 2, epochs: 8 });
  assert.equal(pre.command, 'pretrain');
  assert.equal(pre.pretrain?.models.length, 2);

  const tgt: number[][] = [];
  for (let i = 0; i < 45; i++) {
    const [a, b, c] = [rng.normal(), rng.normal(), rng.normal()];
    tgt.push([a, b, c, a + Math.sin(2 * b) + 0.2 * rng.normal()]);
  }
  writeCsv(join(dir, 'target.csv'), tgt, ['x1', 'x2', 'x3', 'y']);
  writeFileSync(
    join(dir, 'target.mi.yaml'),
    'version: 1\nname: target\nseed: 3\ndataset:\n  path: target.csv\n  inputs: [{columns: [x1, x2, x3], kind: numeric}]\n  targets: [{column: y}]\n' +
      'model: {type: gp, ard: false, restarts: 1}\nevaluation: {cv: {folds: 5}}\ntransfer:\n  library: lib\n  sources: all\n  strategy: auto\n',
  );
  const r = await executeRun(join(dir, 'target.mi.yaml'), { out: join(dir, 'runs') });
  const m = r.manifest;
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  const t = m.transfer!;
  assert.ok(t, 'manifest has a transfer block');
  // a network trained on noise has no held-out skill on its own property: auto leaves the source out and says why
  assert.equal(t.sources.length, 1);
  assert.ok((t.sources[0].skill ?? 0) < 0.1, `skill ${t.sources[0].skill}`);
  assert.match(t.sources[0].leftOut ?? '', /no held-out skill on noise/);
  assert.deepEqual(t.candidates.map((c) => c.label), ['none']);
  assert.equal(t.selected.strategy, 'none');
  assert.equal(t.baseline.strategy, 'none');
  assert.ok(Number.isFinite(t.baseline.metric) && Number.isFinite(t.selected.metric));
  assert.deepEqual(t.outerPicks, ['none', 'none', 'none', 'none', 'none'], 'one pick per outer fold: the baseline');
  assert.equal(t.overlap.checked, false, 'numeric inputs: no formula/SMILES to compare');
  const auto = m.metrics.cv.y.mae;
  const base = t.baselineCv!.y.mae;
  assert.equal(auto, base, `noise source: outer-CV MAE with transfer ${auto} is the baseline's ${base}`);

  // a campaign simulation with the same block (auto → prediction inside the loop) runs on the descriptors alone
  writeFileSync(join(dir, 'sim.mi.yaml'), readFileSync(join(dir, 'target.mi.yaml'), 'utf8').replace('name: target', 'name: sim').replace('targets: [{column: y}]', 'targets: [{column: y, goal: maximize}]') + 'optimize: {acquisition: ei, batch: 1}\n');
  const sim = await executeSimulate(join(dir, 'sim.mi.yaml'), { out: join(dir, 'sim'), budget: 10, initial: 5, repeats: 1 });
  assert.equal(sim.manifest.status, 'completed', JSON.stringify(sim.manifest.error));
});
