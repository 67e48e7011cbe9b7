/**
 * Run results custom editor for `*.mirun.json` (read-only; "Reopen With… → Text Editor" stays available).
 * Reads the run folder through `vscode.workspace.fs`, posts everything to the webview, follows a live run
 * (manifest file watcher + the run bus's curve events) and, when the run leaves its `.tmp-<id>/` folder, reopens the
 * tab on the final manifest in the same place with the view's state (so the tab is titled by the final folder).
 * Tabs are titled "<experiment> · <run id>" (webviewPanel.title, honoured for custom editors from VS Code 1.106; the
 * `workbench.editor.customLabels.patterns` default in package.json gives the same label on older versions). Maps
 * over any pair of features are drawn here on request from the run's saved model (`landscapeMap`). Suggestions can be exported, copied, or appended to the dataset as pending rows after a modal
 * confirmation that shows exactly the text that will be written.
 */
import * as vscode from 'vscode';
import { Editors } from '../ids';
import { getLog } from '../log';
import { onDidFinishRun, onDidRunEvent } from '../runs/bus';
import type { HostToRunView, RunRequest, RunRequests, RunViewData, RunViewState, RunViewToHost } from '../../protocol/webview';
import type { RunManifest } from '../../core/run/manifest';
import { buildRunViewData, isContainedRelPath, type RunFolder } from '../../runview/build';
import { nodeRunFolder } from '../../runview/folder';
import { gridView } from '../../runview/landscape';
import { landscapeMap, type Landscape } from '../../core/bo/landscape';
import type { Model, SavedModel } from '../../core/models/types';
import { rowNames } from '../../runview/names';
import { modelBundle } from '../lazyModels';
import { checkDatasetForAppend, datasetNames, writeAtomicUri } from './pendingHost';
import { planAppend } from '../../runview/pending';
import type { RunEvent } from '../../protocol/worker';
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

/**
 * View state (open tab, chosen features, sort) handed from a live run's tab to the tab that replaces it on the final
 * folder, by the final manifest's URI; taken by the new session's `init`.
 */
const handedOver = new Map<string, RunViewState>();

/** The tab title of a run: experiment and run id (VS Code ≥ 1.106 shows it; older ones use the label patterns). */
export function runTitle(m: { name?: string; runId?: string }, fallback: string): string {
  return [m.name, m.runId].filter(Boolean).join(' · ') || fallback;
}

/** Tabs of the run results editor on `uri`, preferring the one in `column`. */
export function runTabs(uri: vscode.Uri, column?: vscode.ViewColumn): vscode.Tab[] {
  const key = uri.toString();
  const tabs = (vscode.window.tabGroups?.all ?? []).flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === Editors.runResults && t.input.uri.toString() === key);
  return tabs.sort((a, b) => Number(b.group.viewColumn === column) - Number(a.group.viewColumn === column));
}

/** Debounce for manifest reloads: the run engine rewrites the live manifest at most every 0.5 s. */
export const RELOAD_DEBOUNCE_MS = 150;

