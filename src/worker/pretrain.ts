/** Pretrain runs in the worker: `executePretrain` (src/core/transfer/pretrain.ts) with the request's settings. */
import { MiError } from '../core/diagnostics';
import type { RunStatus } from '../core/run/manifest';
import { executePretrain } from '../core/transfer/pretrain';
import type { RunEvent, StartRequest } from '../protocol/worker';

export async function runPretrain(req: StartRequest, signal: AbortSignal, onEvent: (e: RunEvent) => void): Promise<{ manifestPath: string; status: RunStatus; files?: Record<string, string> }> {
  const p = req.options.pretrain;
  if (!p?.library) throw new MiError('pretrain needs a library folder', { code: 'usage' });
  const r = await executePretrain(req.specPath, { ...p, seed: req.options.seed, out: req.options.out, runId: req.options.runId, signal, onEvent });
  return { manifestPath: r.manifestPath, status: r.manifest.status, ...(r.manifest.pretrain ? { files: { library: r.manifest.pretrain.library } } : {}) };
}
