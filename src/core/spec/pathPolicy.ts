/**
 * Which files a spec may name. Specs are untrusted input: `dataset.path`, `optimize.candidates.path`,
 * `output.dir` (and a function target's per-row `file:` curves) must stay inside the allowed folders (the spec's own folder tree on the
 * CLI, the workspace folders in VS Code) unless the user opts in (`--allow-outside`, or the setting
 * `miStudio.allowPathsOutsideWorkspace`). Special filesystems (/proc, /sys, /dev) are refused always: reading them
 * leaks process data, and creating folders there can hang. Symlinks are resolved before the check.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface PathPolicy {
  /** Folders the files may live in (absolute). Default: the folder of the spec file. */
  roots?: string[];
  /** Any path is allowed (CLI `--allow-outside`, the editor setting); special filesystems are still refused. */
  allowOutside?: boolean;
  /** How the user opts in, for the hint (default: the CLI flag). */
  optIn?: string;
  /** What the roots are, for the message (default: "the spec's folder"). */
  label?: string;
}

export interface PathProblem {
  code: 'outside-workspace' | 'special-file';
  message: string;
  hint: string;
}

const SPECIAL = ['/proc', '/sys', '/dev'];

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (for paths not created yet). */
export function realish(p: string): string {
  const abs = resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (let i = 0; i < 4096; i++) {
    try {
      const r = realpathSync(cur);
      return rest.length ? join(r, ...rest.reverse()) : r;
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return abs;
      rest.push(basename(cur));
      cur = parent;
    }
  }
  return abs;
}

/** Whether `child` is `parent` or inside it (both absolute, already resolved). */
export function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r));
}

/** The special filesystem a path is on (/proc, /sys, /dev), or undefined. */
export function specialFs(p: string): string | undefined {
  for (const cand of [resolve(p), realish(p)]) {
    const hit = SPECIAL.find((s) => cand === s || cand.startsWith(s + '/'));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Checks one path a spec names (`what`: e.g. `dataset file "x.csv"`); `abs` is already resolved against the spec.
 * @returns undefined when allowed.
 */
export function checkSpecPath(specPath: string, abs: string, what: string, policy: PathPolicy = {}): PathProblem | undefined {
  const special = specialFs(abs);
  if (special) {
    return {
      code: 'special-file',
      message: `${what} is on the special filesystem ${special}, which MI Studio never reads or writes`,
      hint: 'give a regular file or folder',
    };
  }
  if (policy.allowOutside) return undefined;
  const roots = (policy.roots?.length ? policy.roots : [dirname(resolve(specPath))]).map(realish);
  const real = realish(abs);
  if (roots.some((r) => isInside(real, r))) return undefined;
  const label = policy.label ?? `the spec's folder (${roots[0]})`;
  return {
    code: 'outside-workspace',
    message: `${what} is outside ${label}, so it is refused`,
    hint: `specs are untrusted: ${policy.optIn ?? 'run with --allow-outside'} if you trust this spec, or move the file inside`,
  };
}
