/** Code lenses on `.mi.yaml`: "Train", "Suggest next experiments" (with `optimize`), "Open latest run" (when one exists). */
import * as vscode from 'vscode';
import { Commands } from '../ids';
import { latestRun, nameLine, specInfo } from './specs';

export const LENS_TITLES = {
  train: '$(play) Train',
  suggest: '$(lightbulb) Suggest next experiments',
  openLatest: '$(history) Open latest run',
} as const;

export class RunCodeLensProvider implements vscode.CodeLensProvider {
  private changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (doc.uri.scheme !== 'file') return [];
    const text = doc.getText();
    const line = nameLine(text);
    const range = new vscode.Range(line, 0, line, 0);
    const info = specInfo(doc.uri.fsPath, text);
    const lenses = [
      new vscode.CodeLens(range, { title: LENS_TITLES.train, command: Commands.train, arguments: [doc.uri], tooltip: 'Train and cross-validate the model (MI Studio)' }),
    ];
    if (info.hasOptimize) {
      lenses.push(
        new vscode.CodeLens(range, { title: LENS_TITLES.suggest, command: Commands.suggest, arguments: [doc.uri], tooltip: 'Train on all rows (no cross-validation), then suggest the next batch of experiments' }),
      );
    }
    const latest = latestRun(doc.uri.fsPath, text);
    if (latest) {
      lenses.push(
        new vscode.CodeLens(range, { title: LENS_TITLES.openLatest, command: Commands.openLatestRun, arguments: [doc.uri], tooltip: latest }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
