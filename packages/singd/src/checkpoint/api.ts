/**
 * Plain-data optimizer state, as checkpoints see it.
 *
 * @packageDocumentation
 */

/** Dtype tag of a {@link HalfLeaf}: which 16-bit float format its bit patterns encode. */
export type HalfFormat = 'bfloat16' | 'float16';

/**
 * A tensor stored as 16-bit float bit patterns, tagged with its format.
 *
 * This is the only record shape with a meaning of its own: a record whose keys are exactly
 * `$half` (`'bfloat16' | 'float16'`) and `bits` (a `Uint16Array`) is a half leaf. A bare
 * `Uint16Array` leaf is raw `uint16` data (no float meaning). Half leaves are stored as their
 * 16-bit patterns, two bytes per element, never widened.
 *
 * @example
 * const leaf: HalfLeaf = { $half: 'bfloat16', bits: new Uint16Array([0x3f80]) }; // [1]
 */
export interface HalfLeaf {
  readonly $half: HalfFormat;
  readonly bits: Uint16Array;
}

/**
 * A plain-data state tree: what a checkpoint stores and restores.
 *
 * Leaves: numbers (every value, including `-0`, `NaN`, `±Infinity`, round-trips exactly),
 * strings, booleans, `null`, `Float64Array`, `Float32Array`, `Uint16Array` (raw uint16) and
 * {@link HalfLeaf} (bfloat16 / float16 bit patterns). Inner nodes: arrays and string-keyed records.
 * Record keys are arbitrary strings (keys starting with `$` are escaped in the file); typed
 * arrays must not be shared between two places if the restored tree should keep them separate
 * (each occurrence is stored, and restored, as its own buffer).
 */
export type StateTree =
  | number
  | string
  | boolean
  | null
  | Float64Array
  | Float32Array
  | Uint16Array
  | HalfLeaf
  | readonly StateTree[]
  | { readonly [key: string]: StateTree };

/** A record node of a {@link StateTree}. */
export type StateRecord = { readonly [key: string]: StateTree };

/**
 * The kind of a tree node, as used in checkpoint headers and mismatch messages. Typed arrays
 * and half leaves are named by their element dtype.
 */
export type StateNodeKind =
  | 'number'
  | 'string'
  | 'boolean'
  | 'null'
  | 'float64'
  | 'float32'
  | 'uint16'
  | HalfFormat
  | 'array'
  | 'record';

/** True when `value` is a {@link HalfLeaf}: exactly the keys `$half` (a half format) and `bits` (a Uint16Array). O(1). */
export function isHalfLeaf(value: unknown): value is HalfLeaf {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    return false;
  }
  const keys = Object.keys(value);
  if (keys.length !== 2) return false;
  const record = value as { $half?: unknown; bits?: unknown };
  return (record.$half === 'bfloat16' || record.$half === 'float16') && record.bits instanceof Uint16Array;
}

/** The {@link StateNodeKind} of a tree node. O(1). Throws a TypeError for values outside {@link StateTree}. */
export function stateNodeKind(value: StateTree): StateNodeKind {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'object':
      break;
    default:
      throw new TypeError(`not a state tree value: ${typeof value}`);
  }
  if (value instanceof Float64Array) return 'float64';
  if (value instanceof Float32Array) return 'float32';
  if (value instanceof Uint16Array) return 'uint16';
  if (Array.isArray(value)) return 'array';
  if (ArrayBuffer.isView(value))
    throw new TypeError(`unsupported typed array in state tree: ${value.constructor.name}`);
  if (isHalfLeaf(value)) return value.$half;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(
      `unsupported object in state tree: ${(value as object).constructor?.name ?? 'unknown'}`,
    );
  }
  return 'record';
}
