import * as tf from '@tensorflow/tfjs';
import type { ModelName } from './models-names.js';
import type { BackendChoice } from './train-settings.js';

/**
 * The backend for `model`: `wasm` (XNNPACK, SIMD; about 4× faster than `cpu` for the MLP on our
 * machines) unless the model needs a gradient kernel wasm lacks — tfjs-backend-wasm 4.22.0 has no
 * `Conv2DBackpropFilter`, so the CNN trains on `cpu`. An explicit choice is kept.
 * @throws RangeError for `wasm` with the CNN.
 */
export function selectBackend(choice: BackendChoice, model: ModelName): 'wasm' | 'cpu' {
  if (choice === 'auto') return model === 'cnn' ? 'cpu' : 'wasm';
  if (choice === 'wasm' && model === 'cnn') {
    throw new RangeError(
      '--backend wasm cannot train --model cnn: tfjs-backend-wasm 4.22.0 has no Conv2DBackpropFilter kernel; valid backends for cnn: auto, cpu',
    );
  }
  return choice;
}

/**
 * Makes `name` the active TensorFlow.js backend (loading `@tensorflow/tfjs-backend-wasm` first
 * when needed) and waits until it is ready.
 * @throws Error when the backend cannot be initialised.
 */
export async function activateBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name)))
    throw new Error(`the TensorFlow.js backend '${name}' failed to initialise`);
  await tf.ready();
}
