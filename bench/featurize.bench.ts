/**
 * Featurisation and loading throughput. Each case runs in its own child process so peak RSS is per case.
 *  - featurize_xenonpy / featurize_magpie: parse + describe the first 100k formulas of matbench mp_gap
 *    (/work/shared/data/crabnet_matbench/matbench/mp_gap.csv; CrabNet/matbench, see that folder's SOURCE.txt);
 *  - build_features_xenonpy: the same through loadTable + buildFeatures (what a run does);
 *  - load_csv: loadTable on a generated ~100 MB CSV;
 *  - featurize_cli_1m: `mi-studio featurize` (streamed) on a generated 1M-row, ~70 MB CSV (formula with magpie,
 *    two numeric inputs, one categorical, one target), with peak RSS and its ratio to the file size
 *    (the goal of issue 14 item 12: under ~3x the file; Node's own ~90 MB for the CLI bundle is included).
 * Prints one JSON line per case: {"bench":...}.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../src/core/data';
import { buildFeatures } from '../src/core/features';
import { compositionFeaturizer } from '../src/core/features/composition';
import { parseFormulaAmounts } from '../src/core/features/formula';
import type { Spec } from '../src/core/spec/types';
import { command as featurizeCommand } from '../src/cli/commands/featurize';

const MP_GAP = '/work/shared/data/crabnet_matbench/matbench/mp_gap.csv';
const ROWS = 100_000;

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** CPU time since `c0`: on a shared, overloaded machine wall-clock rates understate throughput. */
function cpuSeconds(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

function emit(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

async function featurizeCase(preset: 'xenonpy' | 'magpie'): Promise<void> {
  const bench = `featurize_${preset}`;
  if (!existsSync(MP_GAP)) return emit({ bench, skipped: `${MP_GAP} not found` });
  const table = await loadTable(MP_GAP, { maxRows: ROWS });
  const formulas = table.columns[table.header.indexOf('formula')];
  const f = compositionFeaturizer(preset);
  const W = f.names.length;
  const out = new Float64Array(formulas.length * W);
  // warm-up on a few rows (JIT), then the timed pass over all rows
  for (let i = 0; i < 1000; i++) f.compute(parseFormulaAmounts(formulas[i] ?? 'H'), out, i * W);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let bad = 0;
  for (let i = 0; i < formulas.length; i++) {
    const s = formulas[i];
    if (s === null) { bad++; continue; }
    try {
      f.compute(parseFormulaAmounts(s), out, i * W);
    } catch {
      bad++;
    }
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  emit({
    bench, rows: formulas.length, cols: W, invalid: bad, s: +s.toFixed(3), rows_per_s: Math.round(formulas.length / s),
    cpu_s: +cpu.toFixed(3), rows_per_cpu_s: Math.round(formulas.length / cpu), peak_rss_mb: peakRssMb(),
  });
}

async function buildCase(): Promise<void> {
  const bench = 'build_features_xenonpy';
  if (!existsSync(MP_GAP)) return emit({ bench, skipped: `${MP_GAP} not found` });
  const t0 = performance.now();
  const table = await loadTable(MP_GAP, { maxRows: ROWS });
  const t1 = performance.now();
  const spec: Spec = {
    version: 1, name: 'bench', seed: 0,
    dataset: { path: MP_GAP, on_invalid: 'skip', inputs: [{ column: 'formula', kind: 'composition', descriptors: ['xenonpy'] }], targets: [{ column: 'target', goal: 'maximize' }] },
    model: { type: 'gp' }, evaluation: { cv: { folds: 5, repeats: 1 } }, output: { dir: 'runs' },
  };
  const { set } = await buildFeatures(spec, table);
  const s = (performance.now() - t1) / 1000;
  emit({ bench, rows: set.X.rows, cols: set.X.cols, load_s: +((t1 - t0) / 1000).toFixed(3), s: +s.toFixed(3), rows_per_s: Math.round(set.X.rows / s), peak_rss_mb: peakRssMb() });
}

async function generateCsv(path: string, targetMb: number): Promise<void> {
  const ws = createWriteStream(path);
  const formulas = ['Li7La3Zr2O12', '(Al0.5Ga0.5)2O3', 'CuSO4·5H2O', 'Fe2O3', 'NaCl', 'BaTiO3', 'SrTiO3', 'K4Mn4O8'];
  ws.write('id,formula,temperature,pressure,time,note,gap\n');
  let bytes = 0;
  let i = 0;
  const target = targetMb * 1024 * 1024;
  while (bytes < target) {
    let chunk = '';
    for (let k = 0; k < 5000; k++, i++) {
      const note = i % 97 === 0 ? '"quoted, with comma"' : i % 3 === 0 ? 'anneal' : 'quench';
      chunk += `s${i},${formulas[i % formulas.length]},${(300 + (i % 700)).toFixed(1)},${(i % 13) * 0.25},${i % 48},${note},${((i * 7919) % 1000) / 100}\n`;
    }
    bytes += Buffer.byteLength(chunk);
    if (!ws.write(chunk)) await new Promise<void>((r) => ws.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => ws.end((e?: Error | null) => (e ? rej(e) : res())));
}

async function loadCase(path: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const t = await loadTable(path);
  const s = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  const mb = statSync(path).size / 1024 / 1024;
  emit({
    bench: 'load_csv', mb: +mb.toFixed(1), rows: t.rowNumbers.length, s: +s.toFixed(2), mb_per_s: +(mb / s).toFixed(1),
    cpu_s: +cpu.toFixed(2), peak_rss_mb: peakRssMb(),
  });
}

/** 1M rows like the file: an id, a formula, numbers, a category, a free-text column and a target. */
async function generateRows(path: string, rows: number): Promise<void> {
  const ws = createWriteStream(path);
  const formulas = ['Li7La3Zr2O12', '(Al0.5Ga0.5)2O3', 'CuSO4·5H2O', 'Fe2O3', 'NaCl', 'BaTiO3', 'SrTiO3', 'K4Mn4O8'];
  ws.write('id,formula,temperature,pressure,time,note,source,gap\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const note = i % 97 === 0 ? '"quoted, with comma"' : i % 3 === 0 ? 'anneal' : 'quench';
    chunk += `sample-${i},${formulas[i % formulas.length]},${(300 + (i % 700)).toFixed(1)},${(i % 13) * 0.25},${i % 48},${note},lab-${i % 7}/batch-${i % 1009}/run-${i % 31},${((i * 7919) % 1000) / 100}\n`;
    if (chunk.length > 1 << 20) {
      if (!ws.write(chunk)) await new Promise<void>((r) => ws.once('drain', () => r()));
      chunk = '';
    }
  }
  ws.write(chunk);
  await new Promise<void>((res, rej) => ws.end((e?: Error | null) => (e ? rej(e) : res())));
}

const FEATURIZE_SPEC = `version: 1
name: bench
dataset:
  path: big.csv
  id: id
  on_invalid: skip
  inputs:
    - column: formula
      kind: composition
      descriptors: [magpie]
    - columns: [temperature, pressure]
      kind: numeric
    - column: note
      kind: categorical
  targets:
    - column: gap
      goal: maximize
model: {type: gp}
`;

/** Runs the featurize command in this (child) process and reports its peak RSS against the CSV size. */
async function featurizeCliCase(specPath: string, csvPath: string, rows: number): Promise<void> {
  const out = join(specPath, '..', 'features.csv');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const ew = process.stderr.write.bind(process.stderr);
  const ow = process.stdout.write.bind(process.stdout);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  let code: number;
  try {
    code = await featurizeCommand.main([specPath, '--out', out]);
  } finally {
    process.stderr.write = ew;
    process.stdout.write = ow;
  }
  const s = (performance.now() - t0) / 1000;
  const mb = statSync(csvPath).size / 1024 / 1024;
  const peak = process.resourceUsage().maxRSS / 1024;
  emit({
    bench: 'featurize_cli_1m', rows, mb: +mb.toFixed(1), exit: code, out_mb: +(statSync(out).size / 1024 / 1024).toFixed(1),
    s: +s.toFixed(2), cpu_s: +cpuSeconds(c0).toFixed(2), peak_rss_mb: Math.round(peak), rss_per_file: +(peak / mb).toFixed(2),
  });
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--case') {
    if (arg === 'xenonpy' || arg === 'magpie') await featurizeCase(arg);
    else if (arg === 'build') await buildCase();
    return;
  }
  if (mode === '--load') return loadCase(arg);
  if (mode === '--featurize') return featurizeCliCase(arg, join(arg, '..', 'big.csv'), Number(process.argv[4]));
  const self = process.argv[1];
  const child = (args: string[]) => {
    const r = spawnSync(process.execPath, [self, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) process.exitCode = 1;
  };
  child(['--case', 'xenonpy']);
  child(['--case', 'magpie']);
  child(['--case', 'build']);
  const dir = mkdtempSync(join(tmpdir(), 'mi-bench-csv-'));
  try {
    const p = join(dir, 'big.csv');
    await generateCsv(p, 100);
    child(['--load', p]);
    rmSync(p);
    const rows = 1_000_000;
    await generateRows(p, rows);
    const specPath = join(dir, 'big.mi.yaml');
    writeFileSync(specPath, FEATURIZE_SPEC);
    child(['--featurize', specPath, String(rows)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
