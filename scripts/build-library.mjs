#!/usr/bin/env node
// Builds the bundled transfer library (media/library/) from public computed data in ../shared/data (CrabNet's copy of
// Matbench / AFLOW / Materials Project, MIT): a few source networks per property, trained with `mi-studio pretrain`.
// The formulas of Matbench expt_gap (the benchmark target, bench/transfer.bench.ts) are EXCLUDED from every source.
// Usage: node scripts/build.mjs && node scripts/build-library.mjs [--data DIR] [--out DIR] [--models K] [--max-rows N] [--epochs E]
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

// name, files (concatenated), target column name, unit, description
const SOURCES = [
  ['mp_gap', ['matbench/mp_gap.csv'], 'pbe_gap', 'eV', 'PBE band gap, Materials Project (Matbench mp_gap, 106,113 rows)'],
  ['aflow_gap', ['benchmark_data/aflow__Egap/train.csv', 'benchmark_data/aflow__Egap/val.csv', 'benchmark_data/aflow__Egap/test.csv'], 'aflow_gap', 'eV', 'DFT band gap, AFLOW (CrabNet benchmark split, all parts)'],
  ['mp_bulk_modulus', ['benchmark_data/mp_bulk_modulus/train.csv', 'benchmark_data/mp_bulk_modulus/val.csv', 'benchmark_data/mp_bulk_modulus/test.csv'], 'bulk_modulus', 'GPa', 'VRH bulk modulus, Materials Project (CrabNet benchmark split)'],
];

if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('build first: node scripts/build.mjs');
const work = mkdtempSync(join(tmpdir(), 'mi-library-'));
try {
  const exclude = join(work, 'expt_gap_formulas.csv');
  const expt = readFileSync(join(cm, 'matbench', 'expt_gap.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  writeFileSync(exclude, 'formula\n' + expt.join('\n') + '\n');
  mkdirSync(out, { recursive: true });
  for (const [name, files, target, unit, description] of SOURCES) {
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
    execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'pretrain', join(work, `${name}.mi.yaml`), '--library', out, '--models', models, '--max-rows', maxRows, '--epochs', epochs, '--exclude', exclude, '--out', join(work, 'runs')], { stdio: ['ignore', 'inherit', 'inherit'] });
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
