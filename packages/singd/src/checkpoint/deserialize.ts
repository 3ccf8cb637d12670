import type { HalfLeaf, StateTree } from './api.js';
import { CheckpointError } from './errors.js';
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

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

function corrupt(message: string): CheckpointError {
  return new CheckpointError('corrupt-header', `corrupt checkpoint header: ${message}`);
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SPECIAL_NUMBERS: Readonly<Record<string, number>> = {
  '-0': -0,
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/**
 * Reads the format preamble (magic, version, header length) and checks the file size and checksum.
 * Returns where the header and the buffer section lie.
 */
function checkFrame(bytes: Uint8Array): { headerLength: number; dataStart: number; checksumOffset: number } {
  const magicBytes = Math.min(bytes.length, CHECKPOINT_MAGIC.length);
  for (let i = 0; i < magicBytes; i++) {
    if (bytes[i] !== CHECKPOINT_MAGIC[i]) {
      throw new CheckpointError(
        'bad-magic',
        'not a SINGD checkpoint: the file does not start with "SINGDCKP"',
      );
    }
  }
  const minimum = PREAMBLE_BYTES + CHECKSUM_BYTES;
  if (bytes.length < minimum) {
    throw new CheckpointError(
      'truncated',
      `truncated checkpoint: ${bytes.length} bytes, fewer than the ${minimum}-byte minimum`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      'unsupported-version',
      `unsupported checkpoint format version ${version}; this reader supports version ${CHECKPOINT_FORMAT_VERSION}`,
    );
  }
  const headerLength = view.getUint32(12, true);
  const dataStart = align8(PREAMBLE_BYTES + headerLength);
  if (dataStart + CHECKSUM_BYTES > bytes.length) {
    throw new CheckpointError(
      'truncated',
      `truncated checkpoint: the ${headerLength}-byte header needs at least ${dataStart + CHECKSUM_BYTES} bytes, got ${bytes.length}`,
    );
  }
  const checksumOffset = bytes.length - CHECKSUM_BYTES;
  const stored = view.getUint32(checksumOffset, true);
  const computed = crc32(bytes, 0, checksumOffset);
  if (stored !== computed) {
    throw new CheckpointError(
      'checksum',
      `checkpoint checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)}): the file is corrupt or truncated`,
    );
  }
  return { headerLength, dataStart, checksumOffset };
}

interface Descriptor {
  readonly index: number;
  readonly type: BufferType;
  readonly length: number;
  readonly byteOffset: number;
  readonly path: string;
}

function readDescriptor(node: Record<string, unknown>, path: string): Descriptor {
  const keys = Object.keys(node).sort().join(',');
  if (keys !== '$buffer,byteOffset,length,type') throw corrupt(`${path}: buffer entry has keys ${keys}`);
  const { $buffer: index, type, length, byteOffset } = node;
  if (typeof type !== 'string' || !Object.hasOwn(BUFFER_ELEMENT_BYTES, type)) {
    throw corrupt(`${path}: unknown buffer type ${JSON.stringify(type)}`);
  }
  for (const [name, value] of [
    ['$buffer', index],
    ['length', length],
    ['byteOffset', byteOffset],
  ] as const) {
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw corrupt(`${path}: ${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
  }
  return {
    index: index as number,
    type: type as BufferType,
    length: length as number,
    byteOffset: byteOffset as number,
    path,
  };
}

function readBuffer(
  bytes: Uint8Array,
  at: number,
  { type, length }: Descriptor,
): Float64Array | Float32Array | Uint16Array {
  const out =
    type === 'float64'
      ? new Float64Array(length)
      : type === 'float32'
        ? new Float32Array(length)
        : new Uint16Array(length);
  if (PLATFORM_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + out.byteLength));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = BUFFER_ELEMENT_BYTES[type];
  for (let i = 0; i < length; i++) {
    out[i] =
      type === 'float64'
        ? view.getFloat64(at + size * i, true)
        : type === 'float32'
          ? view.getFloat32(at + size * i, true)
          : view.getUint16(at + size * i, true);
  }
  return out;
}

/**
 * Reads a checkpoint written by {@link serializeCheckpoint} back into a state tree, bit-identical
 * to the one written (fresh typed arrays; nothing aliases `bytes`).
 *
 * Validates, in order: magic (`'bad-magic'`), format version (`'unsupported-version'`, naming
 * both versions), that the header fits (`'truncated'`), the CRC32 (`'checksum'`: corruption or
 * truncation), then the header JSON and the buffer layout — indices 0..n−1, known types,
 * canonical 8-byte-aligned offsets, exact file length (`'corrupt-header'`). Every failure is a
 * {@link CheckpointError}; no RangeError or SyntaxError escapes.
 *
 * Cost: O(bytes) time; allocates the tree and its typed arrays.
 */
export function deserializeCheckpoint(bytes: Uint8Array): StateTree {
  const { headerLength, dataStart, checksumOffset } = checkFrame(bytes);

  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength),
    );
    header = JSON.parse(text);
  } catch (error) {
    throw corrupt(`not valid UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isPlainObject(header) || !Object.hasOwn(header, 'tree') || !Object.hasOwn(header, 'buffers')) {
    throw corrupt('expected an object with "buffers" and "tree"');
  }
  const count = header['buffers'];
  if (!Number.isSafeInteger(count) || (count as number) < 0) {
    throw corrupt(`"buffers" must be a non-negative integer, got ${JSON.stringify(count)}`);
  }

  const descriptors: Descriptor[] = [];
  const placeholders: {
    descriptor: Descriptor;
    fill: (data: Float64Array | Float32Array | Uint16Array) => void;
  }[] = [];

  const decode = (node: unknown, path: string, assign: (value: StateTree) => void): void => {
    if (node === null || typeof node === 'string' || typeof node === 'boolean' || typeof node === 'number') {
      assign(node);
      return;
    }
    if (Array.isArray(node)) {
      const out: StateTree[] = new Array(node.length);
      node.forEach((child, i) => {
        decode(child, `${path}[${i}]`, (value) => {
          out[i] = value;
        });
      });
      assign(out);
      return;
    }
    if (!isPlainObject(node)) throw corrupt(`${path}: unexpected ${typeof node}`);
    if (Object.hasOwn(node, '$number')) {
      const special = node['$number'];
      if (
        Object.keys(node).length !== 1 ||
        typeof special !== 'string' ||
        !Object.hasOwn(SPECIAL_NUMBERS, special)
      ) {
        throw corrupt(`${path}: bad special number ${JSON.stringify(node)}`);
      }
      assign(SPECIAL_NUMBERS[special]!);
      return;
    }
    if (Object.hasOwn(node, '$buffer')) {
      const descriptor = readDescriptor(node, path);
      descriptors.push(descriptor);
      // Reserve the slot now so record key order is preserved; the data is filled in after layout checks.
      assign(null);
      placeholders.push({
        descriptor,
        fill: (data) => {
          if (descriptor.type === 'bfloat16' || descriptor.type === 'float16') {
            const leaf: HalfLeaf = { $half: descriptor.type, bits: data as Uint16Array };
            assign(leaf);
          } else {
            assign(data);
          }
        },
      });
      return;
    }
    const out: Record<string, StateTree> = {};
    for (const [key, child] of Object.entries(node)) {
      if (key.startsWith('$') && !key.startsWith('$$')) throw corrupt(`${path}: unknown marker key ${key}`);
      const name = key.startsWith('$') ? key.slice(1) : key;
      decode(child, `${path}.${name}`, (value) => setOwn(out, name, value));
    }
    assign(out);
    return;
  };

  let tree: StateTree = null;
  decode(header['tree'], 'state', (value) => {
    tree = value;
  });

  if (descriptors.length !== count) {
    throw corrupt(`header declares ${count as number} buffers but references ${descriptors.length}`);
  }
  const byIndex = new Array<Descriptor | undefined>(descriptors.length);
  for (const descriptor of descriptors) {
    if (descriptor.index >= descriptors.length || byIndex[descriptor.index] !== undefined) {
      throw corrupt(`${descriptor.path}: buffer index ${descriptor.index} is out of range or repeated`);
    }
    byIndex[descriptor.index] = descriptor;
  }
  let expectedOffset = 0;
  for (const descriptor of byIndex as Descriptor[]) {
    if (descriptor.byteOffset !== expectedOffset) {
      throw corrupt(
        `${descriptor.path}: buffer ${descriptor.index} at byte offset ${descriptor.byteOffset}, expected ${expectedOffset}`,
      );
    }
    expectedOffset = align8(expectedOffset + descriptor.length * BUFFER_ELEMENT_BYTES[descriptor.type]);
  }
  if (dataStart + expectedOffset !== checksumOffset) {
    throw corrupt(
      `the buffers need ${expectedOffset} bytes after the header, but the file has ${checksumOffset - dataStart}`,
    );
  }
  for (const { descriptor, fill } of placeholders) {
    fill(readBuffer(bytes, dataStart + descriptor.byteOffset, descriptor));
  }
  return tree;
}
