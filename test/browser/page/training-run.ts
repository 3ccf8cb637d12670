/**
 * The computation of the browser page: a few SINGD steps of a small tfjs MLP through
 * `@singd/tfjs`'s `Trainer`, once with the SINGD state (K, C, momentum, every structured-matrix
 * kernel) on the gpujs backend and once on the cpu backend, from the same initial weights and data.
 *
 * The page imports the packages by name, as an app would: the vite build resolves them with
 * the workspace aliases of vitest.shared.ts (their `@singd/source` files), TypeScript with the
 * `paths` of test/browser/page/tsconfig.json (`npx tsc -p test/browser/page/tsconfig.json`).
 */

import { setBackend } from '@singd/structured-matrix';
import { Trainer } from '@singd/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { TrainingRun } from './page-result.js';

/** Sizes of the run: 6 inputs → 8 (tanh) → 3 (softmax), batch 16, 4 steps with T = 1. */
export const RUN = Object.freeze({ inputs: 6, hidden: 8, classes: 3, batch: 16, steps: 4 });

/** A deterministic value in [−1, 1) per index (no global random state). */
function hash(i: number, seed: number): number {
  let t = (i * 2654435761 + seed * 40503) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
}

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => hash(i, seed));
}

/** One batch of inputs `x` and one-hot targets `y`. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

/** The batch: inputs in [−1, 1), one-hot labels from the arg-max of a fixed linear map. */
export function makeBatch(): Batch {
  const { inputs, classes, batch } = RUN;
  const x = values(batch * inputs, 11);
  const map = values(inputs * classes, 12);
  const labels = new Int32Array(batch);
  for (let n = 0; n < batch; n++) {
    let best = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let i = 0; i < inputs; i++) s += x[n * inputs + i]! * map[i * classes + c]!;
      if (s > best) [best, labels[n]] = [s, c];
    }
  }
  return {
    x: tf.tensor2d(x, [batch, inputs]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat(),
  };
}

/** The model, with seeded Glorot-uniform kernels and zero biases (identical on every call). */
function makeModel(): tf.Sequential {
  const init = (seed: number) => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: tf.initializers.zeros(),
  });
  return tf.sequential({
    layers: [
      tf.layers.dense({
        name: 'fc1',
        inputShape: [RUN.inputs],
        units: RUN.hidden,
        activation: 'tanh',
        ...init(1),
      }),
      tf.layers.dense({ name: 'fc2', units: RUN.classes, activation: 'softmax', ...init(2) }),
    ],
  });
}

/** The initial weights of the model, flattened in `getWeights()` order. */
export function initialWeights(): Float32Array[] {
  const model = makeModel();
  const out = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.dispose();
  return out;
}

/**
 * Trains a fresh model for {@link RUN}.steps steps with SINGD, its preconditioner state on the
 * structured-matrix backend `backend` (`'gpujs'` or `'cpu'`). fc1 uses dense K and C (gemm and
 * elementwise kernels); fc2 a lower-triangular K and a lower-Toeplitz C (packed-triangular and
 * Toeplitz kernels). T = 1, so K and C are updated on every step.
 */
export function train(
  backend: string,
  batch: { x: tf.Tensor; y: tf.Tensor },
): TrainingRun & {
  weights: Float32Array[];
} {
  setBackend(backend);
  const model = makeModel();
  const trainer = new Trainer(model, {
    optimizer: {
      kind: 'singd',
      options: {
        lr: 0.05,
        momentum: 0.9,
        T: 1,
        damping: 1e-3,
        overrides: {
          fc2: { structures: { K: { kind: 'lower-triangular' }, C: { kind: 'lower-toeplitz' } } },
        },
      },
    },
    loss: 'categoricalCrossentropy',
    seed: 1,
  });
  const start = performance.now();
  const losses: number[] = [];
  for (let s = 0; s < RUN.steps; s++) losses.push(trainer.trainBatch(batch.x, batch.y));
  const millis = performance.now() - start;
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  trainer.dispose();
  model.dispose();
  setBackend('cpu');
  return { backend, losses, millis, weights };
}
