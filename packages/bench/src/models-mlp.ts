import * as tf from '@tensorflow/tfjs';
import { CLASS_COUNT, IMAGE_PIXELS } from './data-images.js';
import { seededInitializers } from './models-initializers.js';

/** Hidden layer widths of the default MLP (784-256-256-10). */
export const MLP_HIDDEN_UNITS: readonly number[] = Object.freeze([256, 256]);

/**
 * A multilayer perceptron on flattened images: `Dense(784→h₁, relu) → … → Dense(→10)`
 * (the last with a softmax: class probabilities, as the Trainer's cross-entropy expects). Glorot-uniform weights seeded from `seed`, zero
 * biases. Parameters: Σ (inᵢ + 1)·outᵢ (269,322 for 784-256-256-10).
 */
export function buildMlp(seed: number, hiddenUnits: readonly number[] = MLP_HIDDEN_UNITS): tf.Sequential {
  const init = seededInitializers(seed);
  const model = tf.sequential({ name: 'mlp' });
  hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        name: `dense${i + 1}`,
        units,
        activation: 'relu',
        kernelInitializer: init.kernel(),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [IMAGE_PIXELS] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      name: `dense${hiddenUnits.length + 1}`,
      units: CLASS_COUNT,
      activation: 'softmax',
      kernelInitializer: init.kernel(),
      biasInitializer: 'zeros',
      ...(hiddenUnits.length === 0 ? { inputShape: [IMAGE_PIXELS] } : {}),
    }),
  );
  return model;
}
