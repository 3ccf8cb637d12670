/**
 * Errors of `@singd/tfjs`.
 *
 * @module
 */

/**
 * A training step met a NaN or ±∞ (in the loss, a gradient, a captured input or output
 * gradient, or the optimizer's own computation) under `nonFinite: 'throw'`. The message names
 * what held it; `step` is the 0-based trainer step.
 */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  constructor(
    readonly step: number,
    message: string,
  ) {
    super(message);
  }
}
