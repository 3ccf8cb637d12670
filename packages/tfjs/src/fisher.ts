/**
 * Monte-Carlo Fisher targets: targets drawn from the model's predictive distribution, so that
 * the expected outer product of the resulting pre-activation gradients is the generalised
 * Gauss–Newton matrix of the loss (the "true" Fisher) instead of the empirical one.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { LossName } from './api.js';
import type { SeededRandom } from './random.js';

/** How far a probability row may sum away from 1 before it is rejected as "not probabilities". */
const PROBABILITY_TOLERANCE = 1e-3;

function sampleCategorical(p: Float32Array, batch: number, classes: number, rng: SeededRandom): Int32Array {
  const labels = new Int32Array(batch);
  for (let n = 0; n < batch; n++) {
    let total = 0;
    for (let k = 0; k < classes; k++) {
      const v = p[n * classes + k]!;
      if (!(v >= 0)) {
        throw new RangeError(
          `fisher 'monte-carlo' needs probabilities (a softmax last layer); prediction [${n}, ${k}] is ${v}`,
        );
      }
      total += v;
    }
    if (!(Math.abs(total - 1) <= PROBABILITY_TOLERANCE)) {
      throw new RangeError(
        `fisher 'monte-carlo' needs probabilities (a softmax last layer); prediction row ${n} sums to ${total}`,
      );
    }
    const u = rng.uniform() * total;
    let acc = 0;
    let label = classes - 1;
    for (let k = 0; k < classes; k++) {
      acc += p[n * classes + k]!;
      if (u < acc) {
        label = k;
        break;
      }
    }
    labels[n] = label;
  }
  return labels;
}

/**
 * Targets sampled from the predictive distribution of `predicted` (values `[N, …]`):
 *
 * - cross-entropies: a class `k ~ Categorical(p_n)` per sample (rows must be probabilities,
 *   within 1e-3 of summing to 1), one-hot for `'categoricalCrossentropy'`, an index `[N]` for the
 *   sparse one. Then `E[g gᵀ] = (diag(p) − p pᵀ)/N²` at the logits, the softmax cross-entropy's Hessian.
 * - `'meanSquaredError'` (per-sample mean over `D` outputs): `y = ŷ + σ·z`, `z ~ N(0, I)` with
 *   `σ² = D/2`, so the gradient `(2/(N·D))·(ŷ − y)` has `E[g gᵀ] = (2/D)·I/N²`, the Hessian of the
 *   per-sample loss (divided by N² like the empirical gradients of a mean loss).
 *
 * The draws come from `rng` (seeded, checkpointed). Cost O(size of predicted).
 * @throws RangeError when cross-entropy predictions are not probabilities.
 */
export function sampleTargets(loss: LossName, predicted: tf.Tensor, rng: SeededRandom): tf.Tensor {
  const values = predicted.dataSync() as Float32Array;
  const shape = predicted.shape;
  if (loss === 'meanSquaredError') {
    const D = shape.length < 2 ? 1 : values.length / shape[0]!;
    const sigma = Math.sqrt(D / 2);
    const y = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) y[i] = values[i]! + sigma * rng.normal();
    return tf.tensor(y, shape);
  }
  const classes = shape[shape.length - 1]!;
  const batch = values.length / classes;
  const labels = sampleCategorical(values, batch, classes, rng);
  if (loss === 'sparseCategoricalCrossentropy') return tf.tensor1d(Float32Array.from(labels));
  const y = new Float32Array(values.length);
  for (let n = 0; n < batch; n++) y[n * classes + labels[n]!] = 1;
  return tf.tensor(y, shape);
}
