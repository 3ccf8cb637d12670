import { type DType, describeValue } from '@singd/half';
import type { DenseMatrix } from '@singd/structured-matrix';
import type { Tensor } from './tensor.js';

/**
 * How a layer with shared dimensions (the sequence `R` of a Linear layer on `[N, R, d]`, the
 * output locations `O1·O2` of a Conv2d layer) is turned into Kronecker factors (spec §1.3, §4.1;
 * Eschenhagen et al. 2023):
 *
 * - `'expand'`: every shared position is one more row: `Ã` is `(N·R) × d_K`, `G̃` is
 *   `(N·R) × d_C`. Exact for deep linear networks whose loss has `N·R` terms.
 * - `'reduce'`: inputs are **averaged** and output gradients **summed** over the shared
 *   dimensions: `Ã` is `N × d_K`, `G̃` is `N × d_C`. Exact when the loss has `N` terms.
 *
 * For a Linear layer on `[N, d]` both give the same matrices.
 */
export type KfacApproximation = 'expand' | 'reduce';

/**
 * Over how many terms the loss was averaged, which fixes the scaling `√n_terms` of the output
 * gradients (spec §1.3–1.4):
 *
 * - `'batch'`: the loss is a mean over the `N` samples, `n_terms = N`;
 * - `'batch+sequence'`: a mean over samples and shared positions, `n_terms = N·R` (Linear:
 *   the product of the dims between batch and features; Conv2d: `O1·O2`);
 * - `null`: the loss is a sum; no scaling.
 *
 * With this scaling `A = (1/n_terms)·Σ a aᵀ` and `G = (1/n_terms)·Σ δ δᵀ` for per-term
 * gradients `δ = n_terms·g`: `A ⊗ G` approximates the curvature of the loss actually minimised.
 */
export type LossAverage = 'batch' | 'batch+sequence' | null;

/** Every {@link KfacApproximation}, the default (`'expand'`, as in the reference) first. */
export const KFAC_APPROXIMATIONS: readonly KfacApproximation[] = Object.freeze(['expand', 'reduce']);

/** Every {@link LossAverage}, the optimizer default (`'batch'`) first. */
export const LOSS_AVERAGES: readonly LossAverage[] = Object.freeze(['batch', 'batch+sequence', null]);

/**
 * Checks that `options` is an object and returns it; `what` names the function. Cost O(1).
 * @throws TypeError for a missing or non-object options argument.
 */
export function checkOptionsObject<T>(options: T, what: string): T {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${what}: options must be an object; got ${describeValue(options)}`);
  }
  return options;
}

function describeChoices(values: readonly (string | null)[]): string {
  return values.map((v) => (v === null ? 'null' : `'${v}'`)).join(', ');
}

/**
 * Returns `value` as a {@link KfacApproximation}. Cost O(1).
 * @throws RangeError naming the option (`name`) and the valid values, e.g.
 *   `approximation must be one of 'expand', 'reduce'; got 'mean'`.
 */
export function checkKfacApproximation(value: unknown, name = 'approximation'): KfacApproximation {
  if (value !== 'expand' && value !== 'reduce') {
    throw new RangeError(
      `${name} must be one of ${describeChoices(KFAC_APPROXIMATIONS)}; got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Returns `value` as a {@link LossAverage} (`undefined` is rejected: a sum loss is `null`,
 * stated explicitly). Cost O(1).
 * @throws RangeError naming the option (`name`) and the valid values, e.g.
 *   `lossAverage must be one of 'batch', 'batch+sequence', null; got 'sequence'`.
 */
export function checkLossAverage(value: unknown, name = 'lossAverage'): LossAverage {
  if (value !== 'batch' && value !== 'batch+sequence' && value !== null) {
    throw new RangeError(
      `${name} must be one of ${describeChoices(LOSS_AVERAGES)}; got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * `n_terms`, the number of loss terms (spec §1.3 output-gradient step 1): `batchSize` for
 * `'batch'`, `batchSize·sharedSize` for `'batch+sequence'`, and `null` (no scaling) for a sum
 * loss. `sharedSize` is the product of the layer's shared dims (Linear: dims between batch and
 * features; Conv2d: `O1·O2`). Cost O(1).
 */
export function lossTermCount(
  lossAverage: LossAverage,
  batchSize: number,
  sharedSize: number,
): number | null {
  switch (lossAverage) {
    case 'batch':
      return batchSize;
    case 'batch+sequence':
      return batchSize * sharedSize;
    case null:
      return null;
  }
}

/** Options of the input processing `a → Ã` (`processLinearInputs`, `processConv2dInputs`). */
export interface InputProcessingOptions {
  /** Expand (rows per shared position) or reduce (average over shared dims). */
  readonly approximation: KfacApproximation;
  /** The K-factor precision: inputs are rounded to it first, `Ã` is stored in it. Default float32. */
  readonly dtype?: DType | undefined;
}

/** Options of the output-gradient processing `g → G̃` (`processLinearOutputGradients`, …). */
export interface OutputGradientProcessingOptions {
  /** Expand (rows per shared position) or reduce (sum over shared dims). */
  readonly approximation: KfacApproximation;
  /** Over how many terms the loss was averaged (`null`: a sum). */
  readonly lossAverage: LossAverage;
  /** The C-factor precision: gradients are rounded to it first, `G̃` is stored in it. Default float32. */
  readonly dtype?: DType | undefined;
}

/** Options of processing a whole capture (`processLinearCapture`, `processConv2dCapture`). */
export interface CaptureProcessingOptions {
  readonly approximation: KfacApproximation;
  readonly lossAverage: LossAverage;
  /** Precision of `Ã` (dtype_K). Default float32. */
  readonly inputDtype?: DType | undefined;
  /** Precision of `G̃` (dtype_C). Default float32. */
  readonly outputGradientDtype?: DType | undefined;
}

/** What is captured for one layer in one forward/backward pass (spec §1.2). */
export interface LayerCapture {
  /** The layer input `a` (Linear `[N, …, d_in]`; Conv2d `[N, C_in, I1, I2]` or `[N, I1, I2, C_in]`). */
  readonly input: Tensor;
  /**
   * The gradient `g` of the loss w.r.t. the layer's pre-activation output (Linear
   * `[N, …, d_out]`; Conv2d `[N, C_out, O1, O2]` or `[N, O1, O2, C_out]`).
   */
  readonly outputGradient: Tensor;
}

/** The processed matrices of one capture, already scaled (spec §1.2). */
export interface ProcessedCapture {
  /** `Ã` (rows × d_K): `A = ÃᵀÃ`. */
  readonly inputs: DenseMatrix;
  /** `G̃` (rows' × d_C): `G = G̃ᵀG̃`. */
  readonly outputGradients: DenseMatrix;
}
