/**
 * `@singd/singd`: the SINGD optimizer (INGD and IKFAC are settings of it), its pure
 * optax-style transforms, AdamW and SGD built from the same transforms, and versioned
 * checkpoints.
 *
 * @packageDocumentation
 * @module @singd/singd
 */

export * from './checkpoint/index.js';
export {
  flattenLayerParams,
  type LayerParams,
  type LinearParams,
  type ResolvedLayer,
  type ResolvedSingdLayerOptions,
  type ResolvedSingdOptions,
  resolveLayer,
  resolveSingdLayerOptions,
  resolveSingdOptions,
  type ScaleBySingd,
  type ScaleBySingdState,
  SINGD_CHECKPOINT_FORMAT,
  SINGD_DEFAULTS,
  Singd,
  type SingdLayer,
  type SingdLayerMemory,
  type SingdLayerOptions,
  type SingdMemoryReport,
  type SingdOptimizer,
  type SingdOptions,
  type SingdParameterUpdate,
  type SingdParameterUpdateState,
  type SingdState,
  type SingdStepOptions,
  type SingdStepOutcome,
  type SingdStepResult,
  scaleBySingd,
  singd,
  singdMemoryReport,
  singdStateFromTree,
  singdStateToTree,
  unflattenLayerParams,
} from './optimizer/index.js';
export {
  accumulateCapture,
  type CaptureOptions,
  initLayerState,
  type LrCov,
  lrCovAt,
  type NaturalGradientOptions,
  naturalGradient,
  type ResolvedSingdPreconditionerOptions,
  resolveSingdPreconditionerOptions,
  SINGD_PRECONDITIONER_DEFAULTS,
  type SingdLayerState,
  type SingdPreconditionerOptions,
  type UpdateOptions,
  updatePreconditioner,
} from './preconditioner/index.js';
export { type AdamWOptions, type AdamWState, adamw } from './transforms/adamw.js';
export { addDecayedWeights } from './transforms/add-decayed-weights.js';
export type {
  EmptyState,
  GradientTransformation,
  ParameterArray,
  Parameters,
  ScalarOrSchedule,
  Schedule,
  StateOf,
  Updates,
} from './transforms/api.js';
export { applyUpdates } from './transforms/apply-updates.js';
export { type ChainState, chain } from './transforms/chain.js';
export { type PartitionState, partition } from './transforms/partition.js';
export { type ScaleByAdamOptions, type ScaleByAdamState, scaleByAdam } from './transforms/scale-by-adam.js';
export { type ScaleByLearningRateState, scaleByLearningRate } from './transforms/scale-by-learning-rate.js';
export {
  type CosineDecayScheduleOptions,
  constantSchedule,
  cosineDecaySchedule,
  type LinearWarmupScheduleOptions,
  linearWarmupSchedule,
  type PiecewiseConstantScheduleOptions,
  piecewiseConstantSchedule,
} from './transforms/schedules.js';
export { type SgdOptions, type SgdState, sgd } from './transforms/sgd.js';
export { type TraceState, trace } from './transforms/trace.js';
