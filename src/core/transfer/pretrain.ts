/**
 * `pretrain`: trains K source networks (seeded random architectures) on an ordinary spec's dataset and one target,
 * and adds them to a library folder (library.ts) as one source named after the spec. Runs as a run folder
 * (command `pretrain`: live manifest, run.log, progress, cancel) like any run; the library is written at the end,
 * atomically per file, so a cancelled or failed pretraining never leaves a half-written source in library.json.
 */
import { promises as fsp } from 'node:fs';
import { basename, resolve } from 'node:path';
import { MiError } from '../diagnostics';
import { loadTable } from '../data';
import { buildFeatures } from '../features';
import { fitStandardizer, standardize } from '../features/standardize';
import { Rng } from '../linalg/random';
import { takeRows } from '../models/common';
import { PACKAGE_VERSION } from '../version';
import type { RunEvent } from '../../protocol/worker';
import type { RunManifest } from '../run/manifest';
import { RunSession } from '../run/session';
import { NAME_PATTERN, writeSource, type NetMeta } from './library';
import { forwardJs, randomArchitecture, trainNet } from './net';
import { keyInput, rowHashes } from './overlap';

export interface PretrainOptions {
  library: string;
  /** Networks to train (default 4). */
  models?: number;
  /** Subsample of at most this many rows (seeded; default 30000). */
  maxRows?: number;
  epochs?: number;
  seed?: number;
  /** CSV/TSV whose formulas / SMILES (same column name as the source input) are excluded from pretraining. */
  exclude?: string;
  /** Source name in the library (default: the spec's name). */
  name?: string;
  out?: string;
  runId?: string;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
}

export interface PretrainInfo {
  library: string;
  source: string;
  target: string;
  rows: number;
  trainedRows: number;
  excludedRows: number;
  models: { id: string; hidden: number[]; activation: string; dropout: number; epochs: number; val: { mae: number; rmse: number; rows: number } }[];
}

