#!/usr/bin/env node
// Builds the bundled transfer library (media/library/) from public computed data in ../shared/data (CrabNet's copy of
// Matbench / AFLOW / Materials Project, MIT): a few source networks per property, trained with `mi-studio pretrain`.
// The formulas of Matbench expt_gap (the benchmark target, bench/transfer.bench.ts) are EXCLUDED from every source.
// Usage: node scripts/build.mjs && node scripts/build-library.mjs [--data DIR] [--out DIR] [--models K] [--max-rows N] [--epochs E]
//          [--only NAME[,NAME]] [--add K --seed S]
// --only rebuilds just the named sources (the others in --out are kept). --add K trains K MORE networks for each
// selected source and appends them to the existing source in --out without retraining its networks: `pretrain` runs
// with --seed S into a scratch library (seed S picks the seeded architectures, S*1000+k, and the held-out split), the
// new networks' scalers and feature pipeline are checked to equal the existing ones (same rows, same descriptors), and
// they are copied in as <source>-<n>, <source>-<n+1>, …  E.g. `--only mp_gap --add 2 --seed 7` adds 128x64 elu and
// 64x32 relu networks (fast to train).
// Defaults: 2 networks per source, ALL rows (--max-rows 1000000), at most 60 epochs (learning rate halved after 4
// epochs without a better held-out loss, early stop after 12, best weights kept); about half an hour on a shared
// 2-core machine, dominated by mp_gap (~100,000 rows).
// Deterministic for a given machine/backend (seeded subsamples, architectures and initial weights).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const data = resolve(arg('--data', join(root, '..', 'shared', 'data')));
const out = resolve(arg('--out', join(root, 'media', 'library')));
const models = arg('--models', '2');
const maxRows = arg('--max-rows', '1000000');
const epochs = arg('--epochs', '60');
const cm = join(data, 'crabnet_matbench');
const only = arg('--only', '') ? arg('--only', '').split(',') : null;
const add = arg('--add', '') ? Number(arg('--add', '')) : 0;
const seedArg = arg('--seed', add ? '' : '0');
if (add && !(Number.isInteger(add) && add >= 1)) throw new Error('--add needs a positive whole number');
if (add && !/^\d+$/.test(seedArg)) throw new Error('--add needs --seed S (a seed other than the one the source was built with, 0 by default, so the architectures and held-out split differ)');

// name, files (concatenated), target column name, unit, description
const SOURCES = [
  ['mp_gap', ['matbench/mp_gap.csv'], 'pbe_gap', 'eV', 'PBE band gap, Materials Project (Matbench mp_gap, 106,113 rows)'],
  ['aflow_gap', ['benchmark_data/aflow__Egap/train.csv', 'benchmark_data/aflow__Egap/val.csv', 'benchmark_data/aflow__Egap/test.csv'], 'aflow_gap', 'eV', 'DFT band gap, AFLOW (CrabNet benchmark split, all parts)'],
  ['mp_bulk_modulus', ['benchmark_data/mp_bulk_modulus/train.csv', 'benchmark_data/mp_bulk_modulus/val.csv', 'benchmark_data/mp_bulk_modulus/test.csv'], 'bulk_modulus', 'GPa', 'VRH bulk modulus, Materials Project (CrabNet benchmark split)'],
];

