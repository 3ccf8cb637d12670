export {
  type LinearParams,
  Singd,
  type SingdLayerMemory,
  type SingdMemoryReport,
  type SingdOptions,
  type SingdStepResult,
} from './singd.js';
