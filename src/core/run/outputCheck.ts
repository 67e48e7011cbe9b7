/** The run folder's parent must be a place MI Studio may write: see src/core/spec/pathPolicy.ts. */
import { MiError } from '../diagnostics';
import { checkSpecPath, type PathPolicy } from '../spec/pathPolicy';

/**
 * Throws before any folder is created when the experiment folder is on a special filesystem (always) or, when it comes
 * from the spec's `output.dir` rather than an explicit `--out`, outside the allowed folders.
 */
export function checkRunFolder(specPath: string, experimentDir: string, explicitOut: boolean, paths: PathPolicy = {}): void {
  const problem = checkSpecPath(specPath, experimentDir, `the run folder "${experimentDir}"`, explicitOut ? { ...paths, allowOutside: true } : paths);
  if (problem) throw new MiError(problem.message, { file: specPath, code: problem.code, hint: problem.hint });
}
