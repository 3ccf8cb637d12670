import { assertDType, describeValue } from '@singd/half';
import { DenseMatrix } from '@singd/structured-matrix';
import {
  type CaptureProcessingOptions,
  checkKfacApproximation,
  checkLossAverage,
  checkOptionsObject,
  type InputProcessingOptions,
  type LayerCapture,
  lossTermCount,
  type OutputGradientProcessingOptions,
  type ProcessedCapture,
} from './options.js';
import {
  checkTensor,
  finiteRounded,
  formatShape,
  layerLabel,
  scaleEntries,
  shapeSize,
  type Tensor,
} from './tensor.js';

/**
 * A fully connected layer `y = W a + b` with `W ∈ R^{outFeatures × inFeatures}` applied to the
 * last dimension of its input (spec §1.1). The preconditioner sizes are
 * `d_K = inFeatures + (bias ? 1 : 0)` and `d_C = outFeatures`.
 */
export interface LinearLayer {
  /** Names the layer in error messages (and keys its state elsewhere). */
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Whether the layer has a bias `b` (then `Ã` gets a column of ones). */
  readonly bias: boolean;
}

function checkPositiveInteger(value: unknown, what: string, label: string): void {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new RangeError(`${label}: ${what} must be a positive integer; got ${describeValue(value)}`);
  }
}

/**
 * Checks a {@link LinearLayer} description and returns it. Cost O(1).
 * @throws TypeError for a missing name or non-boolean bias; RangeError for non-positive sizes.
 */
export function checkLinearLayer(layer: LinearLayer): LinearLayer {
  if (typeof layer !== 'object' || layer === null) {
    throw new TypeError(
      `a Linear layer must be an object { name, inFeatures, outFeatures, bias }; got ${describeValue(layer)}`,
    );
  }
  if (typeof layer.name !== 'string' || layer.name === '') {
    throw new TypeError(`a Linear layer needs a non-empty string name; got ${describeValue(layer.name)}`);
  }
  const label = layerLabel(layer);
  checkPositiveInteger(layer.inFeatures, 'inFeatures', label);
  checkPositiveInteger(layer.outFeatures, 'outFeatures', label);
  if (typeof layer.bias !== 'boolean') {
    throw new TypeError(`${label}: bias must be true or false; got ${describeValue(layer.bias)}`);
  }
  return layer;
}

/** Rank ≥ 2, last dim = `features`, no zero-size dims; returns [N, sharedSize]. */
function checkLinearTensor(t: Tensor, features: number, featureName: string, what: string): [number, number] {
  const { shape } = t;
  if (shape.length < 2 || shape[shape.length - 1] !== features) {
    throw new RangeError(
      `${what} shape ${formatShape(shape)} does not match ${featureName} ${features} (expected [N, ..., ${features}])`,
    );
  }
  if (shape.some((s) => s === 0)) {
    throw new RangeError(
      `${what} shape ${formatShape(shape)} has a zero-size dimension (expected [N, ..., ${features}], all ≥ 1)`,
    );
  }
  return [shape[0]!, shapeSize(shape.slice(1, -1))];
}

/**
 * `rows × cols` matrix from `values` (row-major, `rows·sharedSize` input rows of `cols`
 * features): expand keeps every row, reduce combines the `sharedSize` rows of a sample (mean
 * or sum); then appends a bias column of ones and applies `scale`.
 */
function flattenOrCombine(
  values: Float64Array,
  batch: number,
  sharedSize: number,
  features: number,
  expand: boolean,
  combine: 'mean' | 'sum',
  bias: boolean,
  scale: (rows: number) => { readonly divisor: number } | { readonly multiplier: number },
): { values: Float64Array; rows: number; cols: number } {
  const rows = expand ? batch * sharedSize : batch;
  const cols = features + (bias ? 1 : 0);
  const out = new Float64Array(rows * cols);
  if (expand) {
    for (let r = 0; r < rows; r++) {
      for (let f = 0; f < features; f++) out[r * cols + f] = values[r * features + f]!;
    }
  } else {
    for (let n = 0; n < batch; n++) {
      const row = n * cols;
      for (let s = 0; s < sharedSize; s++) {
        const source = (n * sharedSize + s) * features;
        for (let f = 0; f < features; f++) out[row + f]! += values[source + f]!;
      }
      if (combine === 'mean') for (let f = 0; f < features; f++) out[row + f] = out[row + f]! / sharedSize;
    }
  }
  if (bias) for (let r = 0; r < rows; r++) out[r * cols + features] = 1;
  scaleEntries(out, scale(rows));
  return { values: out, rows, cols };
}

/**
 * The processed inputs `Ã` of a Linear layer (spec §1.3), so that `A = ÃᵀÃ`:
 *
 * 1. the input `[N, R…, d_in]` is rounded to `dtype`;
 * 2. expand: rows are all `(n, r…)` → `(N·R) × d_in`; reduce: the mean over the shared dims
 *    `R…` → `N × d_in` (for `[N, d_in]` both are the identity);
 * 3. with bias a column of ones is appended (`d_K = d_in + 1`);
 * 4. every entry is divided by `√rows`, so `ÃᵀÃ = (1/rows)·Σ_rows a aᵀ` (the bias entry of
 *    `A` is exactly 1).
 *
 * Steps 2–4 run in float64; the result is rounded once to `dtype` (the reference rounds after
 * each step, which only loses accuracy). Cost O(N·R·d_in) time, O(rows·d_K) memory.
 *
 * @example
 * ```ts
 * const layer = { name: 'fc1', inFeatures: 2, outFeatures: 3, bias: true };
 * const a = processLinearInputs(layer, tensor([2, 2], [1, 2, 3, 4]), { approximation: 'expand' });
 * a.toRows(); // [[1, 2, 1], [3, 4, 1]] divided by √2
 * ```
 * @throws RangeError naming the layer and the shapes for a rank < 2 input, a last dim ≠
 *   inFeatures, a zero-size dim, or a non-finite entry; RangeError for bad options.
 */
