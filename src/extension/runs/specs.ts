/** Spec helpers for the run commands (no UI): where a spec's runs live, whether it can suggest, its latest run. */
import { readFileSync } from 'node:fs';
import { experimentDirFor, lenientSpec } from '../../core/run/experiment';
import { listRunsRecovered } from '../../core/run/recover';

export interface SpecInfo {
  name?: string;
  hasOptimize: boolean;
  experimentDir: string;
}

/** Lenient read of a spec's text (it may be invalid while being edited). */
export function specInfo(specPath: string, text?: string): SpecInfo {
  let doc: ReturnType<typeof lenientSpec>;
  try {
    doc = lenientSpec(text ?? readFileSync(specPath, 'utf8'));
  } catch {
    doc = undefined;
  }
  return {
    name: typeof doc?.name === 'string' ? doc.name : undefined,
    hasOptimize: Boolean(doc && doc.optimize !== undefined && doc.optimize !== null),
    experimentDir: experimentDirFor(specPath, doc),
  };
}

/**
 * The newest finished run manifest of a spec, if any. A run whose process died (SIGKILL, crash) is finalised as
 * interrupted first, so it is the one shown instead of an older run.
 */
export function latestRun(specPath: string, text?: string): string | undefined {
  return listRunsRecovered(specInfo(specPath, text).experimentDir)[0];
}

/** 0-based line of the top-level `name:` key, else 0 (where code lenses go). */
export function nameLine(text: string): number {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => /^name\s*:/.test(l));
  return i >= 0 ? i : 0;
}
