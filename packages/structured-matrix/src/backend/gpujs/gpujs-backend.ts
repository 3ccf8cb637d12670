import { assertDType, type DType, describeValue } from '@singd/half';
import { GPU } from 'gpu.js';
import type { Backend } from '../backend.js';
import type { DeviceBuffer } from '../buffer.js';
import type { Kernels } from '../kernels.js';
import { createElementwiseKernels } from './elementwise-kernels.js';
import { createGemmKernel } from './gemm-kernel.js';
import { GpujsBuffer } from './gpujs-buffer.js';
import { GpujsKernelHost } from './kernel-host.js';
import { type GpujsMode, resolveGpujsMode } from './modes.js';
import { createPackedKernels } from './packed-kernels.js';
import { createReductionKernels } from './reduction-kernels.js';
import { type GpujsCompileStats, GpujsRunner } from './runner.js';
import { MAX_INDEX } from './source.js';
import { createToeplitzKernels } from './toeplitz-kernels.js';

/** Options of {@link createGpujsBackend}. */
export interface GpujsBackendOptions {
  /** Force a gpu.js mode (default: the best available, see {@link availableGpujsModes}). */
  readonly mode?: GpujsMode;
  /** Registry name (default `'gpujs'`); distinct names let several modes be registered at once. */
  readonly name?: string;
}

/** A {@link Backend} on gpu.js, with the mode it runs on and its kernel compile counters. */
export interface GpujsBackend extends Backend {
  /** The gpu.js mode in use (`headlessgl`, `webgl2`, `webgl`, `webasm` or `cpu`). */
  readonly mode: GpujsMode;
  /** Compile counters: kernels compiled, milliseconds in first calls, calls served from the cache. */
  compileStats(): GpujsCompileStats;
  /** Waits until queued device work is done (GL modes: `gl.finish()`); for timing. */
  finish(): void;
  /** Destroys the compiled kernels and the gpu.js instance (buffers become unusable). */
  destroy(): void;
}

function checkLength(length: unknown, name: string): number {
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length >= MAX_INDEX) {
    throw new RangeError(`${name} must be an integer in [0, 2^23); got ${describeValue(length)}`);
  }
  return length;
}

function checkDType(dtype: DType): 'float32' {
  assertDType(dtype);
  if (dtype !== 'float32') {
    throw new RangeError(`dtype must be 'float32' on the gpujs backend (precision 'single'); got '${dtype}'`);
  }
  return dtype;
}

/**
 * A backend whose every kernel is a gpu.js kernel in precision `'single'` (float32 storage and
 * arithmetic; float32 is the only dtype). On the GL modes (`headlessgl`, `webgl2`, `webgl`)
 * buffers are textures that stay on the device from kernel to kernel (`pipeline: true`); only
 * {@link Backend.read}/`readRaw` and the scalar reductions read back. On `webasm` and `cpu` the
 * "device" is the host and buffers are Float32Arrays. Kernels are generated per shape and
 * compiled once per shape (see {@link GpujsBackend.compileStats}).
 *
 * Numerics: GL and webasm accumulate dot products and sums in float32 (the `cpu` mode of gpu.js
 * in float64 JavaScript numbers, rounded on store); scalar reductions add float32 partials of 32
 * elements in float64.
 *
 * @throws RangeError for an unknown mode name; Error if the requested mode is unavailable here.
 * @example
 * ```ts
 * import { registerBackend } from '@singd/structured-matrix';
 * import { createGpujsBackend } from '@singd/structured-matrix/backend-gpujs';
 * const backend = createGpujsBackend({ mode: 'cpu' });
 * registerBackend(backend); // now available as getBackend('gpujs')
 * ```
 */
export function createGpujsBackend(options: GpujsBackendOptions = {}): GpujsBackend {
  const mode = resolveGpujsMode(options.mode);
  const name = options.name ?? 'gpujs';
  if (typeof name !== 'string' || name.length === 0) {
    throw new RangeError(`name must be a non-empty string; got ${describeValue(name)}`);
  }
  const gpu = new GPU({ mode });
  const runner = new GpujsRunner(gpu, mode);
  const owner = {};
  const host = new GpujsKernelHost(runner, owner);
  const kernels: Kernels = {
    ...createGemmKernel(host),
    ...createElementwiseKernels(host),
    ...createReductionKernels(host),
    ...createToeplitzKernels(host),
    ...createPackedKernels(host),
  };
  const make = (values: Float32Array): GpujsBuffer =>
    new GpujsBuffer(name, owner, values.length, runner.upload(values));

  return {
    name,
    mode,
    dtypes: ['float32'],
    kernels,
    allocate(dtype: DType, length: number): DeviceBuffer {
      checkDType(dtype);
      return make(new Float32Array(checkLength(length, 'length')));
    },
    upload(dtype: DType, values: ArrayLike<number>): DeviceBuffer {
      checkDType(dtype);
      checkLength(values.length, 'values.length');
      return make(Float32Array.from(values));
    },
    write(buffer: DeviceBuffer, values: ArrayLike<number>, offset = 0): void {
      const target = host.buffer(buffer, 'buffer');
      if (!Number.isInteger(offset) || offset < 0 || offset + values.length > target.length) {
        throw new RangeError(
          `offset (${offset}) + values.length (${values.length}) must fit in the buffer's length ${target.length}`,
        );
      }
      if (values.length === 0) return;
      const data = target.data;
      if (data instanceof Float32Array) {
        const copy = data.slice();
        copy.set(Float32Array.from(values), offset);
        target.replace(copy);
        return;
      }
      const body = `if (e < ${offset} || e >= ${offset + values.length}) { return old[e]; }\nreturn v[e - ${offset}];`;
      target.replace(runner.run(['old', 'v'], body, target.length, [target, Float32Array.from(values)]));
    },
    read(buffer: DeviceBuffer): Float64Array {
      const source = host.buffer(buffer, 'buffer');
      return Float64Array.from(runner.download(source.data, source.length));
    },
    clone(buffer: DeviceBuffer): DeviceBuffer {
      const source = host.buffer(buffer, 'buffer');
      if (!runner.usesTextures || source.length === 0) {
        return new GpujsBuffer(name, owner, source.length, runner.download(source.data, source.length));
      }
      return new GpujsBuffer(
        name,
        owner,
        source.length,
        runner.run(['x'], 'return x[e];', source.length, [source]),
      );
    },
    readRaw(buffer: DeviceBuffer): Float32Array {
      const source = host.buffer(buffer, 'buffer');
      return runner.download(source.data, source.length);
    },
    uploadRaw(dtype: DType, raw: Float64Array | Float32Array | Uint16Array): DeviceBuffer {
      checkDType(dtype);
      if (!(raw instanceof Float32Array)) {
        throw new TypeError(`raw data for dtype 'float32' must be a Float32Array; got ${describeValue(raw)}`);
      }
      checkLength(raw.length, 'raw.length');
      return make(raw);
    },
    dispose(buffer: DeviceBuffer): void {
      host.buffer(buffer, 'buffer').release();
    },
    compileStats: () => runner.stats(),
    finish: () => runner.finish(),
    destroy(): void {
      runner.clear();
      void gpu.destroy();
    },
  };
}
