export * from './checkpoint/index.js';
export {
  type LinearParams,
  Singd,
  type SingdLayerMemory,
  type SingdMemoryReport,
  type SingdOptions,
  type SingdStepResult,
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
