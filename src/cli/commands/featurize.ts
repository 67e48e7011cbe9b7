/**
 * `mi-studio featurize SPEC [--out features.csv]`: loads the spec's dataset, builds the feature matrix and writes it
 * as CSV (id column first, then features, then targets). With a function target (kind: function) there is one row per
 * curve: its id (long layout: the `long.id` value), its descriptors, then the curve resampled onto the target's grid as
 * columns `<target>@<argument>` (empty where the curve does not reach a grid point). Written atomically (temp file + rename). With
 * `on_invalid: skip`, dropped rows are reported on stderr and written next to the output as
 * `<out>.dropped.csv` (row, column, message). The output path is the last line on stdout.
 */
import { promises as fsp } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { loadSpec, resolveSpecPath } from '../../core/spec';
import { loadTable } from '../../core/data';
import { buildFeatures } from '../../core/features';
import type { Command } from '../types';
import { csvCell } from '../../core/data/csvWrite';
import type { FeatureSet, Matrix } from '../../core/features/types';
import { functionTargetName } from '../../core/functional/data';
import { buildFunctionFeatures } from '../../core/functional/features';
import { hasFunctionTarget } from '../../core/functional/run';
import { soleFunctionTarget } from '../../core/functional/simulate';

const USAGE = 'mi-studio featurize SPEC [--out features.csv] [--allow-outside]';

/** Spreadsheet-safe, RFC 4180 cells: the shared writer (src/core/data/csvWrite.ts). */
export { csvCell } from '../../core/data/csvWrite';

function num(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

async function writeAtomic(path: string, chunks: Iterable<string>): Promise<void> {
  // `--out results/f.csv` into a folder that does not exist yet: create it (as `report --out` does)
  await fsp.mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fh = await fsp.open(tmp, 'w');
  try {
    // Chunks are produced lazily and written one by one: the output is never held in memory as a whole.
    for (const c of chunks) await fh.write(c);
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, path);
}

export const command: Command = {
  summary: 'write the feature matrix of a spec as CSV (id, features, targets)',
  usage: USAGE,
  async main(args: string[]): Promise<number> {
    let specPath: string | undefined;
    let out: string | undefined;
    let allowOutside = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--out' || a === '-o' || a.startsWith('--out=')) {
        out = a.startsWith('--out=') ? a.slice(6) : args[++i];
        if (!out || (out.startsWith('-') && out !== '-')) {
          process.stderr.write(`mi-studio featurize: ${a} needs a file name\nusage: ${USAGE}\n`);
          return 2;
        }
      }
      else if (a === '--allow-outside') allowOutside = true;
      else if (a.startsWith('-')) {
        process.stderr.write(`mi-studio featurize: unknown option ${a}\nusage: ${USAGE}\n`);
        return 2;
      } else if (!specPath) specPath = a;
      else {
        process.stderr.write(`mi-studio featurize: unexpected argument ${a}\nusage: ${USAGE}\n`);
        return 2;
      }
    }
    if (!specPath) {
      process.stderr.write(`usage: ${USAGE}\n`);
      return 2;
    }
    const { spec } = await loadSpec(specPath, allowOutside ? { paths: { allowOutside } } : {});
    const dataPath = resolveSpecPath(specPath, spec.dataset.path);
    const t0 = Date.now();
    const table = await loadTable(dataPath);
    let set: FeatureSet;
    let pipeline: { droppedConstant: string[] };
    let idName = spec.dataset.id ?? 'id';
    let targetCols: string[];
    let Y: Matrix;
    if (hasFunctionTarget(spec)) {
      // function target: one row per curve (sample), its descriptors, then the curve resampled onto the grid
      const target = soleFunctionTarget(spec, specPath);
      const ff = await buildFunctionFeatures(spec, target, table, specPath);
      set = { ...ff.set, ids: ff.ids };
      pipeline = ff.pipeline;
      if (target.long) idName = target.long.id;
      const name = functionTargetName(target);
      targetCols = Array.from(ff.fd.grid, (t) => `${name}@${t}`);
      Y = ff.Y;
      process.stderr.write(`featurize: ${ff.fd.resampling.layout} layout: ${ff.Y.rows} curves on a grid of ${ff.fd.grid.length} points (${name}@${ff.fd.grid[0]} … ${name}@${ff.fd.grid[ff.fd.grid.length - 1]})\n`);
    } else {
      ({ set, pipeline } = await buildFeatures(spec, table));
      targetCols = set.targetNames;
      Y = set.Y;
    }
    const outPath = resolve(out ?? 'features.csv');
    const header = [idName, ...set.featureNames, ...targetCols].map(csvCell).join(',') + '\n';
    const { X } = set;
    function* chunks(): Generator<string> {
      yield header;
      let buf = '';
      for (let i = 0; i < X.rows; i++) {
        const cells: string[] = [csvCell(set.ids[i])];
        for (let j = 0; j < X.cols; j++) cells.push(num(X.data[i * X.cols + j]));
        for (let t = 0; t < Y.cols; t++) cells.push(num(Y.data[i * Y.cols + t]));
        buf += cells.join(',') + '\n';
        if (buf.length > 1 << 20) {
          yield buf;
          buf = '';
        }
      }
      yield buf;
    }
    table.columns.length = 0; // the parsed cells are not needed any more (ids and features are in `set`)
    await writeAtomic(outPath, chunks());
    if (set.dropped.length > 0) {
      const file = basename(table.path);
      for (const d of set.dropped) process.stderr.write(`warning: ${file}:${d.row}: column "${d.column}": ${d.message} (row skipped)\n`);
      const dropped = ['row,column,message\n', ...set.dropped.map((d) => `${d.row},${csvCell(d.column)},${csvCell(d.message)}\n`)];
      await writeAtomic(`${outPath}.dropped.csv`, dropped);
    }
    const nDropped = new Set(set.dropped.map((d) => d.row)).size;
    process.stderr.write(
      `featurize: ${X.rows} rows x ${X.cols} features, ${hasFunctionTarget(spec) ? `1 function target (${Y.cols} grid columns)` : `${Y.cols} target(s)`}` +
        `${pipeline.droppedConstant.length ? `; ${pipeline.droppedConstant.length} constant column(s) dropped` : ''}` +
        `${nDropped ? `; ${nDropped} invalid row(s) skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(2)} s)\n`,
    );
    process.stdout.write(outPath + '\n');
    return 0;
  },
};
