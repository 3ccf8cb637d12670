import { type LabelledImages, selectImages } from './data-images.js';
import { seededRandom } from './sample-data.js';

/**
 * A seeded uniform random permutation of `0 … n−1` (Fisher–Yates driven by the mulberry32
 * generator `seededRandom(seed)`): the same `(n, seed)` gives the same permutation on every
 * machine. Cost: O(n).
 * @throws RangeError when `n` is not a non-negative integer.
 */
export function seededPermutation(n: number, seed: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer; got ${n}`);
  const random = seededRandom(seed);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** Sizes and seed of a train/test split. */
export interface SplitOptions {
  /** Images in the training set, an integer ≥ 1. */
  readonly trainSize: number;
  /** Images in the test set, an integer ≥ 1. */
  readonly testSize: number;
  /** Seed of the permutation that picks both sets. */
  readonly seed: number;
}

/** Disjoint training and test sets drawn from one source. */
export interface TrainTestSplit {
  readonly train: LabelledImages;
  readonly test: LabelledImages;
}

/**
 * Draws disjoint training and test sets from `source`: permutes all images with
 * {@link seededPermutation}`(source.count, seed)` and takes the first `trainSize` for training
 * and the next `testSize` for testing (so both sets are shuffled and their labels are
 * spread like the source's). Deterministic for a given seed. Cost: O(source.count + 784·(trainSize + testSize)).
 *
 * @throws RangeError naming trainSize / testSize when one is not a positive integer or
 *   together they exceed the number of images.
 */
export function splitTrainTest(source: LabelledImages, options: SplitOptions): TrainTestSplit {
  const { trainSize, testSize, seed } = options;
  for (const [name, value] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be an integer ≥ 1; got ${value}`);
    }
  }
  if (trainSize + testSize > source.count) {
    throw new RangeError(
      `trainSize + testSize must be at most the ${source.count} images of the data set; got ${trainSize} + ${testSize}`,
    );
  }
  const order = seededPermutation(source.count, seed);
  return {
    train: selectImages(source, order.subarray(0, trainSize)),
    test: selectImages(source, order.subarray(trainSize, trainSize + testSize)),
  };
}
