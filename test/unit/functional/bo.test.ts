import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeRun, executeSimulate } from '../../../src/core/run';
import { loadTable } from '../../../src/core/data';
import { loadSpec } from '../../../src/core/spec';
import { validateSpecText } from '../../../src/core/spec/validate';
import { simulateFunctional } from '../../../src/core/functional/simulate';
import { simulationView } from '../../../src/runview/simulation';
import { Rng } from '../../../src/core/bo/rng';

/**
 * Wide-layout curves y(t) on t = 0..1 whose height (and so the maximum) depends on x1 only — a sharp peak at x1 = 0.8,
 * so the top curves stand out of the noise — plus an irrelevant input x2.
 */
function wideCsv(n: number, seed = 5): string {
  const rng = new Rng(seed);
  const ts = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const lines = [`x1,x2,${ts.map((t) => `y_${t}`).join(',')}`];
  for (let i = 0; i < n; i++) {
    const x1 = rng.uniform();
    const x2 = rng.uniform();
    const h = 1 - 2 * Math.abs(x1 - 0.8);
    const ys = ts.map((t) => h * Math.exp(-((t - 0.5) ** 2) / 0.1) + 0.2 * t + 0.002 * rng.normal());
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${ys.map((v) => v.toFixed(5)).join(',')}`);
  }
  return lines.join('\n') + '\n';
}

const SPEC = (goal: string, extra = '', model = 'kronecker-gp'): string => `version: 1
name: curves
seed: 2
dataset:
  path: data.csv
  inputs: [{columns: [x1, x2], kind: numeric}]
  targets:
    - kind: function
      name: y
      columns: "y_*"
      argument: {name: t, unit: s}
      unit: mV
      goal: ${goal}
model: {type: ${model}, ard: false}
evaluation: {cv: {folds: 3}}
${extra}`;

test('simulate on a function target: BO finds the best curves in fewer experiments than random, same simulation.json shape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-fnbo-'));
  writeFileSync(join(dir, 'data.csv'), wideCsv(100));
  writeFileSync(join(dir, 'curves.mi.yaml'), SPEC('{maximize: max}'));
  const specPath = join(dir, 'curves.mi.yaml');
  const { spec } = await loadSpec(specPath);
  const table = await loadTable(join(dir, 'data.csv'));
  const { result } = await simulateFunctional({ spec, specPath, table, dataPath: join(dir, 'data.csv'), budget: 20, initial: 3, repeats: 6, seed: 3, refitEvery: 3 });
  assert.equal(result.format, 'mi-studio-simulation');
  assert.equal(result.dataset.pool, 100);
  assert.equal(result.repeats.length, 6);
  assert.equal(result.random.repeats.length, 6);
  assert.equal(result.repeatCount, 6);
  assert.equal(result.acquisition, 'mc-ei');
  assert.equal(result.model, 'kronecker-gp');
  assert.equal(result.objective?.label, 'max y');
  assert.equal(result.unit, 'mV');
  for (let r = 0; r < 6; r++) {
    const bo = result.repeats[r].order;
    assert.equal(bo.length, 20);
    assert.equal(new Set(bo).size, 20, 'no curve measured twice');
    assert.deepEqual(bo.slice(0, 3), result.random.repeats[r].order.slice(0, 3), 'same initial curves');
    assert.ok(bo.every((v) => v >= 1 && v <= 100));
    // best-so-far is the objective (max) of the revealed curves: it never decreases
    const b = result.repeats[r].bestSoFar;
    for (let k = 1; k < b.length; k++) assert.ok(b[k] >= b[k - 1]);
  }
  // experiments to a top-5% curve (5 of 100), not found counted as budget + 1
  const mean = (xs: (number | null)[]): number => xs.reduce<number>((s, v) => s + (v ?? 21), 0) / xs.length;
  const bo = mean(result.repeats.map((r) => r.experimentsToTop5));
  const rnd = mean(result.random.repeats.map((r) => r.experimentsToTop5));
  assert.ok(bo < rnd, `BO ${bo} vs random ${rnd} experiments to a top-5% curve`);
  assert.ok(result.summary.bo.bestSoFar[19].median! >= result.summary.random.bestSoFar[19].median!);
  assert.equal(result.summary.bo.bestSoFar.length, 20);
});

test('Simulate Campaign (executeSimulate) on a function target writes simulation.json that the run view labels by the objective', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-fnbo-'));
  writeFileSync(join(dir, 'data.csv'), wideCsv(30));
  writeFileSync(join(dir, 'curves.mi.yaml'), SPEC('{maximize: integral, over: [0.2, 0.8]}'));
  const { manifest, manifestPath } = await executeSimulate(join(dir, 'curves.mi.yaml'), { budget: 8, initial: 4, repeats: 2, runId: '20260101-000000-sim0' });
  assert.equal(manifest.status, 'completed', JSON.stringify(manifest.error));
  assert.equal(manifest.dataset.rows, 30);
  assert.deepEqual(manifest.features.names, ['x1', 'x2']);
  const sim = JSON.parse(readFileSync(join(manifestPath, '..', 'simulation.json'), 'utf8'));
  for (const k of ['repeats', 'random', 'summary', 'runs', 'repeatCount', 'top', 'budget', 'initial']) assert.ok(k in sim, k);
  assert.equal(sim.repeats[0].order.length, 8);
  assert.equal(sim.random.repeats[1].order.length, 8);
  assert.equal(sim.unit, 'mV·s');
  const view = simulationView(sim, manifest);
  assert.equal(view.target, 'integral of y over [0.2, 0.8] s');
  assert.equal(view.unit, 'mV·s');
  assert.equal(view.series.length, 2);
  assert.equal(view.series[0].median.length, 8);
});

test('suggest over a continuous space with a function target: box bounds and the composition simplex hold, curves predicted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-fnbo-'));
  writeFileSync(join(dir, 'data.csv'), wideCsv(24));
  const boxSpec = SPEC('{maximize: max}', 'optimize:\n  batch: 3\n  space:\n    bounds: {x1: [0.1, 0.6], x2: [0.25, 0.5]}\n');
  writeFileSync(join(dir, 'curves.mi.yaml'), boxSpec);
  const v = await validateSpecText(boxSpec, join(dir, 'curves.mi.yaml'));
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  const { manifest, manifestPath } = await executeRun(join(dir, 'curves.mi.yaml'), { command: 'suggest', cv: false, runId: '20260101-000000-box0' });
  assert.equal(manifest.status, 'completed', JSON.stringify(manifest.error));
  const runDir = join(manifestPath, '..');
  const rows = readFileSync(join(runDir, 'suggestions.csv'), 'utf8').trim().split('\n');
  const head = rows[0].split(',');
  assert.deepEqual(head.slice(0, 7), ['rank', 'id', 'x1', 'x2', 'objective_mean', 'objective_std', 'acquisition']);
  assert.equal(head.length, 7 + 6);
  assert.equal(rows.length, 1 + 3);
  for (const line of rows.slice(1)) {
    const c = line.split(',').map(Number);
    assert.ok(c[2] >= 0.1 - 1e-12 && c[2] <= 0.6 + 1e-12, `x1 ${c[2]}`);
    assert.ok(c[3] >= 0.25 - 1e-12 && c[3] <= 0.5 + 1e-12, `x2 ${c[3]}`);
    assert.ok(Number.isFinite(c[4]) && c[5] >= 0 && c[6] >= 0);
  }
  // the best curves are at x1 = 0.8, outside the box: the search pushes x1 to its upper bound
  assert.ok(Number(rows[1].split(',')[2]) > 0.5, rows[1]);
  const curves = JSON.parse(readFileSync(join(runDir, 'curves.json'), 'utf8'));
  assert.equal(curves.suggestions.length, 3);
  assert.equal(curves.suggestions[0].mean.length, 6);

  // composition simplex over three numeric fraction columns
  const rng = new Rng(4);
  const lines = ['a,b,c,y_0,y_0.5,y_1'];
  for (let i = 0; i < 20; i++) {
    const u = [rng.uniform(), rng.uniform(), rng.uniform()];
    const s = u[0] + u[1] + u[2];
    const [a, b, c] = u.map((x) => x / s);
    const h = 1 + a - 2 * (b - 0.3) ** 2;
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${c.toFixed(4)},${(0.5 * h).toFixed(4)},${h.toFixed(4)},${(0.7 * h).toFixed(4)}`);
  }
  writeFileSync(join(dir, 'comp.csv'), lines.join('\n') + '\n');
  const compSpec = SPEC('{maximize: value, at: 0.5}', 'optimize:\n  batch: 2\n  space:\n    composition: {elements: [a, b, c], sum: 1, bounds: {c: [0, 0.2]}}\n')
    .replace('path: data.csv', 'path: comp.csv').replace('columns: [x1, x2]', 'columns: [a, b, c]');
  writeFileSync(join(dir, 'comp.mi.yaml'), compSpec);
  const vc = await validateSpecText(compSpec, join(dir, 'comp.mi.yaml'));
  assert.deepEqual(vc.diagnostics.filter((d) => d.severity === 'error'), []);
  const r2 = await executeRun(join(dir, 'comp.mi.yaml'), { command: 'suggest', cv: false, runId: '20260101-000000-cmp0' });
  assert.equal(r2.manifest.status, 'completed', JSON.stringify(r2.manifest.error));
  const rows2 = readFileSync(join(r2.manifestPath, '..', 'suggestions.csv'), 'utf8').trim().split('\n').slice(1);
  assert.equal(rows2.length, 2);
  for (const line of rows2) {
    const c = line.split(',').map(Number);
    assert.ok(Math.abs(c[2] + c[3] + c[4] - 1) < 1e-9, `sum ${c[2] + c[3] + c[4]}`);
    assert.ok(c.slice(2, 5).every((x) => x >= -1e-12), line);
    assert.ok(c[4] <= 0.2 + 1e-12, `c ${c[4]}`);
  }
});

