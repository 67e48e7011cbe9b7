/**
 * Finishing a run whose process died (crash, kill -9, cancel escalated to SIGKILL): the temp folder's manifest is
 * patched to `failed` (or `cancelled`) with the reason and the folder renamed to its final name, so nothing is left
 * that claims to be running or complete.
 */
import { promises as fsp, existsSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { emptyManifest, type RunManifest, type RunStatus } from './manifest';
import { listRunManifests, writeFileAtomic, writeFileAtomicSync } from './files';

export interface RecoveredRun {
  manifestPath: string;
  status: RunStatus;
  /** false when the run had already finished properly (final manifest present); nothing was changed then. */
  patched: boolean;
}

/**
 * @param tempManifest `<experiment>/.tmp-<runId>/run.mirun.json` as announced by the worker.
 * @returns undefined when neither the temp nor the final folder exists.
 */
export async function finalizeInterruptedRun(
  tempManifest: string,
  status: Extract<RunStatus, 'failed' | 'cancelled'>,
  message: string,
): Promise<RecoveredRun | undefined> {
  const tmpDir = dirname(tempManifest);
  const runId = basename(tmpDir).replace(/^\.tmp-/, '');
  const finalDir = join(dirname(tmpDir), runId);
  const finalManifest = join(finalDir, 'run.mirun.json');
  if (!existsSync(tmpDir)) {
    if (!existsSync(finalManifest)) return undefined;
    // The rename happened; only a manifest that still claims `running` (cannot normally happen) is corrected.
    const m = await readManifest(finalManifest);
    if (m && m.status !== 'running') return { manifestPath: finalManifest, status: m.status, patched: false };
    await writeFileAtomic(finalManifest, JSON.stringify(patch(m, runId, status, message), null, 2) + '\n');
    return { manifestPath: finalManifest, status, patched: true };
  }
  const m = await readManifest(tempManifest);
  // A failed/cancelled manifest already written in the temp folder keeps its own (more precise) error. Anything else
  // (running, or completed but never renamed) becomes failed/cancelled: the run did not finish properly.
  const keep = m && (m.status === 'failed' || m.status === 'cancelled');
  const fixed = keep ? m : patch(m, runId, status, message);
  await writeFileAtomic(tempManifest, JSON.stringify(fixed, null, 2) + '\n');
  if (existsSync(finalDir)) {
    // Never overwrite another run folder; leave the patched temp folder in place.
    return { manifestPath: tempManifest, status: fixed.status, patched: true };
  }
  await fsp.rename(tmpDir, finalDir);
  return { manifestPath: finalManifest, status: fixed.status, patched: true };
}

async function readManifest(path: string): Promise<RunManifest | undefined> {
  try {
    const v = JSON.parse(await fsp.readFile(path, 'utf8')) as RunManifest;
    return v && typeof v === 'object' && v.format === 'mi-studio-run' ? v : undefined;
  } catch {
    return undefined;
  }
}

function patch(m: RunManifest | undefined, runId: string, status: RunStatus, message: string): RunManifest {
  const now = new Date().toISOString();
  const base: RunManifest = m ?? emptyManifest({ runId, name: runId, status, createdAt: now });
  return { ...base, status, finishedAt: now, error: { message, code: status === 'cancelled' ? 'cancelled' : 'worker-died' } };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a manifest says `running` although the process that writes it is gone: same host, recorded pid not alive
 * (SIGKILL, a crash, a double Ctrl+C). Runs of live processes, of other hosts, or without a recorded process are not.
 */
export function isInterruptedRun(m: Pick<RunManifest, 'status' | 'process'> | undefined): boolean {
  const p = m?.process;
  return !!m && m.status === 'running' && !!p && typeof p.pid === 'number' && p.host === hostname() && p.pid !== process.pid && !alive(p.pid);
}

function readManifestSync(path: string): RunManifest | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as RunManifest;
    return v && typeof v === 'object' && v.format === 'mi-studio-run' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The synchronous counterpart of `recoverStaleRuns`, for listings (Open Latest Run, code lenses): every `.tmp-<runId>`
 * folder of the experiment whose manifest says `running` with a dead recorded process is finalised right away as
 * `failed` (error code `interrupted`) and renamed to `<runId>/`, so it is listed and shown as interrupted.
 * @returns the final manifest paths.
 */
export function recoverInterruptedRunsSync(experimentDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(experimentDir).filter((d) => d.startsWith('.tmp-'));
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const d of entries) {
    const tmpDir = join(experimentDir, d);
    const tm = join(tmpDir, 'run.mirun.json');
    const m = readManifestSync(tm);
    if (!m || !isInterruptedRun(m)) continue;
    const runId = d.slice('.tmp-'.length);
    const finalDir = join(experimentDir, runId);
    const fixed = patch(m, runId, 'failed', `interrupted: the process running it (pid ${m.process?.pid}) ended before the run finished`);
    fixed.error = { ...fixed.error!, code: 'interrupted' };
    try {
      writeFileAtomicSync(tm, JSON.stringify(fixed, null, 2) + '\n');
      if (existsSync(finalDir)) continue; // never overwrite another folder; the temp one now says failed
      renameSync(tmpDir, finalDir);
      done.push(join(finalDir, 'run.mirun.json'));
    } catch {
      /* read-only folder, or another process finalised it first */
    }
  }
  return done;
}

/**
 * Finalises `.tmp-<runId>` folders of an experiment whose manifest says `running` but whose writing process (same
 * host) no longer exists, as `failed`. Runs of live processes, other hosts, or without a recorded process are left alone.
 * @returns the manifests that were finalised.
 */
export async function recoverStaleRuns(experimentDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fsp.readdir(experimentDir);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const d of entries) {
    if (!d.startsWith('.tmp-')) continue;
    const tm = join(experimentDir, d, 'run.mirun.json');
    const m = await readManifest(tm);
    const p = m?.process;
    if (!m || m.status !== 'running' || !p || p.host !== hostname() || p.pid === process.pid || alive(p.pid)) continue;
    const r = await finalizeInterruptedRun(tm, 'failed', `the process running it (pid ${p.pid}) ended before the run finished`).catch(() => undefined);
    if (r) done.push(r.manifestPath);
  }
  return done;
}

/** Finished run manifests of an experiment, newest first, after finalising interrupted `.tmp-` runs (see above). */
export function listRunsRecovered(experimentDir: string): string[] {
  recoverInterruptedRunsSync(experimentDir);
  return listRunManifests(experimentDir);
}
