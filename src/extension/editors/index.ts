import type * as vscode from 'vscode';

/** Custom editors: run results (*.mirun.json) and the dataset viewer. Placeholder until that work lands. */
export function registerEditors(_context: vscode.ExtensionContext): void {}