test('featurize with a function target: one row per curve, id, descriptors, then the curve on the grid as <target>@<t>', async () => {
  const { command } = await import('../../../src/cli/commands/featurize');
  const dir = mkdtempSync(join(tmpdir(), 'mi-fnbo-'));
  const lines = ['formula,T,Cp'];
  for (const [f, a] of [['Fe0.5Ni0.5', 1], ['Fe0.2Ni0.8', 2], ['Fe0.9Ni0.1', 3]] as const) for (const T of [300, 600, 900]) lines.push(`${f},${T},${a * T / 100}`);
  writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'cp.mi.yaml'), `version: 1
name: cp
dataset:
  path: data.csv
  inputs: [{column: formula, kind: composition, descriptors: [fractions]}]
  targets:
    - kind: function
      long: {id: formula, argument: T, value: Cp}
      grid: {from: 300, to: 900, points: 4}
model: {type: auto}
`);
  const out = join(dir, 'f.csv');
  const ow = process.stderr.write.bind(process.stderr);
  const sw = process.stdout.write.bind(process.stdout);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = ((s: string) => (String(s).startsWith('/') ? true : sw(s))) as typeof process.stdout.write;
  let code: number;
  try {
    code = await command.main([join(dir, 'cp.mi.yaml'), '--out', out]);
  } finally {
    process.stderr.write = ow;
    process.stdout.write = sw;
  }
  assert.equal(code, 0);
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(rows[0], ['formula', 'fraction:Fe', 'fraction:Ni', 'Cp@300', 'Cp@500', 'Cp@700', 'Cp@900']);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[2], ['Fe0.2Ni0.8', '0.2', '0.8', '6', '10', '14', '18']);
});

