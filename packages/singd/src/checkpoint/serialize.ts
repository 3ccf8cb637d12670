import { isHalfLeaf, type StateTree, stateNodeKind } from './api.js';
import {
  align8,
  BUFFER_ELEMENT_BYTES,
  type BufferType,
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINT_MAGIC,
  CHECKSUM_BYTES,
  crc32,
  PLATFORM_LITTLE_ENDIAN,
  PREAMBLE_BYTES,
} from './format.js';

interface PendingBuffer {
  readonly type: BufferType;
  readonly data: Float64Array | Float32Array | Uint16Array;
  readonly byteOffset: number;
}

/** Defines an own enumerable property, so that keys like `__proto__` stay plain data. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function encodeNumber(value: number): unknown {
  if (Number.isNaN(value)) return { $number: 'NaN' };
  if (value === Number.POSITIVE_INFINITY) return { $number: 'Infinity' };
  if (value === Number.NEGATIVE_INFINITY) return { $number: '-Infinity' };
  if (Object.is(value, -0)) return { $number: '-0' };
  return value;
}

/**
 * Serialises a plain-data state tree to the versioned checkpoint format (layout in
 * `format.ts`): magic, version, JSON header, 8-byte-aligned little-endian buffers, CRC32.
 *
 * Exact: every number (including `-0`, `NaN`, `±Infinity`) and every typed-array bit pattern
 * (NaN payloads included) comes back from {@link deserializeCheckpoint} unchanged; half leaves
 * stay 16-bit. The input is not modified, and the output shares no memory with it.
 *
 * Cost: O(bytes) time and one output allocation (plus the header string).
 *
 * @throws TypeError if the value is not a {@link StateTree} (e.g. a Map, a class instance,
 * an Int32Array, undefined, a cycle).
 *
 * @example
 * const bytes = serializeCheckpoint({ steps: 3, K: new Float32Array([1, 0, 0, 1]) });
 * deserializeCheckpoint(bytes); // { steps: 3, K: Float32Array [1, 0, 0, 1] }
 */
export function serializeCheckpoint(tree: StateTree): Uint8Array {
  const buffers: PendingBuffer[] = [];
  let dataBytes = 0;
  const ancestors = new Set<object>();

  const addBuffer = (type: BufferType, data: Float64Array | Float32Array | Uint16Array): unknown => {
    const byteOffset = dataBytes;
    buffers.push({ type, data, byteOffset });
    dataBytes = align8(byteOffset + data.length * BUFFER_ELEMENT_BYTES[type]);
    return { $buffer: buffers.length - 1, type, length: data.length, byteOffset };
  };

  const encode = (value: StateTree): unknown => {
    const kind = stateNodeKind(value);
    switch (kind) {
      case 'number':
        return encodeNumber(value as number);
      case 'string':
      case 'boolean':
      case 'null':
        return value;
      case 'float64':
      case 'float32':
      case 'uint16':
        return addBuffer(kind, value as Float64Array | Float32Array | Uint16Array);
      case 'bfloat16':
      case 'float16':
        if (!isHalfLeaf(value)) throw new TypeError('internal: half leaf expected');
        return addBuffer(kind, value.bits);
      case 'array':
      case 'record': {
        const node = value as object;
        if (ancestors.has(node)) throw new TypeError('state tree contains a cycle');
        ancestors.add(node);
        let out: unknown;
        if (kind === 'array') {
          out = (value as readonly StateTree[]).map(encode);
        } else {
          const record: Record<string, unknown> = {};
          for (const [key, child] of Object.entries(value as Record<string, StateTree>)) {
            setOwn(record, key.startsWith('$') ? `$${key}` : key, encode(child));
          }
          out = record;
        }
        ancestors.delete(node);
        return out;
      }
    }
  };

  const header = { buffers: 0, tree: encode(tree) };
  header.buffers = buffers.length;
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(PREAMBLE_BYTES + headerBytes.length);
  const checksumOffset = dataStart + dataBytes;
  const out = new Uint8Array(checksumOffset + CHECKSUM_BYTES);
  const view = new DataView(out.buffer);

  out.set(CHECKPOINT_MAGIC, 0);
  view.setUint32(8, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, PREAMBLE_BYTES);
  for (const { type, data, byteOffset } of buffers) {
    const at = dataStart + byteOffset;
    if (PLATFORM_LITTLE_ENDIAN) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    } else if (type === 'float64') {
      for (let i = 0; i < data.length; i++) view.setFloat64(at + 8 * i, data[i]!, true);
    } else if (type === 'float32') {
      for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i]!, true);
    } else {
      for (let i = 0; i < data.length; i++) view.setUint16(at + 2 * i, data[i]!, true);
    }
  }
  view.setUint32(checksumOffset, crc32(out, 0, checksumOffset), true);
  return out;
}
