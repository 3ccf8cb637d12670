import { DTYPES, type DType, describeValue } from '@singd/half';
import {
  type Backend,
  createCpuBackend,
  type DeviceBuffer,
  KERNEL_NAMES,
  type Kernels,
  registerBackend,
  setBackend,
} from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
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
} from './elementwise-kernels.js';
import { gemm } from './gemm-kernel.js';
import { TfjsHostBuffer } from './host-buffer.js';
import {
  packedGram,
  packedTransposedGram,
  packedTriangularMatmul,
  packedTriangularProduct,
} from './packed-triangular-kernels.js';
import { asTfjsBuffer, TFJS_BACKEND_NAME, TfjsBuffer } from './tfjs-buffer.js';
import { columnAutocorrelations, toeplitzMatmul, toeplitzProduct } from './toeplitz-kernels.js';
import { writeVector } from './views.js';

/** Every kernel of the registry, implemented with TensorFlow.js ops (float32 tensor buffers). */
const tfjsKernels: Kernels = {
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

const cpu = createCpuBackend();

function checkDType(dtype: DType): void {
  if (!DTYPES.includes(dtype)) {
    throw new RangeError(
      `dtype must be one of ${DTYPES.map((d) => `'${d}'`).join(', ')}; got ${describeValue(dtype)}`,
    );
  }
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`length must be a non-negative integer; got ${describeValue(length)}`);
  }
}

/** A `tfjs` backend buffer of either kind; throws a TypeError naming the owner of a foreign buffer. */
function ownBuffer(buffer: DeviceBuffer, name = 'buffer'): TfjsBuffer | TfjsHostBuffer {
  if (buffer instanceof TfjsHostBuffer) return buffer;
  return asTfjsBuffer(buffer, name);
}

function isView(value: unknown): value is { readonly buffer: DeviceBuffer } {
  return typeof value === 'object' && value !== null && 'buffer' in value;
}

type AnyKernel = (...args: unknown[]) => unknown;

/**
 * Kernel `name` of the `tfjs` backend: the tensor kernel when every buffer of the call is a
 * float32 tensor buffer; otherwise (a host buffer of another dtype takes part) the `cpu`
 * kernel on host copies, float32 tensor operands read once per call and a tensor output
 * written back, so the half formats keep the `cpu` backend's bit-exact emulation.
 */
function route<K extends keyof Kernels>(name: K): Kernels[K] {
  const device = tfjsKernels[name] as AnyKernel;
  const host = cpu.kernels[name] as AnyKernel;
  const kernel = (...args: unknown[]): unknown => {
    const buffers = args.filter(isView).map((view) => ownBuffer(view.buffer));
    if (!buffers.some((buffer) => buffer instanceof TfjsHostBuffer)) return device(...args);
    const copies = new Map<TfjsBuffer, DeviceBuffer>();
    const onHost = (buffer: TfjsBuffer | TfjsHostBuffer): DeviceBuffer => {
      if (buffer instanceof TfjsHostBuffer) return buffer.inner;
      let copy = copies.get(buffer);
      if (copy === undefined)
        copies.set(buffer, (copy = cpu.uploadRaw('float32', buffer.tensor.dataSync() as Float32Array)));
      return copy;
    };
    const result = host(
      ...args.map((arg) => (isView(arg) ? { ...arg, buffer: onHost(ownBuffer(arg.buffer)) } : arg)),
    );
    // Every kernel with an output has it first.
    const first = args[0];
    if (result === undefined && isView(first)) {
      const out = ownBuffer(first.buffer);
      if (out instanceof TfjsBuffer) out.replace(tf.tensor1d(cpu.readRaw(onHost(out)) as Float32Array));
    }
    return result;
  };
  return kernel as Kernels[K];
}

const kernels = Object.fromEntries(KERNEL_NAMES.map((name) => [name, route(name)])) as unknown as Kernels;

