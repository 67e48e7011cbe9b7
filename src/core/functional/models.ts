/** Model types for function targets and their factory. */
import { MiError } from '../diagnostics';
import type { ModelSpec } from '../spec/types';
import type { KernelName } from '../models/kernels';
import { BasisGpModel } from './basis';
import type { FunctionalModel } from './common';
import { KroneckerGpModel } from './kron';
import { PointwiseGpModel } from './pointwise';
import { ConditionalMlpModel } from './cnet';

export const FUNCTIONAL_MODEL_TYPES = ['kronecker-gp', 'basis-gp', 'pointwise-gp', 'conditional-mlp'] as const;
/** What `auto` cross-validates (the conditional network only when asked for: TensorFlow training is slow on 2 cores). */
export const AUTO_CANDIDATES: FunctionalModelType[] = ['kronecker-gp', 'basis-gp', 'pointwise-gp'];
export type FunctionalModelType = (typeof FUNCTIONAL_MODEL_TYPES)[number];
export const POINTWISE: FunctionalModelType = 'pointwise-gp';

/** The candidate models a spec's `model.type` stands for with a function target (auto: all, chosen by CV). */
export function functionalCandidates(spec: ModelSpec, specFile?: string): FunctionalModelType[] {
  const t = spec.type as string;
  if (t === 'auto') return [...AUTO_CANDIDATES];
  if (t === 'mlp-ensemble') return ['conditional-mlp'];
  if (t === 'gp') return ['kronecker-gp'];
  if ((FUNCTIONAL_MODEL_TYPES as readonly string[]).includes(t)) return [t as FunctionalModelType];
  throw new MiError(`model type "${t}" does not support a function target`, {
    file: specFile, code: 'model-not-functional',
    hint: `use auto (picks by cross-validation), gp (= kronecker-gp), mlp-ensemble (= conditional-mlp), ${FUNCTIONAL_MODEL_TYPES.join(', ')}`,
  });
}

export function createFunctionalModel(type: FunctionalModelType, spec: ModelSpec, grid: ArrayLike<number>, seed: number): FunctionalModel {
  const kernel = (spec.kernel ?? 'matern52') as KernelName;
  const ard = spec.ard ?? true;
  const calibrate = spec.calibrate ?? true;
  switch (type) {
    case 'kronecker-gp':
      return new KroneckerGpModel({ grid, kernel, ard, calibrate, seed });
    case 'basis-gp':
      return new BasisGpModel({ kernel, ard, calibrate, seed });
    case 'pointwise-gp':
      return new PointwiseGpModel({ kernel, ard, calibrate, seed, restarts: 1 });
    case 'conditional-mlp':
      return new ConditionalMlpModel({ grid, seed, calibrate, members: spec.members, hidden: spec.hidden, epochs: spec.epochs, learning_rate: spec.learning_rate });
  }
}
