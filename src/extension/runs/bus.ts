/**
 * In-process event bus for runs inside the extension host. The run-results editor subscribes to follow a live run
 * (learning curve points, progress) and to switch from the temp manifest (`.tmp-<runId>/run.mirun.json`) to the final one.
 */
import * as vscode from 'vscode';
import type { RunStatus } from '../../core/run/manifest';
import type { RunEvent } from '../../protocol/worker';

export interface RunBusEvent { runId: string; specPath: string; event: RunEvent }
export interface RunFinishedEvent { runId: string; tempManifest: string; manifestPath: string; status: RunStatus }

const runEvents = new vscode.EventEmitter<RunBusEvent>();
const finishEvents = new vscode.EventEmitter<RunFinishedEvent>();

/** Every event of every run (progress, curve points, logs, started/finished). */
export const onDidRunEvent: vscode.Event<RunBusEvent> = runEvents.event;
/** A run ended (completed, failed or cancelled); `manifestPath` is the final manifest location. */
export const onDidFinishRun: vscode.Event<RunFinishedEvent> = finishEvents.event;

export function fireRunEvent(e: RunBusEvent): void {
  runEvents.fire(e);
}
export function fireRunFinished(e: RunFinishedEvent): void {
  finishEvents.fire(e);
}
