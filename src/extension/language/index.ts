/**
 * Editor language features for `*.mi.yaml`: live diagnostics, completion, hover; plus the CSV/TSV code lens
 * "New experiment from this dataset" and the commands New Experiment from Dataset / Validate Spec.
 * The providers are thin wrappers over the VS Code-free service (service.ts, yamlPath.ts, schema.ts).
 */
import * as vscode from 'vscode';
import { specSchema } from '../../core/spec';
import { Commands, LANGUAGE_ID } from '../ids';
import { getLog } from '../log';
import { createEnv, DataCache } from './dataEnv';
import { SpecValidator } from './diagnostics';
import { outline, type SymbolData } from './outline';
import { DidYouMeanFixes } from './quickFix';
import { DATA_SELECTOR, DatasetCodeLensProvider, newExperimentFromDataset } from './newExperiment';
import type { JsonSchema } from './schema';
import { completions, hover, type CompletionData, type CompletionKind } from './service';
import { workspacePathPolicy } from '../pathPolicy';

const SPEC_SELECTOR: vscode.DocumentSelector = [{ language: LANGUAGE_ID }];
const schema = specSchema as unknown as JsonSchema;

const ITEM_KIND: Record<CompletionKind, vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  enum: vscode.CompletionItemKind.EnumMember,
  column: vscode.CompletionItemKind.Field,
  file: vscode.CompletionItemKind.File,
  folder: vscode.CompletionItemKind.Folder,
};

function toItem(line: number, c: CompletionData): vscode.CompletionItem {
  const item = new vscode.CompletionItem(c.label, ITEM_KIND[c.kind]);
  item.insertText = c.snippet ? new vscode.SnippetString(c.snippet) : c.insertText;
  item.range = new vscode.Range(line, c.start, line, c.end);
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
  if (c.sortText) item.sortText = c.sortText;
  if (c.retrigger) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
  return item;
}

const SYMBOL_KIND: Record<SymbolData['kind'], vscode.SymbolKind> = {
  section: vscode.SymbolKind.Module,
  key: vscode.SymbolKind.Property,
  item: vscode.SymbolKind.Object,
};

function toSymbol(s: SymbolData): vscode.DocumentSymbol {
  const r = (x: SymbolData['range']) => new vscode.Range(x.startLine, x.startChar, x.endLine, x.endChar);
  const range = r(s.range);
  const sel = r(s.selection);
  const sym = new vscode.DocumentSymbol(s.name, s.detail ?? '', SYMBOL_KIND[s.kind], range, range.contains(sel) ? sel : range);
  sym.children = s.children.map(toSymbol);
  return sym;
}

export function registerLanguageFeatures(context: vscode.ExtensionContext): { validator: SpecValidator } {
  const cache = new DataCache();
  const validator = new SpecValidator(cache);
  context.subscriptions.push(validator);

  context.subscriptions.push(vscode.languages.registerCompletionItemProvider(SPEC_SELECTOR, {
    async provideCompletionItems(document, position) {
      try {
        const env = createEnv(document.uri.fsPath, schema, cache, workspacePathPolicy());
        const items = await completions(document.getText(), position.line, position.character, env);
        return items.map((c) => toItem(position.line, c));
      } catch (e) {
        getLog().warn(`completion failed: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    },
  }, ':', ' ', '/', '[', ',', '-'));

  context.subscriptions.push(vscode.languages.registerHoverProvider(SPEC_SELECTOR, {
    async provideHover(document, position) {
      try {
        const env = createEnv(document.uri.fsPath, schema, cache, workspacePathPolicy());
        const h = await hover(document.getText(), position.line, position.character, env);
        if (!h) return undefined;
        return new vscode.Hover(new vscode.MarkdownString(h.markdown), new vscode.Range(position.line, h.start, position.line, h.end));
      } catch (e) {
        getLog().warn(`hover failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    },
  }));

  context.subscriptions.push(vscode.languages.registerDocumentSymbolProvider(SPEC_SELECTOR, {
    provideDocumentSymbols: (document) => outline(document.getText()).map(toSymbol),
  }, { label: 'MI Spec' }));
  context.subscriptions.push(vscode.languages.registerCodeActionsProvider(SPEC_SELECTOR, new DidYouMeanFixes(), {
    providedCodeActionKinds: DidYouMeanFixes.kinds,
  }));
  context.subscriptions.push(vscode.languages.registerCodeLensProvider(DATA_SELECTOR, new DatasetCodeLensProvider()));
  return { validator };
}

/** The commands of this area; registered by extension.ts (after the other areas, skipping ids already taken). */
export function languageCommands(validator: SpecValidator): Record<string, (...args: unknown[]) => unknown> {
  return {
    [Commands.newExperimentFromDataset]: (arg?: unknown) => newExperimentFromDataset(arg),
    [Commands.validateSpec]: async (arg?: unknown) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri) {
        void vscode.window.showWarningMessage('MI Studio: open a .mi.yaml spec to validate it.');
        return undefined;
      }
      const doc = await vscode.workspace.openTextDocument(uri);
      const ds = await validator.validate(doc);
      const errors = ds.filter((d) => d.severity === 'error').length;
      const warnings = ds.filter((d) => d.severity === 'warning').length;
      const name = vscode.workspace.asRelativePath(uri);
      if (errors === 0 && warnings === 0) void vscode.window.showInformationMessage(`MI Studio: ${name} is valid.`);
      else {
        const msg = `MI Studio: ${name} has ${errors} error(s) and ${warnings} warning(s).`;
        void (errors ? vscode.window.showErrorMessage(msg, 'Show Problems') : vscode.window.showWarningMessage(msg, 'Show Problems'))
          .then((pick) => (pick ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
      }
      return ds;
    },
  };
}
