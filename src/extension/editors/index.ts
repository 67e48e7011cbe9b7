import type * as vscode from 'vscode';
import { DatasetViewerProvider } from './datasetViewer';
import { RunResultsEditorProvider } from './runResults';

/**
 * Custom editors: run results (`*.mirun.json`, default) and the dataset viewer (CSV/TSV, option), plus the
 * `miStudio.openDatasetViewer` command. Both work in restricted mode (they only read files; appending pending rows
 * asks for confirmation first).
 */
export function registerEditors(context: vscode.ExtensionContext): void {
  context.subscriptions.push(RunResultsEditorProvider.register(context), DatasetViewerProvider.register(context));
}

export { RunResultsEditorProvider, DatasetViewerProvider };
