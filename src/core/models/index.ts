/**
 * Models API: `createModel(spec, {seed})`, `loadModel(saved)`, `crossValidate`, `computeMetrics`.
 * Every model implements `Model` (types.ts): inputs/outputs standardised inside, predictions in original units with
 * observation variance and latent variance.
 */
import { MiError } from '../diagnostics';
import type { ModelSpec } from '../spec/types';
import { AutoModel, type ModelFactory } from './auto';
import { GpModel } from './gp';
import type { GpKernelName, KernelName } from './kernels';
import { MlpEnsembleModel } from './mlp';
import { RfGpModel } from './rfgp';
import { RidgeModel } from './ridge';
import { RandomForestModel } from './rf';
import { GbmModel } from './gbm';
import { StackModel } from './stack';
import type { AutoCandidate, Model, SavedModel } from './types';

export type { Model, Prediction, FitProgress, FitOptions, ModelSummary, SavedModel, AutoCandidate } from './types';
export { crossValidate, assignFolds, groupFoldCount, type CvOptions, type CvResult } from './cv';
export { computeMetrics, spearman, ranks, Z90 } from './metrics';
export { getTfBackend } from './tf';
export { GpModel } from './gp';
export { RfGpModel } from './rfgp';
export { RidgeModel } from './ridge';
export { MlpEnsembleModel } from './mlp';
export { AutoModel } from './auto';
export { RandomForestModel } from './rf';
export { GbmModel } from './gbm';

export const MODEL_TYPES = ['gp', 'rf-gp', 'ridge', 'mlp-ensemble', 'rf', 'gbm', 'auto'] as const;

export function createModel(spec: ModelSpec, opts: { seed: number }): Model {
  const seed = opts.seed;
  const kernel = (spec.kernel === undefined || spec.kernel === 'tanimoto' ? 'matern52' : spec.kernel) as KernelName;
  const ard = spec.ard ?? true;
  const calibrate = spec.calibrate ?? true;
  // auto's candidates: its own defaults (`o`) first, then the user's spec keys
  const factory: ModelFactory = (type, s, o) => createModel({ ...o, ...definedKeys(spec), type: type as ModelSpec['type'] }, { seed: s });
  switch (spec.type) {
    case 'gp':
      // an absent `ard` is resolved by GpModel from the number of features
      return new GpModel({ kernel: (spec.kernel ?? 'matern52') as GpKernelName, ard: spec.ard, restarts: spec.restarts ?? 3, seed, calibrate });
    case 'rf-gp':
      return new RfGpModel({ kernel, ard, features: spec.features ?? 1000, restarts: Math.min(spec.restarts ?? 2, 3), seed, calibrate });
    case 'ridge':
      return new RidgeModel({ calibrate });
    case 'mlp-ensemble':
      return new MlpEnsembleModel({
        members: spec.members,
        hidden: spec.hidden,
        epochs: spec.epochs,
        learning_rate: spec.learning_rate,
        seed,
        calibrate,
      });
    case 'rf':
      return new RandomForestModel({
        trees: spec.trees,
        maxDepth: spec.max_depth,
        minSamplesLeaf: spec.min_samples_leaf,
        maxFeatures: spec.max_features,
        seed,
        calibrate,
      });
    case 'gbm':
      return new GbmModel({
        members: spec.members,
        trees: spec.trees,
        learningRate: spec.learning_rate,
        maxDepth: spec.max_depth,
        minSamplesLeaf: spec.min_samples_leaf,
        maxFeatures: spec.max_features,
        subsample: spec.subsample,
        seed,
        calibrate,
      });
    case 'auto':
      return new AutoModel(factory, seed);
    default:
      throw new MiError(`unknown model type "${String((spec as { type: unknown }).type)}"`, {
        code: 'unknown-model',
        hint: `use one of ${MODEL_TYPES.join(', ')}`,
      });
  }
}

/** Restores a model saved with `model.save()` (JSON round-trip safe). */
export function loadModel(saved: SavedModel): Model {
  if (!saved || saved.version !== 1) throw new MiError('saved model: unsupported format version', { code: 'bad-saved-model' });
  switch (saved.type) {
    case 'gp':
      return GpModel.load(saved);
    case 'rf-gp':
      return RfGpModel.load(saved);
    case 'ridge':
      return RidgeModel.load(saved);
    case 'mlp-ensemble':
      return MlpEnsembleModel.load(saved);
    case 'rf':
      return RandomForestModel.load(saved);
    case 'gbm':
      return GbmModel.load(saved);
    case 'stack':
      return StackModel.load(saved, loadModel);
    case 'auto': {
      const st = saved.state as { chosen: string; scores: Record<string, number>; candidates?: AutoCandidate[]; inner: SavedModel };
      if (!st?.inner || st.inner.type === 'auto') throw new MiError('saved auto model: invalid inner model', { code: 'bad-saved-model' });
      const inner = loadModel(st.inner);
      const factory: ModelFactory = (type, s, o) => createModel({ ...o, type: type as ModelSpec['type'] }, { seed: s });
      return AutoModel.fromInner(inner, st.scores, factory, 0, Array.isArray(st.candidates) ? st.candidates : []);
    }
    default:
      throw new MiError(`saved model: unknown type "${saved.type}"`, { code: 'bad-saved-model' });
  }
}

/** The spec's keys without undefined values (so they do not erase `auto`'s candidate defaults when spread). */
function definedKeys(spec: ModelSpec): Partial<ModelSpec> {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as Partial<ModelSpec>;
}
