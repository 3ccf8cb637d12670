import type { StateTree } from './api.js';
import { assertCompatible } from './compare.js';
import { deserializeCheckpoint } from './deserialize.js';

/**
 * Reads a checkpoint and checks it fits `expected` (the running state), returning the restored
 * tree only if both succeed. Pure: nothing is mutated, so on any error the caller's state is
 * unchanged. Throws {@link CheckpointError} (any reason, `'mismatch'` listing every difference).
 * O(bytes + nodes).
 */
export function restoreCheckpoint(bytes: Uint8Array, expected: StateTree): StateTree {
  const restored = deserializeCheckpoint(bytes);
  assertCompatible(expected, restored);
  return restored;
}
