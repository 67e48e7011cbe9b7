/**
 * `mi-studio validate SPEC...`: checks experiment specs like a compiler.
 * Prints `path:line:col: error|warning: message (hint) [code]` per diagnostic (1-based), or a JSON array with --json.
 * Exit code 1 if any error, 0 otherwise (warnings do not fail), 2 for usage errors.
 */
import { promises as fsp, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostics';
import { validateSpecText } from '../../core/spec';
import type { Command } from '../types';
import { checkDatasetRows } from '../../core/spec/rows';

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
  hint?: string;
}

function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Minimal glob → RegExp: `**` any depth, `*` within a segment, `?` one char, `[...]` classes. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) re += '\\[';
      else { re += glob.slice(i, end + 1); i = end; }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands a glob the shell did not expand (quoted, or no match). Returns [] when nothing matches. */
export function expandGlob(pattern: string, cwd = process.cwd()): string[] {
  const norm = pattern.split(sep).join('/');
  const segs = norm.split('/');
  const firstGlob = segs.findIndex(hasGlob);
  const baseRel = segs.slice(0, firstGlob).join('/');
  const base = resolve(cwd, baseRel || '.');
  const re = globToRegExp(norm.startsWith('/') ? norm : segs.join('/'));
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 20) return;
    let entries: string[];
    try { entries = readdirSync(dir); } catch { return; }
    for (const e of entries) {
      if (e === 'node_modules' || e === '.git') continue;
      const abs = join(dir, e);
      let st;
      try { st = statSync(abs); } catch { continue; }
      const shown = norm.startsWith('/') ? abs : relative(cwd, abs).split(sep).join('/');
      if (st.isDirectory()) walk(abs, depth + 1);
      else if (re.test(shown)) out.push(shown);
    }
  };
  walk(base, 0);
  return out.sort();
}

export const command: Command = {
  summary: 'check experiment specs (*.mi.yaml): syntax, schema, dataset columns',
  usage: 'mi-studio validate [--json] [--allow-outside] SPEC|FOLDER|GLOB... (globs like "examples/**/*.mi.yaml" are expanded; a folder means every *.mi.yaml below it; --allow-outside lets specs name files outside their folder tree; every dataset row is checked as `run` reads it unless --no-rows)',
  async main(args) {
    const json = args.includes('--json');
    const allowOutside = args.includes('--allow-outside');
    const noRows = args.includes('--no-rows');
    const unknownFlag = args.find((a) => a.startsWith('-') && a !== '--json' && a !== '--allow-outside' && a !== '--no-rows');
    if (unknownFlag) {
      process.stderr.write(`mi-studio validate: unknown option ${unknownFlag}\nusage: ${this.usage}\n`);
      return 2;
    }
    const patterns = args.filter((a) => !a.startsWith('-'));
    if (patterns.length === 0) {
      process.stderr.write(`usage: ${this.usage}\n`);
      return 2;
    }
    const files: string[] = [];
    let failed = false;
    for (const p of patterns) {
      let kind: 'file' | 'dir' | 'none' = 'none';
      try { kind = statSync(p).isDirectory() ? 'dir' : 'file'; } catch { kind = 'none'; }
      if (kind === 'file' || (kind === 'none' && !hasGlob(p))) { files.push(p); continue; }
      // A folder means every spec below it.
      const glob = kind === 'dir' ? `${p.replace(/[\\/]+$/, '')}/**/*.mi.yaml` : p;
      const matched = expandGlob(glob);
      if (matched.length === 0) {
        process.stderr.write(`mi-studio validate: no file matches ${p}\n`);
        failed = true;
      }
      files.push(...matched);
    }
    const all: JsonDiagnostic[] = [];
    for (const file of [...new Set(files)]) {
      let diagnostics: Diagnostic[];
      try {
        const text = await fsp.readFile(file, 'utf8');
        const r = await validateSpecText(text, file, allowOutside ? { paths: { allowOutside } } : {});
        diagnostics = r.diagnostics;
        // Every row of the dataset, as `run` reads it (the spec check itself looks at a sample for column types).
        if (r.spec && !noRows) diagnostics = [...diagnostics, ...(await checkDatasetRows(r.spec, resolve(file)))];
      } catch (err) {
        const msg = err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err);
        diagnostics = [{
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 'error', code: 'spec-not-found', message: `cannot read spec: ${msg}`,
        }];
      }
      if (diagnostics.some((d) => d.severity === 'error')) failed = true;
      for (const d of diagnostics) {
        if (json) {
          const j: JsonDiagnostic = {
            file: d.file ?? file, line: d.range.start.line + 1, column: d.range.start.character + 1,
            severity: d.severity, code: d.code, message: d.message,
          };
          if (d.hint) j.hint = d.hint;
          all.push(j);
        } else {
          process.stdout.write(formatDiagnostic(file, d) + '\n');
        }
      }
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      if (errors === 0) process.stderr.write(`${file}: ok${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`);
      else process.stderr.write(`${file}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
    }
    if (json) process.stdout.write(JSON.stringify(all, null, 2) + '\n');
    return failed ? 1 : 0;
  },
};
