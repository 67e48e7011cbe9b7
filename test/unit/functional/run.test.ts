import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeRun } from '../../../src/core/run';
import { validateSpecText } from '../../../src/core/spec/validate';

/** Synthetic Cp(T)-like curves of A_xB_(1-x) "compounds": smooth in x and T, measured at irregular temperatures. */
function longCsv(n: number): string {
  const lines = ['formula,T,Cp'];
  for (let i = 0; i < n; i++) {
    const x = (i + 0.5) / n;
    const formula = `Fe${x.toFixed(3)}Ni${(1 - x).toFixed(3)}`;
    const temps = [300, 420 + 7 * (i % 5), 600 + 11 * (i % 3), 900, 1200 - 13 * (i % 4), 1500];
    for (const T of temps) lines.push(`${formula},${T},${(20 + 8 * x + 6 * Math.sin(3 * x) * (T / 1500) + 3 * (T / 1500) ** 2).toFixed(4)}`);
  }
  return lines.join('\n') + '\n';
}

const SPEC = (model: string, extra = ''): string => `version: 1
name: cp
seed: 3
dataset:
  path: data.csv
  inputs:
    - column: formula
      kind: composition
      descriptors: [fractions]
  targets:
    - kind: function
      long: {id: formula, argument: T, value: Cp}   # one row per (sample, argument)
      argument: {name: T, unit: K}
      grid: {from: 300, to: 1500, points: 13}       # optional
      goal: predict
${extra}model: {type: ${model}}
evaluation: {cv: {folds: 4}}
`;

test('run: a long-format function target (id = the composition input) with model auto writes curve metrics, pointwise beside, curves.json', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-fn-'));
  writeFileSync(join(dir, 'data.csv'), longCsv(24));
  writeFileSync(join(dir, 'cp.mi.yaml'), SPEC('auto'));
  const { diagnostics } = await validateSpecText(SPEC('auto'), join(dir, 'cp.mi.yaml'));
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  const { manifest, manifestPath } = await executeRun(join(dir, 'cp.mi.yaml'), { runId: '20260101-000000-abcd' });
  assert.equal(manifest.status, 'completed', JSON.stringify(manifest.error));
  const m = manifest.metrics.cv.Cp as unknown as Record<string, unknown>;
  for (const k of ['r2', 'rmse', 'mae', 'coverage90', 'curve_r2_median', 'pointwise_r2', 'pointwise_coverage90']) assert.equal(typeof m[k], 'number', k);
  assert.ok((m.r2 as number) > 0.8, `R² ${m.r2}`);
  assert.ok((m.coverage90 as number) > 0.6 && (m.coverage90 as number) <= 1);
  assert.ok(['kronecker-gp', 'basis-gp', 'pointwise-gp'].includes(m.model as string));
  assert.equal(manifest.dataset.rows, 24);
  const fn = (manifest.functional as Record<string, { resampling: { grid: { points: number; source: string }; layout: string; interpolated: number } }>).Cp;
  assert.equal(fn.resampling.layout, 'long');
  assert.equal(fn.resampling.grid.points, 13);
  assert.ok(fn.resampling.interpolated > 0);
  const runDir = join(manifestPath, '..');
  const curves = JSON.parse(readFileSync(join(runDir, manifest.files.curves), 'utf8'));
  assert.equal(curves.samples.length, 24);
  assert.equal(curves.samples[0].mean.length, 13);
  assert.equal(curves.argument.unit, 'K');
  assert.ok(curves.samples[0].id.startsWith('Fe'));
  const pred = readFileSync(join(runDir, 'predictions.csv'), 'utf8').trim().split('\n');
  assert.equal(pred.length, 1 + 24 * 13);
  assert.match(pred[0], /^id,argument,Cp,Cp_mean,Cp_std,Cp_lower90,Cp_upper90,Cp_fold/);
});

