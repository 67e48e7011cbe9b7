/**
 * Bayesian optimisation (BoTorch-like separation): acquisition functions, candidates (pool / continuous space),
 * optimisation of the acquisition, batches, several objectives, campaign log, landscape data and simulation.
 */
export {
  DEFAULT_BETA,
  acquisitionValue,
  expectedCloseness,
  expectedImprovement,
  incumbentUtility,
  logExpectedImprovement,
  probabilityOfFeasibility,
  probabilityOfImprovement,
  toUtility,
  upperConfidenceBound,
  type AcquisitionKind,
} from './acquisition';
export { erfc, erfcx, hFunction, logH, logNormCdf, normCdf, normPdf, normQuantile } from './normal';
export { buildSpace, isFeasible, parseLinearConstraint, project, projectSimplexBox, roundToGrid, type ContinuousSpace, type LinearConstraint } from './space';
export { chebyshev, ehvi2d, hypervolume2d, paretoFront, referencePoint } from './multiobjective';
export { acquisitionOf, makeSetup, type AcquisitionSetup, type TargetInfo } from './objectives';
export { selectBatch, type BatchInput, type BatchResult } from './batch';
export { conditionModel, hasCondition, type ConditionableModel } from './fantasy';
export { scorePool, type ScoredPool } from './score';
export { optimizeContinuous } from './continuous';
export { selectPool, specInputColumns } from './candidates';
export { readCampaign, linkMeasurements, campaignPath, type CampaignEntry } from './campaign';
export type { Landscape, LandscapeSlice, LandscapeGrid2d, LandscapePoint } from './landscape';
export { buildLandscape } from './landscape';
export { runOptimize } from './run';
export type { OptimizeContext, OptimizeResult, PipelineLike } from './types';
