import type { DType } from '@singd/half';
import type { DeviceBuffer } from '@singd/structured-matrix';
import { TFJS_BACKEND_NAME } from './tfjs-buffer.js';

/**
 * A buffer of the `tfjs` backend in a dtype TensorFlow.js cannot hold exactly (float64,
 * bfloat16, float16): the elements stay on the host in a buffer of the `cpu` backend
 * (`inner`), and kernels on it run the `cpu` kernels, which emulate the half formats bit
 * exactly. It reports the `tfjs` backend so that it combines with the backend's float32 tensor
 * buffers (the half formats keep intermediate sums in float32).
 */
export class TfjsHostBuffer implements DeviceBuffer {
  /** Always `'tfjs'`. */
  readonly backend = TFJS_BACKEND_NAME;
  /** The `cpu` backend buffer holding the elements. */
  readonly inner: DeviceBuffer;

  constructor(inner: DeviceBuffer) {
    this.inner = inner;
  }

  /** The dtype of the elements (float64, bfloat16 or float16). */
  get dtype(): DType {
    return this.inner.dtype;
  }

  /** Number of elements. */
  get length(): number {
    return this.inner.length;
  }

  /** Bytes of the host storage (2 per element for the half formats). */
  get byteLength(): number {
    return this.inner.byteLength;
  }
}
