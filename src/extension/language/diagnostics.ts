/**
 * Live validation of `*.mi.yaml` documents with the same engine as `mi-studio validate`: on open, on change
 * (debounced by `miStudio.validation.debounceMs`), on save, and again when a dataset/candidates file they use changes.
 */
import * as vscode from 'vscode';
import { validateSpecText } from '../../core/spec';
import type { Diagnostic } from '../../core/diagnostics';
import { LANGUAGE_ID, Settings } from '../ids';
import { getLog } from '../log';
import { resolveFromSpec, type DataCache } from './dataEnv';
import { referencedDataFiles } from './service';
import { workspacePathPolicy } from '../pathPolicy';

export const DEBOUNCE_SETTING = Settings.validationDebounceMs;

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const v = new vscode.Diagnostic(range, d.hint ? `${d.message} (${d.hint})` : d.message, SEVERITY[d.severity]);
  v.code = d.code;
  v.source = 'MI Studio';
  return v;
}

function isSpec(doc: vscode.TextDocument): boolean {
  return doc.languageId === LANGUAGE_ID || /\.mi\.ya?ml$/i.test(doc.uri.path);
}

export class SpecValidator implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('mi-yaml');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** Files (dataset, candidates) each open spec refers to, absolute; to re-validate when they change. */
  private readonly dataFiles = new Map<string, string[]>();
  /** Diagnostics reported on other files (d.file) per spec, to clear them when the spec changes. */
  private readonly foreign = new Map<string, vscode.Uri[]>();

  constructor(private readonly cache: DataCache) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{csv,tsv,CSV,TSV}');
    const onData = (uri: vscode.Uri): void => this.dataChanged(uri.fsPath);
    this.disposables.push(watcher, watcher.onDidChange(onData), watcher.onDidCreate(onData), watcher.onDidDelete(onData));
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private debounceMs(): number {
    const v = vscode.workspace.getConfiguration().get<number>(DEBOUNCE_SETTING, 300);
    return typeof v === 'number' && v >= 0 ? v : 300;
  }

  schedule(doc: vscode.TextDocument, delay = this.debounceMs()): void {
    if (!isSpec(doc)) return;
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.validate(doc);
    }, delay));
  }

  /** Validates now; returns the diagnostics (used by the "Validate Spec" command). */
  async validate(doc: vscode.TextDocument): Promise<Diagnostic[]> {
    if (doc.isClosed) return [];
    const version = doc.version;
    const text = doc.getText();
    const specPath = doc.uri.fsPath;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = (await validateSpecText(text, specPath, { paths: workspacePathPolicy() })).diagnostics;
    } catch (e) {
      getLog().error(`validation of ${specPath} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      diagnostics = [{
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'error', code: 'internal', message: `The validator failed: ${e instanceof Error ? e.message : String(e)}`,
      }];
    }
    if (doc.isClosed || doc.version !== version) return diagnostics; // a newer validation is on its way
    this.dataFiles.set(doc.uri.toString(), referencedDataFiles(text).map((r) => resolveFromSpec(specPath, r)));
    const own = diagnostics.filter((d) => !d.file || resolveFromSpec(specPath, d.file) === specPath);
    this.collection.set(doc.uri, own.map(toVscodeDiagnostic));
    // Diagnostics located in another file (e.g. a bad row of the dataset) go to that file.
    for (const u of this.foreign.get(doc.uri.toString()) ?? []) this.collection.delete(u);
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnostics) {
      if (!d.file) continue;
      const abs = resolveFromSpec(specPath, d.file);
      if (abs === specPath) continue;
      byFile.set(abs, [...(byFile.get(abs) ?? []), toVscodeDiagnostic(d)]);
    }
    const uris = [...byFile.keys()].map((f) => vscode.Uri.file(f));
    uris.forEach((u) => this.collection.set(u, byFile.get(u.fsPath) ?? []));
    this.foreign.set(doc.uri.toString(), uris);
    return diagnostics;
  }

  private dataChanged(path: string): void {
    this.cache.invalidate(path);
    for (const doc of vscode.workspace.textDocuments) {
      if (!isSpec(doc)) continue;
      const files = this.dataFiles.get(doc.uri.toString());
      if (!files || files.includes(path)) this.schedule(doc, 50);
    }
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.collection.delete(uri);
    for (const u of this.foreign.get(key) ?? []) this.collection.delete(u);
    this.foreign.delete(key);
    this.dataFiles.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
