/** What a worker does with a `start` request: the engine call for its kind (train/suggest → executeRun, simulate). */
import { executeRun } from '../core/run';
import type { RunStatus } from '../core/run/manifest';
import type { RunEvent, StartRequest } from '../protocol/worker';
import { runSimulate } from './simulate';
import { runPretrain } from './pretrain';

export interface EngineResult {
  manifestPath: string;
  status: RunStatus;
  files?: Record<string, string>;
}

export async function runRequest(req: StartRequest, signal: AbortSignal, onEvent: (e: RunEvent) => void): Promise<EngineResult> {
  if (req.kind === 'simulate') return runSimulate(req, signal, onEvent);
  if (req.kind === 'pretrain') return runPretrain(req, signal, onEvent);
  const r = await executeRun(req.specPath, {
    out: req.options.out,
    seed: req.options.seed,
    optimize: req.kind === 'suggest' ? true : req.options.optimize,
    command: req.kind === 'suggest' ? 'suggest' : 'run',
    runId: req.options.runId,
    ...(req.options.cv === false ? { cv: false } : {}),
    ...(req.options.paths ? { paths: req.options.paths } : {}),
    signal,
    onEvent,
  });
  return { manifestPath: r.manifestPath, status: r.manifest.status };
}
