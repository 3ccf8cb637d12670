/**
 * Shared fixtures of the @singd/tfjs tests: the cpu backend, tiny models with seeded weights and
 * small synthetic data sets.
 */

import type { StructureSpec } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';

/** Selects the deterministic cpu backend (call in `beforeAll`). */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Glorot-uniform initialisers with fixed seeds, so every test model starts identically. */
function init(seed: number) {
  return {
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: tf.initializers.zeros(),
  };
}

/** An MLP `inputs → hidden (tanh) → classes (softmax)`. */
export function mlp(inputs = 4, hidden = 8, classes = 3, seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [inputs], units: hidden, activation: 'tanh', ...init(seed) }),
      tf.layers.dense({ units: classes, activation: 'softmax', ...init(seed + 1) }),
    ],
  });
}

/** A CNN on `[size, size, 1]` images: Conv2D(4, 3×3, stride 2, same, relu) → Flatten → Dense softmax. */
export function cnn(size = 6, classes = 3, seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [size, size, 1],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        ...init(seed),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: classes, activation: 'softmax', ...init(seed + 1) }),
    ],
  });
}

/** A deterministic uniform draw in [−1, 1) per index (no global random state). */
function hash(i: number, seed: number): number {
  let t = (i * 2654435761 + seed * 40503) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
}

/** Deterministic values in [−1, 1) of `shape`. */
export function values(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = hash(i, seed);
  return out;
}

/**
 * A separable classification problem: `n` samples of `features` values, labelled by the arg-max
 * of a fixed linear map to `classes` scores. Returns `x` and one-hot `y`.
 */
export function classification(
  n: number,
  inputShape: number[],
  classes: number,
  seed = 7,
): { x: tf.Tensor; y: tf.Tensor; labels: Int32Array } {
  const features = inputShape.reduce((a, b) => a * b, 1);
  const data = values([n, features], seed);
  const map = values([features, classes], seed + 1);
  const labels = new Int32Array(n);
  const onehot = new Float32Array(n * classes);
  for (let s = 0; s < n; s++) {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) {
      let score = 0;
      for (let f = 0; f < features; f++) score += data[s * features + f]! * map[f * classes + k]!;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    labels[s] = best;
    onehot[s * classes + best] = 1;
  }
  return { x: tf.tensor(data, [n, ...inputShape]), y: tf.tensor(onehot, [n, classes]), labels };
}

/** The optimizer-selectable structures of spec §2.5.A, sized for tiny layers. */
export const STRUCTURES: readonly StructureSpec[] = [
  { kind: 'dense' },
  { kind: 'diagonal' },
  { kind: 'block-diagonal', blockSize: 2 },
  { kind: 'hierarchical', k1: 2, k2: 1 },
  { kind: 'lower-toeplitz' },
  { kind: 'upper-toeplitz' },
];

/** Every model weight's values, copied. */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
}

/**
 * Asserts `|actual − expected| ≤ atol + rtol·|expected|` entry by entry, naming the first
 * offending index.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: { rtol: number; atol: number },
  what: string,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tolerance.atol + tolerance.rtol * Math.abs(e))) {
      throw new Error(
        `${what}: entry ${i} is ${a}, expected ${e} (rtol ${tolerance.rtol}, atol ${tolerance.atol})`,
      );
    }
  }
}
