export {
  type HalfFormat,
  type HalfLeaf,
  isHalfLeaf,
  type StateNodeKind,
  type StateRecord,
  type StateTree,
  stateNodeKind,
} from './api.js';
export { assertCompatible, describeMismatch, isBitIdentical } from './compare.js';
export { deserializeCheckpoint } from './deserialize.js';
export { CheckpointError, type CheckpointErrorReason } from './errors.js';
export {
  align8,
  BUFFER_ELEMENT_BYTES,
  type BufferDescriptor,
  type BufferType,
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINT_MAGIC,
  CHECKSUM_BYTES,
  crc32,
  PREAMBLE_BYTES,
  type SpecialNumber,
} from './format.js';
export { restoreCheckpoint } from './restore.js';
export { serializeCheckpoint } from './serialize.js';
