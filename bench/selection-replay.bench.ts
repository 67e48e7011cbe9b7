/**
 * Replay data for `auto`'s selection rule (docs/transfer.md, "Why an average"): for every outer fold of the transfer
 * benchmark (Matbench expt_gap subsets, bundled library, `sources: all`: 13 candidates; or, with MOL=1, a polymer
 * target/library prepared as in docs/transfer.md's molecule pair under /tmp/mol), each candidate's inner 3-fold
 * out-of-fold predictions (the folds `SelectingModel` uses) and its predictions on the outer test rows. Any selection
 * rule can then be scored offline on the same folds: `python3 scripts/selection-replay.py FILE.json`.
 * Opt-in (minutes): `node scripts/build-tests.mjs bench && MI_BENCH_REPLAY=1 node out/bench/selection-replay.bench.js
 * 100` writes /tmp/selection-replay-100.json (env MI_BENCH_SEEDS=0,1,… as in transfer.bench.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTable } from '../src/core/data';
import { buildFeatures } from '../src/core/features';
import { Rng } from '../src/core/linalg/random';
import { assignFolds, crossValidate } from '../src/core/models';
import { takeRows } from '../src/core/models/common';
import type { Spec } from '../src/core/spec/types';
import { augment, candidates } from '../src/core/transfer/select';
import { computeSourceOutputs, loadLibrarySources } from '../src/core/transfer/sources';

const MOL = process.env.MOL === '1';
const DATA = MOL ? '/tmp/mol/o2.csv' : '/work/shared/data/crabnet_matbench/matbench/expt_gap.csv';
const LIB = MOL ? '/tmp/mol/lib' : join(__dirname, '..', '..', 'media', 'library');

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  if (process.env.MI_BENCH_REPLAY !== '1' || !sizes.length) return void process.stdout.write(JSON.stringify({ bench: 'selection_replay', skipped: 'opt-in: MI_BENCH_REPLAY=1 and sizes' }) + '\n');
  if (!existsSync(DATA) || !existsSync(join(LIB, 'library.json'))) return void process.stdout.write(JSON.stringify({ bench: 'selection_replay', skipped: `${DATA} or ${LIB} not found` }) + '\n');
  const SEEDS = (process.env.MI_BENCH_SEEDS ?? '0,1,2,3,4').split(',').map(Number);
  const spec = {
    version: 1, name: 'replay', seed: 0,
    dataset: MOL
      ? { path: DATA, on_invalid: 'skip', inputs: [{ column: 'smiles', kind: 'smiles', descriptors: ['rdkit2d'] }], targets: [{ column: 'log_o2', goal: 'predict' }] }
      : { path: DATA, on_invalid: 'skip', inputs: [{ column: 'formula', kind: 'composition', descriptors: ['magpie'] }], targets: [{ column: 'target', goal: 'predict' }] },
    model: { type: 'gp', kernel: 'matern52', ard: false, restarts: 2 },
    evaluation: { cv: { folds: 5, repeats: 1 } }, output: { dir: 'runs' },
  } as Spec;
  const table = await loadTable(DATA);
  const { set } = await buildFeatures(spec, table);
  const outs = [];
  for (const s of await loadLibrarySources(LIB, 'all')) outs.push(await computeSourceOutputs(s, spec.dataset.inputs, table, set));
  const aug = augment(set.X, set.featureNames, outs);
  const cands = candidates(spec.model, aug.layout, outs, 'auto');
  const dump: unknown[] = [];
  const file = `/tmp/selection-replay-${MOL ? 'mol-' : ''}${sizes.join('-')}.json`;
  for (const n of sizes) {
    for (const seed of SEEDS) {
      // the same subsets and outer folds as bench/transfer.bench.ts
      const rows = Array.from(new Rng(1000 * n + seed).permutation(set.X.rows).subarray(0, n));
      const X = takeRows(aug.X, rows);
      const Y = takeRows(set.Y, rows);
      const fold = assignFolds(n, 5, seed);
      for (let f = 0; f < 5; f++) {
        const tr: number[] = [];
        const te: number[] = [];
        for (let i = 0; i < n; i++) (fold[i] === f ? te : tr).push(i);
        const Xtr = takeRows(X, tr);
        const Ytr = takeRows(Y, tr);
        const fitSeed = seed + f;
        const rec = { n, seed, f, ytr: Array.from(Ytr.data), yte: te.map((i) => Y.data[i]), cands: [] as unknown[] };
        for (let k = 0; k < cands.length; k++) {
          // as SelectingModel.fit: inner folds seeded by the fit seed, candidate k seeded fitSeed + 17k; refit with the constructor seed
          const cv = await crossValidate(() => cands[k].make(fitSeed + 17 * k), Xtr, Ytr, { folds: 3, repeats: 1, seed: fitSeed + 7919 });
          const m = cands[k].make(seed);
          await m.fit(Xtr, Ytr, { seed: fitSeed });
          const p = m.predict(takeRows(X, te));
          rec.cands.push({ label: cands[k].label, oof: Array.from(cv.mean), te: Array.from(p.mean), teVar: Array.from(p.variance) });
        }
        dump.push(rec);
        writeFileSync(file, JSON.stringify(dump));
      }
      process.stdout.write(JSON.stringify({ bench: 'selection_replay', n, seed, file }) + '\n');
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
  process.exit(1);
});
