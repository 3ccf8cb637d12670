import * as tf from '@tensorflow/tfjs';
import { CLASS_COUNT, IMAGE_PIXELS, IMAGE_SIDE } from './data-images.js';
import { seededInitializers } from './models-initializers.js';

/** Side of the square image patches the mixer cuts (7 → 4 × 4 = 16 patches of 49 pixels). */
export const MIXER_PATCH_SIDE = 7;

/** Width of the patch embedding (the token features). */
export const MIXER_EMBEDDING = 64;

/**
 * A small attention-free transformer-style network (one MLP-Mixer block) made of Dense layers
 * on image patches:
 *
 * 1. patches: `Reshape(4,7,4,7) → Permute → Reshape(16, 49)` (16 tokens of 7×7 pixels);
 * 2. `embed`: Dense(49→64) on every token;
 * 3. token mixing: `Permute(features × tokens) → Dense(16→32, relu) → Dense(32→16) → Permute
 *    back`, added to its input (residual);
 * 4. channel mixing: `Dense(64→128, relu) → Dense(128→64)`, added to its input (residual);
 * 5. `GlobalAveragePooling over tokens → Dense(64→10, softmax)`.
 *
 * Dense layers act on the last axis of 3-D inputs, so SINGD sees them as Linear layers with
 * extra (token) dimensions. There is no LayerNorm: its gradient costs over 10× the rest of the
 * network on the wasm backend (measured: 348 ms vs 30 ms per batch of 64), and without it every
 * parameter is in a Dense layer. Seeded Glorot-uniform weights, zero biases. 21,498 parameters.
 */
export function buildMixer(seed: number): tf.LayersModel {
  const init = seededInitializers(seed);
  const grid = IMAGE_SIDE / MIXER_PATCH_SIDE;
  const tokens = grid * grid;
  const patchPixels = MIXER_PATCH_SIDE * MIXER_PATCH_SIDE;
  const dense = (name: string, units: number, activation?: 'relu' | 'softmax') =>
    tf.layers.dense({
      name,
      units,
      kernelInitializer: init.kernel(),
      biasInitializer: 'zeros',
      ...(activation === undefined ? {} : { activation }),
    });

  const input = tf.input({ shape: [IMAGE_PIXELS], name: 'pixels' });
  let x = tf.layers
    .reshape({ name: 'rows', targetShape: [grid, MIXER_PATCH_SIDE, grid, MIXER_PATCH_SIDE] })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.permute({ name: 'patch_order', dims: [1, 3, 2, 4] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .reshape({ name: 'patches', targetShape: [tokens, patchPixels] })
    .apply(x) as tf.SymbolicTensor;
  x = dense('embed', MIXER_EMBEDDING).apply(x) as tf.SymbolicTensor;

  let y = tf.layers.permute({ name: 'to_features', dims: [2, 1] }).apply(x) as tf.SymbolicTensor;
  y = dense('token_mix1', 2 * tokens, 'relu').apply(y) as tf.SymbolicTensor;
  y = dense('token_mix2', tokens).apply(y) as tf.SymbolicTensor;
  y = tf.layers.permute({ name: 'to_tokens', dims: [2, 1] }).apply(y) as tf.SymbolicTensor;
  x = tf.layers.add({ name: 'token_residual' }).apply([x, y]) as tf.SymbolicTensor;

  let z = dense('channel_mix1', 2 * MIXER_EMBEDDING, 'relu').apply(x) as tf.SymbolicTensor;
  z = dense('channel_mix2', MIXER_EMBEDDING).apply(z) as tf.SymbolicTensor;
  x = tf.layers.add({ name: 'channel_residual' }).apply([x, z]) as tf.SymbolicTensor;

  x = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const probabilities = dense('head', CLASS_COUNT, 'softmax').apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'mixer', inputs: input, outputs: probabilities });
}
