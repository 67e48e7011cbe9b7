/**
 * `evaluation.cv` helpers: the spec may say `cv: none` (no cross-validation) or give `{folds, repeats}` settings.
 * Code that needs the fold settings calls `cvSettings`, which is undefined when cross-validation is off.
 */
import type { Spec } from './types';

export type CvSettings = Exclude<Spec['evaluation']['cv'], 'none'>;

/** The k-fold settings, or undefined for `cv: none`. */
export function cvSettings(spec: Pick<Spec, 'evaluation'>): CvSettings | undefined {
  const cv = spec.evaluation?.cv;
  return cv === 'none' || cv === undefined || cv === null || typeof cv !== 'object' ? undefined : cv;
}