test('CLI simulate with a function target writes simulation.json (--out file.json)', async () => {
  const { command } = await import('../../../src/cli/commands/simulate');
  const dir = mkdtempSync(join(tmpdir(), 'mi-fnbo-'));
  writeFileSync(join(dir, 'data.csv'), wideCsv(20));
  writeFileSync(join(dir, 'curves.mi.yaml'), SPEC('{maximize: argmax}', '', 'auto'));
  const out = join(dir, 'sim', 'simulation.json');
  const ew = process.stderr.write.bind(process.stderr);
  const sw = process.stdout.write.bind(process.stdout);
  const err: string[] = [];
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string) => (String(s).startsWith('/') ? true : sw(s))) as typeof process.stdout.write;
  let code: number;
  try {
    code = await command.main([join(dir, 'curves.mi.yaml'), '--budget', '7', '--initial', '3', '--repeats', '2', '--seed', '4', '--out', out]);
  } finally {
    process.stderr.write = ew;
    process.stdout.write = sw;
  }
  assert.equal(code, 0, err.join(''));
  const sim = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(sim.model, 'kronecker-gp', 'auto → the Kronecker GP inside the loop');
  assert.equal(sim.objective.kind, 'argmax');
  assert.equal(sim.unit, 's');
  assert.equal(sim.repeats.length, 2);
  assert.equal(sim.random.repeats[0].order.length, 7);
  assert.ok(sim.summary.bo.bestSoFar.every((q: { median: number }) => q.median >= 0 && q.median <= 1));
});
