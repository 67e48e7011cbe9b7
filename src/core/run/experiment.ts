/** Where a spec's runs go, readable even from a spec that does not validate (so a failed run still has a home). */
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';

export interface LenientSpec {
  name?: unknown;
  seed?: unknown;
  output?: { dir?: unknown };
  optimize?: unknown;
}

/** The experiment folder of a spec: `--out` or `<spec dir>/<output.dir>/<name>/`. */
export function experimentDirFor(specPath: string, spec: LenientSpec | undefined, out?: string): string {
  if (out) return resolve(out);
  const dir = typeof spec?.output?.dir === 'string' ? spec.output.dir : 'runs';
  const name = typeof spec?.name === 'string' && spec.name.trim() ? spec.name.trim() : basename(specPath).replace(/\.mi\.ya?ml$|\.ya?ml$/i, '');
  const base = isAbsolute(dir) ? dir : join(dirname(resolve(specPath)), dir);
  return join(base, safeName(name));
}

function safeName(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_') || 'experiment';
}

/** Lenient read of `name` / `output.dir` from a spec that did not validate (so a failed run still has a home). */
export function lenientSpec(text: string): LenientSpec | undefined {
  try {
    const v: unknown = YAML.parse(text);
    return v && typeof v === 'object' ? (v as LenientSpec) : undefined;
  } catch {
    return undefined;
  }
}

