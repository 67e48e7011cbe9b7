import { dirname, isAbsolute, resolve } from 'node:path';

/** Resolves a path written in a spec: relative paths are relative to the folder of the spec file. */
export function resolveSpecPath(specPath: string, rel: string): string {
  return isAbsolute(rel) ? rel : resolve(dirname(resolve(specPath)), rel);
}
