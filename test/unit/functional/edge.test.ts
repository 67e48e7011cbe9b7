/**
 * Edge cases of functional BO (curve objectives in simulate / suggest) found by trying them as a new user and as an
 * attacker: curves with gaps, objectives off the grid, campaign settings that cannot give a simulation, cancel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MiError } from '../../../src/core/diagnostics';
import { executeRun, executeSimulate } from '../../../src/core/run';
import { loadTable } from '../../../src/core/data';
import { loadSpec } from '../../../src/core/spec';
import { validateSpecText } from '../../../src/core/spec/validate';
import { simulateFunctional } from '../../../src/core/functional/simulate';
import { curveObjective, objectiveUnit } from '../../../src/core/functional/objectives';
import { makeGrid } from '../../../src/core/functional/resample';
import { runCampaigns } from '../../../src/core/bo/simulate';
import type { FunctionalObjective } from '../../../src/core/spec/types';

const GRID = [300, 400, 500, 600];

test('a curve with a gap inside the objective range has no objective (NaN) for every range kind, not a guess from the measured part', () => {
  const tail = [1, 3, 2, NaN]; // not measured at 600
  const head = [NaN, 3, 2, 1]; // not measured at 300
  for (const kind of ['max', 'min', 'argmax', 'integral', 'above'] as const) {
    const o: FunctionalObjective = { kind, direction: 'maximize', threshold: 0 };
    assert.ok(Number.isNaN(curveObjective(o, GRID, tail)), `${kind} over the whole grid with a gap at the end`);
    assert.ok(Number.isNaN(curveObjective(o, GRID, head)), `${kind} over the whole grid with a gap at the start`);
    // a range that avoids the gap is fine
    assert.ok(Number.isFinite(curveObjective({ ...o, over: [300, 500] }, GRID, tail)), `${kind} over [300, 500]`);
  }
  assert.equal(curveObjective({ kind: 'max', direction: 'maximize', over: [300, 500] }, GRID, tail), 3);
});

test('the value at a grid point next to a gap is the measured value', () => {
  const head = [NaN, 3, 2, 1];
  assert.equal(curveObjective({ kind: 'value', direction: 'maximize', at: 400 }, GRID, head), 3);
  assert.equal(curveObjective({ kind: 'value', direction: 'maximize', at: 500 }, GRID, [1, 2, 5, NaN]), 5);
  assert.equal(curveObjective({ kind: 'value', direction: 'maximize', at: 450 }, GRID, head), 2.5);
});

function wideCsv(n: number, gapsEvery = 0): string {
  const ts = [300, 400, 500, 600];
  const lines = [`x1,x2,${ts.map((t) => `y_${t}`).join(',')}`];
  for (let i = 0; i < n; i++) {
    const x1 = ((i * 37) % 101) / 100;
    const x2 = ((i * 53) % 97) / 96;
    const ys = ts.map((t, k) => (gapsEvery && i % gapsEvery === 0 && k === ts.length - 1 ? '' : (Math.sin(3 * x1 + t / 200) + x2 * (t / 300)).toFixed(4)));
    lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${ys.join(',')}`);
  }
  return lines.join('\n') + '\n';
}

const SPEC = (goal: string, grid = ''): string => `version: 1
name: edge
seed: 2
dataset:
  path: data.csv
  inputs: [{columns: [x1, x2], kind: numeric}]
  targets:
    - kind: function
      name: y
      columns: "y_*"
      argument: {name: T, unit: K}
      unit: mV
${grid}      goal: ${goal}
model: {type: kronecker-gp, ard: false}
evaluation: {cv: none}
`;

async function setup(csv: string, spec: string): Promise<{ specPath: string; dataPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mi-fnedge-'));
  writeFileSync(join(dir, 'data.csv'), csv);
  writeFileSync(join(dir, 'edge.mi.yaml'), spec);
  return { specPath: join(dir, 'edge.mi.yaml'), dataPath: join(dir, 'data.csv') };
}

async function sim(specPath: string, dataPath: string, o: { budget?: number; initial?: number; repeats?: number } = {}) {
  const { spec } = await loadSpec(specPath);
  const table = await loadTable(dataPath);
  return simulateFunctional({ spec, specPath, table, dataPath, budget: o.budget ?? 6, initial: o.initial ?? 3, repeats: o.repeats ?? 1, seed: 1, samples: 32 });
}

test('simulate: curves with a gap in the objective range are left out of the pool (not scored on their measured part)', async () => {
  const { specPath, dataPath } = await setup(wideCsv(20, 4), SPEC('{maximize: max}', '      grid: {from: 300, to: 600, points: 4}\n'));
  const { result } = await sim(specPath, dataPath);
  assert.equal(result.dataset.pool, 15, '5 of 20 curves end at 500 and have no maximum over [300, 600]');
});

test('simulate: an objective range or `at` beyond the (default) grid is a clear error at the goal, not a flat extrapolation', async () => {
  for (const [goal, word] of [['{maximize: integral, over: [700, 900]}', 'over'], ['{maximize: max, over: [400, 900]}', 'over'], ['{maximize: value, at: 5000}', 'at']] as const) {
    const { specPath, dataPath } = await setup(wideCsv(12), SPEC(goal));
    await assert.rejects(sim(specPath, dataPath), (e: unknown) => {
      assert.ok(e instanceof MiError, String(e));
      assert.equal(e.details.code, 'function-goal');
      assert.equal(e.details.file, specPath);
      assert.equal(e.details.line, 13, 'the goal line');
      assert.match(e.message, new RegExp(`"${word}: .*(beyond|outside) the grid of "y" \\[300, 600\\] K`));
      assert.ok(e.details.hint);
      return true;
    });
  }
});

test('validate: a reversed or empty range, and a range / at beyond an explicit grid, are errors at the goal; ignored keys warn', async () => {
  const grid = '      grid: {from: 300, to: 600, points: 4}\n';
  const diag = async (goal: string, g = ''): Promise<{ code: string; severity: string; message: string; line: number }[]> => {
    const { specPath } = await setup(wideCsv(6), SPEC(goal, g));
    const r = await validateSpecText(SPEC(goal, g), specPath);
    return r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, line: d.range.start.line + 1 }));
  };
  const one = async (goal: string, g: string, severity: string, re: RegExp): Promise<void> => {
    const ds = (await diag(goal, g)).filter((d) => d.code === 'function-goal');
    assert.equal(ds.length, 1, `${goal}: ${JSON.stringify(ds)}`);
    assert.equal(ds[0].severity, severity);
    assert.match(ds[0].message, re);
  };
  await one('{maximize: max, over: [550, 350]}', '', 'error', /reversed/);
  await one('{maximize: integral, over: [400, 400]}', '', 'error', /empty/);
  await one('{maximize: integral, over: [200, 500]}', grid, 'error', /beyond the grid \[300, 600\]/);
  await one('{maximize: value, at: 700}', grid, 'error', /outside the grid/);
  await one('{maximize: max, at: 400}', '', 'warning', /"at" is only used/);
  await one('{maximize: integral, threshold: 1}', '', 'warning', /"threshold" is only used/);
  assert.equal((await diag('{maximize: integral, over: [400, 600]}', grid)).length, 0);
});

test('runCampaigns: an initial design that measures the whole pool, a tiny pool and absurd repeats are usage errors', async () => {
  const oracle = { values: [1, 2, 3, 4, 5], utility: (y: number) => y, fromUtility: (u: number) => u, dataRow: [1, 2, 3, 4, 5] };
  const step = () => async ({ rest }: { rest: readonly number[] }) => [rest[0]];
  const run = (o: { budget: number; initial: number; repeats: number }, or = oracle) => runCampaigns(or, { ...o, seed: 1, startRepeat: step });
  const usage = (re: RegExp) => (e: unknown): boolean => {
    assert.ok(e instanceof MiError, String(e));
    assert.equal(e.details.code, 'usage');
    assert.match(e.message, re);
    assert.ok(e.details.hint);
    return true;
  };
  await assert.rejects(run({ budget: 9, initial: 5, repeats: 1 }), usage(/--initial 5 measures the whole pool of 5/));
  await assert.rejects(run({ budget: 9, initial: 7, repeats: 1 }), usage(/whole pool/));
  await assert.rejects(run({ budget: 4, initial: 2, repeats: 1e11 }), usage(/--repeats must be a whole number from 1 to/));
  await assert.rejects(run({ budget: 4, initial: 2, repeats: 0 }), usage(/--repeats/));
  await assert.rejects(run({ budget: 4, initial: 2, repeats: 1 }, { ...oracle, values: [1, 2], dataRow: [1, 2] }), usage(/only 2 usable row/));
  // seed + 1000 r rounds to one number beyond 2^53: every repeat would be the same campaign
  await assert.rejects(runCampaigns(oracle, { budget: 4, initial: 2, repeats: 2, seed: 1e20, startRepeat: step }), usage(/--seed .* too large/));
  // budget beyond the pool is capped (and said), initial < pool runs BO steps
  const logs: string[] = [];
  const r = await runCampaigns(oracle, { budget: 50, initial: 2, repeats: 1, seed: 1, startRepeat: step, log: (m) => logs.push(m) });
  assert.equal(r.budget, 5);
  assert.equal(r.repeats[0].order.length, 5);
  assert.ok(logs.some((m) => /budget 50 capped at 5/.test(m)), logs.join('\n'));
});

test('Simulate Campaign on a function target cancelled mid-run ends cancelled, with no simulation.json', async () => {
  const { specPath } = await setup(wideCsv(30), SPEC('{maximize: integral, over: [300, 500]}'));
  const ac = new AbortController();
  const { manifest, manifestPath } = await executeSimulate(specPath, {
    budget: 12, initial: 3, repeats: 3, runId: '20260101-000000-can0', signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'progress' && e.phase === 'simulate') ac.abort();
    },
  });
  assert.equal(manifest.status, 'cancelled', JSON.stringify(manifest.error));
  assert.ok(!existsSync(join(dirname(manifestPath), 'simulation.json')));
  assert.ok(!readdirSync(dirname(manifestPath)).some((f) => f.startsWith('simulation')));
});

test('a grid that no curve reaches is a clear error at the grid line (was "no valid rows left"); a ±1e308 grid stays finite', async () => {
  for (const grid of ['{from: 1000, to: 2000, points: 5, margin: 10}', '{from: -1e308, to: 1e308, points: 5}']) {
    const { specPath, dataPath } = await setup(wideCsv(8), SPEC('maximize', `      grid: ${grid}\n`));
    await assert.rejects(sim(specPath, dataPath), (e: unknown) => {
      assert.ok(e instanceof MiError, String(e));
      assert.equal(e.details.code, 'function-grid');
      assert.equal(e.details.line, 13, 'the grid line');
      assert.match(e.message, /no curve of "y" reaches any value of the grid/);
      assert.match(e.details.hint ?? '', /measured over \[300, 600\]/);
      return true;
    });
  }
  assert.ok(Array.from(makeGrid({ from: -1e308, to: 1e308, points: 5 })).every(Number.isFinite));
  assert.deepEqual(Array.from(makeGrid({ from: 300, to: 600, points: 13 })).slice(0, 3), [300, 325, 350]);
});

test('suggest over a pool: unusable candidate rows are named (file:line: column), and an all-measured pool says why nothing is suggested', async () => {
  const csv = wideCsv(12).replace('x1,x2,', 'id,x1,x2,').split('\n').map((l, i) => (i === 0 || !l ? l : `c${i},${l}`)).join('\n');
  const { specPath } = await setup(csv, SPEC('{maximize: integral, over: [300, 500]}').replace('  path: data.csv\n', '  path: data.csv\n  id: id\n') + 'optimize:\n  batch: 2\n  candidates: {path: pool.csv}\n');
  writeFileSync(join(dirname(specPath), 'pool.csv'), 'id,x1,x2\nc1,0.5,0.5\nbad,abc,0.3\nc2,0.1,0.1\n');
  const { manifest, manifestPath } = await executeRun(specPath, { command: 'suggest', cv: false, runId: '20260101-000000-pool' });
  assert.equal(manifest.status, 'completed', JSON.stringify(manifest.error));
  const log = readFileSync(join(dirname(manifestPath), 'run.log'), 'utf8');
  assert.match(log, /pool\.csv:3: column "x1": not a number/);
  assert.match(log, /pool pool\.csv: 3 candidates, 2 already measured or excluded, 0 scored/);
  assert.match(log, /no candidates left to suggest/);
  assert.equal(readFileSync(join(dirname(manifestPath), 'suggestions.csv'), 'utf8').trim().split('\n').length, 1);
});

test('validate: a goal nested thousands of levels deep is a plain "nested too deeply" error, not the engine\'s RangeError text', async () => {
  const text = SPEC('['.repeat(20000) + ']'.repeat(20000));
  const { specPath } = await setup(wideCsv(6), text);
  const r = await validateSpecText(text, specPath);
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  assert.ok(errs.length >= 1);
  assert.ok(errs.every((d) => !/call stack/i.test(d.message)), JSON.stringify(errs));
  assert.ok(errs.some((d) => /nested too deeply/.test(d.message) && d.range.start.line === 12 && d.hint), JSON.stringify(errs));
});

test('the unit of an integral is never the curve unit alone (the argument unit unknown makes it unknown)', () => {
  const o: FunctionalObjective = { kind: 'integral', direction: 'maximize' };
  assert.equal(objectiveUnit(o, 'mV', 's'), 'mV·s');
  assert.equal(objectiveUnit(o, undefined, 'K'), 'K');
  assert.equal(objectiveUnit(o, 'J/mol/K', undefined), undefined);
  assert.equal(objectiveUnit({ kind: 'max', direction: 'maximize' }, 'mV', undefined), 'mV');
});
