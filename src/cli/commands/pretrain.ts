/**
 * `mi-studio pretrain SOURCE_SPEC --library DIR [--models K] [--max-rows N] [--epochs E] [--seed S] [--exclude CSV]
 * [--name NAME] [--out DIR]`: trains K source networks on the spec's dataset and target and adds them to the library
 * DIR (created if needed; other sources are kept). Progress on stderr; the run manifest path, then the library's
 * library.json path, on stdout (library.json last). Exit 0 completed, 1 failed, 130 cancelled (Ctrl+C).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../types';
import { MiError } from '../../core/diagnostics';
import type { RunManifest } from '../../core/run/manifest';
import { executePretrain, type PretrainOptions } from '../../core/transfer/pretrain';
import { EngineError, runInThread } from '../../worker/thread';
import type { RunEvent } from '../../protocol/worker';
import { ProgressPrinter, printRunError } from './run';

const USAGE = 'mi-studio pretrain SOURCE_SPEC --library DIR [--models K] [--max-rows N] [--epochs E] [--seed S] [--exclude CSV] [--name NAME] [--out DIR]';

type Args = Pick<PretrainOptions, 'library' | 'models' | 'maxRows' | 'epochs' | 'seed' | 'exclude' | 'name' | 'out'> & { spec: string };

export function parsePretrainArgs(args: string[]): Args | string {
  const r: Partial<Args> = {};
  const ints: Record<string, keyof Args> = { '--models': 'models', '--max-rows': 'maxRows', '--epochs': 'epochs', '--seed': 'seed' };
  const strs: Record<string, keyof Args> = { '--library': 'library', '--exclude': 'exclude', '--name': 'name', '--out': 'out' };
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let v: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (a in ints || a in strs) {
      v ??= args[++i];
      if (v === undefined || v === '') return `${a} needs a value`;
      if (a in ints) {
        const n = Number(v);
        if (!Number.isInteger(n) || n < (a === '--seed' ? 0 : 1)) return `${a} needs a ${a === '--seed' ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(v)}`;
        (r as Record<string, unknown>)[ints[a]] = n;
      } else (r as Record<string, unknown>)[strs[a]] = v;
    } else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else if (r.spec === undefined) r.spec = a;
    else return `unexpected argument ${JSON.stringify(a)}`;
  }
  if (!r.spec) return 'missing SOURCE_SPEC (path of a .mi.yaml file)';
  if (!r.library) return 'missing --library DIR';
  return r as Args;
}

export const command: Command = {
  summary: 'train source models for transfer learning and add them to a library folder',
  usage:
    `${USAGE}\n\n` +
    '  --library DIR   library folder (created if needed; library.json indexes every source)\n' +
    '  --models K      networks with seeded random architectures (default 4)\n' +
    '  --max-rows N    seeded subsample of at most N rows (default 30000)\n' +
    '  --epochs E      maximum epochs per network (default 60; early stopping on a held-out 10%)\n' +
    '  --exclude CSV   leave out rows whose reduced formula / canonical SMILES is in CSV (same column name)\n' +
    '  --name NAME     source name in the library (default: the spec name)\n' +
    '  --out DIR       experiment folder for the pretraining run log (default <spec dir>/<output.dir>/<name>/)',
  async main(argv) {
    const a = parsePretrainArgs(argv);
    if (typeof a === 'string') {
      process.stderr.write(`mi-studio pretrain: ${a}\nusage: ${USAGE}\n`);
      return 2;
    }
    const printer = new ProgressPrinter();
    const onEvent = (e: RunEvent) => printer.onEvent(e);
    const opts = { library: resolve(a.library), models: a.models, maxRows: a.maxRows, epochs: a.epochs, exclude: a.exclude ? resolve(a.exclude) : undefined, name: a.name };
    let done: Promise<{ manifestPath: string; manifest: RunManifest }>;
    let cancel: () => void;
    const script = typeof __dirname === 'string' ? join(__dirname, 'worker.js') : '';
    if (process.env.MI_WORKER_THREADS !== '0' && script && existsSync(script)) {
      const t = runInThread(script, { type: 'start', id: 'cli', kind: 'pretrain', specPath: a.spec, options: { seed: a.seed, out: a.out, pretrain: opts } }, onEvent);
      done = t.done.then(
        (r) => ({ manifestPath: r.manifestPath, manifest: JSON.parse(readFileSync(r.manifestPath, 'utf8')) as RunManifest }),
        (e: unknown) => {
          throw e instanceof EngineError ? new MiError(e.message, e.details as MiError['details']) : e;
        },
      );
      cancel = t.cancel;
    } else {
      const c = new AbortController();
      done = executePretrain(a.spec, { ...opts, seed: a.seed, out: a.out, signal: c.signal, onEvent });
      cancel = () => c.abort();
    }
    let interrupts = 0;
    const onSigint = () => {
      if (++interrupts === 1) {
        printer.line('interrupted: cancelling pretraining (Ctrl+C again to quit immediately)');
        cancel();
      } else process.exit(130);
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    try {
      const { manifest, manifestPath } = await done;
      printer.clearBar();
      if (manifest.status === 'failed') printRunError(manifest);
      printer.line(`${manifest.status}: ${manifestPath}`);
      process.stdout.write(manifestPath + '\n');
      if (manifest.status === 'completed') process.stdout.write(join(opts.library, 'library.json') + '\n');
      return manifest.status === 'completed' ? 0 : manifest.status === 'cancelled' ? 130 : 1;
    } finally {
      printer.clearBar();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  },
};