class RunSession implements vscode.Disposable {
  private disposables: vscode.Disposable[] = [];
  private watcher?: vscode.FileSystemWatcher;
  private manifestUri: vscode.Uri;
  private data?: RunViewData;
  private reloadTimer?: NodeJS.Timeout;
  private ready = false;
  private disposed = false;
  /** Text of the manifest last sent to the view (a reload with identical text posts nothing). */
  private lastText?: string;
  private reloadSeq = 0;
  private namesFor?: { sha: string; value: ReturnType<typeof rowNames> };
  /** The webview's latest view state (handed to the tab that replaces this one). */
  private viewState?: RunViewState;
  /** Set once this tab is being replaced by one on the final folder: no more reloads here. */
  private replacing = false;

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
      onDidRunEvent((e) => this.onRunEvent(e.runId, e.event)),
      onDidFinishRun((e) => {
        const current = this.manifestUri.fsPath;
        if (e.tempManifest === current || e.manifestPath === current || e.runId === this.runId) {
          this.follow(vscode.Uri.file(e.manifestPath));
        }
      }),
    );
    this.watch();
  }

  /** Run id of the shown run: from the manifest, else from the folder name (`.tmp-<runId>` or `<runId>`). */
  private get runId(): string | undefined {
    return this.data?.manifest.runId ?? (this.runDir.path.split('/').pop() ?? '').replace(/^\.tmp-/, '');
  }

  private get runDir(): vscode.Uri {
    return vscode.Uri.joinPath(this.manifestUri, '..');
  }

  private post(m: HostToRunView): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(m);
  }

  /** Live bus events of this run: curve points and progress go to the view at once (between manifest rewrites). */
  private onRunEvent(runId: string, event: RunEvent): void {
    if (!this.data || runId !== this.runId || this.data.manifest.status !== 'running') return;
    if (event.type === 'curve') {
      const { phase, iteration, value } = event;
      this.data.manifest.curve.push({ phase, iteration, value });
      this.post({ type: 'curve', points: [{ phase, iteration, value }], status: 'running' });
    } else if (event.type === 'progress') {
      const progress = { phase: event.phase, fraction: event.fraction, message: event.message };
      this.data.manifest.progress = progress;
      this.post({ type: 'progress', progress });
    }
  }

  /**
   * A running run's manifest on disk can lag behind the bus (the engine writes it between long synchronous fits), so a
   * reload must not take the view back: keep the further progress and the curve points already received from the bus.
   */
  private keepLiveEvents(next: RunViewData): void {
    const prev = this.data?.manifest;
    const m = next.manifest;
    if (!prev || m.status !== 'running' || prev.status !== 'running' || prev.runId !== m.runId) return;
    if (prev.progress && (m.progress?.fraction ?? -1) < (prev.progress.fraction ?? 0)) m.progress = prev.progress;
    const key = (p: { phase: string; iteration: number }) => `${p.phase}:${p.iteration}`;
    const have = new Set(m.curve.map(key));
    for (const p of prev.curve) if (!have.has(key(p))) m.curve.push(p);
  }

  /**
   * Watches the run FOLDER for the manifest's name, not the file itself: the engine replaces the manifest atomically
   * (write temp + rename over it), which file watchers report as delete/create rather than change, and a watch on
   * the single file's inode can end with the first replace. Every event just schedules a (debounced) reload.
   */
  private watch(): void {
    this.watcher?.dispose();
    const name = this.manifestUri.path.split('/').pop() ?? 'run.mirun.json';
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.runDir, name));
    w.onDidChange(() => this.scheduleReload());
    w.onDidCreate(() => this.scheduleReload());
    w.onDidDelete(() => this.scheduleReload());
    this.watcher = w;
  }

  /** The shown manifest is gone: if it was in `.tmp-<runId>/`, the run was finalised to `<runId>/` — follow it. */
  private async findFinal(): Promise<vscode.Uri | undefined> {
    const dirName = this.runDir.path.split('/').pop() ?? '';
    const m = /^\.tmp-(.+)$/.exec(dirName);
    if (!m) return undefined;
    const name = this.manifestUri.path.split('/').pop() ?? 'run.mirun.json';
    const final = vscode.Uri.joinPath(this.runDir, '..', m[1], name);
    // the rename of the folder is one step, but the delete event can arrive just before it is visible
    for (let i = 0; i < 10 && !this.disposed; i++) {
      if (await exists(final)) return final;
      if (await exists(this.manifestUri)) return undefined; // an atomic replace, not a move
      await new Promise((r) => setTimeout(r, 200));
    }
    return undefined;
  }

  /**
   * The run left its `.tmp-<id>/` folder. The tab's resource (and so its label and path) cannot change, so the tab is
   * replaced by one on the final manifest in the same place, with this view's state; false when there is no tab to
   * replace (then this session follows the run itself).
   */
  private async replaceTab(from: vscode.Uri, to: vscode.Uri): Promise<boolean> {
    const tab = runTabs(from, this.panel.viewColumn)[0];
    if (!tab || this.replacing) return !!tab;
    this.replacing = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    if (this.viewState) handedOver.set(to.toString(), this.viewState);
    const focused = tab.isActive && tab.group.isActive && this.panel.active;
    try {
      // open the new tab first (the run never has no tab), then close this one
      await vscode.commands.executeCommand('vscode.openWith', to, Editors.runResults, { preview: false, viewColumn: tab.group.viewColumn, preserveFocus: !focused });
      const old = runTabs(from, tab.group.viewColumn)[0];
      if (old) await vscode.window.tabGroups.close(old, true);
      getLog().info(`run view: ${from.fsPath} reopened as ${to.fsPath}`);
      return true;
    } catch (e) {
      getLog().warn(`run view: could not reopen ${to.fsPath} (${(e as Error).message}); following in place`);
      handedOver.delete(to.toString());
      this.replacing = false;
      return false;
    }
  }

  private inTempFolder(): boolean {
    return /^\.tmp-/.test(this.runDir.path.split('/').pop() ?? '');
  }

  private follow(uri: vscode.Uri): void {
    if (this.disposed || this.replacing) return;
    const from = this.manifestUri;
    if (uri.fsPath !== from.fsPath && this.inTempFolder()) {
      void this.replaceTab(from, uri)
        .catch(() => false)
        .then((ok) => {
          if (!ok) this.moveTo(uri);
        });
      return;
    }
    this.moveTo(uri);
  }

  private moveTo(uri: vscode.Uri): void {
    if (this.disposed) return;
    if (uri.fsPath !== this.manifestUri.fsPath) {
      getLog().info(`run view: following ${this.manifestUri.fsPath} → ${uri.fsPath}`);
      renderedReports.delete(this.manifestUri.toString());
      this.manifestUri = uri;
      this.watch();
    }
    this.scheduleReload();
  }

  private scheduleReload(): void {
    if (this.disposed || this.replacing) return;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, RELOAD_DEBOUNCE_MS);
  }

  /** The run folder as untrusted input: local folders through resolveInside, others by contained relative paths. */
  private folder(): RunFolder {
    const dir = this.runDir;
    // the dataset is read for names by this host's own rule (inside the workspace, unchanged), once per dataset
    if (dir.scheme === 'file') return nodeRunFolder(dir.fsPath, { dataset: false });
    return { read: async (rel) => (isContainedRelPath(rel) ? readText(vscode.Uri.joinPath(dir, rel)) : undefined) };
  }

  /** "<experiment> · <run id>" on the tab (honoured for custom editors from VS Code 1.106 on). */
  private setTitle(): void {
    if (this.data && !this.disposed) this.panel.title = runTitle(this.data.manifest, 'MI Run Results');
  }

  async load(): Promise<RunViewData> {
    const dir = this.runDir;
    const data = await buildRunViewData(this.folder(), dir.path.split('/').pop() ?? '');
    data.location = vscode.workspace.asRelativePath(dir, false);
    // maps over any pair of features: drawn here from the saved model (the static report has no host to ask)
    if (data.landscape?.mapFeatures?.length && data.manifest.files?.model) data.landscape.onDemand = true;
    // tooltips name rows by formula / SMILES: read from the dataset only when it is in the workspace and unchanged
    // (once per dataset hash: a live run reloads every half second)
    const sha = data.manifest.dataset?.sha256 ?? '';
    if (sha && this.namesFor?.sha !== sha && data.manifest.status !== 'running') {
      this.namesFor = { sha, value: await datasetNames(data.manifest, (m) => this.datasetUri(m), rowNames).catch(() => undefined) };
    }
    const named = this.namesFor?.sha === sha ? this.namesFor.value : undefined;
    if (named) {
      data.names = { ...data.names, ...named.names };
      data.nameColumn = named.column;
    }
    return data;
  }

  /**
   * The manifest changed (rewritten, replaced, or its folder moved): read the whole run folder again and send it as
   * an `update` — status, progress, dataset rows, timings, curve and (once written) predictions all change during a
   * run. The view keeps its tab, feature and sort state across updates.
   */
  private async reload(): Promise<void> {
    if (this.disposed) return;
    const seq = ++this.reloadSeq;
    const text = await readText(this.manifestUri);
    if (text === undefined) {
      const final = await this.findFinal();
      if (final) this.follow(final);
      return;
    }
    try {
      JSON.parse(text);
    } catch {
      return; // a writer that does not replace atomically, mid-write; the next event brings the complete file
    }
    if (text === this.lastText && this.data) return;
    try {
      const data = await this.load();
      if (this.disposed || this.replacing || seq !== this.reloadSeq) return; // a newer reload started meanwhile: it posts the newer state
      this.keepLiveEvents(data);
      this.data = data;
      this.lastText = text;
      this.setTitle();
      this.post({ type: 'update', data });
    } catch (e) {
      getLog().warn(`run view: ${(e as Error).message}`);
    }
  }

  private async onMessage(m: RunViewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        try {
          this.lastText = await readText(this.manifestUri);
          if (this.lastText === undefined) {
            // opened on a live manifest whose run already ended (the temp folder was renamed): show the final one
            const final = await this.findFinal();
            if (final) {
              if (this.inTempFolder() && (await this.replaceTab(this.manifestUri, final).catch(() => false))) return;
              this.moveTo(final);
              this.lastText = await readText(this.manifestUri);
            }
          }
          this.data = await this.load();
          this.setTitle();
          const state = handedOver.get(this.manifestUri.toString());
          handedOver.delete(this.manifestUri.toString());
          if (state) this.viewState = state;
          this.post({ type: 'init', data: this.data, canEdit: true, ...(state ? { state } : {}) });
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
      case 'state':
        this.viewState = m.state;
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
      case 'saveImage': {
        const png = m.params.format === 'png';
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(this.runDir, m.params.suggestedName.replace(/[\\/]/g, '_')),
          filters: png ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
          saveLabel: 'Save',
        });
        if (!target) return { saved: false };
        const bytes = png ? Buffer.from(m.params.data, 'base64') : new TextEncoder().encode(m.params.data);
        await vscode.workspace.fs.writeFile(target, bytes);
        getLog().info(`saved chart picture ${target.fsPath} (${bytes.length} bytes)`);
        return { saved: true, path: target.fsPath };
      }
      case 'openFile': {
        // the path comes from the (untrusted) manifest: only files inside the run folder
        if (!isContainedRelPath(m.params.relPath)) throw new Error(`${m.params.relPath} is outside the run folder`);
        const uri = vscode.Uri.joinPath(this.runDir, m.params.relPath);
        await vscode.window.showTextDocument(uri, { preview: true });
        return { opened: true };
      }
      case 'appendPending':
        return this.appendPending(m.params.ranks);
      case 'landscapeMap':
        return this.landscapeMap(m.params.x, m.params.y);
    }
  }

  /** landscape.json and the saved model of the shown run, read once per run folder (maps are asked for one by one). */
  private mapSource?: { dir: string; value: Promise<{ L: Landscape; model: Model }> };

  /**
   * A map over any two features, drawn from the run's saved model (model/model.json) and landscape.json's context by
   * the engine's own `landscapeMap` (same cells, masking and words as the precomputed maps). The model code is loaded
   * on the first request only; predictions run in chunks so the extension host stays responsive.
   */
  private async landscapeMap(x: string, y: string): Promise<RunRequests['landscapeMap']['result']> {
    const dir = this.runDir.toString();
    if (this.mapSource?.dir !== dir) {
      const folder = this.folder();
      const value = (async () => {
        const [text, modelText] = await Promise.all([folder.read('landscape.json'), folder.read('model/model.json')]);
        const { loadModel } = modelBundle();
        if (text === undefined) throw new Error('this run has no landscape.json');
        if (modelText === undefined) throw new Error('this run has no saved model (model/model.json): maps over other features cannot be drawn');
        return { L: JSON.parse(text) as Landscape, model: loadModel(JSON.parse(modelText) as SavedModel) };
      })();
      this.mapSource = { dir, value };
      value.catch(() => {
        if (this.mapSource?.value === value) this.mapSource = undefined;
      });
    }
    const { L, model } = await this.mapSource.value;
    const t0 = Date.now();
    const g = await landscapeMap(L, model, x, y, { pause: () => new Promise((r) => setImmediate(r)) });
    getLog().info(`run view: landscape map ${x} × ${y} drawn in ${Date.now() - t0} ms`);
    return gridView(g, L);
  }

  /** Candidate locations of the dataset named in the manifest (absolute, or relative to spec, run folder, workspace). */
  async datasetUri(manifest: RunManifest): Promise<vscode.Uri> {
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

  /**
   * Appends the chosen suggestions to the dataset: only in a trusted workspace, only for a dataset inside a workspace
   * folder; warns when the file changed since the run (SHA-256), shows exactly the lines to be added, keeps the file's
   * line endings, delimiter, decimal separator and encoding, and replaces the file atomically (temp file + rename).
   */
  private async appendPending(ranks: number[]): Promise<RunRequests['appendPending']['result']> {
    if (!vscode.workspace.isTrusted) throw new Error('appending to a dataset needs a trusted workspace (Restricted Mode is on)');
    const data = await this.load();
    if (!data.suggestions) throw new Error('this run has no suggestions.csv');
    const dsUri = await this.datasetUri(data.manifest);
    const check = await checkDatasetForAppend(dsUri, data.manifest);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dsUri.toString());
    if (open?.isDirty) throw new Error(`${dsUri.fsPath} has unsaved changes; save or revert it first`);
    const bytes = check.bytes;
    const specContent = data.manifest.spec?.content as { dataset?: { id?: string } } | undefined;
    const plan = planAppend(bytes, dsUri.path, data.suggestions, ranks, specContent?.dataset?.id);
    if (!plan.rows.length) throw new Error('none of the selected suggestions were found in suggestions.csv');
    if (!plan.filled.length) throw new Error(`no suggestion column matches a column of ${dsUri.fsPath} (${plan.header.join(', ')})`);
    const empty = plan.header.filter((h) => !plan.filled.includes(h));
    const d = plan.dialect;
    const dialect = `${d.eol === '\r\n' ? 'CRLF' : d.eol === '\r' ? 'CR' : 'LF'} line endings, delimiter ${d.delimiter === '\t' ? 'tab' : `"${d.delimiter}"`}, decimal "${d.decimal}", ${d.encoding}`;
    const choice = await vscode.window.showWarningMessage(
      `Append ${plan.rows.length} pending row(s) to ${vscode.workspace.asRelativePath(dsUri)}?`,
      {
        modal: true,
        detail:
          (check.changed ? `Warning: ${dsUri.fsPath} changed since this run (its SHA-256 differs from the one recorded in the run).\n\n` : '') +
          `Exactly these line(s) will be added at the end of ${dsUri.fsPath} (${dialect}); nothing else in the file changes.\n` +
          `Filled from the suggestions: ${plan.filled.join(', ')}. Left empty (to measure): ${empty.join(', ') || '–'}.\n\n` +
          plan.text.replace(/^[\r\n]+/, ''),
      },
      'Append',
    );
    if (choice !== 'Append') return { appended: 0, cancelled: true };
    const again = await vscode.workspace.fs.readFile(dsUri);
    if (again.length !== bytes.length || Buffer.compare(Buffer.from(again), Buffer.from(bytes)) !== 0) throw new Error(`${dsUri.fsPath} changed while the confirmation was open; nothing written`);
    await writeAtomicUri(dsUri, plan.bytes);
    getLog().info(`appended ${plan.rows.length} pending row(s) to ${dsUri.fsPath}`);
    return { appended: plan.rows.length, path: dsUri.fsPath };
  }

  dispose(): void {
    this.disposed = true;
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