/** Appends the networks of source `name` in library `from` to the same source in library `to` (renumbered). */
function appendNets(from, to, name) {
  const src = JSON.parse(readFileSync(join(from, 'library.json'), 'utf8')).sources.find((x) => x.name === name);
  const idx = JSON.parse(readFileSync(join(to, 'library.json'), 'utf8'));
  const dst = idx.sources.find((x) => x.name === name);
  if (!src || !dst) throw new Error(`--add: source ${name} is not in ${to}/library.json (build it first without --add)`);
  if (src.dataset.sha256 !== dst.dataset.sha256 || src.dataset.trainedRows !== dst.dataset.trainedRows) throw new Error(`--add: ${name} was built from other data or rows (sha256/trainedRows differ): rebuild it`);
  const ref = JSON.parse(readFileSync(join(to, dst.models[0].meta), 'utf8'));
  const ids = new Set(dst.models.map((m) => m.id));
  let n = dst.models.length;
  for (const m of src.models) {
    const meta = JSON.parse(readFileSync(join(from, m.meta), 'utf8'));
    if (JSON.stringify(meta.xs) !== JSON.stringify(ref.xs) || JSON.stringify(meta.ys) !== JSON.stringify(ref.ys) || JSON.stringify(meta.pipeline) !== JSON.stringify(ref.pipeline)) {
      throw new Error(`--add: ${m.id} has other scalers or feature pipeline than ${dst.models[0].id}: rebuild ${name}`);
    }
    while (ids.has(`${name}-${n}`)) n++;
    const id = `${name}-${n++}`;
    ids.add(id);
    meta.id = id;
    writeFileSync(join(to, name, `${id}.json`), JSON.stringify(meta) + '\n');
    writeFileSync(join(to, name, `${id}.bin`), readFileSync(join(from, m.weights)));
    dst.models.push({ ...m, id, meta: `${name}/${id}.json`, weights: `${name}/${id}.bin` });
    process.stderr.write(`== ${name}: added ${id} (${m.architecture.hidden.join('x')} ${m.architecture.activation}, held-out MAE ${m.val.mae.toFixed(3)})\n`);
  }
  writeFileSync(join(to, 'library.json'), JSON.stringify(idx, null, 2) + '\n');
}

if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('build first: node scripts/build.mjs');
const work = mkdtempSync(join(tmpdir(), 'mi-library-'));
try {
  const exclude = join(work, 'expt_gap_formulas.csv');
  const expt = readFileSync(join(cm, 'matbench', 'expt_gap.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  writeFileSync(exclude, 'formula\n' + expt.join('\n') + '\n');
  mkdirSync(out, { recursive: true });
  for (const [name, files, target, unit, description] of SOURCES) {
    if (only && !only.includes(name)) continue;
    const lines = [];
    for (const f of files) lines.push(...readFileSync(join(cm, f), 'utf8').trim().split('\n').slice(1));
    writeFileSync(join(work, `${name}.csv`), `formula,${target}\n` + lines.join('\n') + '\n');
    writeFileSync(
      join(work, `${name}.mi.yaml`),
      [
        'version: 1',
        `name: ${name}`,
        `description: "${description}; ${files.join(' + ')} from crabnet_matbench (CrabNet commit 457b4d48, MIT); expt_gap formulas excluded"`,
        'seed: 0',
        'dataset:',
        `  path: ${name}.csv`,
        '  on_invalid: skip',
        '  inputs: [{column: formula, kind: composition, descriptors: [magpie]}]',
        `  targets: [{column: ${target}, unit: "${unit}"}]`,
        '',
      ].join('\n'),
    );
    const t0 = Date.now();
    process.stderr.write(`== ${name}: ${lines.length} rows\n`);
    const lib = add ? join(work, 'add-library') : out;
    execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'pretrain', join(work, `${name}.mi.yaml`), '--library', lib, '--models', add ? String(add) : models, '--max-rows', maxRows, '--epochs', epochs, '--seed', seedArg, '--exclude', exclude, '--out', join(work, 'runs')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (add) appendNets(lib, out, name);
    process.stderr.write(`== ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  // provenance for the index
  const idx = JSON.parse(readFileSync(join(out, 'library.json'), 'utf8'));
  idx.description = 'MI Studio bundled transfer library: composition (Magpie) source networks for band gaps and bulk modulus.';
  idx.provenance =
    'Built by scripts/build-library.mjs from crabnet_matbench (https://github.com/anthony-wang/CrabNet, commit 457b4d48, MIT; data: Matbench v0.1 - Dunn et al., npj Comput. Mater. 6, 138 (2020); Materials Project; AFLOW). ' +
    `Each source: ${Number(maxRows) >= 1e6 ? 'all rows' : `seeded subsample of at most ${maxRows} rows`}, at most ${epochs} epochs; the ${expt.length} formulas of Matbench expt_gap (and every composition with the same reduced formula) were excluded from pretraining.`;
  writeFileSync(join(out, 'library.json'), JSON.stringify(idx, null, 2) + '\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
