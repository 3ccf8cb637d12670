import type { Schedule } from './api.js';
import { checkInteger, checkNumber, NON_NEGATIVE, UNIT_HALF_OPEN } from './internal.js';

const ANY_FINITE = {
  min: Number.NEGATIVE_INFINITY,
  minInclusive: false,
  max: Number.POSITIVE_INFINITY,
  maxInclusive: false,
};

/** A RangeError unless `step` is an integer ≥ 0. */
function checkStep(step: number): number {
  return checkInteger('step', step, 0);
}

/**
 * A constant schedule: `t ↦ value`. Cost: O(1).
 *
 * @param value - any finite number (RangeError otherwise).
 */
export function constantSchedule(value: number): Schedule {
  const v = checkNumber('value', value, ANY_FINITE);
  return (step) => {
    checkStep(step);
    return v;
  };
}

/** Options of `linearWarmupSchedule`. */
export interface LinearWarmupScheduleOptions {
  /** The value reached at the end of the warm-up and kept afterwards; finite. */
  readonly peakValue: number;
  /** Number of warm-up steps; an integer ≥ 0 (0: constant `peakValue`). */
  readonly warmupSteps: number;
  /** The value at step 0; finite. Default 0. */
  readonly initValue?: number;
}

/**
 * Linear warm-up: `t ↦ init + (peak − init)·min(t, W)/W` (`W` = warmupSteps), then constant
 * `peak`. Cost: O(1).
 */
export function linearWarmupSchedule(options: LinearWarmupScheduleOptions): Schedule {
  const peak = checkNumber('peakValue', options.peakValue, ANY_FINITE);
  const warmup = checkInteger('warmupSteps', options.warmupSteps, 0);
  const init = checkNumber('initValue', options.initValue ?? 0, ANY_FINITE);
  return (step) => {
    const t = checkStep(step);
    if (t >= warmup) return peak;
    return init + ((peak - init) * t) / warmup;
  };
}

/** Options of `cosineDecaySchedule`. */
export interface CosineDecayScheduleOptions {
  /** The value at step 0; finite. */
  readonly initValue: number;
  /** Number of decay steps; an integer ≥ 1. */
  readonly decaySteps: number;
  /** The final value as a fraction of `initValue`; in [0, 1). Default 0. */
  readonly alpha?: number;
}

/**
 * Cosine decay (optax's `cosine_decay_schedule`, SGDR without restarts):
 * `t ↦ init·((1 − α)·½·(1 + cos(π·min(t, D)/D)) + α)` (`D` = decaySteps), constant
 * `α·init` after `D` steps. Cost: O(1).
 */
export function cosineDecaySchedule(options: CosineDecayScheduleOptions): Schedule {
  const init = checkNumber('initValue', options.initValue, ANY_FINITE);
  const decay = checkInteger('decaySteps', options.decaySteps, 1);
  const alpha = checkNumber('alpha', options.alpha ?? 0, UNIT_HALF_OPEN);
  return (step) => {
    const t = Math.min(checkStep(step), decay);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / decay));
    return init * ((1 - alpha) * cosine + alpha);
  };
}

/** Options of `piecewiseConstantSchedule`. */
export interface PiecewiseConstantScheduleOptions {
  /** The value before the first boundary; finite. */
  readonly initValue: number;
  /**
   * `[boundary, scale]` pairs, boundaries strictly increasing integers ≥ 0, scales finite
   * numbers ≥ 0: from step `boundary` on, the value is multiplied by `scale`.
   */
  readonly boundariesAndScales: readonly (readonly [number, number])[];
}

/**
 * Piecewise-constant schedule (optax's `piecewise_constant_schedule`):
 * `t ↦ init·∏{ scaleᵢ : boundaryᵢ ≤ t }`. Cost: O(#boundaries) per call.
 *
 * @example
 * ```ts
 * // 0.1 until step 100, 0.01 until step 200, then 0.001
 * piecewiseConstantSchedule({ initValue: 0.1, boundariesAndScales: [[100, 0.1], [200, 0.1]] });
 * ```
 */
export function piecewiseConstantSchedule(options: PiecewiseConstantScheduleOptions): Schedule {
  const init = checkNumber('initValue', options.initValue, ANY_FINITE);
  const pairs: [number, number][] = [];
  let previous = -1;
  for (const [i, pair] of options.boundariesAndScales.entries()) {
    const boundary = checkInteger(`boundariesAndScales[${i}][0]`, pair[0], previous + 1);
    const scale = checkNumber(`boundariesAndScales[${i}][1]`, pair[1], NON_NEGATIVE);
    pairs.push([boundary, scale]);
    previous = boundary;
  }
  return (step) => {
    const t = checkStep(step);
    let value = init;
    for (const [boundary, scale] of pairs) {
      if (t < boundary) break;
      value *= scale;
    }
    return value;
  };
}
