import {
  assertDType,
  type DType,
  decodeBFloat16,
  decodeFloat16,
  describeValue,
  encodeBFloat16,
  encodeFloat16,
} from '@singd/half';
import type { Backend } from '../backend.js';
import type { DeviceBuffer } from '../buffer.js';
import type { Kernels } from '../kernels.js';
import { allocateStorage, asCpuBuffer, CpuBuffer } from './cpu-buffer.js';
import {
  addScalar,
  axpby,
  columnSquaredSums,
  copy,
  diagonalSums,
  fill,
  maxAbs,
  multiply,
  rowSquaredSums,
  scaleColumns,
  scaleRows,
  sum,
  sumSquares,
} from './elementwise.js';
import { gemm } from './gemm.js';
import {
  packedGram,
  packedTransposedGram,
  packedTriangularMatmul,
  packedTriangularProduct,
} from './packed-triangular.js';
import { columnAutocorrelations, toeplitzMatmul, toeplitzProduct } from './toeplitz.js';

const cpuKernels: Kernels = {
  gemm,
  scaleRows,
  scaleColumns,
  axpby,
  multiply,
  fill,
  addScalar,
  copy,
  rowSquaredSums,
  columnSquaredSums,
  diagonalSums,
  toeplitzMatmul,
  toeplitzProduct,
  columnAutocorrelations,
  packedTriangularMatmul,
  packedTriangularProduct,
  packedGram,
  packedTransposedGram,
  sum,
  sumSquares,
  maxAbs,
};

function storeInto(buffer: CpuBuffer, values: ArrayLike<number>, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + values.length > buffer.length) {
    throw new RangeError(
      `offset (${offset}) + values.length (${values.length}) must fit in the buffer's length ${buffer.length}`,
    );
  }
  const data = buffer.data;
  if (data instanceof Uint16Array) {
    const source =
      values instanceof Float32Array || values instanceof Float64Array ? values : Float64Array.from(values);
    const target = data.subarray(offset, offset + values.length);
    if (buffer.dtype === 'float16') encodeFloat16(target, source);
    else encodeBFloat16(target, source);
  } else {
    for (let i = 0; i < values.length; i++) data[offset + i] = values[i]!;
  }
}

/**
 * The `cpu` backend: typed arrays on the JavaScript heap, all four dtypes (bfloat16 and
 * float16 stored as 16-bit patterns, computed in float32 and rounded on every store).
 */
export function createCpuBackend(): Backend {
  return {
    name: 'cpu',
    dtypes: ['float64', 'float32', 'bfloat16', 'float16'],
    kernels: cpuKernels,
    allocate(dtype: DType, length: number): DeviceBuffer {
      assertDType(dtype);
      if (!Number.isInteger(length) || length < 0) {
        throw new RangeError(`length must be a non-negative integer; got ${describeValue(length)}`);
      }
      return CpuBuffer.zeros(dtype, length);
    },
    upload(dtype: DType, values: ArrayLike<number>): DeviceBuffer {
      const buffer = CpuBuffer.zeros(assertDType(dtype), values.length);
      storeInto(buffer, values, 0);
      return buffer;
    },
    write(buffer: DeviceBuffer, values: ArrayLike<number>, offset = 0): void {
      storeInto(asCpuBuffer(buffer, 'buffer'), values, offset);
    },
    read(buffer: DeviceBuffer): Float64Array {
      const { data, dtype } = asCpuBuffer(buffer, 'buffer');
      if (data instanceof Uint16Array) {
        return Float64Array.from(
          dtype === 'float16' ? decodeFloat16(null, data) : decodeBFloat16(null, data),
        );
      }
      return Float64Array.from(data);
    },
    clone(buffer: DeviceBuffer): DeviceBuffer {
      const source = asCpuBuffer(buffer, 'buffer');
      return new CpuBuffer(source.dtype, source.data.slice());
    },
    readRaw(buffer: DeviceBuffer): Float64Array | Float32Array | Uint16Array {
      return asCpuBuffer(buffer, 'buffer').data.slice();
    },
    uploadRaw(dtype: DType, raw: Float64Array | Float32Array | Uint16Array): DeviceBuffer {
      const expected = allocateStorage(assertDType(dtype), 0).constructor;
      if (raw.constructor !== expected) {
        throw new TypeError(
          `raw data for dtype '${dtype}' must be a ${expected.name}; got ${describeValue(raw)}`,
        );
      }
      return new CpuBuffer(dtype, raw.slice());
    },
    dispose(): void {
      // Garbage-collected.
    },
  };
}
