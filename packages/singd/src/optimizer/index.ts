export {
  flattenLayerParams,
  type LayerParams,
  type ResolvedLayer,
  resolveLayer,
  type SingdLayer,
  unflattenLayerParams,
} from './layers.js';
export { type SingdLayerMemory, type SingdMemoryReport, singdMemoryReport } from './memory.js';
export {
  type ResolvedSingdLayerOptions,
  type ResolvedSingdOptions,
  resolveSingdLayerOptions,
  resolveSingdOptions,
  SINGD_DEFAULTS,
  type SingdLayerOptions,
  type SingdOptions,
} from './options.js';
export { type ScaleBySingd, type ScaleBySingdState, scaleBySingd } from './scale-by-singd.js';
export { type LinearParams, Singd, type SingdStepResult } from './singd.js';
export {
  type SingdOptimizer,
  type SingdParameterUpdate,
  type SingdParameterUpdateState,
  type SingdState,
  type SingdStepOptions,
  type SingdStepOutcome,
  singd,
} from './singd-optimizer.js';
export { SINGD_CHECKPOINT_FORMAT, singdStateFromTree, singdStateToTree } from './state-tree.js';
