/**
 * Diagnostics shared by the spec validator, the data loader and the CLI.
 * Positions are 0-based (like LSP / VS Code); the CLI prints them 1-based like compilers.
 */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown-key`, `unknown-column`. Tests assert on it. */
  code: string;
  message: string;
  /** What to do about it, e.g. `did you mean "formula"?`. */
  hint?: string;
  /** File the diagnostic belongs to, when it is not the spec itself (e.g. the dataset). */
  file?: string;
}

/** An error that carries a file location; thrown by loaders, caught and printed by the CLI and the worker. */
export class MiError extends Error {
  constructor(
    message: string,
    readonly details: { file?: string; line?: number; column?: number | string; hint?: string; code?: string } = {},
  ) {
    super(message);
    this.name = 'MiError';
  }
}

export function formatDiagnostic(file: string, d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.file ?? file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}${hint} [${d.code}]`;
}
