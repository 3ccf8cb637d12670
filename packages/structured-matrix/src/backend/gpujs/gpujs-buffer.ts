import { describeValue } from '@singd/half';
import type { Texture } from 'gpu.js';
import type { DeviceBuffer } from '../buffer.js';

/**
 * Where a gpujs buffer's elements live: a GL texture (GL modes; they never leave the device
 * between kernels) or a host Float32Array (the `webasm` and `cpu` modes, whose "device" is the
 * host).
 */
export type GpujsData = Float32Array | Texture;

/**
 * A buffer of the gpujs backend: `length` float32 elements, held by the backend instance that
 * made it (`owner`). Kernels never write in place: each produces a new texture or array for the
 * whole buffer and {@link GpujsBuffer.replace} swaps it in, releasing the old texture.
 */
export class GpujsBuffer implements DeviceBuffer {
  readonly dtype = 'float32' as const;
  readonly backend: string;
  readonly length: number;
  /** The backend instance that allocated the buffer (buffers of two instances never mix). */
  readonly owner: object;
  private current: GpujsData | undefined;

  constructor(backend: string, owner: object, length: number, data: GpujsData) {
    this.backend = backend;
    this.owner = owner;
    this.length = length;
    this.current = data;
  }

  /** 4 bytes per element. */
  get byteLength(): number {
    return this.length * 4;
  }

  /** Whether {@link GpujsBuffer.release} was called. */
  get disposed(): boolean {
    return this.current === undefined;
  }

  /** The current elements. @throws Error if the buffer was disposed. */
  get data(): GpujsData {
    if (this.current === undefined) throw new Error('this gpujs buffer was disposed');
    return this.current;
  }

  /** Makes `data` the buffer's elements and deletes the texture it replaces. */
  replace(data: GpujsData): void {
    const previous = this.current;
    this.current = data;
    if (previous !== undefined && previous !== data && !(previous instanceof Float32Array)) previous.delete();
  }

  /** Releases the texture (if any); later use throws. */
  release(): void {
    const previous = this.current;
    this.current = undefined;
    if (previous !== undefined && !(previous instanceof Float32Array)) previous.delete();
  }
}

/** Checks that `buffer` is a live buffer of the gpujs backend instance `owner` and returns it typed. */
export function asGpujsBuffer(buffer: DeviceBuffer, owner: object, name: string): GpujsBuffer {
  if (!(buffer instanceof GpujsBuffer) || buffer.owner !== owner) {
    throw new TypeError(
      `${name} must be a buffer of this gpujs backend; got ${describeValue(buffer)} of '${buffer?.backend}'`,
    );
  }
  if (buffer.disposed) throw new Error(`${name} is a disposed gpujs buffer`);
  return buffer;
}
