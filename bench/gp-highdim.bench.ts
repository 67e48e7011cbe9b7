/**
 * Whole runs at high dimension (docs/models.md "High dimension"): the bundled band-gap example (250 rows × 135 Magpie
 * descriptors, 5-fold CV + final fit + 4 suggestions) and, when /work/shared/data is present, a Morgan-fingerprint GP
 * on the PolyMetriX Tg set (808 polymers, 1,290 non-constant bits). One JSON line per case: wall and CPU seconds
 * (process.cpuUsage: both engine threads), phase timings, CV MAE and coverage90.
 * `node out/bench/gp-highdim.bench.js [bandgap|polymer]`.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { executeRun } from '../src/core/run';

const POLYMER = '/work/shared/data/polymer_tg_polymetrix/Polymer_Tg_nonPolyInfo_subset.csv';

async function bench(name: string, spec: string, optimize: boolean): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), `mi-bench-${name}-`));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { manifest } = await executeRun(spec, { out, optimize, paths: { allowOutside: true } }); // our own spec in a temp folder, naming the shared data
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const metrics = Object.values(manifest.metrics.cv)[0];
  const hp = manifest.model?.hyperparameters ?? {};
  console.log(
    JSON.stringify({
      bench: `run_${name}`,
      status: manifest.status,
      rows: manifest.dataset?.rows,
      features: manifest.features?.count,
      kernel: (manifest.spec.content as { model?: { kernel?: string } } | null)?.model?.kernel,
      lengthscales: Array.isArray(hp.lengthscales) ? hp.lengthscales.length : 0,
      wall_s: Number(wall.toFixed(2)),
      cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      timings: manifest.timings,
      mae: metrics?.mae,
      coverage90: metrics?.coverage90,
    }),
  );
}

async function main(): Promise<void> {
  const which = process.argv[2];
  if (!which || which === 'bandgap') await bench('bandgap_example', resolve('examples/bandgap/bandgap.mi.yaml'), true);
  if ((!which || which === 'polymer') && existsSync(POLYMER)) {
    const dir = mkdtempSync(join(tmpdir(), 'mi-bench-polymer-spec-'));
    const spec = join(dir, 'polymer-tg.mi.yaml');
    writeFileSync(
      spec,
      [
        'version: 1',
        'name: polymer-tg',
        'seed: 0',
        'dataset:',
        `  path: ${POLYMER}`,
        '  on_invalid: skip',
        '  inputs:',
        '    - {column: PSMILES, kind: smiles, descriptors: [morgan]}',
        '  targets:',
        '    - {column: "Exp_Tg(K)", goal: maximize, unit: K}',
        'model: {type: gp}',
        '',
      ].join('\n'),
    );
    await bench('polymer_tg_morgan', spec, false);
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
