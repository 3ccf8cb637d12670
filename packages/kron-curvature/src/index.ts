/**
 * `@singd/kron-curvature`: layer captures (Linear, Conv2d), the Kronecker factors A and G
 * of the Fisher/GGN, and the KFAC baseline preconditioner.
 *
 * @packageDocumentation
 * @module @singd/kron-curvature
 */

export {
  type CholeskyFailure,
  type CholeskyFailureReason,
  type CholeskyOutcome,
  type CholeskySuccess,
  choleskyDecompose,
  choleskySolve,
  choleskySolveRight,
} from './cholesky.js';
export {
  averagedPatches,
  processConv2dCapture,
  processConv2dInputs,
  processConv2dOutputGradients,
  unfold,
} from './conv2d.js';
export {
  type Conv2dGeometry,
  type Conv2dLayer,
  type Conv2dLayout,
  type Conv2dPadding,
  conv2dGeometry,
  conv2dOutputSize,
} from './conv2d-geometry.js';
export {
  dampedRunningAverage,
  type KroneckerFactorUpdateOptions,
  kroneckerFactor,
  RunningKroneckerFactor,
  type RunningKroneckerFactorOptions,
} from './factors.js';
export {
  KFAC_DEFAULTS,
  type KfacFailure,
  type KfacGradients,
  type KfacLayer,
  type KfacLayerState,
  type KfacOptions,
  type KfacParameterUpdateOptions,
  type KfacParameterUpdateResult,
  KfacPreconditioner,
  type KfacState,
  type KfacStepOutcome,
  kfacParameterUpdate,
  type ResolvedKfacOptions,
  resolveKfacOptions,
} from './kfac.js';
export {
  type CheckedKfacLayerState,
  type CheckedKfacState,
  checkKfacState,
  KfacStateError,
} from './kfac-state.js';
export {
  checkLinearLayer,
  type LinearLayer,
  processLinearCapture,
  processLinearInputs,
  processLinearOutputGradients,
} from './linear.js';
export {
  type CaptureProcessingOptions,
  checkKfacApproximation,
  checkLossAverage,
  checkOptionsObject,
  type InputProcessingOptions,
  KFAC_APPROXIMATIONS,
  type KfacApproximation,
  type LayerCapture,
  LOSS_AVERAGES,
  type LossAverage,
  lossTermCount,
  type OutputGradientProcessingOptions,
  type ProcessedCapture,
} from './options.js';
export {
  checkTensor,
  finiteRounded,
  formatShape,
  layerLabel,
  multiIndex,
  scaleEntries,
  shapeSize,
  type Tensor,
  tensor,
} from './tensor.js';
