/** Where a spec's transfer library is: a folder relative to the spec, or the bundled one. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The library shipped with MI Studio (`media/library/` beside dist/, in the VSIX too), or MI_BUNDLED_LIBRARY. */
export function bundledLibraryDir(): string {
  const env = process.env.MI_BUNDLED_LIBRARY;
  if (env) return resolve(env);
  let d = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let k = 0; k < 6; k++) {
    if (existsSync(join(d, 'media', 'library', 'library.json'))) return join(d, 'media', 'library');
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return join(typeof __dirname === 'string' ? __dirname : process.cwd(), '..', 'media', 'library');
}

export function libraryDirFor(specPath: string, library: string): string {
  return library === 'bundled' ? bundledLibraryDir() : resolve(dirname(resolve(specPath)), library);
}

