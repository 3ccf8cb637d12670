import type { GradientTransformation, ParameterArray, Parameters, Updates } from './api.js';
import {
  checkMatchingParameters,
  checkNumber,
  UNIT_HALF_OPEN,
  zerosLike,
  zerosLikeParameters,
} from './internal.js';

/** The state of `trace`: one momentum buffer per parameter; empty when `momentum = 0`. */
export interface TraceState {
  readonly momentumBuffer: Readonly<Record<string, ParameterArray>>;
}

/**
 * Heavy-ball momentum (optax's `trace`, PyTorch SGD's momentum without dampening), exactly
 * spec §2.5.E3: `buf ← α·buf + u; u ← buf`, with `buf` starting at zeros (so the first
 * step returns `u`). With `α = 0` it is the identity and allocates no buffers.
 *
 * Cost: O(#parameters) time; O(#parameters) state when `α ≠ 0`, none otherwise.
 *
 * @param momentum - α, a finite number in [0, 1) (RangeError otherwise).
 */
export function trace(momentum: number): GradientTransformation<TraceState> {
  const alpha = checkNumber('momentum', momentum, UNIT_HALF_OPEN);
  return {
    init(params: Parameters): TraceState {
      return { momentumBuffer: alpha === 0 ? {} : zerosLikeParameters(params) };
    },
    update(updates: Parameters, state: TraceState, params: Parameters) {
      checkMatchingParameters('updates', updates, params);
      const out: Updates = {};
      if (alpha === 0) {
        for (const name of Object.keys(params)) out[name] = updates[name]!.slice();
        return { updates: out, state };
      }
      checkMatchingParameters('momentumBuffer', state.momentumBuffer, params);
      const buffers: Record<string, ParameterArray> = {};
      for (const name of Object.keys(params)) {
        const u = updates[name]!;
        const previous = state.momentumBuffer[name]!;
        const buffer = zerosLike(previous);
        for (let i = 0; i < buffer.length; i++) buffer[i] = alpha * previous[i]! + u[i]!;
        const o = zerosLike(u);
        o.set(buffer);
        buffers[name] = buffer;
        out[name] = o;
      }
      return { updates: out, state: { momentumBuffer: buffers } };
    },
  };
}
