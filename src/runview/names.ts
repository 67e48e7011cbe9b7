/**
 * Row names for tooltips: the formula or SMILES of each dataset row, keyed like the run's ids (the spec's id column,
 * else the 1-based record number — see src/core/features `ids`). Only called on a dataset the host has checked
 * (inside the workspace / the report's folder tree, same SHA-256 as recorded in the run).
 */
import type { RunManifest } from '../core/run/manifest';
import { parseCsv, sniffDelimiter } from './csv';

interface SpecLike {
  dataset?: { id?: string; inputs?: { column?: string; columns?: string[]; kind?: string }[] };
}

/** The column that names rows: the spec's composition or SMILES input, if it has one. */
export function nameColumn(manifest: RunManifest): string | undefined {
  const spec = (manifest.spec?.content ?? {}) as SpecLike;
  const named = (spec.dataset?.inputs ?? []).find((i) => (i.kind === 'composition' || i.kind === 'smiles') && typeof i.column === 'string');
  return named?.column;
}

export function rowNames(text: string, manifest: RunManifest, fileName = ''): { column: string; names: Record<string, string> } | undefined {
  const spec = (manifest.spec?.content ?? {}) as SpecLike;
  const named = { column: nameColumn(manifest) };
  if (!named.column) return undefined;
  const firstBreak = text.search(/\r\n|\n|\r/);
  const delimiter = sniffDelimiter(firstBreak < 0 ? text : text.slice(0, firstBreak), fileName);
  const rows = parseCsv(text, delimiter);
  const header = rows[0] ?? [];
  const j = header.indexOf(named.column);
  if (j < 0) return undefined;
  const idCol = spec.dataset?.id ? header.indexOf(spec.dataset.id) : -1;
  const names: Record<string, string> = Object.create(null);
  for (let i = 1; i < rows.length; i++) names[idCol >= 0 ? rows[i][idCol] : String(i)] = rows[i][j] ?? '';
  return { column: named.column, names };
}
