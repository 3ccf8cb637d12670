/**
 * The training losses of the trainer, computed exactly as TensorFlow.js's `model.compile({ loss })`
 * computes them (`tf.metrics.*` per sample, then the mean over the batch).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { LossName } from './api.js';

/** Every {@link LossName}. */
export const LOSS_NAMES: readonly LossName[] = Object.freeze([
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'meanSquaredError',
]);

/**
 * Returns `value` as a {@link LossName}.
 * @throws RangeError naming the valid losses.
 */
export function checkLossName(value: unknown): LossName {
  if (!LOSS_NAMES.includes(value as LossName)) {
    throw new RangeError(
      `loss must be one of ${LOSS_NAMES.map((l) => `'${l}'`).join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return value as LossName;
}

/**
 * Checks that targets `y` fit predictions of shape `predicted` for `loss`: the same shape for
 * the categorical cross-entropy and squared error, `[N]` or `[N, 1]` class indices for the sparse
 * cross-entropy. Cost O(rank).
 * @throws RangeError naming both shapes.
 */
export function checkTargets(loss: LossName, y: tf.Tensor, predicted: readonly number[]): void {
  const shape = y.shape;
  const want = `[${predicted.join(', ')}]`;
  if (loss === 'sparseCategoricalCrossentropy') {
    const ok = (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) && shape[0] === predicted[0];
    if (!ok) {
      throw new RangeError(
        `targets y of shape [${shape.join(', ')}] do not fit sparseCategoricalCrossentropy with predictions ${want}: expected [${predicted[0]}] or [${predicted[0]}, 1] class indices`,
      );
    }
    return;
  }
  if (shape.length !== predicted.length || shape.some((s, i) => s !== predicted[i])) {
    throw new RangeError(
      `targets y of shape [${shape.join(', ')}] do not fit ${loss}: expected the predictions' shape ${want}`,
    );
  }
}

/** The batch-mean loss of `predicted` against `y` (a scalar tensor). Cost O(size of predicted). */
export function lossValue(loss: LossName, y: tf.Tensor, predicted: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    switch (loss) {
      case 'categoricalCrossentropy':
        return tf.mean(tf.metrics.categoricalCrossentropy(y, predicted)) as tf.Scalar;
      case 'sparseCategoricalCrossentropy':
        // As tfjs-layers' sparseCategoricalCrossentropy: one-hot of the (floored) indices.
        return tf.mean(
          tf.metrics.categoricalCrossentropy(
            tf.reshape(
              tf.oneHot(
                tf.cast(tf.floor(tf.reshape(y, [-1])), 'int32'),
                predicted.shape[predicted.rank - 1]!,
              ),
              predicted.shape,
            ),
            predicted,
          ),
        ) as tf.Scalar;
      case 'meanSquaredError':
        return tf.mean(tf.metrics.meanSquaredError(y, predicted)) as tf.Scalar;
    }
  });
}

/**
 * The number of correct predictions (arg-max against the one-hot or index targets) of a
 * classification loss, or `null` for `'meanSquaredError'`. Cost O(size of predicted).
 */
export function correctCount(loss: LossName, y: tf.Tensor, predicted: tf.Tensor): number | null {
  if (loss === 'meanSquaredError') return null;
  return tf.tidy(() => {
    const guess = tf.argMax(predicted, -1);
    const truth =
      loss === 'categoricalCrossentropy' ? tf.argMax(y, -1) : tf.cast(tf.reshape(y, [-1]), 'int32');
    return tf.sum(tf.cast(tf.equal(guess, truth), 'float32')).dataSync()[0]!;
  });
}