export async function executePretrain(specPath: string, o: PretrainOptions): Promise<{ manifestPath: string; manifest: RunManifest }> {
  const s = await RunSession.open(specPath, { out: o.out, seed: o.seed, command: 'pretrain', runId: o.runId, onEvent: o.onEvent, signal: o.signal });
  s.spans = { spec: [0, 0.01], data: [0.01, 0.04], features: [0.04, 0.1], train: [0.1, 0.98], write: [0.98, 1] };
  try {
    const K = o.models ?? 4;
    if (!Number.isInteger(K) || K < 1 || K > 64) throw new MiError(`--models must be a whole number from 1 to 64, got ${K}`, { code: 'usage' });
    const spec0 = await s.validate();
    const seed = s.manifest.seed;
    const spec = { ...spec0, seed };
    if (spec.dataset.targets.length !== 1) {
      throw new MiError(`a source spec needs exactly one target, this one has ${spec.dataset.targets.length}`, { file: s.absSpec, code: 'pretrain-targets', hint: 'list one column under dataset.targets' });
    }
    // library names are file names: other characters (spaces, unicode) become "_"
    const wanted = o.name ?? spec.name;
    const name = wanted.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
    if (!NAME_PATTERN.test(name)) throw new MiError(`source name "${wanted}" is not usable in a library`, { file: s.absSpec, code: 'bad-source-name', hint: 'use letters, digits, ".", "_" and "-" (set `name:` in the spec or --name)' });
    if (name !== wanted) s.log('info', `[spec] source name "${wanted}" stored as "${name}" in the library`);
    const libDir = resolve(o.library);
    s.checkCancel();
    const { dataPath, table } = await s.loadDataset(spec);
    s.beginPhase('features', 'building descriptors');
    const { set, pipeline } = await buildFeatures(spec, table);
    s.manifest.dataset.rows = set.X.rows;
    s.manifest.dataset.dropped = new Set(set.dropped.map((d) => d.row)).size;
    s.manifest.features = { count: set.featureNames.length, names: set.featureNames, dropped: pipeline.droppedConstant };
    const key = keyInput(spec.dataset.inputs);
    const recordOf = new Map<number, number>();
    table.rowNumbers.forEach((line, r) => recordOf.set(line, r));
    const hashes = key ? await rowHashes(table, key) : [];
    const hashOf = (i: number): string | null => (key ? (hashes[recordOf.get(set.rowNumbers[i]) ?? -1] ?? null) : null);
    // exclusions (e.g. the formulas of a benchmark target) and rows without a target
    let excluded = new Set<string>();
    if (o.exclude) {
      if (!key) throw new MiError('--exclude needs a formula or SMILES input in the source spec', { code: 'usage' });
      const ex = await loadTable(resolve(o.exclude));
      if (!ex.header.includes(key.column)) {
        throw new MiError(`--exclude file ${basename(o.exclude)} has no column "${key.column}"`, { file: o.exclude, line: 1, code: 'unknown-column', hint: `name its ${key.kind} column "${key.column}" like the source` });
      }
      excluded = new Set((await rowHashes(ex, key)).filter((h): h is string => h !== null));
    }
    let keep: number[] = [];
    let excludedRows = 0;
    for (let i = 0; i < set.X.rows; i++) {
      if (!Number.isFinite(set.Y.data[i])) continue;
      const h = hashOf(i);
      if (h && excluded.has(h)) {
        excludedRows++;
        continue;
      }
      keep.push(i);
    }
    if (excludedRows) s.log('info', `[features] excluded ${excludedRows} row(s) whose ${key!.kind === 'smiles' ? 'canonical SMILES' : 'reduced formula'} is in ${basename(o.exclude!)}`);
    const maxRows = o.maxRows ?? 30000;
    if (keep.length > maxRows) {
      const perm = new Rng(seed * 31 + 7).permutation(keep.length);
      keep = Array.from(perm.subarray(0, maxRows), (k) => keep[k]).sort((a, b) => a - b);
      s.log('info', `[features] subsampled ${maxRows} of ${set.X.rows} rows (seed ${seed}, --max-rows)`);
    }
    if (keep.length < 20) throw new MiError(`only ${keep.length} usable source row(s); pretraining needs at least 20`, { file: dataPath, code: 'too-few-rows' });
    const X = takeRows(set.X, keep);
    const y = Float64Array.from(keep, (i) => set.Y.data[i]);
    const xs = fitStandardizer(X);
    const Xs = standardize(X, xs);
    let ym = 0;
    for (const v of y) ym += v;
    ym /= y.length;
    let yv = 0;
    for (const v of y) yv += (v - ym) ** 2;
    const ysd = Math.sqrt(yv / y.length) || 1;
    const ys = Float64Array.from(y, (v) => (v - ym) / ysd);
    const trainedHashes = new Set<string>();
    for (const i of keep) {
      const h = hashOf(i);
      if (h) trainedHashes.add(h);
    }
    s.log('info', `[features] ${keep.length} rows x ${set.featureNames.length} features; target ${set.targetNames[0]}`);
    s.checkCancel();
    s.beginPhase('train', `training ${K} source network(s)`);
    const nets: { meta: NetMeta; weights: Awaited<ReturnType<typeof trainNet>>['weights'] }[] = [];
    const info: PretrainInfo['models'] = [];
    const maxEpochs = o.epochs ?? 60;
    for (let k = 0; k < K; k++) {
      s.checkCancel();
      const arch = randomArchitecture(seed * 1000 + k);
      const id = `${name}-${k}`;
      s.log('info', `[train] ${id}: hidden ${arch.hidden.join('x')}, ${arch.activation}, dropout ${arch.dropout}`);
      const t = await trainNet(Xs, ys, {
        arch,
        seed: seed * 1000 + k,
        epochs: maxEpochs,
        signal: o.signal,
        onEpoch: (e, tl, vl) => {
          s.addCurve(`${id} val`, e, vl);
          s.progress('train', (k + e / maxEpochs) / K, `${id}: epoch ${e}, held-out MSE ${vl.toFixed(4)} (standardised)`);
        },
      });
      const val = takeRows(Xs, t.valRows);
      const pv = forwardJs(t.weights, arch.activation, val).out;
      let ae = 0;
      let se = 0;
      t.valRows.forEach((r, i) => {
        const e = pv[i] * ysd + ym - y[r];
        ae += Math.abs(e);
        se += e * e;
      });
      const metrics = { mae: ae / t.valRows.length, rmse: Math.sqrt(se / t.valRows.length), rows: t.valRows.length };
      s.log('info', `[train] ${id}: ${t.epochs} epochs, held-out MAE ${metrics.mae.toPrecision(4)}, RMSE ${metrics.rmse.toPrecision(4)} (${metrics.rows} rows)`);
      const meta: NetMeta = {
        format: 'mi-studio-source-net',
        version: 1,
        source: name,
        id,
        seed: seed * 1000 + k,
        layers: t.weights.map((l) => ({ inDim: l.inDim, outDim: l.outDim })),
        activation: arch.activation,
        dropout: arch.dropout,
        xs: { mean: Array.from(xs.mean), std: Array.from(xs.std) },
        ys: { mean: ym, std: ysd },
        pipeline: pipeline.save(),
        val: metrics,
        epochs: t.epochs,
      };
      nets.push({ meta, weights: t.weights });
      info.push({ id, hidden: arch.hidden, activation: arch.activation, dropout: arch.dropout, epochs: t.epochs, val: metrics });
    }
    s.checkCancel();
    s.beginPhase('write', `adding source "${name}" to ${libDir}`);
    await fsp.mkdir(libDir, { recursive: true });
    await writeSource(
      libDir,
      {
        name,
        target: set.targetNames[0],
        ...(spec.dataset.targets[0].unit ? { unit: spec.dataset.targets[0].unit } : {}),
        inputs: pipeline.save().inputs.map((i) => ({ columns: i.columns, kind: i.kind, descriptors: i.descriptors })),
        dataset: { file: basename(dataPath), sha256: table.sha256, rows: set.X.rows, trainedRows: keep.length },
        createdAt: new Date().toISOString(),
        packageVersion: PACKAGE_VERSION,
        ...(spec.description ? { provenance: spec.description } : {}),
      },
      nets,
      trainedHashes,
    );
    const p: PretrainInfo = { library: libDir, source: name, target: set.targetNames[0], rows: set.X.rows, trainedRows: keep.length, excludedRows, models: info };
    s.manifest.pretrain = p;
    s.log('info', `[write] library ${libDir}: source "${name}" with ${K} model(s) (${trainedHashes.size} input hashes for the leakage guard)`);
  } catch (e) {
    return s.finish(e);
  }
  return s.finish();
}
