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
import type { Model, SavedModel } from './types';

export type { Model, Prediction, FitProgress, FitOptions, ModelSummary, SavedModel } from './types';
export { crossValidate, assignFolds, type CvOptions, type CvResult } from './cv';
export { computeMetrics, spearman, ranks, Z90 } from './metrics';
export { getTfBackend } from './tf';
export { GpModel } from './gp';
export { RfGpModel } from './rfgp';
export { RidgeModel } from './ridge';
export { MlpEnsembleModel } from './mlp';
export { AutoModel } from './auto';

export const MODEL_TYPES = ['gp', 'rf-gp', 'ridge', 'mlp-ensemble', 'auto'] as const;

export function createModel(spec: ModelSpec, opts: { seed: number }): Model {
  const seed = opts.seed;
  const kernel = (spec.kernel ?? 'matern52') as KernelName;
  const ard = spec.ard ?? true;
  const calibrate = spec.calibrate ?? true;
  const factory: ModelFactory = (type, s) => createModel({ ...spec, type: type as ModelSpec['type'] }, { seed: s });
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
    case 'auto': {
      const st = saved.state as { chosen: string; scores: Record<string, number>; inner: SavedModel };
      const inner = loadModel(st.inner);
      const factory: ModelFactory = (type, s) => createModel({ type: type as ModelSpec['type'] }, { seed: s });
      return AutoModel.fromInner(inner, st.scores, factory, 0);
    }
    default:
      throw new MiError(`saved model: unknown type "${saved.type}"`, { code: 'bad-saved-model' });
  }
}
