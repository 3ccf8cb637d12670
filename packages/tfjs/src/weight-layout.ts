/**
 * Conversions between TensorFlow.js kernel layouts and the weight matrices of
 * @singd/kron-curvature (spec §1.1).
 *
 * tfjs stores a Dense kernel as `[in, out]` and a Conv2D kernel as `[kh, kw, cin, cout]`; both are
 * a row-major `[P, out]` matrix with `P = in` or `P = kh·kw·cin` in `(i, j, c)` order — exactly the
 * NHWC patch order of kron-curvature's unfold. So in both cases our weight `W ∈ R^{out × P}` is the
 * transpose: `W[o, p] = kernel[p, o]`.
 *
 * @module
 */

/**
 * `W = kernelᵀ` for a kernel flattened row-major as `[P, out]`: `W[o·P + p] = kernel[p·out + o]`.
 * Cost O(P·out).
 *
 * @example
 * ```ts
 * kernelToWeight(Float32Array.of(1, 2, 3, 4, 5, 6), 3); // 3 inputs, 2 outputs → [1, 3, 5, 2, 4, 6]
 * ```
 */
export function kernelToWeight(kernel: ArrayLike<number>, outputs: number): Float64Array {
  const P = kernel.length / outputs;
  const weight = new Float64Array(kernel.length);
  for (let p = 0; p < P; p++) {
    for (let o = 0; o < outputs; o++) weight[o * P + p] = kernel[p * outputs + o]!;
  }
  return weight;
}

/** The inverse of {@link kernelToWeight}: `kernel[p·out + o] = W[o·P + p]`, as float32. Cost O(P·out). */
export function weightToKernel(weight: ArrayLike<number>, outputs: number): Float32Array {
  const P = weight.length / outputs;
  const kernel = new Float32Array(weight.length);
  for (let p = 0; p < P; p++) {
    for (let o = 0; o < outputs; o++) kernel[p * outputs + o] = weight[o * P + p]!;
  }
  return kernel;
}

/**
 * `W̃ = [W | b]` (row-major `out × (P + 1)`, bias last column) or `W` alone without a bias.
 * Cost O(out·P).
 */
export function augmentedWeight(
  weight: Float64Array,
  bias: Float64Array | null,
  outputs: number,
): Float64Array {
  if (bias === null) return weight;
  const P = weight.length / outputs;
  const out = new Float64Array(outputs * (P + 1));
  for (let o = 0; o < outputs; o++) {
    out.set(weight.subarray(o * P, (o + 1) * P), o * (P + 1));
    out[o * (P + 1) + P] = bias[o]!;
  }
  return out;
}

/** Splits `[W | b]` (see {@link augmentedWeight}) back into `W` and `b`. Cost O(out·P). */
export function splitAugmentedWeight(
  augmented: Float64Array,
  outputs: number,
  hasBias: boolean,
): { weight: Float64Array; bias: Float64Array | null } {
  if (!hasBias) return { weight: augmented, bias: null };
  const cols = augmented.length / outputs;
  const P = cols - 1;
  const weight = new Float64Array(outputs * P);
  const bias = new Float64Array(outputs);
  for (let o = 0; o < outputs; o++) {
    weight.set(augmented.subarray(o * cols, o * cols + P), o * P);
    bias[o] = augmented[o * cols + P]!;
  }
  return { weight, bias };
}
