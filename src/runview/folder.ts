/**
 * The Node reader of a run folder (report command, extension host on local files): every relative path is resolved
 * with `resolveInside`, so nothing outside the folder — by `..`, an absolute path or a symlink — is ever read.
 * With `dataset` (the default; the editor host, which has its own workspace rule, turns it off) it also reads the
 * run's dataset for row names — only a regular file of at most 50 MB whose SHA-256 is the one the manifest records.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { resolveInside } from '../core/run/contain';
import type { RunManifest } from '../core/run/manifest';
import type { RunFolder } from './build';

const MAX_DATASET_BYTES = 50e6;

/** The dataset named by the manifest (absolute, or relative to the spec's folder or the run folder), if unchanged. */
export async function recordedDataset(runDir: string, manifest: RunManifest): Promise<{ text: string; name: string } | undefined> {
  const p = manifest.dataset?.path;
  const sha = manifest.dataset?.sha256;
  if (typeof p !== 'string' || !p || p.includes('\0') || typeof sha !== 'string' || !/^[0-9a-f]{64}$/i.test(sha)) return undefined;
  const spec = manifest.spec?.path;
  const candidates = isAbsolute(p) ? [p] : [...(typeof spec === 'string' && isAbsolute(spec) ? [resolve(dirname(spec), p)] : []), resolve(runDir, p)];
  for (const c of candidates) {
    const st = await stat(c).catch(() => undefined);
    if (!st?.isFile() || st.size > MAX_DATASET_BYTES) continue;
    const bytes = await readFile(c).catch(() => undefined);
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== sha.toLowerCase()) continue;
    return { text: new TextDecoder().decode(bytes), name: basename(c) };
  }
  return undefined;
}

export function nodeRunFolder(dir: string, opts: { dataset?: boolean } = {}): RunFolder {
  return {
    ...(opts.dataset === false ? {} : { dataset: (m: RunManifest) => recordedDataset(dir, m) }),
    async read(rel: string): Promise<string | undefined> {
      const p = resolveInside(dir, rel);
      if (p === null) return undefined;
      return readFile(p, 'utf8').catch(() => undefined);
    },
    async size(rel: string): Promise<number | undefined> {
      const p = resolveInside(dir, rel);
      if (p === null) return undefined;
      return stat(p).then((s) => s.size).catch(() => undefined);
    },
  };
}
