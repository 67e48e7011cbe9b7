import * as vscode from 'vscode';

/**
 * The single "MI Studio" log channel shared by every extension area (language features, runs, editors).
 * Created lazily on first use so activation order does not matter; import `getLog()` instead of creating another.
 */
let channel: vscode.LogOutputChannel | undefined;

export function getLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('MI Studio', { log: true });
  return channel;
}

/** Disposes the channel (called from deactivate). A later `getLog()` creates a fresh one. */
export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