export function processLinearInputs(
  layer: LinearLayer,
  input: Tensor,
  options: InputProcessingOptions,
): DenseMatrix {
  checkLinearLayer(layer);
  const label = layerLabel(layer);
  checkOptionsObject(options, `processLinearInputs (${label})`);
  const approximation = checkKfacApproximation(options.approximation);
  const dtype = assertDType(options.dtype ?? 'float32');
  const what = `${label}: input`;
  const t = checkTensor(input, what);
  const [batch, sharedSize] = checkLinearTensor(t, layer.inFeatures, 'inFeatures', what);
  const values = finiteRounded(t, dtype, what);
  const result = flattenOrCombine(
    values,
    batch,
    sharedSize,
    layer.inFeatures,
    approximation === 'expand',
    'mean',
    layer.bias,
    (rows) => ({ divisor: Math.sqrt(rows) }),
  );
  return DenseMatrix.fromArray(result.values, result.rows, result.cols, dtype);
}

/**
 * The processed output gradients `G̃` of a Linear layer (spec §1.3), so that `G = G̃ᵀG̃`:
 *
 * 1. the gradient `[N, R…, d_out]` is rounded to `dtype`;
 * 2. expand: rows are all `(n, r…)` → `(N·R) × d_out`; reduce: the **sum** over the shared
 *    dims → `N × d_out`;
 * 3. every entry is multiplied by `√n_terms` with `n_terms = N` (`'batch'`), `N·R`
 *    (`'batch+sequence'`, `R` = product of the shared dims), or not at all (`null`), so
 *    `G̃ᵀG̃ = n_terms·Σ_rows g gᵀ`.
 *
 * Steps 2–3 run in float64; the result is rounded once to `dtype`.
 * Cost O(N·R·d_out) time, O(rows·d_out) memory.
 *
 * @throws RangeError naming the layer and the shapes for a rank < 2 gradient, a last dim ≠
 *   outFeatures, a zero-size dim, or a non-finite entry; RangeError for bad options.
 */
export function processLinearOutputGradients(
  layer: LinearLayer,
  outputGradient: Tensor,
  options: OutputGradientProcessingOptions,
): DenseMatrix {
  checkLinearLayer(layer);
  const label = layerLabel(layer);
  checkOptionsObject(options, `processLinearOutputGradients (${label})`);
  const approximation = checkKfacApproximation(options.approximation);
  const lossAverage = checkLossAverage(options.lossAverage);
  const dtype = assertDType(options.dtype ?? 'float32');
  const what = `${label}: output gradient`;
  const t = checkTensor(outputGradient, what);
  const [batch, sharedSize] = checkLinearTensor(t, layer.outFeatures, 'outFeatures', what);
  const values = finiteRounded(t, dtype, what);
  const terms = lossTermCount(lossAverage, batch, sharedSize);
  const result = flattenOrCombine(
    values,
    batch,
    sharedSize,
    layer.outFeatures,
    approximation === 'expand',
    'sum',
    false,
    () => ({ multiplier: terms === null ? 1 : Math.sqrt(terms) }),
  );
  return DenseMatrix.fromArray(result.values, result.rows, result.cols, dtype);
}

/**
 * `Ã` and `G̃` of one Linear capture ({@link processLinearInputs},
 * {@link processLinearOutputGradients}), after checking that input `[N, R…, d_in]` and
 * output gradient `[N', R'…, d_out]` belong together (`N = N'`, `R… = R'…`).
 * Cost: the sum of both.
 * @throws RangeError naming the layer and both shapes when they do not match.
 */
export function processLinearCapture(
  layer: LinearLayer,
  capture: LayerCapture,
  options: CaptureProcessingOptions,
): ProcessedCapture {
  checkLinearLayer(layer);
  const label = layerLabel(layer);
  const input = checkTensor(capture?.input, `${label}: input`);
  const outputGradient = checkTensor(capture?.outputGradient, `${label}: output gradient`);
  const inputLeading = input.shape.slice(0, -1);
  const gradientLeading = outputGradient.shape.slice(0, -1);
  if (
    inputLeading.length !== gradientLeading.length ||
    inputLeading.some((size, axis) => size !== gradientLeading[axis])
  ) {
    const what = input.shape[0] !== outputGradient.shape[0] ? 'batch sizes differ' : 'shared dims differ';
    throw new RangeError(
      `${label}: ${what}: input shape ${formatShape(input.shape)} vs output gradient shape ${formatShape(outputGradient.shape)} (expected [N, ..., ${layer.inFeatures}] and [N, ..., ${layer.outFeatures}] with the same leading dims)`,
    );
  }
  checkOptionsObject(options, `processLinearCapture (${label})`);
  return {
    inputs: processLinearInputs(layer, input, {
      approximation: options.approximation,
      dtype: options.inputDtype,
    }),
    outputGradients: processLinearOutputGradients(layer, outputGradient, {
      approximation: options.approximation,
      lossAverage: options.lossAverage,
      dtype: options.outputGradientDtype,
    }),
  };
}
