/**
 * "New experiment from this dataset": code lens on CSV/TSV files and the `miStudio.newExperimentFromDataset` command.
 * Writes `<stem>.mi.yaml` beside the data (or `<stem>-2.mi.yaml`, … — never overwrites) and opens it.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { loadTable } from '../../core/data';
import { SAMPLE_ROWS } from '../../core/spec/dataProbe';
import { generateSpecFromTable } from '../../core/spec/generate';
import { Commands } from '../ids';
import { getLog } from '../log';
import { writeNewSpec } from './specFiles';

export const NEW_EXPERIMENT_TITLE = 'New experiment from this dataset';
/** Rows read to guess the spec: the validator's sample size, so both infer the same column types. */
const GUESS_ROWS = SAMPLE_ROWS;
const DATA_FILE = /\.(csv|tsv)$/i;

export const DATA_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.csv' },
  { scheme: 'file', pattern: '**/*.tsv' },
  { scheme: 'file', pattern: '**/*.CSV' },
  { scheme: 'file', pattern: '**/*.TSV' },
];

export class DatasetCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!DATA_FILE.test(document.uri.path)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
      title: NEW_EXPERIMENT_TITLE,
      tooltip: 'Create <name>.mi.yaml beside this file with inputs and a target guessed from the data, and open it',
      command: Commands.newExperimentFromDataset,
      arguments: [document.uri],
    })];
  }
}

function pickUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (Array.isArray(arg) && arg[0] instanceof vscode.Uri) return arg[0];
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && DATA_FILE.test(active.path)) return active;
  // A custom editor (dataset viewer) is active: use its tab's resource.
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && DATA_FILE.test(input.uri.path)) return input.uri;
  return undefined;
}

export async function newExperimentFromDataset(arg?: unknown): Promise<vscode.Uri | undefined> {
  let uri = pickUri(arg);
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: 'Create experiment', filters: { 'Data (CSV/TSV)': ['csv', 'tsv'] },
    });
    uri = picked?.[0];
    if (!uri) return undefined;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('MI Studio: New Experiment from Dataset needs a file on disk.');
    return undefined;
  }
  const csvPath = uri.fsPath;
  try {
    const table = await loadTable(csvPath, { maxRows: GUESS_ROWS });
    const sampled = table.rowNumbers.length >= GUESS_ROWS;
    const specPath = await writeNewSpec(csvPath, (p) => generateSpecFromTable(table, csvPath, p, { sampled }));
    getLog().info(`created ${specPath} from ${csvPath}`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(specPath));
    await vscode.window.showTextDocument(doc, { preview: false });
    if (/^ {4}# no (usable input|numeric) column/m.test(doc.getText())) {
      void vscode.window.showWarningMessage(`MI Studio: ${basename(csvPath)} has no usable input or numeric target column; edit the spec's inputs/targets (see the comments).`);
    }
    return doc.uri;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    getLog().error(`new experiment from ${csvPath} failed: ${msg}`);
    void vscode.window.showErrorMessage(`MI Studio: could not create an experiment from ${basename(csvPath)}: ${msg}`);
    return undefined;
  }
}
