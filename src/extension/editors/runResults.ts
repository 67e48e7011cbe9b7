/**
 * Run results custom editor for `*.mirun.json` (read-only; "Reopen With… → Text Editor" stays available).
 * Reads the run folder through `vscode.workspace.fs`, posts everything to the webview, follows a live run
 * (manifest file watcher + the run bus's curve events) and switches from the temp folder to the final one when the
 * run ends. Suggestions can be exported, copied, or appended to the dataset as pending rows after a modal
 * confirmation that shows exactly the text that will be written.
 */
import * as vscode from 'vscode';
import { Editors } from '../ids';
import { getLog } from '../log';
import { onDidFinishRun, onDidRunEvent } from '../runs/bus';
import {
  buildRunViewData,
  parseCsv,
  planPendingRows,
  sniffDelimiter,
  type HostToRunView,
  type RunRequest,
  type RunRequests,
  type RunViewData,
  type RunViewToHost,
} from '../../protocol/webview';
import type { RunManifest } from '../../core/run/manifest';
import { makeNonce, webviewHtml } from './html';

const decoder = new TextDecoder();

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function shellHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: 'run' | 'dataset', title: string): string {
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`)).toString();
  return webviewHtml({ scriptUri, cspSource: webview.cspSource, nonce: makeNonce(), title });
}

/** Last `rendered` report per chart of each open run view (diagnostics / E2E tests read it through the log). */
export const renderedReports = new Map<string, { chart: string; points: number; series: string[] }[]>();

class RunSession implements vscode.Disposable {
  private disposables: vscode.Disposable[] = [];
  private watcher?: vscode.FileSystemWatcher;
  private manifestUri: vscode.Uri;
  private data?: RunViewData;
  private lastCurve = 0;
  private reloadTimer?: NodeJS.Timeout;
  private ready = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    manifestUri: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.manifestUri = manifestUri;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = shellHtml(panel.webview, extensionUri, 'run', 'MI Run Results');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: RunViewToHost) => this.onMessage(m)),
      onDidRunEvent((e) => {
        if (!this.data || e.runId !== this.data.manifest.runId || e.event.type !== 'curve') return;
        const { phase, iteration, value } = e.event;
        this.data.manifest.curve.push({ phase, iteration, value });
        this.lastCurve = this.data.manifest.curve.length;
        this.post({ type: 'curve', points: [{ phase, iteration, value }], status: 'running' });
      }),
      onDidFinishRun((e) => {
        const current = this.manifestUri.fsPath;
        if (e.tempManifest === current || e.manifestPath === current || e.runId === this.data?.manifest.runId) {
          this.follow(vscode.Uri.file(e.manifestPath));
        }
      }),
    );
    this.watch();
  }

  private get runDir(): vscode.Uri {
    return vscode.Uri.joinPath(this.manifestUri, '..');
  }

  private post(m: HostToRunView): void {
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private watch(): void {
    this.watcher?.dispose();
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.runDir, 'run.mirun.json'));
    w.onDidChange(() => this.scheduleReload());
    w.onDidCreate(() => this.scheduleReload());
    w.onDidDelete(() => void this.onManifestDeleted());
    this.watcher = w;
  }

  /** The temp folder `.tmp-<runId>` was renamed to `<runId>`: follow it even if the bus event was missed. */
  private async onManifestDeleted(): Promise<void> {
    const dirName = this.runDir.path.split('/').pop() ?? '';
    const m = /^\.tmp-(.+)$/.exec(dirName);
    if (!m) return;
    const final = vscode.Uri.joinPath(this.runDir, '..', m[1], 'run.mirun.json');
    for (let i = 0; i < 20; i++) {
      if (this.manifestUri.fsPath === final.fsPath) return;
      if (await exists(final)) return this.follow(final);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private follow(uri: vscode.Uri): void {
    if (uri.fsPath !== this.manifestUri.fsPath) {
      getLog().info(`run view: following ${this.manifestUri.fsPath} → ${uri.fsPath}`);
      this.manifestUri = uri;
      this.watch();
    }
    this.scheduleReload(true);
  }

  private scheduleReload(full = false): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(full), 150);
  }

  async load(): Promise<RunViewData> {
    const dir = this.runDir;
    return buildRunViewData((rel) => readText(vscode.Uri.joinPath(dir, rel)), dir.path.split('/').pop() ?? '');
  }

  /** Manifest changed: while running send only the new curve points; otherwise reload everything. */
  private async reload(full: boolean): Promise<void> {
    const text = await readText(this.manifestUri);
    if (text === undefined) return;
    let manifest: RunManifest;
    try {
      manifest = JSON.parse(text) as RunManifest;
    } catch {
      return; // a writer mid-rename; the next change event brings the complete file
    }
    const prev = this.data?.manifest;
    if (!full && prev && prev.status === 'running' && manifest.status === 'running' && manifest.runId === prev.runId) {
      const curve = manifest.curve ?? [];
      const fresh = curve.slice(Math.min(this.lastCurve, curve.length));
      prev.curve = curve;
      this.lastCurve = curve.length;
      if (fresh.length) this.post({ type: 'curve', points: fresh, status: 'running' });
      return;
    }
    try {
      this.data = await this.load();
      this.lastCurve = this.data.manifest.curve.length;
      this.post({ type: 'update', data: this.data });
    } catch (e) {
      getLog().warn(`run view: ${(e as Error).message}`);
    }
  }

  private async onMessage(m: RunViewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        try {
          this.data = await this.load();
          this.lastCurve = this.data.manifest.curve.length;
          this.post({ type: 'init', data: this.data, canEdit: true });
        } catch (e) {
          void vscode.window.showErrorMessage(`MI Studio: cannot open run: ${(e as Error).message}`);
        }
        return;
      case 'rendered': {
        const key = this.manifestUri.toString();
        const list = (renderedReports.get(key) ?? []).filter((r) => r.chart !== m.chart);
        list.push({ chart: m.chart, points: m.points, series: m.series });
        renderedReports.set(key, list);
        getLog().trace(`run view rendered ${m.chart}: ${m.points} points (${m.series.join(', ')})`);
        return;
      }
      case 'error':
        getLog().error(`run view: ${m.message}`);
        return;
      case 'request':
        return this.answer(m);
    }
  }

  private async answer(m: RunRequest): Promise<void> {
    try {
      const result = await this.handle(m);
      this.post({ type: 'reply', id: m.id, ok: true, result });
    } catch (e) {
      this.post({ type: 'reply', id: m.id, ok: false, error: (e as Error).message });
    }
  }

  private async handle(m: RunRequest): Promise<RunRequests[typeof m.method]['result']> {
    switch (m.method) {
      case 'copy':
        await vscode.env.clipboard.writeText(m.params.text);
        return { copied: true };
      case 'exportCsv': {
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(this.runDir, m.params.suggestedName),
          filters: { CSV: ['csv'] },
          saveLabel: 'Export',
        });
        if (!target) return { saved: false };
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(m.params.text));
        return { saved: true, path: target.fsPath };
      }
      case 'openFile': {
        const uri = vscode.Uri.joinPath(this.runDir, m.params.relPath);
        await vscode.window.showTextDocument(uri, { preview: true });
        return { opened: true };
      }
      case 'appendPending':
        return this.appendPending(m.params.ranks);
    }
  }

  /** Candidate locations of the dataset named in the manifest (absolute, or relative to spec, run folder, workspace). */
  private async datasetUri(manifest: RunManifest): Promise<vscode.Uri> {
    const p = manifest.dataset?.path;
    if (!p) throw new Error('the manifest names no dataset');
    const candidates: vscode.Uri[] = [];
    if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) candidates.push(vscode.Uri.file(p));
    else {
      const spec = manifest.spec?.path;
      if (spec) {
        const specUri = spec.startsWith('/') ? vscode.Uri.file(spec) : undefined;
        if (specUri) candidates.push(vscode.Uri.joinPath(specUri, '..', p));
        for (const f of vscode.workspace.workspaceFolders ?? []) candidates.push(vscode.Uri.joinPath(f.uri, spec, '..', p));
      }
      candidates.push(vscode.Uri.joinPath(this.runDir, p));
      for (const f of vscode.workspace.workspaceFolders ?? []) candidates.push(vscode.Uri.joinPath(f.uri, p));
    }
    for (const c of candidates) if (await exists(c)) return c;
    throw new Error(`dataset ${p} not found (looked in: ${candidates.map((c) => c.fsPath).join(', ')})`);
  }

  private async appendPending(ranks: number[]): Promise<RunRequests['appendPending']['result']> {
    const data = await this.load();
    if (!data.suggestions) throw new Error('this run has no suggestions.csv');
    const dsUri = await this.datasetUri(data.manifest);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dsUri.toString());
    if (open?.isDirty) throw new Error(`${dsUri.fsPath} has unsaved changes; save or revert it first`);
    const bytes = await vscode.workspace.fs.readFile(dsUri);
    const text = decoder.decode(bytes);
    const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length).replace(/\r$/, '');
    const delimiter = sniffDelimiter(firstLine, dsUri.path);
    const header = parseCsv(firstLine, delimiter)[0] ?? [];
    const specContent = data.manifest.spec?.content as { dataset?: { id?: string } } | undefined;
    const plan = planPendingRows({
      datasetHeader: header,
      delimiter,
      suggestions: data.suggestions,
      ranks,
      idColumn: specContent?.dataset?.id ?? (header.includes('id') ? 'id' : undefined),
      needsNewline: text.length > 0 && !text.endsWith('\n'),
    });
    if (!plan.rows.length) throw new Error('none of the selected suggestions were found in suggestions.csv');
    if (!plan.filled.length) throw new Error(`no suggestion column matches a column of ${dsUri.fsPath} (${header.join(', ')})`);
    const empty = header.filter((h) => !plan.filled.includes(h));
    const choice = await vscode.window.showWarningMessage(
      `Append ${plan.rows.length} pending row(s) to ${vscode.workspace.asRelativePath(dsUri)}?`,
      {
        modal: true,
        detail:
          `Exactly these line(s) will be added at the end of ${dsUri.fsPath}; nothing else in the file changes.\n` +
          `Filled from the suggestions: ${plan.filled.join(', ')}. Left empty (to measure): ${empty.join(', ') || '–'}.\n\n` +
          plan.text.replace(/^\n/, ''),
      },
      'Append',
    );
    if (choice !== 'Append') return { appended: 0, cancelled: true };
    const again = await vscode.workspace.fs.readFile(dsUri);
    if (again.length !== bytes.length || decoder.decode(again) !== text) throw new Error(`${dsUri.fsPath} changed while the confirmation was open; nothing written`);
    const enc = new TextEncoder().encode(plan.text);
    const out = new Uint8Array(bytes.length + enc.length);
    out.set(bytes);
    out.set(enc, bytes.length);
    await vscode.workspace.fs.writeFile(dsUri, out);
    getLog().info(`appended ${plan.rows.length} pending row(s) to ${dsUri.fsPath}`);
    return { appended: plan.rows.length, path: dsUri.fsPath };
  }

  dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
    renderedReports.delete(this.manifestUri.toString());
  }
}

export class RunResultsEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = Editors.runResults;

  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(context: vscode.ExtensionContext): vscode.Disposable {
    // No retainContextWhenHidden: the view restores itself from getState/setState and a fresh 'init'.
    return vscode.window.registerCustomEditorProvider(RunResultsEditorProvider.viewType, new RunResultsEditorProvider(context.extensionUri), {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const session = new RunSession(panel, document.uri, this.extensionUri);
    panel.onDidDispose(() => session.dispose());
  }
}
