import type { Matrix } from '../../../src/core/features/types';
import type { Model } from '../../../src/core/models/types';

/** A linear "model" (mean w·x, constant variance) with fixed relevance: enough to check where a landscape is evaluated. */
export function linearModel(w: number[], featureRelevance: number[]): Model {
  return {
    type: 'stub',
    fit: async () => undefined,
    predict: (X: Matrix) => {
      const mean = new Float64Array(X.rows);
      for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) mean[i] += w[j] * X.data[i * X.cols + j];
      return { rows: X.rows, outputs: 1, mean, variance: new Float64Array(X.rows).fill(0.04), latentVariance: new Float64Array(X.rows).fill(0.03) };
    },
    summary: () => ({ type: 'stub', hyperparameters: {}, featureRelevance }),
    save: () => ({}) as never,
  };
}
