import type { ParameterArray, Parameters } from './api.js';
import { checkMatchingParameters, zerosLike } from './internal.js';

/**
 * Applies updates to parameters (optax's `apply_updates`): returns new parameters
 * `p ← p + u` (the learning rate's sign is already in `u`), in the parameters' dtypes.
 * Inputs are left unchanged. Names and lengths must match (RangeError otherwise).
 * Cost: O(#parameters).
 */
export function applyUpdates(params: Parameters, updates: Parameters): Record<string, ParameterArray> {
  checkMatchingParameters('updates', updates, params);
  const out: Record<string, ParameterArray> = {};
  for (const name of Object.keys(params)) {
    const p = params[name]!;
    const u = updates[name]!;
    const o = zerosLike(p);
    for (let i = 0; i < o.length; i++) o[i] = p[i]! + u[i]!;
    out[name] = o;
  }
  return out;
}
