/**
 * `validate`'s row check: the spec's dataset is read and featurised like `run` does, and every cell that `run` would
 * reject becomes a diagnostic on the dataset file (`file:line: column "x": message`), an error under
 * `on_invalid: error` (the run would stop) and a warning under `skip` (the row would be dropped). Files longer than
 * `maxRows` data rows are checked on their first `maxRows` rows, and the result says so.
 */
import { basename } from 'node:path';
import type { Diagnostic } from '../diagnostics';
import { MiError } from '../diagnostics';
import { loadTable } from '../data';
import { buildFeatures, InvalidRowsError } from '../features';
import { resolveSpecPath } from './paths';
import type { Spec } from './types';

export const ROW_CHECK_ROWS = 200_000;
const MAX_ROW_DIAGNOSTICS = 200;

const at = (line: number): Diagnostic['range'] => ({ start: { line: Math.max(0, line - 1), character: 0 }, end: { line: Math.max(0, line - 1), character: 0 } });

export async function checkDatasetRows(spec: Spec, specPath: string, maxRows = ROW_CHECK_ROWS): Promise<Diagnostic[]> {
  // Function targets are read by their own loader (src/core/functional/data.ts), which reports bad rows at `run`;
  // the scalar featuriser used below would refuse the spec as a whole.
  if (spec.dataset.targets.some((t) => (t as { kind?: string }).kind === 'function')) return [];
  const path = resolveSpecPath(specPath, spec.dataset.path);
  const name = basename(path);
  const out: Diagnostic[] = [];
  let table;
  try {
    table = await loadTable(path, { maxRows });
  } catch (e) {
    if (!(e instanceof MiError)) throw e;
    return [{ range: at(e.details.line ?? 1), severity: 'error', code: e.details.code ?? 'dataset-unreadable', message: e.message, ...(e.details.hint ? { hint: e.details.hint } : {}), file: path }];
  }
  const sampled = table.sha256 === '' && table.rowNumbers.length >= maxRows;
  const skip = spec.dataset.on_invalid === 'skip';
  // Featurised as with `on_invalid: error`, which reports every bad cell (the structured list is complete).
  let dropped: { row: number; column: string; message: string }[] = [];
  try {
    await buildFeatures({ ...spec, dataset: { ...spec.dataset, on_invalid: 'error' } }, table);
  } catch (e) {
    if (e instanceof InvalidRowsError) dropped = e.rows;
    else if (e instanceof MiError && e.details.code === 'invalid-row' && e.details.line !== undefined) {
      dropped = [{ row: e.details.line, column: String(e.details.column ?? ''), message: e.message }];
    } else if (e instanceof MiError) {
      out.push({ range: at(e.details.line ?? 1), file: path, severity: 'error', code: e.details.code ?? 'invalid-rows', message: e.message, ...(e.details.hint ? { hint: e.details.hint } : {}) });
    } else throw e;
  }
  const rows = new Set(dropped.map((d) => d.row));
  const allBad = rows.size > 0 && rows.size >= table.rowNumbers.length;
  const severity = skip && !allBad ? 'warning' : 'error';
  for (const d of dropped.slice(0, MAX_ROW_DIAGNOSTICS)) {
    out.push({
      range: at(d.row), file: path, severity, code: 'invalid-row',
      message: `column "${d.column}": ${d.message}`,
      hint: skip ? 'this row will be skipped (on_invalid: skip)' : 'fix the cell, or set `on_invalid: skip` under dataset to drop invalid rows',
    });
  }
  if (dropped.length > MAX_ROW_DIAGNOSTICS) {
    const rest = dropped.length - MAX_ROW_DIAGNOSTICS;
    out.push({ range: at(dropped[MAX_ROW_DIAGNOSTICS].row), file: path, severity, code: 'too-many-diagnostics', message: `and ${rest} more invalid value(s) in ${name}, not listed` });
  }
  if (dropped.length && (!skip || allBad)) {
    out.push({
      range: at(1), file: path, severity: allBad ? 'error' : 'info', code: 'invalid-rows',
      message: allBad ? `every row of ${name} is invalid: \`run\` has nothing to train on` : `${dropped.length} invalid value(s) in ${rows.size} row(s) of ${name}: \`run\` would stop`,
    });
  }
  if (sampled) {
    out.push({
      range: at(1), file: path, severity: 'info', code: 'rows-sampled',
      message: `${name}: checked the first ${maxRows} data rows only (the file has more); \`run\` checks every row`,
    });
  }
  return out;
}
