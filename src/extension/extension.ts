/**
 * MI Studio extension entry point. Each area registers itself; a failure in one area is logged to the
 * "MI Studio" output channel and does not stop the others.
 *   - language: diagnostics, completion, hover for *.mi.yaml; CSV code lens; New Experiment / Validate Spec
 *   - runs (src/extension/runs): worker runs, run commands, spec code lenses, status bar
 *   - editors (src/extension/editors): run results and dataset viewer custom editors
 * Commands of the manifest that no area registered get a fallback here, so no menu item is ever dead.
 */
import * as vscode from 'vscode';
import { registerEditors } from './editors';
import { Commands, Editors } from './ids';
import { languageCommands, registerLanguageFeatures } from './language';
import type { SpecValidator } from './language/diagnostics';
import { disposeLog, getLog } from './log';
import { registerRunFeatures } from './runs';

async function safely(area: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    getLog().error(`MI Studio: ${area} failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showWarningMessage(`MI Studio: ${area} failed to start; see the MI Studio log.`, 'Show Log')
      .then((pick) => (pick ? getLog().show() : undefined));
  }
}

const RESTRICTED = 'MI Studio: training, suggestions and simulations are disabled in Restricted Mode. Trust this workspace to run them; the viewers keep working.';

/** Fallback implementations for manifest commands no area registered (ids come from ids.ts). */
function fallbackCommands(validator: SpecValidator | undefined): Record<string, (...args: unknown[]) => unknown> {
  const unavailable = (what: string) => () => {
    if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage(RESTRICTED);
    void vscode.window.showErrorMessage(`MI Studio: ${what} is not available in this build; see the MI Studio log.`);
  };
  const fallbacks: Record<string, (...args: unknown[]) => unknown> = {
    [Commands.showLog]: () => getLog().show(),
    [Commands.openDatasetViewer]: (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri) return void vscode.window.showWarningMessage('MI Studio: open a CSV/TSV file first.');
      return vscode.commands.executeCommand('vscode.openWith', uri, Editors.datasetViewer);
    },
    [Commands.train]: unavailable('Train'),
    [Commands.suggest]: unavailable('Suggest Next Experiments'),
    [Commands.simulate]: unavailable('Simulate Campaign'),
    [Commands.cancelRun]: () => void vscode.window.showInformationMessage('MI Studio: no run is in progress.'),
    [Commands.openLatestRun]: unavailable('Open Latest Run'),
  };
  return validator ? { ...languageCommands(validator), ...fallbacks } : fallbacks;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push({ dispose: disposeLog });
  let validator: SpecValidator | undefined;
  await safely('language features', () => {
    validator = registerLanguageFeatures(context).validator;
  });
  await safely('runs', () => registerRunFeatures(context));
  await safely('editors', () => registerEditors(context));
  // Register this area's commands and fallbacks only for ids the other areas did not take.
  await safely('commands', async () => {
    const taken = new Set(await vscode.commands.getCommands(true));
    for (const [id, fn] of Object.entries(fallbackCommands(validator))) {
      if (taken.has(id)) continue;
      context.subscriptions.push(vscode.commands.registerCommand(id, fn));
    }
  });
  getLog().info(`MI Studio activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
}

export function deactivate(): void {
  // Disposables registered on the context (including the log channel) are disposed by VS Code.
}
