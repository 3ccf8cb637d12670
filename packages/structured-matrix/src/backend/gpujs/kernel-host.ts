import type { DeviceBuffer } from '../buffer.js';
import { asGpujsBuffer, type GpujsBuffer } from './gpujs-buffer.js';
import type { GpujsRunner } from './runner.js';

/** A kernel argument as the kernel modules pass it: a backend buffer or a float scalar. */
export type HostArgument = DeviceBuffer | number;

/**
 * What the kernel modules need from their backend instance: buffer validation, whole-buffer
 * writes (the kernel computes every element of the output buffer, keeping `old[e]` outside the
 * view, and the result replaces the buffer's texture), and partial reductions read back to the
 * host.
 */
export class GpujsKernelHost {
  readonly runner: GpujsRunner;
  private readonly owner: object;

  constructor(runner: GpujsRunner, owner: object) {
    this.runner = runner;
    this.owner = owner;
  }

  /** `buffer` checked to belong to this backend instance. */
  buffer(buffer: DeviceBuffer, name: string): GpujsBuffer {
    return asGpujsBuffer(buffer, this.owner, name);
  }

  private argument(value: HostArgument, index: number): GpujsBuffer | number {
    return typeof value === 'number' ? value : this.buffer(value, `kernel argument ${index}`);
  }

  /**
   * Runs `function (old, ...params) { const e = this.thread.x; body }` over every element `e` of
   * `out` and makes the result `out`'s contents. `body` must return `old[e]` for elements
   * outside the view it writes. A no-op for an empty buffer.
   */
  write(out: DeviceBuffer, params: readonly string[], body: string, args: readonly HostArgument[]): void {
    const target = this.buffer(out, 'out');
    const values = args.map((a, i) => this.argument(a, i));
    if (target.length === 0) return;
    target.replace(this.runner.run(['old', ...params], body, target.length, [target, ...values]));
  }

  /**
   * Runs `function (...params) { const e = this.thread.x; body }` over `count` threads and
   * returns the outputs on the host (reductions: one partial result per thread).
   */
  partials(
    params: readonly string[],
    body: string,
    count: number,
    args: readonly HostArgument[],
  ): Float32Array {
    const values = args.map((a, i) => this.argument(a, i));
    if (count === 0) return new Float32Array(0);
    return this.runner.download(this.runner.run(params, body, count, values), count);
  }
}
