/**
 * Transfer learning in a run (`transfer:` block of a spec). `prepareTransfer` is the run engine's hook: it loads the
 * library's selected sources, computes their outputs for every target row ONCE (source models are fixed and never see
 * a target label), appends them as columns, and returns the model factory for CV and the final fit:
 *   - strategy `none`: the spec's model on the descriptors (the sources are still loaded for the leakage report);
 *   - `prediction` / `features` / `finetune`: that strategy (several finetune sources → picked by inner CV);
 *   - `auto`: every strategy × source subset (each source, all together) AND the no-transfer baseline, scored by an
 *     inner CV nested inside each outer fold (SelectingModel), so the outer CV metric is honest; the pick is the
 *     average of the three best transfer candidates unless it does not beat the baseline by one standard error.
 * `finish` writes the manifest's `transfer` block: selected, candidates (inner-CV metrics on all rows), baseline,
 * the outer-CV metric of the baseline alone (auto), and the leakage overlap.
 */
import type { Table } from '../data/types';
import type { FeaturePipeline, TransformResult } from '../features';
import type { FeatureSet } from '../features/types';
import { createModel, crossValidate, type CvResult } from '../models';
import type { Model } from '../models/types';
import { cvGroups } from '../run/groups';
import type { TargetMetrics } from '../run/manifest';
import { cvSettings } from '../spec/cv';
import type { Spec } from '../spec/types';
import { augment, candidates, scoreCandidates, SelectingModel, type Candidate, type CandidateScore, type RequestedStrategy } from './select';
import { computeSourceOutputs, libraryDirFor, loadLibrarySources, type SourceOutputs } from './sources';

export { bundledLibraryDir, libraryDirFor } from './sources';
export { loadTransferModel } from './models';

export interface TransferCandidateRecord {
  source: string | null;
  strategy: string;
  label: string;
  /** Inner-CV MAE (first target, original units) — the selection metric. */
  metric: number;
  mae: number;
  rmse: number;
  rank: number;
  /** Strategy `average` (auto's average of the best few candidates): the averaged candidates' labels, best first. */
  members?: string[];
}

export interface TransferManifest {
  library: string;
  requested: { strategy: string; sources: 'all' | string[] };
  /** How candidates were scored: `inner-cv-mae` (k-fold CV on all rows). */
  metric: string;
  innerFolds: number;
  /** `skill`: held-out R² of the source on its own property; `leftOut`: why `auto` did not use it. */
  sources: { name: string; target: string; models: number; valMae: number; skill: number | null; missingRows: number; overlap: number | null; leftOut?: string }[];
  selected: TransferCandidateRecord;
  baseline: TransferCandidateRecord;
  candidates: TransferCandidateRecord[];
  /** Outer-CV metrics of the no-transfer baseline with the same folds (auto only): the honest comparison. */
  baselineCv?: Record<string, TargetMetrics>;
  /** Picks of the nested selection in each outer fold (auto). */
  outerPicks?: string[];
  overlap: { rows: number; of: number; checked: boolean; bySource: Record<string, number>; note: string };
}

export interface TransferPrep {
  set: FeatureSet;
  pipeline: FeaturePipeline;
  make(seed: number): Model;
  finish(model: Model, cv: CvResult | undefined): Promise<TransferManifest | undefined>;
}

interface Ctx {
  specPath: string;
  spec: Spec;
  table: Table;
  log(level: 'info' | 'warn', msg: string): void;
  progress?(phase: string, within: number, msg: string): void;
  signal?: AbortSignal;
  /**
   * Retrospective BO (`simulate`): the surrogate is refitted many times, so `auto` becomes `prediction` (the sources'
   * predictions as features of the surrogate) instead of a nested selection at every refit.
   */
  bo?: boolean;
}

const INNER_FOLDS = 3;
/** Held-out R² a source must reach on its own property for `auto` to use it (`sourceSkill`). */
export const MIN_SKILL = 0.1;

