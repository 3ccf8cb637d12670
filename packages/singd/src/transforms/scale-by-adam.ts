import type { GradientTransformation, ParameterArray, Parameters, Updates } from './api.js';
import {
  checkMatchingParameters,
  checkNumber,
  NON_NEGATIVE,
  UNIT_HALF_OPEN,
  zerosLike,
  zerosLikeParameters,
} from './internal.js';

/** Options of `scaleByAdam`. */
export interface ScaleByAdamOptions {
  /** β1, decay of the first moment; in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** β2, decay of the second moment; in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** ε, added to the root of the second moment; in [0, ∞). Default 1e-8. */
  readonly epsilon?: number;
}

/** The state of `scaleByAdam`: step count and the two moment estimates per parameter. */
export interface ScaleByAdamState {
  /** The number of updates made so far. */
  readonly count: number;
  /** First moment estimates (biased), per parameter. */
  readonly mu: Readonly<Record<string, ParameterArray>>;
  /** Second moment estimates (biased), per parameter. */
  readonly nu: Readonly<Record<string, ParameterArray>>;
}

/**
 * Adam's rescaling with bias correction (optax's `scale_by_adam`; the direction of AdamW):
 *
 * ```
 * t  ← count + 1
 * μ  ← β1·μ + (1 − β1)·u
 * ν  ← β2·ν + (1 − β2)·u²
 * u  ← μ̂ / (√ν̂ + ε),   μ̂ = μ / (1 − β1ᵗ),   ν̂ = ν / (1 − β2ᵗ)
 * ```
 *
 * μ, ν start at zeros in the parameters' dtypes. Cost: O(#parameters) time, 2·#parameters state.
 *
 * @param options - β1, β2 in [0, 1), ε in [0, ∞) (RangeError otherwise).
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const beta1 = checkNumber('beta1', options.beta1 ?? 0.9, UNIT_HALF_OPEN);
  const beta2 = checkNumber('beta2', options.beta2 ?? 0.999, UNIT_HALF_OPEN);
  const epsilon = checkNumber('epsilon', options.epsilon ?? 1e-8, NON_NEGATIVE);
  return {
    init(params: Parameters): ScaleByAdamState {
      return { count: 0, mu: zerosLikeParameters(params), nu: zerosLikeParameters(params) };
    },
    update(updates: Parameters, state: ScaleByAdamState, params: Parameters) {
      checkMatchingParameters('updates', updates, params);
      checkMatchingParameters('mu', state.mu, params);
      checkMatchingParameters('nu', state.nu, params);
      const count = state.count + 1;
      const correction1 = 1 - beta1 ** count;
      const correction2 = 1 - beta2 ** count;
      const out: Updates = {};
      const mu: Record<string, ParameterArray> = {};
      const nu: Record<string, ParameterArray> = {};
      for (const name of Object.keys(params)) {
        const u = updates[name]!;
        const muPrevious = state.mu[name]!;
        const nuPrevious = state.nu[name]!;
        const muNext = zerosLike(muPrevious);
        const nuNext = zerosLike(nuPrevious);
        const o = zerosLike(u);
        for (let i = 0; i < o.length; i++) {
          const g = u[i]!;
          muNext[i] = beta1 * muPrevious[i]! + (1 - beta1) * g;
          nuNext[i] = beta2 * nuPrevious[i]! + (1 - beta2) * g * g;
          o[i] = muNext[i]! / correction1 / (Math.sqrt(nuNext[i]! / correction2) + epsilon);
        }
        mu[name] = muNext;
        nu[name] = nuNext;
        out[name] = o;
      }
      return { updates: out, state: { count, mu, nu } };
    },
  };
}
