/**
 * Containment for paths read from untrusted run folders (manifest `files.*`): a relative path is resolved against the
 * root and refused when it, or the real path behind any symlink in it, lies outside the root.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/** The absolute path of `rel` under `root`, or `null` when it escapes `root` (lexically or through a symlink). */
export function resolveInside(root: string, rel: string): string | null {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0') || isAbsolute(rel)) return null;
  const absRoot = resolve(root);
  const p = resolve(absRoot, rel);
  if (!inside(absRoot, p)) return null;
  let realRoot: string;
  try {
    realRoot = realpathSync(absRoot);
  } catch {
    return null;
  }
  try {
    if (!inside(realRoot, realpathSync(p))) return null;
  } catch {
    // Does not exist (yet): the lexical check above is all there is to check.
  }
  return p;
}
