import { type DType, describeValue, roundArray } from '@singd/half';

/**
 * A dense n-dimensional array of numbers, stored row-major (C order): the entry at
 * multi-index `(k_0, …, k_{r−1})` lives at `data[((k_0·s_1 + k_1)·s_2 + k_2)…]` where `s` is
 * `shape`. This is how captures (layer inputs `a`, output gradients `g`) reach this package,
 * from TensorFlow.js (`await t.data()`) or from plain arrays in tests.
 *
 * @example
 * ```ts
 * const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]); // [[1, 2, 3], [4, 5, 6]]
 * x.data[1 * 3 + 2]; // 6, the entry (1, 2)
 * ```
 */
export interface Tensor {
  /** The size of each dimension, outermost first. */
  readonly shape: readonly number[];
  /** The `product(shape)` entries in row-major order. */
  readonly data: Float32Array | Float64Array;
}

/**
 * A {@link Tensor} of `shape` over `data`. Typed arrays are used as they are (not copied);
 * a plain number array is copied into a Float64Array. The shape is copied and frozen.
 * Cost O(rank) for typed arrays, O(product(shape)) for number arrays.
 *
 * @throws TypeError if `shape` is not an array or `data` is not a Float32Array, Float64Array
 *   or number array; RangeError if a size is not a non-negative integer or
 *   `data.length ≠ product(shape)`.
 */
export function tensor(
  shape: readonly number[],
  data: Float32Array | Float64Array | readonly number[],
): Tensor {
  if (!Array.isArray(shape)) {
    throw new TypeError(`tensor: shape must be an array of sizes; got ${describeValue(shape)}`);
  }
  shape.forEach((size, axis) => {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(
        `tensor: shape[${axis}] must be a non-negative integer; got ${describeValue(size)} in shape ${formatShape(shape)}`,
      );
    }
  });
  let values: Float32Array | Float64Array;
  if (data instanceof Float32Array || data instanceof Float64Array) values = data;
  else if (Array.isArray(data)) values = Float64Array.from(data);
  else {
    throw new TypeError(
      `tensor: data must be a Float32Array, Float64Array or number array; got ${describeValue(data)}`,
    );
  }
  const size = shapeSize(shape);
  if (values.length !== size) {
    throw new RangeError(
      `tensor: data has ${values.length} entries but shape ${formatShape(shape)} needs ${size}`,
    );
  }
  return Object.freeze({ shape: Object.freeze([...shape]), data: values });
}

/** `product(shape)`: the number of entries of a tensor of that shape (1 for rank 0). Cost O(rank). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const s of shape) size *= s;
  return size;
}

/** A shape as it appears in error messages: `[4, 7]`. */
export function formatShape(shape: readonly unknown[]): string {
  return `[${shape.map((s) => (typeof s === 'number' ? String(s) : describeValue(s))).join(', ')}]`;
}

/** `layer 'fc1'` for messages (tolerates a malformed name). Cost O(1). */
export function layerLabel(layer: { readonly name?: unknown }): string {
  return typeof layer?.name === 'string' ? `layer '${layer.name}'` : `layer ${describeValue(layer?.name)}`;
}

/**
 * Divides every entry of `values` by `divisor`, or multiplies it by `multiplier`, in place
 * (output-first: `values` is the output). The `1/√rows` and `√n_terms` scalings of spec §1.3.
 * Cost O(length).
 */
export function scaleEntries(
  values: Float64Array,
  scale: { readonly divisor: number } | { readonly multiplier: number },
): Float64Array {
  if ('divisor' in scale) {
    if (scale.divisor !== 1) for (let k = 0; k < values.length; k++) values[k] = values[k]! / scale.divisor;
  } else if (scale.multiplier !== 1) {
    for (let k = 0; k < values.length; k++) values[k] = values[k]! * scale.multiplier;
  }
  return values;
}

/**
 * Checks that `value` is a well-formed {@link Tensor} (shape of non-negative integers, a
 * Float32Array/Float64Array of `product(shape)` entries) and returns it. `what` starts every
 * message, e.g. `layer 'fc1': input`. Cost O(rank).
 * @throws TypeError for a value that is not a tensor; RangeError for inconsistent sizes.
 */
export function checkTensor(value: unknown, what: string): Tensor {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${what} must be a tensor { shape, data }; got ${describeValue(value)}`);
  }
  const { shape, data } = value as { shape?: unknown; data?: unknown };
  if (!Array.isArray(shape)) {
    throw new TypeError(`${what} must have a shape array; got ${describeValue(shape)}`);
  }
  if (!shape.every((s) => Number.isInteger(s) && (s as number) >= 0)) {
    throw new RangeError(
      `${what} has an invalid shape ${formatShape(shape)}: sizes must be non-negative integers`,
    );
  }
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new TypeError(
      `${what} (shape ${formatShape(shape)}) must hold a Float32Array or Float64Array; got ${describeValue(data)}`,
    );
  }
  const size = shapeSize(shape as number[]);
  if (data.length !== size) {
    throw new RangeError(
      `${what} has shape ${formatShape(shape)} (${size} entries) but ${data.length} data entries`,
    );
  }
  return value as Tensor;
}

/** The multi-index of flat position `flat` in a row-major tensor of `shape`. Cost O(rank). */
export function multiIndex(shape: readonly number[], flat: number): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis]!;
    index[axis] = rest % size;
    rest = Math.floor(rest / size);
  }
  return index;
}

/**
 * The entries of `t` rounded to `dtype` (round to nearest even), as a new Float64Array: the
 * "cast to the factor precision before processing" of spec §1.3. Rejects non-finite entries,
 * before and after rounding (a finite value that overflows a half dtype is reported as such).
 * `what` starts every message. Cost O(size).
 * @throws RangeError naming `what`, the shape, the first offending multi-index and value.
 */
export function finiteRounded(t: Tensor, dtype: DType, what: string): Float64Array {
  const source = t.data;
  for (let k = 0; k < source.length; k++) {
    const x = source[k]!;
    if (!Number.isFinite(x)) {
      throw new RangeError(
        `${what} of shape ${formatShape(t.shape)} has a non-finite entry ${x} at ${formatShape(multiIndex(t.shape, k))}`,
      );
    }
  }
  const values = Float64Array.from(source);
  roundArray(values, values, dtype);
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k]!)) {
      throw new RangeError(
        `${what} of shape ${formatShape(t.shape)} has an entry ${source[k]} at ${formatShape(multiIndex(t.shape, k))} that overflows ${dtype}`,
      );
    }
  }
  return values;
}
