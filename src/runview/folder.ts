/**
 * The Node reader of a run folder (report command, extension host on local files): every relative path is resolved
 * with `resolveInside`, so nothing outside the folder — by `..`, an absolute path or a symlink — is ever read.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolveInside } from '../core/run/contain';
import type { RunFolder } from './build';

export function nodeRunFolder(dir: string): RunFolder {
  return {
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
