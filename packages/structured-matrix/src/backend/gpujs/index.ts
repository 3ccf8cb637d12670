/**
 * `@singd/structured-matrix/backend-gpujs`: the structured-matrix kernels on gpu.js (WebGL /
 * headless-gl shaders, WebAssembly, or transpiled JavaScript). The only entry point of the
 * package that imports gpu.js (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { getBackend, registerBackend } from '@singd/structured-matrix';
 * import { availableGpujsModes, createGpujsBackend } from '@singd/structured-matrix/backend-gpujs';
 * const backend = createGpujsBackend(); // the best mode available: headlessgl > webgl2 > webgl > webasm > cpu
 * registerBackend(backend);
 * console.log(backend.mode, availableGpujsModes());
 * ```
 *
 * @packageDocumentation
 * @module @singd/structured-matrix/backend-gpujs
 */
export {
  createGpujsBackend,
  type GpujsBackend,
  type GpujsBackendOptions,
} from './gpujs-backend.js';
export { asGpujsBuffer, GpujsBuffer, type GpujsData } from './gpujs-buffer.js';
export {
  availableGpujsModes,
  GPUJS_MODES,
  type GpujsMode,
  isGlMode,
  isGpujsMode,
  resolveGpujsMode,
} from './modes.js';
export { packedOrder } from './packed-kernels.js';
export { REDUCTION_CHUNK } from './reduction-kernels.js';
export type { GpujsCompileStats } from './runner.js';
