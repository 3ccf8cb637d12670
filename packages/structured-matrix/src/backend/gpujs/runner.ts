import type { GPU, IGPUKernelSettings, IKernelRunShortcut } from 'gpu.js';
import type { GpujsBuffer, GpujsData } from './gpujs-buffer.js';
import { type GpujsMode, isGlMode } from './modes.js';

/** Counters of a `GpujsRunner`: how many kernels were compiled and what their first calls cost. */
export interface GpujsCompileStats {
  /** Distinct kernels compiled (one per kernel source, output length and argument lengths). */
  readonly compiles: number;
  /** Milliseconds spent in first calls (compilation + one run). */
  readonly firstCallMs: number;
  /** Kernel calls served by an already compiled kernel. */
  readonly cachedCalls: number;
}

/** A kernel argument: a buffer of the backend, a host array uploaded per call, or a float scalar. */
export type KernelArgument = GpujsBuffer | Float32Array | number;

function lengthOf(argument: KernelArgument): string {
  if (typeof argument === 'number') return 's';
  return String(argument.length);
}

/**
 * Compiles and caches the gpu.js kernels of one backend instance and runs them. A kernel is
 * compiled once per (source, output length, argument lengths) and reused; every kernel runs with
 * `precision: 'single'`, `pipeline: true` (GL modes return textures that stay on the device and
 * feed the next kernel directly) and `immutable: true` (every call returns a fresh output, so a
 * buffer's texture is never overwritten by a later call of the same kernel).
 */
export class GpujsRunner {
  readonly gpu: GPU;
  readonly mode: GpujsMode;
  private readonly kernels = new Map<string, IKernelRunShortcut>();
  private compiles = 0;
  private firstCallMs = 0;
  private cachedCalls = 0;

  constructor(gpu: GPU, mode: GpujsMode) {
    this.gpu = gpu;
    this.mode = mode;
  }

  /** Whether buffers live in GL textures (else in host Float32Arrays). */
  get usesTextures(): boolean {
    return isGlMode(this.mode);
  }

  /** A snapshot of the compile counters. */
  stats(): GpujsCompileStats {
    return { compiles: this.compiles, firstCallMs: this.firstCallMs, cachedCalls: this.cachedCalls };
  }

  /** Number of compiled kernels held. */
  get size(): number {
    return this.kernels.size;
  }

  /**
   * Runs the kernel `function (${params}) { const e = this.thread.x; ${body} }` over `length`
   * threads with `args` (buffers are passed as their current texture or array) and returns the
   * output: a texture on the GL modes, a Float32Array otherwise.
   */
  run(params: readonly string[], body: string, length: number, args: readonly KernelArgument[]): GpujsData {
    if (params.length !== args.length) {
      throw new Error(`internal: ${params.length} kernel parameters for ${args.length} arguments`);
    }
    const source = `function (${params.join(', ')}) {\nconst e = this.thread.x;\n${body}\n}`;
    const key = `${source}\n@${length}:${args.map(lengthOf).join(',')}`;
    const values = args.map((a) => (typeof a === 'number' || a instanceof Float32Array ? a : a.data));
    const cached = this.kernels.get(key);
    if (cached !== undefined) {
      this.cachedCalls++;
      return cached(...values) as GpujsData;
    }
    // Loop bounds are literals (uncapped); the cap only guards a loop gpu.js deems unsafe.
    const settings: IGPUKernelSettings & { readonly loopMaxIterations: number } = {
      output: [length],
      precision: 'single',
      tactic: 'precision',
      pipeline: true,
      immutable: true,
      loopMaxIterations: 1 << 24,
    };
    const kernel = this.gpu.createKernel(source, settings);
    const start = performance.now();
    const result = kernel(...values) as GpujsData;
    this.firstCallMs += performance.now() - start;
    this.compiles++;
    this.kernels.set(key, kernel);
    return result;
  }

  /** A device copy of host `values`: a texture on the GL modes, a fresh Float32Array otherwise. */
  upload(values: Float32Array): GpujsData {
    if (!this.usesTextures || values.length === 0) return values.slice();
    return this.run(['v'], 'return v[e];', values.length, [values]);
  }

  /** The elements of `data` as a fresh host Float32Array of `length` elements. */
  download(data: GpujsData, length: number): Float32Array {
    if (data instanceof Float32Array) return data.slice(0, length);
    const array = data.toArray();
    if (!(array instanceof Float32Array)) {
      throw new Error(`internal: a 1-D gpu.js texture read back as ${Object.prototype.toString.call(array)}`);
    }
    return array.length === length ? array : array.slice(0, length);
  }

  /**
   * Blocks until the device has finished every queued kernel (`gl.finish()` on the GL modes,
   * whose draw calls return before the work is done; a no-op elsewhere, where kernels are
   * synchronous). For timing; reads synchronise by themselves.
   */
  finish(): void {
    if (!this.usesTextures) return;
    const context = (this.gpu as unknown as { context?: { finish?: () => void } | null }).context;
    context?.finish?.();
  }

  /** Destroys every compiled kernel (their textures included). */
  clear(): void {
    for (const kernel of this.kernels.values()) kernel.destroy();
    this.kernels.clear();
  }
}
