import { addDecayedWeights } from './add-decayed-weights.js';
import type { GradientTransformation, ScalarOrSchedule } from './api.js';
import { type ChainState, chain } from './chain.js';
import { type ScaleByAdamState, scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';

/** Options of `adamw`. */
export interface AdamWOptions {
  /** Learning rate: a finite number in [0, ∞) or a schedule of the 0-based step. */
  readonly lr: ScalarOrSchedule;
  /** β1 in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** β2 in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε in [0, ∞). Default 1e-8. */
  readonly epsilon?: number;
  /** Decoupled weight decay γ in [0, ∞). Default 0.01. */
  readonly weightDecay?: number;
}

/** The state of `adamw`: the chained states of its three parts. */
export type AdamWState = ChainState<
  readonly [
    GradientTransformation<ScaleByAdamState>,
    ReturnType<typeof addDecayedWeights>,
    ReturnType<typeof scaleByLearningRate>,
  ]
>;

/**
 * AdamW (Loshchilov & Hutter; optax's `adamw`, PyTorch's `AdamW`):
 * `chain(scaleByAdam({ beta1, beta2, epsilon }), addDecayedWeights(weightDecay), scaleByLearningRate(lr))`,
 * i.e. `p ← p − lr(t)·(μ̂/(√ν̂ + ε) + γ·p)`. A baseline, and the default optimizer for
 * parameters that SINGD does not precondition. Cost: O(#parameters) time, 2·#parameters state.
 *
 * @example
 * ```ts
 * const optimizer = adamw({ lr: 1e-3 });
 * let state = optimizer.init(params);
 * const { updates, state: next } = optimizer.update(grads, state, params);
 * params = applyUpdates(params, updates);
 * ```
 */
export function adamw(options: AdamWOptions): GradientTransformation<AdamWState> {
  const adam = scaleByAdam({
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
  });
  return chain(adam, addDecayedWeights(options.weightDecay ?? 0.01), scaleByLearningRate(options.lr));
}
