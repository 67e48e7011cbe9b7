/**
 * Dataset viewer custom editor for CSV/TSV (priority "option": "Open in MI Dataset Viewer").
 * The file is read once through `vscode.workspace.fs`; a record index is built in chunks that yield to the event loop;
 * the webview asks for pages of rows as the user scrolls (virtualised table) and for scatter samples; column summaries
 * and histograms are computed asynchronously on an evenly spaced sample for big files (and labelled as such).
 */
import * as vscode from 'vscode';
import { Editors, Commands } from '../ids';
import { getLog } from '../log';
import type { DatasetRequest, DatasetRequests, DatasetViewToHost, HostToDatasetView } from '../../protocol/webview';
import { DatasetIndex } from './datasetIndex';
import { shellHtml, webviewOptions } from './runResults';

const PAGE_MAX = 2000;
const SCATTER_MAX = 20000;

class DatasetDocument implements vscode.CustomDocument {
  private opening?: Promise<DatasetIndex>;
  private indexing?: Promise<DatasetIndex>;
  private listeners = new Set<(rows: number, bytes: number, done: boolean) => void>();
  readonly cancel = { cancelled: false };
  constructor(readonly uri: vscode.Uri) {}

  /** Reads the file once per document (shared by every panel showing it); the header is known right away. */
  open(): Promise<DatasetIndex> {
    this.opening ??= (async () => new DatasetIndex(await vscode.workspace.fs.readFile(this.uri), this.uri.path))();
    return this.opening;
  }

  /** Builds the record index once; every listener gets progress. */
  index(onProgress?: (rows: number, bytes: number, done: boolean) => void): Promise<DatasetIndex> {
    if (onProgress) this.listeners.add(onProgress);
    this.indexing ??= this.open().then(async (idx) => {
      await idx.build((p) => this.listeners.forEach((l) => l(p.rows, p.bytesScanned, p.done)), { signal: this.cancel });
      this.listeners.clear();
      return idx;
    });
    return this.indexing;
  }

  dispose(): void {
    this.cancel.cancelled = true;
  }
}

/**
 * The file of the active editor tab. A large CSV is not opened as text ("file is very large"), so there is no
 * activeTextEditor then: read the tab's input instead.
 */
function activeResource(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

export class DatasetViewerProvider implements vscode.CustomReadonlyEditorProvider<DatasetDocument> {
  static readonly viewType = Editors.datasetViewer;

  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(context: vscode.ExtensionContext): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(DatasetViewerProvider.viewType, new DatasetViewerProvider(context.extensionUri), {
        supportsMultipleEditorsPerDocument: true,
      }),
      vscode.commands.registerCommand(Commands.openDatasetViewer, async (uri?: vscode.Uri) => {
        const target = uri instanceof vscode.Uri ? uri : activeResource();
        if (!target) {
          void vscode.window.showInformationMessage('MI Studio: select a CSV or TSV file to open in the dataset viewer.');
          return;
        }
        await vscode.commands.executeCommand('vscode.openWith', target, DatasetViewerProvider.viewType);
      }),
    );
  }

  openCustomDocument(uri: vscode.Uri): DatasetDocument {
    return new DatasetDocument(uri);
  }

  resolveCustomEditor(doc: DatasetDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = shellHtml(panel.webview, this.extensionUri, 'dataset', 'MI Dataset Viewer');
    const post = (m: HostToDatasetView): void => void panel.webview.postMessage(m);
    let lastPost = 0;
    const start = async (): Promise<void> => {
      try {
        const opened = await doc.open();
        post({ type: 'init', info: { fileName: doc.uri.path.split('/').pop() ?? '', bytes: opened.bytes.length, delimiter: opened.delimiter, header: opened.header } });
        const idx = await doc.index((rows, bytesScanned, done) => {
          const now = Date.now();
          if (done || now - lastPost > 100) {
            lastPost = now;
            post({ type: 'index', rows, bytesScanned, done });
          }
        });
        post({ type: 'index', rows: idx.rows, bytesScanned: idx.bytes.length, done: true });
        const s = await idx.summarize();
        post({ type: 'summary', columns: s.columns, rows: idx.rows, sampled: s.sampled, sampleRows: s.sampleRows });
      } catch (e) {
        post({ type: 'error', message: `${doc.uri.fsPath}: ${(e as Error).message}` });
      }
    };
    const answer = async (m: DatasetRequest): Promise<void> => {
      try {
        const idx = await doc.index();
        let result: DatasetRequests[typeof m.method]['result'];
        if (m.method === 'page') result = { start: m.params.start, ...idx.viewPage(m.params.start, Math.min(PAGE_MAX, m.params.count)) };
        else if (m.method === 'view') result = { rows: await idx.setView(m.params) };
        else if (m.method === 'copy') {
          await vscode.env.clipboard.writeText(m.params.text);
          result = { copied: true };
        } else if (m.method === 'saveImage') {
          const png = m.params.format === 'png';
          const target = await vscode.window.showSaveDialog({
            defaultUri: vscode.Uri.joinPath(doc.uri, '..', m.params.suggestedName.replace(/[\\/]/g, '_')),
            filters: png ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
          });
          if (target) await vscode.workspace.fs.writeFile(target, png ? Buffer.from(m.params.data, 'base64') : new TextEncoder().encode(m.params.data));
          result = target ? { saved: true, path: target.fsPath } : { saved: false };
        }
        else result = idx.scatter(m.params.x, m.params.y, Math.min(SCATTER_MAX, m.params.max));
        void panel.webview.postMessage({ type: 'reply', id: m.id, ok: true, result });
      } catch (e) {
        void panel.webview.postMessage({ type: 'reply', id: m.id, ok: false, error: (e as Error).message });
      }
    };
    panel.webview.onDidReceiveMessage((m: DatasetViewToHost) => {
      if (m.type === 'ready') void start();
      else if (m.type === 'request') void answer(m);
      else if (m.type === 'rendered') getLog().trace(`dataset view rendered ${m.chart}: ${m.points} points`);
    });
  }
}
