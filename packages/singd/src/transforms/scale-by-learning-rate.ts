import type { GradientTransformation, Parameters, ScalarOrSchedule, Updates } from './api.js';
import { checkMatchingParameters, checkScalarOrSchedule, zerosLike } from './internal.js';

/** The state of `scaleByLearningRate`: the number of updates made so far. */
export interface ScaleByLearningRateState {
  /** The 0-based step of the next update. */
  readonly count: number;
}

/**
 * Scales the updates by minus the learning rate (optax's `scale_by_learning_rate`):
 * `u ← −lr(t)·u`, where `t` is the 0-based step (`count` in the state, incremented by
 * every update). A constant `lr` is used as is; a schedule is called with `t` and its value
 * is not validated. Cost: O(#parameters).
 *
 * @param lr - a finite number in [0, ∞), or a schedule `t ↦ lr` (RangeError otherwise).
 */
export function scaleByLearningRate(lr: ScalarOrSchedule): GradientTransformation<ScaleByLearningRateState> {
  const rate = checkScalarOrSchedule('lr', lr);
  return {
    init: () => ({ count: 0 }),
    update(updates: Parameters, state: ScaleByLearningRateState, params: Parameters) {
      checkMatchingParameters('updates', updates, params);
      const factor = -(typeof rate === 'number' ? rate : rate(state.count));
      const out: Updates = {};
      for (const name of Object.keys(params)) {
        const u = updates[name]!;
        const o = zerosLike(u);
        for (let i = 0; i < o.length; i++) o[i] = factor * u[i]!;
        out[name] = o;
      }
      return { updates: out, state: { count: state.count + 1 } };
    },
  };
}
