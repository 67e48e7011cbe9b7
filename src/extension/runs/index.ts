/**
 * Background runs in the extension: commands (Train, Suggest Next Experiments, Simulate Campaign, Cancel Run,
 * Open Latest Run, Show Log), code lenses on `.mi.yaml`, progress / status bar / log channel.
 * Validate Spec is the language area's (src/extension/language), which reports into its live diagnostics.
 * Run commands are disabled in Restricted Mode (untrusted workspaces) with an explanation; viewers keep working.
 */
import * as vscode from 'vscode';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import type { RunKind, RunOptions } from '../../protocol/worker';
import { Commands, LANGUAGE_ID } from '../ids';
import { getLog } from '../log';
import { RunCodeLensProvider } from './codelens';
import { RunManager, openRunManifest } from './manager';
import { latestRun, specInfo } from './specs';
import { workspacePathPolicy } from '../pathPolicy';

export { onDidRunEvent, onDidFinishRun } from './bus';

let manager: RunManager | undefined;

/** The live RunManager (tests, other areas). */
export function getRunManager(): RunManager | undefined {
  return manager;
}

const SPEC_GLOB = '**/*.mi.yaml';

function isSpec(uri: vscode.Uri): boolean {
  return /\.mi\.ya?ml$/i.test(uri.path);
}

/** The spec a command applies to: its argument (explorer, editor title, code lens) or the active editor. */
async function resolveSpec(arg: unknown, saveFirst = true): Promise<vscode.Uri | undefined> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && (doc.languageId === LANGUAGE_ID || isSpec(doc.uri))) uri = doc.uri;
  }
  if (!uri) {
    const found = await vscode.workspace.findFiles(SPEC_GLOB, '**/node_modules/**', 50);
    if (found.length === 1) uri = found[0];
    else if (found.length > 1) {
      const pick = await vscode.window.showQuickPick(
        found.map((u) => ({ label: basename(u.fsPath), description: vscode.workspace.asRelativePath(u), uri: u })),
        { placeHolder: 'Which experiment spec?' },
      );
      uri = pick?.uri;
    } else void vscode.window.showWarningMessage('MI Studio: open an experiment spec (*.mi.yaml) first.');
  }
  if (uri && uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('MI Studio: runs need a spec on the local file system.');
    return undefined;
  }
  // Runs read the file from disk: save pending edits first so what runs is what the user sees.
  const open = saveFirst && uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri!.toString()) : undefined;
  if (open?.isDirty) await open.save();
  return uri;
}

/** Restricted Mode: explain instead of running anything. */
function trusted(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `MI Studio: ${what} is disabled in Restricted Mode, because a run executes the spec's pipeline on this workspace's files. ` +
        'Viewing specs, datasets and run results still works. Trust the workspace to enable runs.',
      'Manage Workspace Trust',
    )
    .then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

async function askInt(prompt: string, value: string, min: number): Promise<number | undefined> {
  const s = await vscode.window.showInputBox({
    prompt,
    value,
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= min ? undefined : `a whole number ≥ ${min}`),
  });
  return s === undefined ? undefined : Number(s.trim());
}

