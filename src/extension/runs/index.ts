import type * as vscode from 'vscode';

/** Background runs (worker processes), run commands, run code lenses, status bar. Placeholder until that work lands. */
export function registerRunFeatures(_context: vscode.ExtensionContext): void {}
