/**
 * `@singd/tfjs/backend`: a TensorFlow.js kernel backend for `@singd/structured-matrix`, so the
 * structured-matrix algebra runs as tfjs ops with its data kept in tensors.
 *
 * @packageDocumentation
 * @module @singd/tfjs/backend
 */

export { TfjsHostBuffer } from './host-buffer.js';
export { matrixFromTensor, tensorFromMatrix } from './tensor-interop.js';
export { createTfjsBackend, registerTfjsBackend } from './tfjs-backend.js';
export { asTfjsBuffer, TFJS_BACKEND_NAME, TfjsBuffer } from './tfjs-buffer.js';
