import { MiError } from '../core/diagnostics';

/**
 * The CLI's last words on an error that escaped a command: `error: FILE:LINE[:COL]: [column "NAME": ]message` and a
 * hint line. A numeric `column` is a position in the file (a spec's line:col); a string names a data column.
 * Anything that is not an MiError is a bug: print its stack.
 */
export function formatCliError(err: unknown): string {
  if (!(err instanceof MiError)) return `error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`;
  const d = err.details;
  const pos = typeof d.column === 'number' && d.line ? `:${d.column}` : '';
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${pos}` : ''}: ` : '';
  const col = typeof d.column === 'string' ? `column ${JSON.stringify(d.column)}: ` : '';
  return `error: ${where}${col}${err.message}${d.hint ? `\n  hint: ${d.hint}` : ''}\n`;
}
