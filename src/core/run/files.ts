/** File helpers for run folders: atomic writes, run ids, CSV cells. Node-only, no vscode. */
import { randomBytes, createHash } from 'node:crypto';
import { promises as fsp, writeFileSync, renameSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

let counter = 0;

/** Writes `data` to a sibling temp file, then renames it over `path` (readers never see a half-written file). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${++counter}`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, path);
}

export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${++counter}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** `YYYYMMDD-HHMMSS-<4 hex>` from the UTC time. */
export function makeRunId(now: Date = new Date(), hex: string = randomBytes(2).toString('hex')): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-` +
    `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${hex}`
  );
}

export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** CSV cells and lines: the shared spreadsheet-safe writer (src/core/data/csvWrite.ts). */
export { csvCell, csvLine } from '../data/csvWrite';

/**
 * Finished run manifests (`<runId>/run.mirun.json`, no `.tmp-` folders) under an experiment folder, newest first.
 * Run ids sort by time, so the newest is the lexicographically largest.
 */
export function listRunManifests(experimentDir: string): string[] {
  if (!existsSync(experimentDir)) return [];
  const out: string[] = [];
  for (const d of readdirSync(experimentDir)) {
    if (d.startsWith('.')) continue;
    const m = join(experimentDir, d, 'run.mirun.json');
    try {
      if (statSync(m).isFile()) out.push(m);
    } catch {
      /* not a run folder */
    }
  }
  return out.sort().reverse();
}
