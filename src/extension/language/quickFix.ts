/** Quick fixes for diagnostics that carry a "did you mean …?" hint: replace the marked key/value with the suggestion. */
import * as vscode from 'vscode';
import { didYouMeanReplacement } from './service';

export class DidYouMeanFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== 'MI Studio' || d.range.isEmpty) continue;
      const replacement = didYouMeanReplacement(d.message, document.getText(d.range));
      if (replacement === undefined) continue;
      const action = new vscode.CodeAction(`Change to ${replacement}`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, d.range, replacement);
      action.diagnostics = [d];
      action.isPreferred = true;
      out.push(action);
    }
    return out;
  }
}
