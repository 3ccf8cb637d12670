/**
 * `@singd/tfjs`: train TensorFlow.js models with SINGD, KFAC or a first-order fallback
 * (`Trainer`), with layer captures taken from tfjs gradients.
 *
 * @packageDocumentation
 * @module @singd/tfjs
 */

export type {
  FisherKind,
  KfacTrainerOptions,
  LayerAssignment,
  LayerMemory,
  LossName,
  OptimizerKind,
  OptimizerSpec,
  SkippedStep,
  TrainerMemoryReport,
  TrainerOptions,
} from './api.js';
export { type CapturedCall, CaptureSession } from './capture.js';
export { samePadding } from './conv-padding.js';
export { backendDifferentiatesConv2dFilter, conv2dViaConv3d, dilatedKernel } from './conv2d-rewrite.js';
export { NonFiniteError } from './errors.js';
export { sampleTargets } from './fisher.js';
export type { FitArgs, FitCallback, FitLogs } from './fit.js';
export { checkLossName, checkTargets, correctCount, LOSS_NAMES, lossValue } from './loss.js';
export {
  type FallbackLayer,
  type ModelLayers,
  modelLayers,
  type PreconditionedLayer,
  type SingdLayerDescription,
  type TfConv2dGeometry,
} from './model-layers.js';
export { SeededRandom } from './random.js';
export { Trainer } from './trainer.js';
export {
  checkpointDifferences,
  TRAINER_CHECKPOINT_FORMAT,
  TRAINER_CHECKPOINT_VERSION,
  type TrainerCheckpointParts,
  trainerCheckpointTree,
} from './trainer-checkpoint.js';
export { augmentedWeight, kernelToWeight, splitAugmentedWeight, weightToKernel } from './weight-layout.js';
