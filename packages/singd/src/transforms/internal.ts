/**
 * Internal helpers of the transforms (not exported from the package): validation of
 * hyper-parameters and of update/parameter agreement, and dtype-preserving allocation.
 *
 * @internal
 * @module
 */
import type { ParameterArray, Parameters, ScalarOrSchedule } from './api.js';

/** A zero-filled array with the same dtype and length as `like`. */
export function zerosLike(like: ParameterArray): ParameterArray {
  return like instanceof Float32Array ? new Float32Array(like.length) : new Float64Array(like.length);
}

/** Zero-filled arrays with the names, dtypes and lengths of `params`. O(#parameters). */
export function zerosLikeParameters(params: Parameters): Record<string, ParameterArray> {
  const out: Record<string, ParameterArray> = {};
  for (const name of Object.keys(params)) out[name] = zerosLike(params[name]!);
  return out;
}

/** A RangeError unless `value` is a finite number within the interval; names the option. */
export function checkNumber(
  name: string,
  value: unknown,
  range: { min: number; minInclusive: boolean; max: number; maxInclusive: boolean },
): number {
  const { min, minInclusive, max, maxInclusive } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minInclusive ? value >= min : value > min) &&
    (maxInclusive ? value <= max : value < max);
  if (!ok) {
    const interval = `${minInclusive ? '[' : '('}${min}, ${max === Number.POSITIVE_INFINITY ? '∞' : max}${maxInclusive ? ']' : ')'}`;
    throw new RangeError(`${name} must be a finite number in ${interval}; got ${String(value)}`);
  }
  return value as number;
}

/** `[0, ∞)`. */
export const NON_NEGATIVE = {
  min: 0,
  minInclusive: true,
  max: Number.POSITIVE_INFINITY,
  maxInclusive: false,
};
/** `(0, ∞)`. */
export const POSITIVE = { min: 0, minInclusive: false, max: Number.POSITIVE_INFINITY, maxInclusive: false };
/** `[0, 1)`. */
export const UNIT_HALF_OPEN = { min: 0, minInclusive: true, max: 1, maxInclusive: false };

/** A RangeError unless `value` is a function or a finite number ≥ 0. */
export function checkScalarOrSchedule(name: string, value: unknown): ScalarOrSchedule {
  if (typeof value === 'function') return value as ScalarOrSchedule;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new RangeError(
    `${name} must be a schedule function or a finite number in [0, ∞); got ${String(value)}`,
  );
}

/** A RangeError unless `value` is an integer in `[min, ∞)`. */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer in [${min}, ∞); got ${String(value)}`);
  }
  return value;
}

/**
 * A RangeError unless `other` has exactly the parameter names of `params`, each with the
 * same length. `what` names `other` in the message (e.g. `'updates'`). O(#names).
 */
export function checkMatchingParameters(what: string, other: Parameters, params: Parameters): void {
  for (const name of Object.keys(params)) {
    const expected = params[name]!.length;
    const array = Object.hasOwn(other, name) ? other[name] : undefined;
    if (array === undefined) {
      throw new RangeError(
        `${what}["${name}"] is missing (length 0) but parameter "${name}" has length ${expected}`,
      );
    }
    if (array.length !== expected) {
      throw new RangeError(
        `${what}["${name}"] has length ${array.length} but parameter "${name}" has length ${expected}`,
      );
    }
  }
  for (const name of Object.keys(other)) {
    if (!Object.hasOwn(params, name)) {
      throw new RangeError(
        `${what}["${name}"] has length ${other[name]!.length} but there is no parameter "${name}" (length 0)`,
      );
    }
  }
}
