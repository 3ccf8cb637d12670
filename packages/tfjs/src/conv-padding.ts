/**
 * TensorFlow.js's `'same'` padding, which kron-curvature cannot describe directly.
 *
 * @module
 */

/**
 * The zero padding `[before, after]` TensorFlow.js applies along one spatial dim for `'same'`:
 * output size `O = ⌈I/s⌉`, total `max((O − 1)·s + q·(k − 1) + 1 − I, 0)`, `before = ⌊total/2⌋`
 * and the odd row/column (if any) `after`. For `'valid'` it is `[0, 0]`. Cost O(1).
 *
 * @example
 * ```ts
 * samePadding(28, 3, 2, 1); // [0, 1]: O = 14, total = 1 (asymmetric)
 * samePadding(28, 3, 1, 1); // [1, 1]
 * ```
 */
export function samePadding(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const output = Math.ceil(input / stride);
  const total = Math.max((output - 1) * stride + dilation * (kernel - 1) + 1 - input, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
