/** Simulate-campaign runs in the worker (the engine's simulate function from src/core/bo). */
import { MiError } from '../core/diagnostics';
import type { RunStatus } from '../core/run/manifest';
import type { RunEvent, StartRequest } from '../protocol/worker';

export async function runSimulate(
  req: StartRequest,
  _signal: AbortSignal,
  _onEvent: (e: RunEvent) => void,
): Promise<{ manifestPath: string; status: RunStatus; files?: Record<string, string> }> {
  throw new MiError('simulate is not available in this build yet', { file: req.specPath, code: 'simulate-unavailable' });
}
