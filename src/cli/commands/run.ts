/**
 * `mi-studio run SPEC [--out DIR] [--seed N] [--no-optimize]`: train, cross-validate and (when the spec has
 * `optimize`) suggest. Progress goes to stderr (`[phase] message` lines, or a one-line bar on a TTY); the path of
 * `run.mirun.json` is the last line on stdout. Exit 0 completed, 1 failed, 130 cancelled (Ctrl+C).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from '../types';
import { executeRun } from '../../core/run';
import type { ExecuteRunResult } from '../../core/run';
import { MiError } from '../../core/diagnostics';
import { EngineError, runInThread } from '../../worker/thread';
import type { RunManifest } from '../../core/run/manifest';
import type { RunEvent } from '../../protocol/worker';

export interface RunArgs {
  spec: string;
  out?: string;
  seed?: number;
  optimize?: boolean;
  /** false: `--no-cv`, skip cross-validation. */
  cv?: boolean;
  /** `--allow-outside`: the spec may name files outside its folder tree. */
  allowOutside?: boolean;
}

/** Parses `SPEC [--out DIR] [--seed N] [--no-optimize] [--optimize] [--no-cv] [--allow-outside]`; returns an error message on bad usage. */
export function parseRunArgs(args: string[]): RunArgs | string {
  let spec: string | undefined;
  const r: Partial<RunArgs> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      return args[++i];
    };
    if (a === '--out' || a.startsWith('--out=')) {
      const v = value();
      if (!v) return '--out needs a folder';
      r.out = v;
    } else if (a === '--seed' || a.startsWith('--seed=')) {
      const v = value();
      const n = Number(v);
      if (v === undefined || v.trim() === '' || !Number.isInteger(n)) return `--seed needs an integer, got ${JSON.stringify(v ?? '')}`;
      r.seed = n;
    } else if (a === '--no-optimize') r.optimize = false;
    else if (a === '--optimize') r.optimize = true;
    else if (a === '--no-cv') r.cv = false;
    else if (a === '--allow-outside') r.allowOutside = true;
    else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else if (spec === undefined) spec = a;
    else return `unexpected argument ${JSON.stringify(a)}`;
  }
  if (!spec) return 'missing SPEC (path of a .mi.yaml file)';
  return { ...r, spec };
}

/** Renders run events on stderr: readable lines, plus a single-line progress bar when stderr is a TTY. */
export class ProgressPrinter {
  private barShown = false;
  private lastPhase = '';
  private lastLine = 0;
  constructor(
    private out: NodeJS.WriteStream = process.stderr,
    private tty: boolean = Boolean(process.stderr.isTTY),
  ) {}

  onEvent(e: RunEvent): void {
    if (e.type === 'log') {
      // The failure itself is printed once, in detail, by printRunError at the end.
      if (e.level === 'error' && /^\[\w+\] failed: /.test(e.message)) return;
      this.line(e.level === 'info' || e.level === 'debug' || e.level === 'trace' ? e.message : `${e.level}: ${e.message}`);
    } else if (e.type === 'progress') {
      // The final progress event only repeats the status, which the summary line prints.
      if (/^(completed|failed|cancelled)$/.test(e.message)) return;
      if (this.tty) this.bar(e.phase, e.fraction, e.message);
      else if (e.phase !== this.lastPhase || Date.now() - this.lastLine > 1000) {
        // Without a TTY: a progress line at most every second per phase (phase starts are already logged), so a long
        // run's log moves at least every 2 s whenever the engine reports progress.
        if (e.phase === this.lastPhase) this.line(`[${e.phase}] ${e.message}${e.fraction !== undefined ? ` (${Math.round(e.fraction * 100)}%)` : ''}`);
        this.lastLine = Date.now();
      }
      this.lastPhase = e.phase;
    }
  }

  line(s: string): void {
    this.clearBar();
    this.out.write(s + '\n');
  }

  private bar(phase: string, fraction: number | undefined, message: string): void {
    const width = Math.max(40, Math.min(120, (this.out.columns || 80) - 1));
    const pct = fraction === undefined ? '    ' : `${String(Math.round(fraction * 100)).padStart(3)}%`;
    const barW = 20;
    const filled = fraction === undefined ? 0 : Math.round(fraction * barW);
    let s = `[${'#'.repeat(filled)}${'-'.repeat(barW - filled)}] ${pct} [${phase}] ${message}`;
    if (s.length > width) s = s.slice(0, width - 1) + '…';
    this.out.write(`\r\x1b[2K${s}`);
    this.barShown = true;
  }

  clearBar(): void {
    if (this.barShown) {
      this.out.write('\r\x1b[2K');
      this.barShown = false;
    }
  }
}

export function printRunError(m: RunManifest): void {
  const e = m.error;
  if (!e) return;
  if (e.diagnostics?.length) {
    for (const d of e.diagnostics) process.stderr.write(d + '\n');
    return;
  }
  const where = e.file ? `${e.file}${e.line !== undefined ? `:${e.line}` : ''}${typeof e.column === 'number' && e.line !== undefined ? `:${e.column}` : ''}: ` : '';
  const col = typeof e.column === 'string' ? `column ${JSON.stringify(e.column)}: ` : '';
  process.stderr.write(`error: ${where}${col}${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}\n`);
}

