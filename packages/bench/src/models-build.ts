import type * as tf from '@tensorflow/tfjs';
import { buildCnn } from './models-cnn.js';
import { buildMixer } from './models-mixer.js';
import { buildMlp } from './models-mlp.js';
import type { ModelName } from './models-names.js';

/**
 * Builds model `name` with weights seeded from `seed` (the same seed gives the same initial
 * weights). Every model takes flattened 784-pixel images and returns 10 class probabilities (softmax).
 */
export function buildModel(name: ModelName, seed: number): tf.LayersModel {
  switch (name) {
    case 'mlp':
      return buildMlp(seed);
    case 'cnn':
      return buildCnn(seed);
    case 'mixer':
      return buildMixer(seed);
  }
}
