/**
 * Shared types of the framework-agnostic optimizer core: pure `init`/`update` pairs over
 * plain-data state (optax's `GradientTransformation`).
 *
 * @module
 */

/** A flat parameter (or gradient, or update) vector, stored in float32 or float64. */
export type ParameterArray = Float32Array | Float64Array;

/**
 * Named flat parameter vectors: parameter name → its values, flattened. The same shape is
 * used for parameters, gradients and updates; names and lengths must agree between them.
 */
export type Parameters = Readonly<Record<string, ParameterArray>>;

/** Updates returned by a transform: freshly allocated arrays, one per parameter name. */
export type Updates = Record<string, ParameterArray>;

/** The state of a transform that keeps none (optax's `EmptyState`). */
export type EmptyState = Readonly<Record<string, never>>;

/**
 * A gradient transformation: a pair of pure functions (optax's `GradientTransformation`).
 *
 * * `init(params) → state` builds the initial state from the parameters' names and lengths.
 * * `update(updates, state, params) → { updates, state }` transforms incoming updates
 *   (gradients, for the first transform of a chain) into outgoing ones.
 *
 * Both are pure: they never mutate their inputs (neither the arrays nor the records) and
 * return newly allocated arrays, so a caller may keep every old state. The state `S` is plain
 * data (numbers, typed arrays, records, tuples of these), so a checkpoint is a serialisation
 * of it. Apply the final updates with `applyUpdates(params, updates)` (p ← p + u).
 *
 * @typeParam S - the plain-data state record.
 */
export interface GradientTransformation<S> {
  /** The initial state for `params`. Cost: O(#parameters) at most. */
  init(params: Parameters): S;
  /**
   * Transforms `updates` given the current `state` and `params` (names and lengths of
   * `updates` must match `params`, otherwise a RangeError). Returns new updates and the
   * next state; the inputs are left unchanged. NaN/Inf are not checked here.
   */
  update(updates: Parameters, state: S, params: Parameters): { updates: Updates; state: S };
}

/** The state type of a gradient transformation. */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/** A schedule: the 0-based step `t` ↦ a hyper-parameter value (e.g. the learning rate). */
export type Schedule = (step: number) => number;

/** A hyper-parameter that is either constant or a schedule of the 0-based step. */
export type ScalarOrSchedule = number | Schedule;
