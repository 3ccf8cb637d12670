import {
  type DType,
  decodeBFloat16,
  decodeFloat16,
  describeValue,
  encodeBFloat16,
  encodeFloat16,
  FORMATS,
} from '@singd/half';
import type { DeviceBuffer } from '../buffer.js';

/** The typed array a cpu kernel computes on: float64 for float64 data, float32 otherwise. */
export type ComputeArray = Float32Array | Float64Array;

/** Raw storage of a cpu buffer: native floats, or 16-bit patterns for the half formats. */
export type CpuStorage = Float64Array | Float32Array | Uint16Array;

/**
 * A `cpu` backend buffer: the elements in a typed array of the dtype's real width
 * (Float64Array, Float32Array, or Uint16Array bit patterns for bfloat16/float16).
 */
export class CpuBuffer implements DeviceBuffer {
  readonly backend = 'cpu';
  readonly dtype: DType;
  readonly data: CpuStorage;

  constructor(dtype: DType, data: CpuStorage) {
    this.dtype = dtype;
    this.data = data;
  }

  get length(): number {
    return this.data.length;
  }

  get byteLength(): number {
    return this.data.byteLength;
  }

  /** A zero-filled buffer of `length` elements. */
  static zeros(dtype: DType, length: number): CpuBuffer {
    return new CpuBuffer(dtype, allocateStorage(dtype, length));
  }
}

/** A typed array of `length` zeros of the dtype's storage type. */
export function allocateStorage(dtype: DType, length: number): CpuStorage {
  switch (dtype) {
    case 'float64':
      return new Float64Array(length);
    case 'float32':
      return new Float32Array(length);
    default:
      return new Uint16Array(length);
  }
}

/** Checks that `buffer` is a cpu buffer and returns it typed. */
export function asCpuBuffer(buffer: DeviceBuffer, name: string): CpuBuffer {
  if (!(buffer instanceof CpuBuffer)) {
    throw new TypeError(
      `${name} must be a buffer of the 'cpu' backend; got ${describeValue(buffer)} of '${buffer.backend}'`,
    );
  }
  return buffer;
}

/**
 * The arrays of one kernel call: each buffer's compute array (half buffers decoded to
 * float32 once per call, shared between aliased operands), and, on `commit`, the half
 * outputs rounded and encoded back into their 16-bit storage.
 */
export class KernelScope {
  private readonly decoded = new Map<CpuBuffer, Float32Array>();

  /** The compute array of `buffer` (its own storage for float32/float64). */
  array(buffer: DeviceBuffer): ComputeArray {
    const cpuBuffer = asCpuBuffer(buffer, 'buffer');
    const data = cpuBuffer.data;
    if (!(data instanceof Uint16Array)) return data;
    const cached = this.decoded.get(cpuBuffer);
    if (cached !== undefined) return cached;
    const values = cpuBuffer.dtype === 'float16' ? decodeFloat16(null, data) : decodeBFloat16(null, data);
    this.decoded.set(cpuBuffer, values);
    return values;
  }

  /** Rounds and stores the compute array of a half `output` back into its bit patterns. */
  commit(output: DeviceBuffer): void {
    const cpuBuffer = output as CpuBuffer;
    const values = this.decoded.get(cpuBuffer);
    if (values === undefined) return;
    const bits = cpuBuffer.data as Uint16Array;
    if (cpuBuffer.dtype === 'float16') encodeFloat16(bits, values);
    else encodeBFloat16(bits, values);
  }
}

/** Bytes per element of `dtype`. */
export function bytesPerElement(dtype: DType): number {
  return FORMATS[dtype].bytesPerElement;
}
