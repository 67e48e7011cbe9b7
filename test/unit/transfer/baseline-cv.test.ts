/**
 * When `auto` keeps the no-transfer baseline in every outer fold, the outer-fold models ARE the baseline models, so the
 * run's outer-CV metrics must equal `transfer.baselineCv` (the baseline cross-validated alone on "the same folds").
 * Regression: with grouped CV (rows sharing a composition / SMILES / group column) the outer CV dealt whole groups to
 * folds while the baseline CV split rows independently, so the two were scored on different folds (molecule pair,
 * seed 2: 0.515 vs 0.495 with the baseline picked in all five folds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../src/core/linalg/random';
import { executeRun } from '../../../src/core/run';
import { pretrainNumeric, writeCsv } from './fixtures';

test('auto that keeps the baseline in every outer fold reports exactly the baseline CV (grouped folds too)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-transfer-basecv-'));
  const rng = new Rng(5);
  const src: number[][] = [];
  // a source with skill on its own (unrelated) property, so auto uses it and the nested selection runs
  for (let i = 0; i < 200; i++) {
    const [a, b] = [rng.normal(), rng.normal()];
    src.push([a, b, a * a - b * b]);
  }
  writeCsv(join(dir, 'source.csv'), src, ['x1', 'x2', 'other']);
  await pretrainNumeric(dir, { name: 'other_source', csv: 'source.csv', inputs: ['x1', 'x2'], target: 'other', models: 1, epochs: 60 });

  // a smooth, almost noise-free target the baseline GP fits well (so the one-SE rule keeps it); pairs of rows share a
  // group, so the outer CV is grouped
  const tgt: (number | string)[][] = [];
  for (let i = 0; i < 40; i++) {
    const [a, b] = [rng.uniform() * 2 - 1, rng.uniform() * 2 - 1];
    tgt.push([a, b, `g${Math.floor(i / 2)}`, a + 0.5 * b + 0.01 * rng.normal()]);
  }
  writeCsv(join(dir, 'target.csv'), tgt, ['x1', 'x2', 'grp', 'y']);
  writeFileSync(
    join(dir, 'target.mi.yaml'),
    'version: 1\nname: target\nseed: 4\ndataset:\n  path: target.csv\n  inputs: [{columns: [x1, x2], kind: numeric}]\n  targets: [{column: y}]\n' +
      'model: {type: gp, ard: false, restarts: 1}\nevaluation: {cv: {folds: 5, group: grp}}\ntransfer:\n  library: lib\n  sources: all\n  strategy: auto\n',
  );
  const r = await executeRun(join(dir, 'target.mi.yaml'), { out: join(dir, 'runs') });
  const m = r.manifest;
  assert.equal(m.status, 'completed', JSON.stringify(m.error));
  const t = m.transfer!;
  assert.ok((t.sources[0].skill ?? 0) >= 0.1 && !t.sources[0].leftOut, `precondition: the source is used (skill ${t.sources[0].skill})`);
  assert.ok(t.candidates.length > 1, 'precondition: the nested selection ran');
  assert.deepEqual(t.outerPicks, ['none', 'none', 'none', 'none', 'none'], 'precondition: the baseline is kept in every outer fold');
  const outer = m.metrics.cv.y;
  const base = t.baselineCv!.y;
  assert.ok(Math.abs(outer.mae - base.mae) <= 1e-12 * Math.max(1, base.mae), `outer-CV MAE ${outer.mae} must equal the baseline CV's ${base.mae}`);
  assert.ok(Math.abs(outer.rmse - base.rmse) <= 1e-12 * Math.max(1, base.rmse), `RMSE ${outer.rmse} vs ${base.rmse}`);
  assert.equal(outer.coverage90, base.coverage90, 'same calibration');
});
