/**
 * Run steps that are switched off by the spec or a flag: cross-validation (`evaluation.cv: none`, `--no-cv`) and
 * suggestions from a spec whose `optimize` has no pool (such a spec is meant for `simulate`, which uses the dataset).
 */
import { MiError } from '../diagnostics';
import type { OptimizeSpec } from '../spec/types';
import type { RunSession } from './session';

export function skipCv(s: RunSession, reason: string): void {
  s.manifest.evaluation = { cv: 'none', reason };
  // metrics.cv stays an empty object (views show no metrics table); no predictions.csv is written.
  s.log('info', `[cv] cross-validation skipped (${reason}): no out-of-fold metrics or predictions for this run`);
}

/** Whether `optimize` names something to suggest from (a candidate CSV or a design space). */
export function hasPool(o: OptimizeSpec): boolean {
  return o.candidates !== undefined || o.space !== undefined;
}

/**
 * `optimize` without candidates or space: an explicit request to suggest (`suggest`, `--optimize`) fails before any
 * training; a plain `run` trains and evaluates only, with a warning. Returns the effective `optimize` flag (false).
 */
export function noPool(s: RunSession, explicit: boolean): false {
  if (explicit) {
    throw new MiError('the spec\'s `optimize` section has no "candidates" or "space", so there is nothing to suggest from', {
      file: s.absSpec,
      line: optimizeLine(s.text),
      code: 'no-pool',
      hint: 'add candidates: {path: data/candidates.csv} or a space: {bounds: …}; `simulate` works without one (the dataset is the pool)',
    });
  }
  s.log('warn', '[optimize] the spec\'s `optimize` has no "candidates" or "space": training and evaluating only (use `simulate` to replay BO on the dataset)');
  return false;
}

function optimizeLine(text: string): number | undefined {
  const i = text.split(/\r?\n/).findIndex((l) => /^optimize\s*:/.test(l));
  return i >= 0 ? i + 1 : undefined;
}
