export { accumulateCapture, type CaptureOptions } from './capture.js';
export { initLayerState, type SingdLayerState } from './layer-state.js';
export { type NaturalGradientOptions, naturalGradient } from './natural-gradient.js';
export {
  type LrCov,
  lrCovAt,
  type ResolvedSingdPreconditionerOptions,
  resolveSingdPreconditionerOptions,
  SINGD_PRECONDITIONER_DEFAULTS,
  type SingdPreconditionerOptions,
} from './options.js';
export { type UpdateOptions, updatePreconditioner } from './update.js';
