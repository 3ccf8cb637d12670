import type { GradientTransformation, Parameters, StateOf, Updates } from './api.js';

/** The state of `chain(...transforms)`: the tuple of the parts' states, in order. */
export type ChainState<T extends readonly GradientTransformation<unknown>[]> = {
  readonly [K in keyof T]: StateOf<T[K]>;
};

/**
 * Composes gradient transformations left to right (optax's `chain`):
 * `update = update_n ∘ … ∘ update_1`, each part seeing the previous part's updates and the
 * same `params`. The state is the tuple of the parts' states, in order.
 *
 * `chain()` is the identity (it returns copies of the updates); composition is associative
 * in effect: `chain(a, chain(b, c))` and `chain(chain(a, b), c)` produce the same updates.
 *
 * Cost: the sum of the parts' costs; O(#parameters) for the copy made by `chain()`.
 *
 * @example
 * ```ts
 * const sgdWithMomentum = chain(addDecayedWeights(1e-4), trace(0.9), scaleByLearningRate(0.1));
 * ```
 */
export function chain<const T extends readonly GradientTransformation<unknown>[]>(
  ...transforms: T
): GradientTransformation<ChainState<T>> {
  const parts = [...transforms] as readonly GradientTransformation<unknown>[];
  return {
    init(params: Parameters): ChainState<T> {
      return parts.map((part) => part.init(params)) as unknown as ChainState<T>;
    },
    update(updates: Parameters, state: ChainState<T>, params: Parameters) {
      const states = state as unknown as readonly unknown[];
      if (!Array.isArray(states) || states.length !== parts.length) {
        throw new RangeError(
          `chain state must be a tuple of ${parts.length} states; got ${Array.isArray(states) ? `${states.length}` : typeof states}`,
        );
      }
      let current: Updates = {};
      if (parts.length === 0) {
        for (const name of Object.keys(updates)) current[name] = updates[name]!.slice();
        return { updates: current, state };
      }
      let input: Parameters = updates;
      const next: unknown[] = [];
      for (let i = 0; i < parts.length; i++) {
        const result = parts[i]!.update(input, states[i], params);
        current = result.updates;
        input = current;
        next.push(result.state);
      }
      return { updates: current, state: next as unknown as ChainState<T> };
    },
  };
}