test('run: wide layout (columns glob, argument parsed from headers) and one file per row give the same curves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-fn-'));
  mkdirSync(join(dir, 'curves'));
  const grid = [10, 12.5, 15, 17.5, 20];
  const wide = [`x,${grid.map((g) => `xrd_${g}`).join(',')},file`];
  for (let i = 0; i < 16; i++) {
    const x = i / 15;
    const ys = grid.map((g) => Math.exp(-((g - 12 - 6 * x) ** 2) / 8));
    wide.push(`${x},${ys.map((v) => v.toFixed(5)).join(',')},curves/s${i}.txt`);
    writeFileSync(join(dir, 'curves', `s${i}.txt`), `2theta intensity\n${grid.map((g, k) => `${g}\t${ys[k].toFixed(5)}`).join('\n')}\n`);
  }
  writeFileSync(join(dir, 'data.csv'), wide.join('\n') + '\n');
  const spec = (target: string): string => `version: 1
name: xrd
dataset:
  path: data.csv
  inputs: [{column: x, kind: numeric}]
  targets:
    - kind: function
      ${target}
      argument: {name: 2theta, unit: deg}
model: {type: kronecker-gp}
evaluation: {cv: {folds: 4}}
`;
  const runs: Record<string, unknown>[] = [];
  for (const target of ['columns: "xrd_*"', 'file: file', 'name: xrd\n      file: file']) {
    writeFileSync(join(dir, 'xrd.mi.yaml'), spec(target));
    const { manifest } = await executeRun(join(dir, 'xrd.mi.yaml'));
    assert.equal(manifest.status, 'completed', JSON.stringify(manifest.error));
    const name = Object.keys(manifest.metrics.cv)[0];
    runs.push(manifest.metrics.cv[name] as unknown as Record<string, unknown>);
    const fn = (manifest.functional as Record<string, { resampling: { grid: { points: number; source: string } } }>)[name];
    assert.equal(fn.resampling.grid.points, 5);
    assert.equal(fn.resampling.grid.source, 'shared-arguments');
  }
  assert.equal(runs[0].r2, runs[1].r2, 'wide and file layouts hold the same data');
  // a curve file outside the spec's folder is refused
  writeFileSync(join(dir, 'data.csv'), `x,file\n0,../../etc/passwd\n${[1, 2, 3, 4, 5].map((i) => `${i},curves/s${i}.txt`).join('\n')}\n`);
  writeFileSync(join(dir, 'xrd.mi.yaml'), spec('file: file'));
  const { manifest } = await executeRun(join(dir, 'xrd.mi.yaml'));
  assert.equal(manifest.status, 'failed');
  assert.equal(manifest.error?.code, 'path-outside');
});

test('validate: function-target layout mistakes are reported at the key with a hint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-fn-'));
  writeFileSync(join(dir, 'data.csv'), longCsv(3));
  const bad = SPEC('auto').replace('long: {id: formula, argument: T, value: Cp}', 'long: {id: formula, argument: Temp, value: Cp}\n      columns: "x_*"');
  const { diagnostics } = await validateSpecText(bad, join(dir, 'cp.mi.yaml'));
  const codes = diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).sort();
  assert.deepEqual(codes, ['function-columns', 'function-layout', 'unknown-column']);
  const goal = SPEC('auto').replace('goal: predict', 'goal: {maximize: value}');
  const g = await validateSpecText(goal, join(dir, 'cp.mi.yaml'));
  assert.deepEqual(g.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['function-goal']);
  const ok = await validateSpecText(SPEC('auto').replace('goal: predict', 'goal: {maximize: integral, over: [400, 900]}'), join(dir, 'cp.mi.yaml'));
  assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(ok.spec?.dataset.targets[0].objective, { kind: 'integral', direction: 'maximize', over: [400, 900] });
  assert.equal(ok.spec?.dataset.targets[0].goal, 'maximize');
  assert.equal(ok.spec?.dataset.targets[0].column, 'Cp');
});
