import type { DType } from '@singd/half';
import type { DeviceBuffer } from './buffer.js';
import type { Kernels } from './kernels.js';

/**
 * A kernel backend: owns buffers and implements the {@link Kernels}. Data stays on the
 * backend between kernels; only {@link Backend.read} copies it back to the host.
 */
export interface Backend {
  /** Registry name, e.g. `'cpu'`. */
  readonly name: string;
  /** The dtypes this backend can store; the `cpu` backend emulates all four. */
  readonly dtypes: readonly DType[];
  readonly kernels: Kernels;
  /** A new buffer of `length` zeros. */
  allocate(dtype: DType, length: number): DeviceBuffer;
  /** A new buffer holding `values` rounded to `dtype`. */
  upload(dtype: DType, values: ArrayLike<number>): DeviceBuffer;
  /** Copies `values` (rounded to the buffer's dtype) into `buffer` from element `offset` on. */
  write(buffer: DeviceBuffer, values: ArrayLike<number>, offset?: number): void;
  /** The elements of `buffer` as exact float64 values (a host copy). */
  read(buffer: DeviceBuffer): Float64Array;
  /** A new buffer with the same dtype and elements. */
  clone(buffer: DeviceBuffer): DeviceBuffer;
  /** The raw stored representation (a host copy): 16-bit patterns for half dtypes. */
  readRaw(buffer: DeviceBuffer): Float64Array | Float32Array | Uint16Array;
  /** A new buffer from a raw representation as returned by {@link Backend.readRaw} (no rounding). */
  uploadRaw(dtype: DType, raw: Float64Array | Float32Array | Uint16Array): DeviceBuffer;
  /** Releases a buffer's device memory (a no-op where the garbage collector owns it). */
  dispose(buffer: DeviceBuffer): void;
}
