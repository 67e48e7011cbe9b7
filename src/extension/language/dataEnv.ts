/**
 * File-system backed `LanguageEnv` for one spec: dataset headers (cached by mtime+size), folder listings for `path:`
 * completion and column summaries for hovers (first 2000 rows). VS Code-free, so tests can use it on fixtures.
 */
import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadTable, readHeader } from '../../core/data';
import type { Table } from '../../core/data/types';
import type { JsonSchema } from './schema';
import { checkSpecPath, type PathPolicy } from '../../core/spec/pathPolicy';
import { columnSummaryMarkdown, type DirEntry, type LanguageEnv } from './service';

export const SUMMARY_ROWS = 2000;

interface Entry<T> { key: string; value: Promise<T> }

/** Small cache keyed by absolute path, invalidated when the file's mtime or size changes. */
export class DataCache {
  private headers = new Map<string, Entry<string[]>>();
  private tables = new Map<string, Entry<Table>>();

  private async get<T>(map: Map<string, Entry<T>>, path: string, load: () => Promise<T>): Promise<T> {
    const st = await fsp.stat(path);
    const key = `${st.mtimeMs}:${st.size}`;
    const hit = map.get(path);
    if (hit && hit.key === key) return hit.value;
    const value = load();
    map.set(path, { key, value });
    value.catch(() => map.delete(path));
    if (map.size > 32) map.delete(map.keys().next().value as string);
    return value;
  }

  header(path: string): Promise<string[]> {
    return this.get(this.headers, path, async () => (await readHeader(path)).header);
  }

  table(path: string): Promise<Table> {
    return this.get(this.tables, path, () => loadTable(path, { maxRows: SUMMARY_ROWS }));
  }

  /** Forget a file (e.g. when the watcher reports a change). */
  invalidate(path: string): void {
    this.headers.delete(path);
    this.tables.delete(path);
  }
}

/** Resolves a path written in a spec relative to the spec's folder. */
export function resolveFromSpec(specPath: string, rel: string): string {
  return isAbsolute(rel) ? rel : resolve(dirname(specPath), rel);
}

export function createEnv(specPath: string, schema: JsonSchema, cache: DataCache, paths: PathPolicy = {}): LanguageEnv {
  // Completion and hover read only files the spec may use (a spec is untrusted: no header of /etc/passwd in a list).
  const allowed = (abs: string): string => {
    if (checkSpecPath(specPath, abs, 'file', paths)) throw new Error('refused');
    return abs;
  };
  return {
    schema,
    async columns(rel) {
      try {
        return await cache.header(allowed(resolveFromSpec(specPath, rel)));
      } catch {
        return undefined;
      }
    },
    async listDir(relDir): Promise<DirEntry[]> {
      const dir = resolveFromSpec(specPath, relDir || '.');
      const entries = await fsp.readdir(dir, { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, dir: e.isDirectory() })).sort((a, b) => a.name.localeCompare(b.name));
    },
    async columnSummary(rel, column) {
      try {
        const table = await cache.table(allowed(resolveFromSpec(specPath, rel)));
        return columnSummaryMarkdown(table, column, rel, SUMMARY_ROWS);
      } catch {
        return undefined;
      }
    },
  };
}
