import type { DType } from '@singd/half';
import type { DeviceBuffer } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';

/** Registry name of the TensorFlow.js kernel backend. */
export const TFJS_BACKEND_NAME = 'tfjs';

/** The one box a buffer and the finalizer share: the tensor currently holding the elements. */
interface TensorCell {
  tensor: tf.Tensor1D | undefined;
}

/**
 * Releases the tensor of a buffer that was dropped without {@link TfjsBuffer.dispose}: the
 * structures of `@singd/structured-matrix` drop some intermediate buffers and leave them to the
 * garbage collector (the `cpu` backend's contract), so a tensor backend frees them when their
 * handle is collected. Explicit disposal unregisters and frees at once.
 */
const finalizer = new FinalizationRegistry<TensorCell>((cell) => {
  cell.tensor?.dispose();
  cell.tensor = undefined;
});

/**
 * A buffer of the `tfjs` backend: `length` float32 elements held by one kept, 1-D
 * `tf.Tensor1D` on the active TensorFlow.js backend (cpu, wasm, webgl, …). Kernels never
 * mutate a tensor (TensorFlow.js tensors are immutable): a kernel builds the buffer's next
 * tensor from the inputs and {@link TfjsBuffer.replace}s the old one, which it disposes, so a
 * live buffer holds exactly one tensor. Element values reach the host only through the
 * backend's `read`/`readRaw` (and the scalar reductions).
 */
export class TfjsBuffer implements DeviceBuffer {
  /** Always `'tfjs'`. */
  readonly backend = TFJS_BACKEND_NAME;
  /** Always `'float32'` (other dtypes live in `TfjsHostBuffer`s). */
  readonly dtype: DType = 'float32';
  /** Number of elements. */
  readonly length: number;
  readonly #cell: TensorCell;

  /** Takes ownership of `tensor` (1-D, float32, `length` elements): it is kept and later disposed by this buffer. */
  constructor(tensor: tf.Tensor1D) {
    this.length = tensor.size;
    this.#cell = { tensor: tf.keep(tensor) };
    finalizer.register(this, this.#cell, this);
  }

  /** 4 bytes per element (float32). */
  get byteLength(): number {
    return 4 * this.length;
  }

  /** Whether {@link TfjsBuffer.dispose} has released the tensor. */
  get isDisposed(): boolean {
    return this.#cell.tensor === undefined;
  }

  /**
   * The tensor holding the elements (owned by the buffer: do not dispose it; it is replaced by
   * the next kernel that writes this buffer, so clone it to keep a snapshot).
   * @throws Error if the buffer was disposed.
   */
  get tensor(): tf.Tensor1D {
    const tensor = this.#cell.tensor;
    if (tensor === undefined) {
      throw new Error(`a disposed 'tfjs' buffer of ${this.length} elements was used`);
    }
    return tensor;
  }

  /** Makes `next` (1-D, same length) the buffer's tensor; keeps it and disposes the previous one. */
  replace(next: tf.Tensor1D): void {
    const previous = this.tensor;
    if (next.size !== this.length) {
      throw new RangeError(`a 'tfjs' buffer of ${this.length} elements cannot hold ${next.size} elements`);
    }
    if (next === previous) return;
    this.#cell.tensor = tf.keep(next);
    previous.dispose();
  }

  /** Disposes the tensor; later use of the buffer throws. Idempotent. */
  dispose(): void {
    finalizer.unregister(this);
    this.#cell.tensor?.dispose();
    this.#cell.tensor = undefined;
  }
}

/** Checks that `buffer` belongs to the `tfjs` backend and returns it typed. @throws TypeError otherwise. */
export function asTfjsBuffer(buffer: DeviceBuffer, name = 'buffer'): TfjsBuffer {
  if (!(buffer instanceof TfjsBuffer)) {
    throw new TypeError(
      `${name} must be a buffer of the '${TFJS_BACKEND_NAME}' backend; got a buffer of '${buffer.backend}'`,
    );
  }
  return buffer;
}
