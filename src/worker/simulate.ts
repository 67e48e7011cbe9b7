/** Simulate-campaign runs in the worker: `executeSimulate` (src/core/run/simulate.ts) with the request's settings. */
import type { RunStatus } from '../core/run/manifest';
import { executeSimulate } from '../core/run/simulate';
import type { RunEvent, StartRequest } from '../protocol/worker';

export async function runSimulate(
  req: StartRequest,
  signal: AbortSignal,
  onEvent: (e: RunEvent) => void,
): Promise<{ manifestPath: string; status: RunStatus; files?: Record<string, string> }> {
  const o = req.options.simulate ?? {};
  const r = await executeSimulate(req.specPath, {
    budget: o.budget,
    initial: o.initial,
    repeats: o.repeats,
    seed: req.options.seed,
    out: o.out ?? req.options.out,
    runId: req.options.runId,
    ...(req.options.paths ? { paths: req.options.paths } : {}),
    signal,
    onEvent,
  });
  return { manifestPath: r.manifestPath, status: r.manifest.status, files: r.manifest.files };
}
