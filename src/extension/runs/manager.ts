/**
 * RunManager: the VS Code face of RunClient (src/worker/client.ts). Forks dist/worker.js per run (limited by
 * `miStudio.maxConcurrentRuns`), shows a cancellable progress notification for runs the user started, a status-bar
 * item while anything runs, forwards worker logs to the "MI Studio" log channel and run events to the bus, opens the
 * run results editor (live on the temp manifest for Train — that tab reopens itself on the final manifest at the end —
 * and on the final manifest for the other runs), and reports failures.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { RunClient } from '../../worker/client';
import type { RunHandle, RunOutcome, RunRequest } from '../../worker/client';
import type { RunEvent, WorkerToHost } from '../../protocol/worker';
import { Commands, Editors } from '../ids';
import { getLog } from '../log';
import { fireRunEvent, fireRunFinished } from './bus';
import { runTabs } from '../editors/runResults';

export const MAX_CONCURRENT_SETTING = 'miStudio.maxConcurrentRuns';
export const MAX_CONCURRENT_DEFAULT = 2;

const KIND_LABEL: Record<RunRequest['kind'], string> = { train: 'Training', suggest: 'Suggesting next experiments for', simulate: 'Simulating a campaign for', pretrain: 'Pretraining source models on' };

export class RunManager implements vscode.Disposable {
  readonly client: RunClient;
  private status: vscode.StatusBarItem;
  private changed = new vscode.EventEmitter<void>();
  /** Fires when a run starts or finishes (code lenses refresh "Open latest run"). */
  readonly onDidChangeRuns = this.changed.event;
  /** Train runs whose results editor was opened on the live temp manifest (the promise settles once it is open). */
  private liveOpened = new Map<string, { opened: Thenable<unknown>; settled: boolean }>();
  private announced = new Set<string>();
  private disposables: vscode.Disposable[] = [];

  constructor(context: vscode.ExtensionContext) {
    const workerPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
    this.client = new RunClient({
      workerPath,
      maxConcurrent: () => vscode.workspace.getConfiguration().get<number>(MAX_CONCURRENT_SETTING, MAX_CONCURRENT_DEFAULT),
    });
    this.status = vscode.window.createStatusBarItem('miStudio.runs', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'MI Studio Runs';
    this.status.command = Commands.showLog;
    const off = this.client.on({
      message: (run, m) => this.onMessage(run, m),
      state: (run) => this.onState(run),
      log: (run, level, message) => getLog()[level](`[${this.label(run)}] ${message}`),
    });
    this.disposables.push(
      this.status,
      this.changed,
      { dispose: off },
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(MAX_CONCURRENT_SETTING)) this.client.reschedule();
      }),
    );
  }

  /** Starts a run; with `userStarted`, shows a cancellable progress notification and reports the outcome. */
  start(request: RunRequest, userStarted = true): RunHandle {
    const run = this.client.start(request);
    if (run.state === 'queued') getLog().info(`[${this.label(run)}] ${request.kind} queued (waiting for a free worker): ${request.specPath}`);
    if (userStarted) void this.showProgress(run);
    void run.done.then((o) => this.onFinished(run, o, userStarted));
    return run;
  }

  cancel(id: string): void {
    this.client.cancel(id);
  }

  active(): RunHandle[] {
    return this.client.active();
  }

  label(run: RunHandle): string {
    return `${basename(run.request.specPath).replace(/\.mi\.ya?ml$/i, '')}${run.runId ? ` ${run.runId}` : ''}`;
  }

  private async showProgress(run: RunHandle): Promise<void> {
    const name = basename(run.request.specPath);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MI Studio: ${KIND_LABEL[run.request.kind]} ${name}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.cancel(run.id));
        let last = 0;
        const off = this.client.on({
          message: (r, m) => {
            if (r.id !== run.id || m.type !== 'progress') return;
            const f = m.fraction !== undefined ? Math.round(m.fraction * 100) : undefined;
            const increment = f !== undefined && f > last ? f - last : undefined;
            if (f !== undefined && f > last) last = f;
            // the engine's messages are words ("fitting fold 2 of 5: optimiser start 1 of 3 on 200 rows, iteration 40, …")
            progress.report({ message: `${PHASE_WORDS[m.phase] ?? m.phase}: ${m.message}`, ...(increment ? { increment } : {}) });
          },
          state: (r) => {
            if (r.id === run.id && r.state === 'queued') progress.report({ message: 'waiting for a free worker…' });
          },
        });
        if (run.state === 'queued') progress.report({ message: 'waiting for a free worker…' });
        try {
          await run.done;
        } finally {
          off();
        }
      },
    );
  }

  private onMessage(run: RunHandle, m: WorkerToHost): void {
    const specPath = run.request.specPath;
    const runId = run.runId ?? run.id;
    let event: RunEvent | undefined;
    switch (m.type) {
      case 'started':
        event = { type: 'started', runId: m.runId, runDir: dirname(m.tempManifest), tempManifest: m.tempManifest, manifestPath: m.manifestPath };
        getLog().info(`[${this.label(run)}] started: ${dirname(m.tempManifest)}`);
        this.updateStatus();
        // Train: open the results editor on the live manifest so the learning curve updates while it trains.
        if (run.request.kind === 'train') {
          const live = { opened: Promise.resolve() as Thenable<unknown>, settled: false };
          live.opened = vscode.commands
            .executeCommand('vscode.openWith', vscode.Uri.file(m.tempManifest), Editors.runResults, { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside })
            .then(
              () => (live.settled = true),
              (e: unknown) => {
                live.settled = true;
                getLog().warn(`could not open the live run view: ${String(e)}`);
              },
            );
          this.liveOpened.set(run.id, live);
        }
        break;
      case 'progress':
        event = { type: 'progress', phase: m.phase, message: m.message, ...(m.fraction !== undefined ? { fraction: m.fraction } : {}) };
        break;
      case 'metric':
        event = { type: 'curve', phase: m.phase, iteration: m.iteration, value: m.value };
        break;
      case 'log':
        event = { type: 'log', level: m.level, message: m.message };
        getLog()[m.level](`[${this.label(run)}] ${m.message}`);
        break;
      case 'result':
        event = { type: 'finished', status: m.status, manifestPath: m.manifestPath };
        break;
      case 'error':
        getLog().error(`[${this.label(run)}] ${m.message}${m.details?.stack ? `\n${m.details.stack}` : ''}`);
        break;
    }
    if (event) fireRunEvent({ runId, specPath, event });
  }

  private onState(run: RunHandle): void {
    if (run.state === 'running' && run.pid !== undefined && !this.announced.has(run.id)) {
      this.announced.add(run.id);
      getLog().info(`[${this.label(run)}] ${run.request.kind} of ${run.request.specPath} running in worker pid ${run.pid}`);
    }
    if (run.state === 'finished') this.announced.delete(run.id);
    this.updateStatus();
    this.changed.fire();
  }

  private updateStatus(): void {
    const runs = this.client.active();
    if (!runs.length) {
      this.status.hide();
      return;
    }
    const running = runs.filter((r) => r.state === 'running');
    const queued = runs.length - running.length;
    this.status.text = `$(loading~spin) MI Studio: ${running.length === 1 ? `${running[0].request.kind} ${basename(running[0].request.specPath)}` : `${running.length} runs`}${queued ? ` (+${queued} queued)` : ''}`;
    this.status.tooltip = `${runs.map((r) => `${r.state}: ${r.request.kind} ${r.request.specPath}`).join('\n')}\nClick to show the MI Studio log.`;
    this.status.show();
  }

  private async onFinished(run: RunHandle, o: RunOutcome, userStarted: boolean): Promise<void> {
    this.updateStatus();
    const log = getLog();
    log.info(`[${this.label(run)}] ${o.status}${o.manifestPath ? `: ${o.manifestPath}` : ''}${o.error ? ` (${o.error})` : ''}`);
    if (run.runId && run.tempManifest) {
      fireRunFinished({ runId: run.runId, tempManifest: run.tempManifest, manifestPath: o.manifestPath ?? run.tempManifest, status: o.status });
    }
    // Train's live editor (opened on the temp manifest) reopens itself on the final manifest in the same place, with
    // its view state (RunSession.replaceTab, on onDidFinishRun — or, when the run ended before that editor was even
    // ready, once it finds its file gone), so its tab is titled by the final folder, not `.tmp-<id>`. It opens the new
    // tab before closing the old one: one of the two is always there.
    const live = this.liveOpened.get(run.id);
    this.liveOpened.delete(run.id);
    let replaced = false;
    if (live) {
      await Promise.race([live.opened, new Promise((r) => setTimeout(r, 10_000))]);
      replaced = this.hasLiveTab(run) || (!!o.manifestPath && runTabs(vscode.Uri.file(o.manifestPath)).length > 0);
    }
    const what = `${run.request.kind} of ${basename(run.request.specPath)}`;
    if (o.status === 'completed' && o.manifestPath) {
      if (userStarted && !replaced) await openRunManifest(vscode.Uri.file(o.manifestPath), vscode.ViewColumn.Beside);
    } else if (o.status === 'failed') {
      const reason = o.error ?? (o.manifestPath ? await manifestError(o.manifestPath) : undefined) ?? 'see the log';
      const actions = o.manifestPath && !replaced ? ['Show Log', 'Open Run'] : ['Show Log'];
      const pick = await vscode.window.showErrorMessage(`MI Studio: ${what} failed: ${reason}`, ...actions);
      if (pick === 'Show Log') log.show(true);
      else if (pick === 'Open Run' && o.manifestPath) await openRunManifest(vscode.Uri.file(o.manifestPath), vscode.ViewColumn.Beside);
    } else if (o.status === 'cancelled' && userStarted) {
      void vscode.window.showInformationMessage(`MI Studio: ${what} was cancelled.`);
    }
  }

  private liveTab(run: RunHandle): vscode.Tab | undefined {
    if (!run.tempManifest) return undefined;
    const temp = vscode.Uri.file(run.tempManifest).toString();
    for (const g of vscode.window.tabGroups.all) {
      for (const tab of g.tabs) {
        if ((tab.input instanceof vscode.TabInputCustom || tab.input instanceof vscode.TabInputText) && tab.input.uri.toString() === temp) return tab;
      }
    }
    return undefined;
  }

  private hasLiveTab(run: RunHandle): boolean {
    return this.liveTab(run) !== undefined;
  }

  dispose(): void {
    this.client.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export async function openRunManifest(uri: vscode.Uri, viewColumn?: vscode.ViewColumn): Promise<void> {
  try {
    await vscode.commands.executeCommand('vscode.openWith', uri, Editors.runResults, { preview: false, ...(viewColumn ? { viewColumn } : {}) });
  } catch (e) {
    getLog().warn(`run results editor unavailable (${String(e)}); opening as text`);
    await vscode.window.showTextDocument(uri, { preview: false });
  }
}

/** The error message recorded in a run manifest, if it can be read. */
async function manifestError(path: string): Promise<string | undefined> {
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as { error?: { message?: string } };
    return m.error?.message;
  } catch {
    return undefined;
  }
}

/** Run phases as the progress notification names them. */
const PHASE_WORDS: Record<string, string> = {
  spec: 'Checking the spec',
  data: 'Reading the data',
  features: 'Computing descriptors',
  cv: 'Cross-validation',
  fit: 'Final fit',
  optimize: 'Suggesting experiments',
  write: 'Writing results',
  simulate: 'Simulating',
  done: 'Done',
};
