/**
 * `mi-studio featurize SPEC [--out features.csv]`: loads the spec's dataset, builds the feature matrix and writes it
 * as CSV (id column first, then features, then targets). Written atomically (temp file + rename). With
 * `on_invalid: skip`, dropped rows are reported on stderr and written next to the output as
 * `<out>.dropped.csv` (row, column, message). The output path is the last line on stdout.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { loadSpec, resolveSpecPath } from '../../core/spec';
import { loadTable } from '../../core/data';
import { streamFeatures, type DroppedRow } from '../../core/features';
import type { Matrix } from '../../core/features/types';
import type { Command } from '../types';
import { csvCell, CsvBytes } from '../../core/data/csvWrite';
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

/**
 * Appends output rows from..to of a chunk to `out`: id, features, targets (numbers as JavaScript prints them, NaN as
 * an empty cell), and writes `out` to `w` whenever it passes 1 MB.
 */
async function writeRows(w: Writer, out: CsvBytes, X: Matrix, Y: Matrix, ids: string[], from = 0, to = X.rows): Promise<void> {
  for (let i = from; i < to; i++) {
    out.cell(ids[i]);
    for (let j = 0, o = i * X.cols; j < X.cols; j++) {
      out.char(44);
      out.text(num(X.data[o + j]));
    }
    for (let t = 0, o = i * Y.cols; t < Y.cols; t++) {
      out.char(44);
      out.text(num(Y.data[o + t]));
    }
    out.char(10);
    if (out.length > 1 << 20) await flush(w, out);
  }
}

async function flush(w: Writer, out: CsvBytes): Promise<void> {
  await w.write(out.bytes.subarray(0, out.length));
  out.clear();
}

interface Writer { write(s: string | Uint8Array): Promise<void> }

/**
 * Runs `fill` with a writer into a temp file next to `path` (same folder, so the rename is atomic), then renames it
 * over `path`; on any error the temp file is removed and nothing is written. The folder is created if needed
 * (`--out results/f.csv`, as `report --out` does).
 */
async function withAtomicFile<R>(path: string, fill: (w: Writer) => Promise<R>): Promise<R> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  // opened at the first write: a spec or data error found before any output leaves no folder and no file behind
  let fh: FileHandle | undefined;
  const open = async (): Promise<FileHandle> => {
    await fsp.mkdir(dirname(path), { recursive: true });
    return fsp.open(tmp, 'w');
  };
  let result: R;
  try {
    result = await fill({
      write: async (s) => {
        fh ??= await open();
        if (typeof s === 'string') {
          if (s.length > 0) await fh.write(s);
        } else {
          // a write may be partial: loop until every byte is out
          for (let at = 0; at < s.length;) at += (await fh.write(s, at, s.length - at)).bytesWritten;
        }
      },
    });
    fh ??= await open();
  } catch (e) {
    if (fh) {
      await fh.close();
      await fsp.rm(tmp, { force: true });
    }
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, path);
  return result;
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
    const outPath = resolve(out ?? 'features.csv');
    let idName = spec.dataset.id ?? 'id';
    const headerLine = (featureNames: string[], targetNames: string[]): string =>
      [idName, ...featureNames, ...targetNames].map(csvCell).join(',') + '\n';
    const bytes = new CsvBytes();
    let rows: number;
    let cols: number;
    let T: number;
    let dropped: DroppedRow[];
    let droppedConstant: string[];
    let targetsSaid: string;
    if (hasFunctionTarget(spec)) {
      // function target (in memory): one row per curve (sample), its descriptors, then the curve resampled onto the
      // grid as <target>@<t> columns
      const target = soleFunctionTarget(spec, specPath);
      const table = await loadTable(dataPath);
      const ff = await buildFunctionFeatures(spec, target, table, specPath);
      table.columns.length = 0; // the parsed cells are not needed any more
      if (target.long) idName = target.long.id;
      const name = functionTargetName(target);
      const gridCols = Array.from(ff.fd.grid, (t) => `${name}@${t}`);
      process.stderr.write(`featurize: ${ff.fd.resampling.layout} layout: ${ff.Y.rows} curves on a grid of ${ff.fd.grid.length} points (${gridCols[0]} … ${gridCols[gridCols.length - 1]})\n`);
      await withAtomicFile(outPath, async (w) => {
        await w.write(headerLine(ff.set.featureNames, gridCols));
        await writeRows(w, bytes, ff.set.X, ff.Y, ff.ids);
        await flush(w, bytes);
      });
      ({ dropped, rows, cols } = { dropped: ff.set.dropped, rows: ff.set.X.rows, cols: ff.set.X.cols });
      T = ff.Y.cols;
      targetsSaid = `1 function target (${T} grid columns)`;
      droppedConstant = ff.pipeline.droppedConstant;
    } else {
      // Streamed: the file is read in passes and written chunk by chunk, so memory stays a small multiple of one
      // chunk, not of the file (a 1M-row file featurises in a few hundred MB).
      const r = await withAtomicFile(outPath, async (w) => {
        const res = await streamFeatures(spec, dataPath, {
          begin: ({ featureNames, targetNames }) => w.write(headerLine(featureNames, targetNames)),
        }, (c) => writeRows(w, bytes, c.X, c.Y, c.ids));
        await flush(w, bytes);
        return res;
      });
      ({ dropped, rows, T } = { dropped: r.dropped, rows: r.rows, T: r.targetNames.length });
      targetsSaid = `${T} target(s)`;
      cols = r.featureNames.length;
      droppedConstant = r.pipeline.droppedConstant;
    }
    if (dropped.length > 0) {
      const file = basename(dataPath);
      for (const d of dropped) process.stderr.write(`warning: ${file}:${d.row}: column "${d.column}": ${d.message} (row skipped)\n`);
      await withAtomicFile(`${outPath}.dropped.csv`, async (w) => {
        let buf = 'row,column,message\n';
        for (const d of dropped) {
          buf += `${d.row},${csvCell(d.column)},${csvCell(d.message)}\n`;
          if (buf.length > 1 << 20) {
            await w.write(buf);
            buf = '';
          }
        }
        await w.write(buf);
      });
    }
    const nDropped = new Set(dropped.map((d) => d.row)).size;
    process.stderr.write(
      `featurize: ${rows} rows x ${cols} features, ${targetsSaid}` +
        `${droppedConstant.length ? `; ${droppedConstant.length} constant column(s) dropped` : ''}` +
        `${nDropped ? `; ${nDropped} invalid row(s) skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(2)} s)\n`,
    );
    process.stdout.write(outPath + '\n');
    return 0;
  },
};
