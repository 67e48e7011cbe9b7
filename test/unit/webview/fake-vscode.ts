/**
 * A minimal stand-in for the `vscode` module, enough to drive the custom-editor providers in Node:
 * Uri, workspace.fs on the real file system, file watchers fired by hand, dialogs answered by the test,
 * EventEmitter, and a fake WebviewPanel that records what the host posts.
 * `installFakeVscode()` must run before the modules under test are loaded (use dynamic import()).
 */
import Module from 'node:module';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', posix.normalize(p));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, posix.normalize(posix.join(base.path, ...parts)));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export class RelativePattern {
  constructor(
    readonly base: Uri,
    readonly pattern: string,
  ) {}
}

export interface Watcher {
  pattern: RelativePattern;
  change: EventEmitter<Uri>;
  create: EventEmitter<Uri>;
  del: EventEmitter<Uri>;
  disposed: boolean;
}

export const state = {
  watchers: [] as Watcher[],
  /** Answer of the next showWarningMessage (modal confirmations); the call's arguments are recorded. */
  warningAnswer: undefined as string | undefined,
  warnings: [] as { message: string; options: unknown; items: string[] }[],
  errors: [] as string[],
  clipboard: '',
  saveTarget: undefined as Uri | undefined,
  /** Documents opened with showTextDocument (e.g. the view's "open file" links). */
  shown: [] as Uri[],
  /** Workspace folder path for asRelativePath. */
  relativeTo: undefined as string | undefined,
  /** fs.rename calls (atomic replaces). */
  renames: [] as [string, string][],
};

const noop = (): void => undefined;
const log = { info: noop, warn: noop, error: noop, trace: noop, debug: noop, show: noop, dispose: noop };

export const fake = {
  Uri,
  RelativePattern,
  EventEmitter,
  Disposable: class {
    static from(...ds: { dispose(): unknown }[]): { dispose(): void } {
      return { dispose: () => ds.forEach((d) => d.dispose()) };
    }
  },
  TabInputText: class {},
  TabInputCustom: class {},
  workspace: {
    fs: {
      readFile: async (u: Uri) => new Uint8Array(await readFile(u.fsPath)),
      writeFile: async (u: Uri, data: Uint8Array) => {
        await mkdir(dirname(u.fsPath), { recursive: true });
        await writeFile(u.fsPath, data);
      },
      rename: async (a: Uri, b: Uri) => {
        state.renames.push([a.fsPath, b.fsPath]);
        await rename(a.fsPath, b.fsPath);
      },
      delete: async (u: Uri) => rm(u.fsPath, { force: true }),
      stat: async (u: Uri) => {
        const s = await stat(u.fsPath);
        return { size: s.size, type: s.isDirectory() ? 2 : 1 };
      },
    },
    createFileSystemWatcher: (pattern: RelativePattern) => {
      const w: Watcher = { pattern, change: new EventEmitter(), create: new EventEmitter(), del: new EventEmitter(), disposed: false };
      state.watchers.push(w);
      return { onDidChange: w.change.event, onDidCreate: w.create.event, onDidDelete: w.del.event, dispose: () => (w.disposed = true) };
    },
    textDocuments: [] as unknown[],
    workspaceFolders: undefined as unknown,
    /** Workspace trust (tests flip it to check Restricted Mode). */
    isTrusted: true,
    /** Like VS Code outside any workspace folder: the full path (tests set `relativeTo` to mimic a folder). */
    asRelativePath: (u: Uri) => (state.relativeTo && u.path.startsWith(state.relativeTo + '/') ? u.path.slice(state.relativeTo.length + 1) : u.path),
  },
  window: {
    createOutputChannel: () => log,
    showWarningMessage: async (message: string, options: unknown, ...items: string[]) => {
      state.warnings.push({ message, options, items });
      return state.warningAnswer;
    },
    showErrorMessage: async (m: string) => {
      state.errors.push(m);
      return undefined;
    },
    showInformationMessage: async () => undefined,
    showSaveDialog: async () => state.saveTarget,
    showTextDocument: async (u: Uri) => void state.shown.push(u),
    registerCustomEditorProvider: () => ({ dispose: noop }),
    tabGroups: { activeTabGroup: { activeTab: undefined } },
    activeTextEditor: undefined,
  },
  env: { clipboard: { writeText: async (t: string) => void (state.clipboard = t) } },
  commands: { registerCommand: () => ({ dispose: noop }), executeCommand: async () => undefined },
};

let installed = false;
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const orig = M._load;
  M._load = function (req: string, parent: unknown, isMain: boolean) {
    if (req === 'vscode') return fake;
    return orig.call(this, req, parent, isMain);
  };
}

/** A WebviewPanel double: records posted messages; `send()` plays a message from the webview. */
export function fakePanel() {
  const fromView = new EventEmitter<unknown>();
  const disposed = new EventEmitter<void>();
  const posted: { type: string; [k: string]: unknown }[] = [];
  const panel = {
    webview: {
      options: {} as unknown,
      html: '',
      cspSource: 'https://webview.test',
      asWebviewUri: (u: Uri) => u,
      postMessage: async (m: { type: string }) => {
        posted.push(m);
        return true;
      },
      onDidReceiveMessage: fromView.event,
    },
    onDidDispose: disposed.event,
  };
  return { panel, posted, send: (m: unknown) => fromView.fire(m), dispose: () => disposed.fire() };
}

export async function waitFor<T>(fn: () => T | undefined, what: string, timeout = 5000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const joinPath = join;
