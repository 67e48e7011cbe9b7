/**
 * `runOptimize`: suggestions for the next experiments from a fitted model — pool or continuous space — written into
 * the run folder (suggestions.csv, acquisition.csv, landscape.json) and logged in the experiment's campaign.jsonl.
 */
import { promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MiError } from '../diagnostics';
import { loadTable } from '../data';
import type { Table } from '../data/types';
import type { Matrix } from '../features/types';
import { takeRows } from '../models/common';
import { toUtility, type AcquisitionKind } from './acquisition';
import type { Goal } from '../spec/types';
import { rffSampler } from './rff';
import { selectBatch } from './batch';
import { appendSuggested, linkMeasurements } from './campaign';
import { selectPool, specInputColumns, subTable, tableFromRows } from './candidates';
import { optimizeContinuous } from './continuous';
import { proxyKernel } from './fantasy';
import { AtomicCsvWriter, csvRow, num, writeAtomic } from './io';
import { buildLandscape } from './landscape';
import { domainVerdicts } from './domain';
import { eiTooSmallToRank, fallbackNote } from './fallback';
import { acquisitionOf, makeSetup } from './objectives';
import { scorePool } from './score';
import { buildSpace, type ContinuousSpace } from './space';
import type { OptimizeContext, OptimizeResult, PipelineLike } from './types';

interface Suggestion {
  rank: number;
  id: string;
  raw: (string | null)[];
  features: number[];
  mean: number[];
  std: number[];
  acquisition: number;
  pinned: boolean;
}

function concatRows(a: Matrix, b: Matrix): Matrix {
  if (a.rows === 0) return b;
  if (b.rows === 0) return a;
  const data = new Float64Array((a.rows + b.rows) * a.cols);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { rows: a.rows + b.rows, cols: a.cols, data };
}

/** Candidate rows the pipeline could not featurise, and its warnings, collected over all chunks of a pool. */
export class PoolIssues {
  readonly dropped = new Map<number, string>();
  readonly warnings = new Set<string>();

  /** Adds a transform's dropped rows (first reason per row) and warnings. */
  collect(tr: { dropped?: { row: number; column: string; message: string }[]; warnings?: string[] }): void {
    for (const e of tr.dropped ?? []) if (!this.dropped.has(e.row)) this.dropped.set(e.row, `column "${e.column}": ${e.message}`);
    for (const w of tr.warnings ?? []) this.warnings.add(w);
  }

  /** Log lines naming each unusable row (`file:line: column "x": message`), at most `max` of them, then the warnings. */
  report(file: string, log: (msg: string) => void, max = 20): void {
    if (this.dropped.size) {
      log(`pool ${file}: ${this.dropped.size} candidate row(s) could not be featurised and were not scored:`);
      [...this.dropped].slice(0, max).forEach(([line, why]) => log(`  ${file}:${line}: ${why}`));
      if (this.dropped.size > max) log(`  … and ${this.dropped.size - max} more`);
    }
    for (const w of this.warnings) log(`warning: ${w}`);
  }
}

/** Transforms a table with the training pipeline and returns features aligned to the table's records (NaN rows when dropped). */
export async function featuresOf(pipeline: PipelineLike, table: Table, d: number, issues?: PoolIssues): Promise<{ X: Matrix; ok: boolean[] }> {
  const n = table.rowNumbers.length;
  const X: Matrix = { rows: n, cols: d, data: new Float64Array(n * d).fill(NaN) };
  const ok = new Array<boolean>(n).fill(false);
  if (n === 0) return { X, ok };
  const tr = await pipeline.transform(table);
  issues?.collect(tr);
  const recOf = new Map<number, number>();
  table.rowNumbers.forEach((line, r) => recOf.set(line, r));
  tr.rowNumbers.forEach((line, i) => {
    const r = recOf.get(line);
    if (r === undefined) return;
    X.data.set(tr.X.data.subarray(i * tr.X.cols, (i + 1) * tr.X.cols), r * d);
    ok[r] = true;
  });
  return { X, ok };
}