/**
 * A `tfjs` kernel backend for `@singd/structured-matrix`: every kernel of the registry runs as
 * TensorFlow.js ops on whichever tfjs backend is active (`cpu`, `wasm` with XNNPACK, `webgl`,
 * tfjs-node), and a matrix's entries stay in a tensor between kernels
 * ({@link TfjsBuffer}); only `read`/`readRaw` and the scalar reductions (`sum`, `sumSquares`,
 * `maxAbs`, behind `averageTrace`, `frobeniusNorm`, `maxAbsEntry`) copy data to the host.
 *
 * Precision: float32 runs on TensorFlow.js. TensorFlow.js has no bit-exact bfloat16/float16
 * arithmetic and no portable float64, so buffers of those dtypes fall back to the host: they
 * are `cpu` backend buffers behind a `tfjs` handle ({@link TfjsHostBuffer}) and their kernels
 * are the `cpu` kernels (bit-exact emulation, `cpu` speed, float32 tensor operands copied to
 * the host for that call). Use float32 to compute inside TensorFlow.js.
 *
 * Memory: a float32 buffer owns one kept tensor. `dispose(buffer)` frees it at once; a buffer
 * dropped without `dispose` (as the structures do with some intermediates) has its tensor
 * disposed when the garbage collector reclaims the handle. Kernels run inside `tf.tidy` and
 * leave no other tensor behind.
 *
 * The backend is not registered by creating it: see {@link registerTfjsBackend}.
 *
 * @example
 * ```ts
 * const backend = createTfjsBackend();
 * const buffer = backend.upload('float32', [1, 2, 3]);
 * backend.read(buffer); // Float64Array [1, 2, 3]
 * backend.dispose(buffer);
 * ```
 */
export function createTfjsBackend(): Backend {
  return {
    name: TFJS_BACKEND_NAME,
    dtypes: ['float32', 'float64', 'bfloat16', 'float16'],
    kernels,
    allocate(dtype: DType, length: number): DeviceBuffer {
      checkDType(dtype);
      checkLength(length);
      if (dtype !== 'float32') return new TfjsHostBuffer(cpu.allocate(dtype, length));
      return new TfjsBuffer(tf.zeros([length]));
    },
    upload(dtype: DType, values: ArrayLike<number>): DeviceBuffer {
      checkDType(dtype);
      if (dtype !== 'float32') return new TfjsHostBuffer(cpu.upload(dtype, values));
      return new TfjsBuffer(tf.tensor1d(Float32Array.from(values)));
    },
    write(buffer: DeviceBuffer, values: ArrayLike<number>, offset = 0): void {
      const target = ownBuffer(buffer);
      if (target instanceof TfjsHostBuffer) {
        cpu.write(target.inner, values, offset);
        return;
      }
      if (!Number.isInteger(offset) || offset < 0 || offset + values.length > target.length) {
        throw new RangeError(
          `offset (${describeValue(offset)}) + values.length (${values.length}) must fit in the buffer's length ${target.length}`,
        );
      }
      tf.tidy(() =>
        writeVector(
          { buffer: target, offset, length: values.length, stride: 1 },
          tf.tensor1d(Float32Array.from(values)),
        ),
      );
    },
    read(buffer: DeviceBuffer): Float64Array {
      const source = ownBuffer(buffer);
      if (source instanceof TfjsHostBuffer) return cpu.read(source.inner);
      return Float64Array.from(source.tensor.dataSync());
    },
    clone(buffer: DeviceBuffer): DeviceBuffer {
      const source = ownBuffer(buffer);
      if (source instanceof TfjsHostBuffer) return new TfjsHostBuffer(cpu.clone(source.inner));
      return new TfjsBuffer(tf.clone(source.tensor));
    },
    readRaw(buffer: DeviceBuffer): Float64Array | Float32Array | Uint16Array {
      const source = ownBuffer(buffer);
      if (source instanceof TfjsHostBuffer) return cpu.readRaw(source.inner);
      return Float32Array.from(source.tensor.dataSync());
    },
    uploadRaw(dtype: DType, raw: Float64Array | Float32Array | Uint16Array): DeviceBuffer {
      checkDType(dtype);
      if (dtype !== 'float32') return new TfjsHostBuffer(cpu.uploadRaw(dtype, raw));
      if (!(raw instanceof Float32Array)) {
        throw new TypeError(`raw data for dtype 'float32' must be a Float32Array; got ${describeValue(raw)}`);
      }
      return new TfjsBuffer(tf.tensor1d(raw.slice()));
    },
    dispose(buffer: DeviceBuffer): void {
      const target = ownBuffer(buffer);
      if (target instanceof TfjsBuffer) target.dispose();
    },
  };
}

let registered: Backend | undefined;

/**
 * Registers the `tfjs` backend with `@singd/structured-matrix` (once; later calls return the
 * same backend) and, with `select: true`, makes it the backend new matrices are created on.
 * Call after `await tf.ready()` / `await tf.setBackend(...)`.
 *
 * @example
 * ```ts
 * const backend = registerTfjsBackend();
 * const s = project({ kind: 'diagonal' }, [[2, 1], [1, 3]], { backend });
 * s.toRows(); // [[2, 0], [0, 3]]
 * ```
 */
export function registerTfjsBackend(options: { readonly select?: boolean } = {}): Backend {
  registered ??= createTfjsBackend();
  registerBackend(registered);
  if (options.select === true) setBackend(TFJS_BACKEND_NAME);
  return registered;
}