export function registerRunFeatures(context: vscode.ExtensionContext): void {
  const m = new RunManager(context);
  manager = m;
  const lenses = new RunCodeLensProvider();
  context.subscriptions.push(m, lenses);

  const startRun = async (kind: RunKind, arg: unknown, title: string, options: RunOptions = {}) => {
    if (!trusted(title)) return;
    const uri = await resolveSpec(arg);
    if (!uri) return;
    if (kind === 'suggest' && !specInfo(uri.fsPath).hasOptimize) {
      void vscode.window.showErrorMessage(
        `MI Studio: ${basename(uri.fsPath)} has no \`optimize\` section, so there is nothing to suggest. Add one (acquisition, batch, candidates or space) or use Train.`,
      );
      return;
    }
    m.start({ kind, specPath: uri.fsPath, options: { ...options, paths: workspacePathPolicy() } });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.train, (arg?: unknown) => startRun('train', arg, 'Train')),
    // Suggest skips cross-validation (Train evaluates): on thousands of rows CV took most of the time (issue 14).
    vscode.commands.registerCommand(Commands.suggest, (arg?: unknown) => startRun('suggest', arg, 'Suggest Next Experiments', { cv: false })),
    vscode.commands.registerCommand(Commands.simulate, async (arg?: unknown) => {
      if (!trusted('Simulate Campaign')) return;
      const uri = await resolveSpec(arg);
      if (!uri) return;
      const budget = await askInt('Simulated campaign: experiments per campaign (budget, including the initial random ones)', '20', 3);
      if (budget === undefined) return;
      const initial = await askInt('Initial random experiments before the model takes over', '5', 2);
      if (initial === undefined) return;
      const repeats = await askInt('Repeats (independent campaigns, for bands)', '5', 1);
      if (repeats === undefined) return;
      await startRun('simulate', uri, 'Simulate Campaign', { simulate: { budget, initial, repeats } });
    }),
    vscode.commands.registerCommand(Commands.pretrain, async (arg?: unknown) => {
      // issue 16: train source models on this spec's dataset/target and add them to a transfer library folder
      if (!trusted('Pretrain Source Models')) return;
      const uri = await resolveSpec(arg);
      if (!uri) return;
      const lib = await vscode.window.showInputBox({
        prompt: 'Transfer library folder (relative to the spec; created if needed, other sources are kept)',
        value: 'library',
        validateInput: (v) => (v.trim() ? undefined : 'give a folder'),
      });
      if (lib === undefined) return;
      const models = await askInt('Source networks to train (seeded random architectures)', '4', 1);
      if (models === undefined) return;
      const library = resolvePath(dirname(uri.fsPath), lib.trim());
      await startRun('pretrain', uri, 'Pretrain Source Models', { pretrain: { library, models } });
    }),
    vscode.commands.registerCommand(Commands.cancelRun, async (arg?: unknown) => {
      const runs = m.active();
      if (!runs.length) {
        void vscode.window.showInformationMessage('MI Studio: no run is in progress.');
        return;
      }
      const forSpec = arg instanceof vscode.Uri ? runs.filter((r) => r.request.specPath === arg.fsPath) : runs;
      const candidates = forSpec.length ? forSpec : runs;
      let target = candidates.length === 1 ? candidates[0] : undefined;
      if (!target) {
        const pick = await vscode.window.showQuickPick(
          candidates.map((r) => ({ label: `${r.request.kind} ${basename(r.request.specPath)}`, description: `${r.state}${r.runId ? ` ${r.runId}` : ''}`, run: r })),
          { placeHolder: 'Cancel which run?' },
        );
        target = pick?.run;
      }
      if (target) m.cancel(target.id);
    }),
    vscode.commands.registerCommand(Commands.openLatestRun, async (arg?: unknown) => {
      const uri = await resolveSpec(arg, false);
      if (!uri) return;
      const latest = latestRun(uri.fsPath);
      if (!latest) {
        void vscode.window.showInformationMessage(`MI Studio: ${basename(uri.fsPath)} has no finished run yet (looked in ${specInfo(uri.fsPath).experimentDir}).`);
        return;
      }
      await openRunManifest(vscode.Uri.file(latest));
    }),
    vscode.commands.registerCommand(Commands.showLog, () => getLog().show(true)),
    vscode.languages.registerCodeLensProvider([{ language: LANGUAGE_ID }, { pattern: SPEC_GLOB }], lenses),
    m.onDidChangeRuns(() => lenses.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
  );
  const watcher = vscode.workspace.createFileSystemWatcher('**/run.mirun.json');
  context.subscriptions.push(watcher, watcher.onDidCreate(() => lenses.refresh()), watcher.onDidDelete(() => lenses.refresh()));
}
