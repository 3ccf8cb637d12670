import * as tf from '@tensorflow/tfjs';
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from './data-images.js';
import { seededInitializers } from './models-initializers.js';

/**
 * A small convolutional network on flattened images (NHWC inside):
 * `Reshape(28×28×1) → Conv2d(1→8, 5×5, stride 2, relu) → Conv2d(8→16, 3×3, stride 2, relu)
 * → Flatten → Dense(400→64, relu) → Dense(64→10, softmax)` (valid padding: 28 → 12 → 5).
 * Seeded He-normal / Glorot-uniform weights, zero biases. 27,690 parameters.
 */
export function buildCnn(seed: number): tf.Sequential {
  const init = seededInitializers(seed);
  const model = tf.sequential({ name: 'cnn' });
  model.add(
    tf.layers.reshape({
      name: 'image',
      targetShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
      inputShape: [IMAGE_PIXELS],
    }),
  );
  model.add(
    tf.layers.conv2d({
      name: 'conv1',
      filters: 8,
      kernelSize: 5,
      strides: 2,
      padding: 'valid',
      activation: 'relu',
      dataFormat: 'channelsLast',
      kernelInitializer: init.heKernel(),
      biasInitializer: 'zeros',
    }),
  );
  model.add(
    tf.layers.conv2d({
      name: 'conv2',
      filters: 16,
      kernelSize: 3,
      strides: 2,
      padding: 'valid',
      activation: 'relu',
      dataFormat: 'channelsLast',
      kernelInitializer: init.heKernel(),
      biasInitializer: 'zeros',
    }),
  );
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(
    tf.layers.dense({
      name: 'dense1',
      units: 64,
      activation: 'relu',
      kernelInitializer: init.kernel(),
      biasInitializer: 'zeros',
    }),
  );
  model.add(
    tf.layers.dense({
      name: 'dense2',
      units: CLASS_COUNT,
      activation: 'softmax',
      kernelInitializer: init.kernel(),
      biasInitializer: 'zeros',
    }),
  );
  return model;
}