export async function runOptimize(ctx: OptimizeContext): Promise<OptimizeResult> {
  const { spec, train, model, pipeline } = ctx;
  const opt = spec.optimize ?? { acquisition: 'ei' as AcquisitionKind, batch: 1 };
  const q = Math.max(1, Math.floor(opt.batch ?? 1));
  const strategy = opt.batch_strategy ?? 'kriging-believer';
  const setup = makeSetup(spec, train.Y, { kind: opt.acquisition, beta: opt.beta, seed: spec.seed });
  const kernel = proxyKernel(train.X, model);
  const T = setup.targets.length;
  const d = train.X.cols;
  const inputs = specInputColumns(spec);
  const targetNames = setup.targets.map((t) => t.name);

  const linked = await linkMeasurements(ctx.experimentDir, ctx.runId, spec, ctx.table);
  if (linked.length) ctx.log(`campaign: ${linked.length} earlier suggestion(s) now measured (${linked.map((l) => l.id).join(', ')})`);

  const suggestions: Suggestion[] = [];
  let candidatesScored = 0;
  let extra: Matrix | undefined;
  const acqPath = join(ctx.runDir, 'acquisition.csv');
  const acqWriter = new AtomicCsvWriter(acqPath);
  await acqWriter.open();
  await acqWriter.row(['id', ...inputs, ...targetNames.flatMap((t) => [`${t}_mean`, `${t}_std`]), 'acquisition']);

  if (opt.candidates) {
    const poolPath = resolve(dirname(ctx.specPath), opt.candidates.path);
    const pool = await loadTable(poolPath, { signal: ctx.signal });
    const sel = selectPool(spec, pool, poolPath, ctx.table);
    ctx.log(`pool ${poolPath}: ${pool.rowNumbers.length} candidates, ${sel.measured} already measured, ${sel.excluded} excluded, ${sel.duplicates} duplicates, ${sel.pinned.length} pinned`);
    const keepTop = Math.max(256, 50 * q);
    // Thompson sampling on large pools: q joint posterior draws by random features, each draw's best rows tracked
    const obj0 = setup.objectives[0];
    const sampler =
      setup.kind === 'ts' && !setup.mo && obj0.output === 0 && sel.score.length > RFF_POOL_SIZE
        ? rffSampler(model, train.X, Array.from({ length: train.Y.rows }, (_, i) => train.Y.data[i * train.Y.cols]), q, spec.seed)
        : undefined;
    if (sampler) ctx.log(`Thompson sampling with ${q} random-feature posterior draw(s) over the whole pool`);
    const issues = new PoolIssues();
    const drawBest: { rec: number; value: number; x: number[] }[][] = Array.from({ length: q }, () => []);
    ctx.progress?.(0.02, `scoring ${sel.score.length} candidates (${setup.kind})`);
    const score = () => scorePool(
      model,
      setup,
      sel.score.length,
      async (start, end) => {
        const recs = sel.score.slice(start, end);
        const f = await featuresOf(pipeline, subTable(pool, recs), d, issues);
        const keep = recs.map((_, i) => i).filter((i) => f.ok[i]);
        const X = takeRows(f.X, keep);
        if (sampler) {
          for (let k = 1; k < q; k++) trackBest(drawBest[k], sampler.evaluate(X, k), X, keep.map((i) => recs[i]), obj0.goal, q + 1);
        }
        return { X, index: keep.map((i) => recs[i]) };
      },
      {
        keepTop,
        signal: ctx.signal,
        onProgress: (done, total) => {
          ctx.progress?.(0.02 + (0.6 * done) / Math.max(1, total), `scoring candidates (${setup.kind}): ${done} of ${total}`);
          if (total > 50000 && done % 200000 < 8192) ctx.log(`scored ${done}/${total}`);
        },
        tsDraw: sampler
          ? {
              output: 0,
              evaluate: (X: Matrix) => {
                const v = sampler.evaluate(X, 0);
                return v;
              },
            }
          : undefined,
      },
    );
    let scored = await score();
    if (setup.kind === 'ei' && !sampler) {
      const check = eiTooSmallToRank(scored.acq, scored.count, q);
      if (check.fallback) {
        ctx.log(fallbackNote(check.rankable, scored.count));
        setup.kind = 'logei';
        scored = await score();
      }
    }
    candidatesScored = scored.count;
    issues.report(basename(poolPath), ctx.log);
    ctx.progress?.(0.65, `choosing a batch of ${q} from the best ${Math.min(scored.count, keepTop)} candidates (${strategy})`);
    const inIdx = inputs.map((c) => pool.header.indexOf(c));
    for (let i = 0; i < scored.count; i++) {
      const r = scored.index[i];
      const cells: (string | number | null)[] = [sel.ids[r], ...inIdx.map((j) => pool.columns[j][r])];
      for (let t = 0; t < T; t++) cells.push(num(scored.mean[i * T + t], 7), num(scored.std[i * T + t], 7));
      cells.push(num(scored.acq[i], 10));
      await acqWriter.row(cells);
    }
    // batch over the top candidates plus the pinned ones
    const pinF = await featuresOf(pipeline, subTable(pool, sel.pinned), d);
    const pinnedOk = sel.pinned.filter((_, i) => pinF.ok[i]);
    if (pinnedOk.length < sel.pinned.length) throw new MiError(`a pinned candidate could not be featurised`, { file: poolPath, code: 'pin-invalid', hint: 'check its input values' });
    const candX = concatRows(scored.top.X.rows ? scored.top.X : { rows: 0, cols: d, data: new Float64Array(0) }, pinF.X);
    const candRec = [...scored.top.index, ...sel.pinned];
    extra = scored.top.X;
    if (sampler && scored.count > 0) {
      // draw 0 is the acquisition column itself; draws 1..q-1 were tracked during scoring
      const best0 = Array.from(scored.acq).map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v).slice(0, q + 1);
      const chosen: number[] = [...sel.pinned];
      const pickRows: { rec: number; x: number[] }[] = [];
      const pinX = pinF;
      sel.pinned.forEach((r, i) => pickRows.push({ rec: r, x: Array.from(pinX.X.data.subarray(i * d, (i + 1) * d)) }));
      for (let k = 0; k < q && pickRows.length < Math.max(q, sel.pinned.length); k++) {
        if (k === 0) {
          const hit = best0.find((c) => !chosen.includes(scored.index[c.i]));
          if (!hit) continue;
          const rec = scored.index[hit.i];
          const f1 = await featuresOf(pipeline, subTable(pool, [rec]), d);
          chosen.push(rec);
          pickRows.push({ rec, x: Array.from(f1.X.data) });
        } else {
          const hit = drawBest[k].find((c) => !chosen.includes(c.rec));
          if (!hit) continue;
          chosen.push(hit.rec);
          pickRows.push({ rec: hit.rec, x: hit.x });
        }
      }
      const PX: Matrix = { rows: pickRows.length, cols: d, data: Float64Array.from(pickRows.flatMap((p) => p.x)) };
      const pr = model.predict(PX);
      const acqOf = new Map<number, number>();
      for (let i = 0; i < scored.count; i++) acqOf.set(scored.index[i], scored.acq[i]);
      pickRows.forEach((p, k) => {
        suggestions.push({
          rank: k + 1,
          id: sel.ids[p.rec],
          raw: inIdx.map((j) => pool.columns[j][p.rec]),
          features: p.x,
          mean: Array.from(pr.mean.subarray(k * T, (k + 1) * T)),
          std: Array.from(pr.variance.subarray(k * T, (k + 1) * T), (v) => Math.sqrt(Math.max(0, v))),
          acquisition: acqOf.get(p.rec) ?? NaN,
          pinned: k < sel.pinned.length,
        });
      });
    } else if (candX.rows === 0) {
      ctx.log('no candidates left to suggest (all measured or excluded)');
    } else {
      const res = selectBatch({ model, setup, X: candX, q: Math.max(q, sel.pinned.length), strategy, kernel, pinned: sel.pinned.map((_, i) => scored.top.index.length + i), seed: spec.seed });
      res.picks.forEach((p, k) => {
        const r = candRec[p];
        const m = Array.from(res.prediction.mean.subarray(p * T, (p + 1) * T));
        const lv = Array.from(res.prediction.latentVariance.subarray(p * T, (p + 1) * T));
        const acq = setup.kind === 'ts' && !Number.isNaN(res.values[k]) ? res.values[k] : acquisitionOf(setup, m, lv);
        suggestions.push({
          rank: k + 1,
          id: sel.ids[r],
          raw: inIdx.map((j) => pool.columns[j][r]),
          features: Array.from(candX.data.subarray(p * d, (p + 1) * d)),
          mean: m,
          std: Array.from(res.prediction.variance.subarray(p * T, (p + 1) * T), (v) => Math.sqrt(Math.max(0, v))),
          acquisition: acq,
          pinned: p >= scored.top.index.length,
        });
      });
    }
  } else if (opt.space) {
    const space: ContinuousSpace = buildSpace(opt.space);
    const unknown = space.names.filter((n) => !inputs.includes(n));
    if (unknown.length) throw new MiError(`optimize.space variable "${unknown[0]}" is not an input column`, { file: ctx.specPath, code: 'space-unknown-column', column: unknown[0], hint: `input columns: ${inputs.join(', ')}` });
    // non-space inputs are held at the incumbent row's raw values
    const base = incumbentRaw(ctx, inputs);
    const toRow = (x: number[]): (string | null)[] => inputs.map((c, j) => {
      const k = space.names.indexOf(c);
      return k >= 0 ? String(x[k]) : base[j];
    });
    const evalPoints = async (pts: number[][]): Promise<{ X: Matrix; ok: boolean[]; acq: number[]; pred: ReturnType<typeof model.predict> }> => {
      const f = await featuresOf(pipeline, tableFromRows(inputs, pts.map(toRow), ctx.table), d);
      const safe = f.X.data.map((v) => (Number.isNaN(v) ? 0 : v));
      const pred = model.predict({ rows: f.X.rows, cols: d, data: safe });
      const acq = pts.map((_, i) => (f.ok[i] ? acquisitionOf(setup, pred.mean.subarray(i * T, (i + 1) * T), pred.latentVariance.subarray(i * T, (i + 1) * T)) : -Infinity));
      return { X: f.X, ok: f.ok, acq, pred };
    };
    ctx.progress?.(0.05, `searching the design space (${setup.kind}, ${Math.max(8, 2 * q)} local searches)`);
    const search = () => optimizeContinuous(space, async (pts) => (await evalPoints(pts)).acq, { seed: spec.seed, starts: Math.max(8, 2 * q), signal: ctx.signal });
    let res = await search();
    let ev = await evalPoints(res.points);
    if (setup.kind === 'ei') {
      const check = eiTooSmallToRank(ev.acq, ev.acq.length, q);
      if (check.fallback) {
        ctx.log(fallbackNote(check.rankable, ev.acq.length));
        setup.kind = 'logei';
        res = await search();
        ev = await evalPoints(res.points);
      }
    }
    ctx.progress?.(0.65, `choosing a batch of ${q} (${strategy})`);
    candidatesScored = res.points.length;
    for (let i = 0; i < res.points.length; i++) {
      if (!ev.ok[i]) continue;
      const cells: (string | number | null)[] = [`${ctx.runId}-c${i + 1}`, ...toRow(res.points[i])];
      for (let t = 0; t < T; t++) cells.push(num(ev.pred.mean[i * T + t], 7), num(Math.sqrt(Math.max(0, ev.pred.variance[i * T + t])), 7));
      cells.push(num(ev.acq[i], 10));
      await acqWriter.row(cells);
    }
    const okIdx = res.points.map((_, i) => i).filter((i) => ev.ok[i]);
    const candX = takeRows(ev.X, okIdx);
    extra = candX;
    const b = selectBatch({ model, setup, X: candX, q, strategy, kernel, seed: spec.seed, minDistance: 1e-6 });
    b.picks.forEach((p, k) => {
      const i = okIdx[p];
      const m = Array.from(ev.pred.mean.subarray(i * T, (i + 1) * T));
      suggestions.push({
        rank: k + 1,
        id: `${ctx.runId}-${k + 1}`,
        raw: toRow(res.points[i]),
        features: Array.from(candX.data.subarray(p * d, (p + 1) * d)),
        mean: m,
        std: Array.from(ev.pred.variance.subarray(i * T, (i + 1) * T), (v) => Math.sqrt(Math.max(0, v))),
        acquisition: setup.kind === 'ts' ? b.values[k] : ev.acq[i],
        pinned: false,
      });
    });
  } else {
    await acqWriter.close();
    throw new MiError('optimize needs a candidate pool or a search space', { file: ctx.specPath, code: 'no-candidates', column: 'optimize', hint: 'add `candidates: {path: pool.csv}` or `space:` with bounds / composition' });
  }
  await acqWriter.close();

  // suggestions.csv (with the applicability-domain verdict of each suggestion)
  const verdicts = domainVerdicts({
    trainX: train.X,
    featureNames: train.featureNames,
    trainY: train.Y,
    targetNames,
    units: spec.dataset.targets.map((t) => t.unit),
    points: suggestions.map((s) => s.features),
    means: suggestions.map((s) => s.mean),
    stds: suggestions.map((s) => s.std),
  });
  const lines = [['rank', 'id', ...inputs, ...targetNames.flatMap((t) => [`${t}_mean`, `${t}_std`]), 'acquisition', 'in_domain', 'domain_reason']];
  let csv = csvRow(lines[0]);
  suggestions.forEach((s, i) => {
    csv += csvRow([s.rank, s.id, ...s.raw, ...s.mean.flatMap((m, t) => [num(m, 8), num(s.std[t], 8)]), num(s.acquisition, 10), String(verdicts[i].inDomain), verdicts[i].reason]);
  });
  await writeAtomic(join(ctx.runDir, 'suggestions.csv'), csv);
  ctx.progress?.(0.8, 'drawing the acquisition landscape');

  // landscape.json
  const obj = setup.objectives[0].output;
  const landscape = buildLandscape({
    runId: ctx.runId,
    model,
    setup,
    train,
    extra,
    suggestions: suggestions.map((s) => ({ id: s.id, rank: s.rank, features: s.features, mean: s.mean[obj], std: s.std[obj], acquisition: s.acquisition })),
    space: opt.space ? buildSpace(opt.space) : undefined,
  });
  await writeAtomic(join(ctx.runDir, 'landscape.json'), JSON.stringify(landscape));

  await appendSuggested(ctx.experimentDir, {
    type: 'suggested',
    time: new Date().toISOString(),
    runId: ctx.runId,
    acquisition: landscape.acquisition,
    batch: q,
    suggestions: suggestions.map((s) => ({ rank: s.rank, id: s.id, inputs: Object.fromEntries(inputs.map((c, j) => [c, s.raw[j]])) })),
  });
  ctx.log(`${suggestions.length} suggestion(s): ${suggestions.map((s) => s.id).join(', ')}`);
  const outIdx = suggestions.map((_, i) => i).filter((i) => !verdicts[i].inDomain);
  if (outIdx.length) {
    ctx.log(
      `warning: ${outIdx.length} of ${suggestions.length} suggestion(s) lie outside the measured data (in_domain = false in suggestions.csv): ` +
        'their predictions fall back to the model prior or extrapolate, so treat them as exploration',
    );
    for (const i of outIdx) ctx.log(`  ${suggestions[i].id}: ${verdicts[i].reason}`);
  }
  await fsp.access(join(ctx.runDir, 'suggestions.csv'));
  return {
    acquisition: landscape.acquisition,
    batch: q,
    suggestions: suggestions.length,
    candidatesScored,
    files: { suggestions: 'suggestions.csv', acquisition: 'acquisition.csv', landscape: 'landscape.json' },
  };
}

