/**
 * Spec checks of the `transfer:` block that need files: the library folder and its library.json, and that every
 * listed source is in it (with a did-you-mean). Called by the semantic checker; synchronous and never throws.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { closest } from '../spec/suggest';
import { checkIndex } from './library';
import { libraryDirFor } from './paths';

type Report = (path: (string | number)[], part: 'key' | 'value', severity: 'error' | 'warning', code: string, message: string, hint?: string) => void;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkTransferBlock(root: Record<string, unknown>, specPath: string, report: Report): void {
  const tr = root.transfer;
  if (!isObj(tr)) return;
  const lib = typeof tr.library === 'string' && tr.library.length > 0 ? tr.library : 'bundled';
  const dir = libraryDirFor(specPath, lib);
  const where: (string | number)[] = typeof tr.library === 'string' ? ['transfer', 'library'] : ['transfer'];
  const part = typeof tr.library === 'string' ? 'value' : 'key';
  let names: string[] | null = null;
  try {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      report(where, part, 'error', 'library-not-found', `transfer library "${lib}" not found (${dir})`,
        lib === 'bundled' ? 'the bundled library is missing from this installation; give a folder built with `mi-studio pretrain`' : 'create it with `mi-studio pretrain SOURCE_SPEC --library <folder>`, or use `library: bundled`');
      return;
    }
    const f = join(dir, 'library.json');
    if (!existsSync(f)) {
      report(where, part, 'error', 'library-not-found', `"${lib}" has no library.json`, 'create it with `mi-studio pretrain SOURCE_SPEC --library <folder>`');
      return;
    }
    const index = checkIndex(dir, JSON.parse(readFileSync(f, 'utf8')) as unknown);
    names = index.sources.map((s) => s.name);
  } catch (e) {
    report(where, part, 'error', 'bad-library', `transfer library "${lib}" cannot be read: ${(e as Error).message}`, 'rebuild it with `mi-studio pretrain`');
    return;
  }
  if (Array.isArray(tr.sources)) {
    tr.sources.forEach((s, i) => {
      if (typeof s !== 'string' || names!.includes(s)) return;
      const near = closest(s, names!);
      report(['transfer', 'sources', i], 'value', 'error', 'unknown-source', `source "${s}" is not in the library "${lib}"`,
        near ? `did you mean "${near}"?` : `available: ${names!.join(', ') || '(none)'}`);
    });
  } else if (names.length === 0) {
    report(where, part, 'error', 'library-empty', `the transfer library "${lib}" has no sources`, 'add one with `mi-studio pretrain`');
  }
  const dataset = isObj(root.dataset) ? root.dataset : undefined;
  const targets = dataset && Array.isArray(dataset.targets) ? dataset.targets.length : 1;
  if (tr.strategy === 'finetune' && targets > 1) {
    report(['transfer', 'strategy'], 'value', 'error', 'bad-value', 'strategy finetune supports one target only', 'use prediction, features or auto');
  }
}
