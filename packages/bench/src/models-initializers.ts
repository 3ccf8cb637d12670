import * as tf from '@tensorflow/tfjs';

/** A tfjs weight initialiser (the type `tf.initializers.glorotUniform` returns). */
export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Seeded initialisers for one model: each call of {@link SeededInitializers.kernel} gives a
 * Glorot-uniform initialiser with the next seed of the sequence `base, base + 1, …`, so a
 * model built twice with the same base seed gets the same weights. Biases start at zero.
 */
export interface SeededInitializers {
  /** A Glorot-uniform kernel initialiser with the next seed. */
  kernel(): Initializer;
  /** A He-normal kernel initialiser with the next seed (for convolutions followed by ReLU). */
  heKernel(): Initializer;
}

/**
 * The initialiser sequence for a model built from `seed` (an integer). Layer `k` (in build
 * order) draws from seed `seed·1000 + k`.
 */
export function seededInitializers(seed: number): SeededInitializers {
  let next = seed * 1000;
  return {
    kernel: () => tf.initializers.glorotUniform({ seed: next++ }),
    heKernel: () => tf.initializers.heNormal({ seed: next++ }),
  };
}