/** Pools larger than this use random-feature Thompson draws (when the model reports its kernel hyperparameters). */
export const RFF_POOL_SIZE = 2000;

/** Keeps the `keep` best rows of one posterior draw (utility order). */
function trackBest(list: { rec: number; value: number; x: number[] }[], values: Float64Array, X: Matrix, recs: number[], goal: Goal, keep: number): void {
  for (let i = 0; i < values.length; i++) {
    const u = toUtility(goal, values[i]);
    if (list.length >= keep && u <= list[list.length - 1].value) continue;
    list.push({ rec: recs[i], value: u, x: Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)) });
    list.sort((a, b) => b.value - a.value);
    if (list.length > keep) list.pop();
  }
}

/** Raw input values of the best observed row (first objective), used to fill inputs outside a continuous space. */
function incumbentRaw(ctx: OptimizeContext, inputs: string[]): (string | null)[] {
  const setup = makeSetup(ctx.spec, ctx.train.Y);
  const o = setup.objectives[0];
  let best = -Infinity;
  let line = ctx.train.rowNumbers[0];
  for (let i = 0; i < ctx.train.Y.rows; i++) {
    const y = ctx.train.Y.data[i * ctx.train.Y.cols + o.output];
    const u = typeof o.goal === 'object' ? -Math.abs(y - o.goal.target) : o.goal === 'minimize' ? -y : y;
    if (Number.isFinite(u) && u > best) {
      best = u;
      line = ctx.train.rowNumbers[i];
    }
  }
  const r = Math.max(0, ctx.table.rowNumbers.indexOf(line));
  return inputs.map((c) => {
    const j = ctx.table.header.indexOf(c);
    return j >= 0 ? ctx.table.columns[j][r] : null;
  });
}