export async function prepareTransfer(ctx: Ctx, built: { set: FeatureSet; pipeline: FeaturePipeline }): Promise<TransferPrep> {
  const { spec } = ctx;
  const tr = spec.transfer;
  if (!tr) return { ...built, make: (seed) => createModel(spec.model, { seed }), finish: () => Promise.resolve(undefined) };
  let strategy = (tr.strategy ?? 'auto') as RequestedStrategy;
  const requestedAuto = strategy === 'auto';
  if (ctx.bo && strategy === 'auto') {
    strategy = 'prediction';
    ctx.log('info', '[transfer] campaign simulation: strategy auto → prediction (source predictions as features of the surrogate; a nested selection at every refit would be too costly)');
  }
  const dir = libraryDirFor(ctx.specPath, tr.library ?? 'bundled');
  const sources = await loadLibrarySources(dir, tr.sources ?? 'all');
  ctx.log('info', `[transfer] library ${dir}: ${sources.length} source(s) (${sources.map((s) => `${s.entry.name}: ${s.nets.length} model(s) of ${s.entry.target}`).join('; ')}), strategy ${strategy}`);
  const outs: SourceOutputs[] = [];
  for (const src of sources) outs.push(await computeSourceOutputs(src, spec.dataset.inputs, ctx.table, built.set));
  const n = built.set.X.rows;
  for (const o of outs) {
    if (o.missing) ctx.log('warn', `[transfer] source ${o.name} could not featurise ${o.missing} of ${n} target row(s); they get its mean input`);
  }
  // leakage guard
  const bySource: Record<string, number> = {};
  const checked = outs.some((o) => o.overlapChecked);
  for (const o of outs) if (o.overlapChecked) bySource[o.name] = o.overlap;
  const overlapRows = Math.max(0, ...outs.map((o) => o.overlap));
  const note = !checked
    ? 'not checked: the target has no formula or SMILES column, or the sources store no input hashes'
    : overlapRows > 0
      ? `${overlapRows} of ${n} target row(s) have a reduced formula / canonical SMILES that a source model was trained on; pretrained library models cannot exclude them per fold, so a transfer gain on these rows may be optimistic`
      : 'no target row occurs in the sources\' training data';
  ctx.log(overlapRows > 0 ? 'warn' : 'info', `[transfer] overlap: ${note}${overlapRows > 0 ? ` (${Object.entries(bySource).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);

  // auto never transfers from a source without held-out skill on its own property (nothing to transfer; a gain from its
  // random nonlinear features would be mistaken for transfer); an explicitly requested strategy uses it, with a warning
  const unskilled = outs.filter((o) => o.skill < MIN_SKILL);
  for (const o of unskilled) {
    ctx.log('warn', `[transfer] source ${o.name} has no held-out skill on its own property ${o.target} (R² ${o.skill.toFixed(2)} < ${MIN_SKILL}): ${requestedAuto ? 'auto leaves it out' : `used anyway, as strategy ${strategy} was requested`}`);
  }
  const useOuts = strategy === 'none' ? [] : requestedAuto ? outs.filter((o) => !unskilled.includes(o)) : outs;
  if (!useOuts.length && strategy !== 'none' && strategy !== 'auto') {
    // a campaign simulation (auto → prediction) whose every source was left out
    ctx.log('warn', '[transfer] no source left to transfer from: the surrogate uses the descriptors alone');
    strategy = 'none';
  }
  const aug = augment(built.set.X, built.set.featureNames, useOuts);
  const set: FeatureSet = { ...built.set, X: aug.X, featureNames: aug.names };
  const base = built.pipeline;
  const pipeline: FeaturePipeline = {
    featureNames: aug.names,
    droppedConstant: base.droppedConstant,
    save: () => ({ ...base.save(), transfer: { library: tr.library ?? 'bundled', sources: useOuts.map((o) => o.name), strategy } }) as ReturnType<FeaturePipeline['save']>,
    async transform(t: Table): Promise<TransformResult> {
      const r = await base.transform(t);
      const o2: SourceOutputs[] = [];
      for (const src of sources.filter((s) => useOuts.some((o) => o.name === s.entry.name))) o2.push(await computeSourceOutputs(src, spec.dataset.inputs, t, r));
      return { ...r, X: augment(r.X, base.featureNames, o2, aug.layout.avgStats).X };
    },
  };
  const cands = candidates(spec.model, aug.layout, useOuts, strategy, built.set.Y.cols);
  ctx.log('info', `[transfer] candidates: ${cands.map((c) => c.label).join(', ')}${cands.length > 1 ? ` (picked by inner ${INNER_FOLDS}-fold CV inside each outer fold)` : ''}`);
  const outerPicks: string[] = [];
  const cvs = cvSettings(spec);
  const outerFits = cvs ? Math.max(2, Math.min(cvs.folds, n)) * cvs.repeats : 0;
  const make = (seed: number): Model => {
    if (cands.length === 1) return cands[0].make(seed);
    const m = new SelectingModel(cands, {
      innerFolds: INNER_FOLDS,
      seed,
      onCandidate: (k, total, label) => {
        const done = outerPicks.length;
        if (done < outerFits) ctx.progress?.('cv', (done + k / total) / outerFits, `outer fold ${done + 1}/${outerFits}: inner CV of ${label} (${k + 1}/${total})`);
        else ctx.progress?.('fit', k / total, `inner CV of ${label} (${k + 1}/${total})`);
      },
    });
    const fit = m.fit.bind(m);
    m.fit = async (X, Y, o) => {
      await fit(X, Y, o);
      outerPicks.push(m.candidate.label);
    };
    return m;
  };

  const finish = async (model: Model, cv: CvResult): Promise<TransferManifest> => {
    const targets = built.set.targetNames;
    let scores: CandidateScore[];
    let selected: Candidate;
    if (model instanceof SelectingModel && model.scores.length) {
      // the average auto picked is ranked among the candidates by its own inner-CV score (same folds)
      scores = model.averageScore ? [...model.scores, model.averageScore] : model.scores;
      selected = model.candidate;
    } else {
      // one candidate: score it and the baseline with the same inner CV, for the report only
      selected = cands[0];
      const baseline = candidates(spec.model, aug.layout, useOuts, 'none');
      const report = selected.strategy === 'none' ? [selected] : [selected, ...baseline];
      ctx.progress?.('fit', 0.9, 'scoring the pick against the baseline');
      scores = await scoreCandidates(report, set.X, set.Y, { folds: INNER_FOLDS, seed: spec.seed, signal: ctx.signal });
    }
    if (!scores.some((c) => c.strategy === 'none')) {
      // several finetune sources were compared without the baseline: score it with the same inner CV for the report
      scores = [...scores, ...(await scoreCandidates(candidates(spec.model, aug.layout, useOuts, 'none'), set.X, set.Y, { folds: INNER_FOLDS, seed: spec.seed, signal: ctx.signal }))];
    }
    const order = scores.map((_, k) => k).sort((a, b) => scores[a].score - scores[b].score);
    const rankOf = new Map(order.map((k, r) => [k, r + 1]));
    const records: TransferCandidateRecord[] = scores.map((c, k) => ({ source: c.source, strategy: c.strategy, label: c.label, metric: c.mae, mae: c.mae, rmse: c.rmse, rank: rankOf.get(k)!, ...(c.members ? { members: c.members } : {}) }));
    records.sort((a, b) => a.rank - b.rank);
    const baseRec = records.find((r) => r.strategy === 'none')!;
    const selRec = records.find((r) => r.label === selected.label) ?? records[0];
    const block: TransferManifest = {
      library: dir,
      requested: { strategy, sources: tr.sources ?? 'all' },
      metric: 'inner-cv-mae',
      innerFolds: INNER_FOLDS,
      sources: outs.map((o) => ({
        name: o.name, target: o.target, models: sources.find((s) => s.entry.name === o.name)!.nets.length, valMae: o.valMae, skill: Number.isFinite(o.skill) ? o.skill : null,
        missingRows: o.missing, overlap: o.overlapChecked ? o.overlap : null, ...(requestedAuto && unskilled.includes(o) ? { leftOut: `no held-out skill on ${o.target} (R² ${o.skill.toFixed(2)} < ${MIN_SKILL})` } : {}),
      })),
      selected: selRec,
      baseline: baseRec,
      candidates: records,
      overlap: { rows: overlapRows, of: n, checked, bySource, note },
    };
    if (cands.length === 1 && strategy === 'auto' && cv && cvs) {
      // every source was left out (no skill): the run IS the baseline, fold for fold
      block.outerPicks = Array.from({ length: outerFits }, () => 'none');
      block.baselineCv = Object.fromEntries(targets.map((t, i) => [t, cv.metrics[i]]));
      ctx.log('info', '[transfer] no usable source: the outer CV is the no-transfer baseline\'s');
    } else if (cands.length > 1 && strategy === 'auto' && cv && cvs) {
      block.outerPicks = outerPicks.slice(0, outerFits);
      ctx.progress?.('fit', 0.95, 'outer CV of the no-transfer baseline');
      // the SAME folds as the run's outer CV: it is grouped when rows share a composition / molecule or
      // evaluation.cv.group is set (run engine: cvGroups), and a baseline CV over independent rows would be scored on
      // other folds — the difference would look like a transfer gain or loss when there is none
      const grouped = await cvGroups(spec, ctx.table, built.set, () => undefined);
      const bcv = await crossValidate(() => cands[0].make(spec.seed), set.X, set.Y, { folds: Math.max(2, Math.min(cvs.folds, n)), repeats: cvs.repeats, seed: spec.seed, ...(grouped ? { groups: grouped.groups } : {}), signal: ctx.signal });
      if (cv.fold.length === bcv.fold.length && cv.fold.some((f, i) => f !== bcv.fold[i])) {
        ctx.log('warn', '[transfer] the baseline CV could not use the outer CV\'s folds: the comparison below is on different folds');
      }
      block.baselineCv = Object.fromEntries(targets.map((t, i) => [t, bcv.metrics[i]]));
      const a = cv.metrics[0]?.mae;
      const b = bcv.metrics[0]?.mae;
      ctx.log('info', `[transfer] outer CV MAE ${fmt(a)} with nested selection vs ${fmt(b)} without transfer (${b > 0 ? `${((Math.abs(b - a) / b) * 100).toFixed(1)} % ${a <= b ? 'lower' : 'higher: transfer did not help here'}` : '-'}); outer folds picked ${outerPicks.slice(0, outerFits).join(', ')}`);
    }
    ctx.log('info', `[transfer] selected ${selRec.label} (inner-CV MAE ${fmt(selRec.mae)}; baseline ${fmt(baseRec.mae)}); ranking: ${records.map((r) => `${r.rank}. ${r.label} ${fmt(r.mae)}`).join(', ')}`);
    return block;
  };
  return { set, pipeline, make, finish };
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? String(v) : v.toPrecision(4);
}