/** Shared by `run` and `suggest`: runs executeRun with Ctrl+C → cancel; returns the exit code. */
export async function runFromCli(name: 'run' | 'suggest', args: string[], usage: string): Promise<{ code: number; manifest?: RunManifest; manifestPath?: string }> {
  const parsed = parseRunArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`mi-studio ${name}: ${parsed}\nusage: ${usage}\n`);
    return { code: 2 };
  }
  if (name === 'suggest' && parsed.optimize === false) {
    process.stderr.write(`mi-studio suggest: --no-optimize makes no sense here; use \`mi-studio run\` to train only\n`);
    return { code: 2 };
  }
  const printer = new ProgressPrinter();
  const engine = startEngine(name, parsed, (e) => printer.onEvent(e));
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      printer.line('interrupted: cancelling the run (Ctrl+C again to quit immediately)');
      engine.cancel();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const { manifestPath, manifest } = await engine.done;
    printer.clearBar();
    if (manifest.status === 'failed') printRunError(manifest);
    const code = manifest.status === 'completed' ? 0 : manifest.status === 'cancelled' ? 130 : 1;
    const rel = relative(process.cwd(), manifestPath);
    printer.line(`${manifest.status}: ${rel && !rel.startsWith('..') ? rel : manifestPath}`);
    return { code, manifest, manifestPath };
  } finally {
    printer.clearBar();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/**
 * Runs the engine in a worker thread (dist/worker.js next to dist/cli.js) so Ctrl+C is handled at once even while
 * a fit computes synchronously: the shared abort flag is seen at the engine's next check. Falls back to this thread
 * when the worker bundle is not there (or MI_WORKER_THREADS=0).
 */
function startEngine(name: 'run' | 'suggest', a: RunArgs, onEvent: (e: RunEvent) => void): { done: Promise<ExecuteRunResult>; cancel(): void } {
  const script = typeof __dirname === 'string' ? join(__dirname, 'worker.js') : '';
  if (process.env.MI_WORKER_THREADS !== '0' && script && existsSync(script)) {
    try {
      const t = runInThread(
        script,
        { type: 'start', id: 'cli', kind: name === 'suggest' ? 'suggest' : 'train', specPath: a.spec, options: { out: a.out, seed: a.seed, optimize: a.optimize, ...(a.cv === false ? { cv: false } : {}), ...(a.allowOutside ? { paths: { allowOutside: true } } : {}) } },
        onEvent,
      );
      const done = t.done.then(
        (r) => ({ manifestPath: r.manifestPath, manifest: JSON.parse(readFileSync(r.manifestPath, 'utf8')) as RunManifest }),
        (e: unknown) => {
          throw e instanceof EngineError ? new MiError(e.message, e.details as MiError['details']) : e;
        },
      );
      return { done, cancel: t.cancel };
    } catch {
      /* no worker threads here: run on this thread */
    }
  }
  const controller = new AbortController();
  const done = executeRun(a.spec, {
    out: a.out,
    seed: a.seed,
    optimize: name === 'suggest' ? true : a.optimize,
    command: name,
    ...(a.cv === false ? { cv: false } : {}),
    ...(a.allowOutside ? { paths: { allowOutside: true } } : {}),
    signal: controller.signal,
    onEvent,
  });
  return { done, cancel: () => controller.abort() };
}

/**
 * The `name: path` lines (absolute paths) of a completed run's suggestion outputs and predictions, printed on stdout
 * by `suggest` always and by `run` when the run optimised (issue 6: "both print where the files are"); the manifest
 * path still comes last.
 */
export function fileLines(manifest: RunManifest, manifestPath: string): string[] {
  if (manifest.status !== 'completed') return [];
  const dir = join(manifestPath, '..');
  const lines: string[] = [];
  for (const key of ['suggestions', 'acquisition', 'landscape', 'predictions']) {
    const f = manifest.files[key];
    if (f) lines.push(`${key}: ${join(dir, f)}`);
  }
  return lines;
}

const USAGE = 'mi-studio run SPEC [--out DIR] [--seed N] [--no-optimize] [--no-cv] [--allow-outside]';

export const command: Command = {
  summary: 'train, cross-validate and (with `optimize`) suggest; prints the run manifest path last',
  usage:
    `${USAGE}\n\n` +
    '  --out DIR       experiment folder for the run (default <spec dir>/<output.dir>/<name>/); the run goes to DIR/<run-id>/\n' +
    '  --seed N        override the spec seed\n' +
    '  --no-optimize   train and evaluate only, even when the spec has `optimize`\n' +
    '  --no-cv         skip cross-validation (as `evaluation: {cv: none}`): no out-of-fold metrics, much faster\n' +
    '  --allow-outside let the spec name data/output paths outside its own folder tree (only for specs you trust)',
  async main(args) {
    const r = await runFromCli('run', args, USAGE);
    if (r.manifest && r.manifestPath && r.manifest.files.suggestions) {
      for (const l of fileLines(r.manifest, r.manifestPath)) process.stdout.write(l + '\n');
    }
    if (r.manifestPath) process.stdout.write(r.manifestPath + '\n');
    return r.code;
  },
};
