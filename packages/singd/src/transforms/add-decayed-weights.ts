import type { EmptyState, GradientTransformation, Parameters, Updates } from './api.js';
import { checkMatchingParameters, checkNumber, NON_NEGATIVE, zerosLike } from './internal.js';

/**
 * Adds decoupled weight decay to the updates (optax's `add_decayed_weights`):
 * `u ← u + γ·p` for every parameter, bias included.
 *
 * In SINGD (spec §2.5.E3) and SGD this comes *after* preconditioning and *before* momentum
 * and the learning rate; in AdamW after `scaleByAdam`, so the decay is multiplied by the
 * learning rate: `p ← p − lr·(adam(g) + γ·p)`. Stateless. Cost: O(#parameters).
 *
 * @param weightDecay - γ, a finite number in [0, ∞) (RangeError otherwise).
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation<EmptyState> {
  const gamma = checkNumber('weightDecay', weightDecay, NON_NEGATIVE);
  return {
    init: () => ({}),
    update(updates: Parameters, state: EmptyState, params: Parameters) {
      checkMatchingParameters('updates', updates, params);
      const out: Updates = {};
      for (const name of Object.keys(params)) {
        const u = updates[name]!;
        const p = params[name]!;
        const o = zerosLike(u);
        for (let i = 0; i < o.length; i++) o[i] = u[i]! + gamma * p[i]!;
        out[name] = o;
      }
      return { updates: out, state };
    },
  };
}
