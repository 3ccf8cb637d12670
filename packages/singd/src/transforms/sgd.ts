import { addDecayedWeights } from './add-decayed-weights.js';
import type { GradientTransformation, ScalarOrSchedule } from './api.js';
import { type ChainState, chain } from './chain.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { trace } from './trace.js';

/** Options of `sgd`. */
export interface SgdOptions {
  /** Learning rate β2: a finite number in [0, ∞) or a schedule of the 0-based step. */
  readonly lr: ScalarOrSchedule;
  /** Heavy-ball momentum α2 in [0, 1). Default 0.9. */
  readonly momentum?: number;
  /** Weight decay γ in [0, ∞). Default 0. */
  readonly weightDecay?: number;
}

/** The state of `sgd`: the chained states of its three parts. */
export type SgdState = ChainState<
  readonly [
    ReturnType<typeof addDecayedWeights>,
    ReturnType<typeof trace>,
    ReturnType<typeof scaleByLearningRate>,
  ]
>;

/**
 * SGD with heavy-ball momentum and weight decay (PyTorch's `SGD` without dampening or
 * Nesterov), in the exact order of SINGD's parameter update (spec §2.5.E3):
 * `chain(addDecayedWeights(γ), trace(α), scaleByLearningRate(lr))`, i.e.
 * `u ← g + γ·p; buf ← α·buf + u; p ← p − lr(t)·buf`. A baseline, and the default optimizer
 * for parameters that SINGD does not precondition. Cost: O(#parameters) time,
 * #parameters state (none when `momentum = 0`).
 */
export function sgd(options: SgdOptions): GradientTransformation<SgdState> {
  return chain(
    addDecayedWeights(options.weightDecay ?? 0),
    trace(options.momentum ?? 0.9),
    scaleByLearningRate(options.lr),
  );
}
