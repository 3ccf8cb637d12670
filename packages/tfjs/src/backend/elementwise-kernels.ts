import type { AccumulateOptions, MatrixView, VectorView } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { accumulate, readMatrix, readVector, writeMatrix, writeVector } from './views.js';

/**
 * The elementwise, row/column and reduction kernels of the `tfjs` backend: one `tf.tidy` per
 * call, the result written into `out`'s view by replacing its buffer's tensor. Costs are those
 * of the `cpu` kernels (O(elements)) plus O(length of `out`'s buffer) for the write.
 */

/** `tfjs` kernel: `out_ij ← alpha·s_i·x_ij (+ out_ij)`. */
export function scaleRows(
  out: MatrixView,
  scale: VectorView,
  x: MatrixView,
  options: AccumulateOptions,
): void {
  if (out.rows === 0 || out.cols === 0) return;
  tf.tidy(() => {
    const s = readVector({ ...scale, length: out.rows }).reshape([out.rows, 1]);
    const xs = readMatrix({ ...x, rows: out.rows, cols: out.cols });
    writeMatrix(
      out,
      accumulate(tf.mul(xs, s), options.alpha, options.accumulate, () => readMatrix(out)),
    );
  });
}

/** `tfjs` kernel: `out_ij ← alpha·x_ij·s_j (+ out_ij)`. */
export function scaleColumns(
  out: MatrixView,
  x: MatrixView,
  scale: VectorView,
  options: AccumulateOptions,
): void {
  if (out.rows === 0 || out.cols === 0) return;
  tf.tidy(() => {
    const s = readVector({ ...scale, length: out.cols }).reshape([1, out.cols]);
    const xs = readMatrix({ ...x, rows: out.rows, cols: out.cols });
    writeMatrix(
      out,
      accumulate(tf.mul(xs, s), options.alpha, options.accumulate, () => readMatrix(out)),
    );
  });
}

/** `tfjs` kernel: `out_i ← alpha·x_i + beta·out_i` (beta = 0 never reads `out`). */
export function axpby(out: VectorView, x: VectorView, alpha: number, beta: number): void {
  if (out.length === 0) return;
  tf.tidy(() => {
    const ax = tf.mul(readVector({ ...x, length: out.length }), alpha);
    writeVector(out, beta === 0 ? ax : tf.add(ax, tf.mul(readVector(out), beta)));
  });
}

/** `tfjs` kernel: `out_i ← alpha·a_i·b_i (+ out_i)`. */
export function multiply(out: VectorView, a: VectorView, b: VectorView, options: AccumulateOptions): void {
  if (out.length === 0) return;
  tf.tidy(() => {
    const product = tf.mul(
      readVector({ ...a, length: out.length }),
      readVector({ ...b, length: out.length }),
    );
    writeVector(
      out,
      accumulate(product, options.alpha, options.accumulate, () => readVector(out)),
    );
  });
}

/** `tfjs` kernel: `out_i ← value`. */
export function fill(out: VectorView, value: number): void {
  if (out.length === 0) return;
  tf.tidy(() => writeVector(out, tf.fill([out.length], value, 'float32')));
}

/** `tfjs` kernel: `out_i ← out_i + value`. */
export function addScalar(out: VectorView, value: number): void {
  if (out.length === 0) return;
  tf.tidy(() => writeVector(out, tf.add(readVector(out), value)));
}

/** `tfjs` kernel: `out ← alpha·op(x) (+ out)`, `op` the identity or the transpose. */
export function copy(
  out: MatrixView,
  x: MatrixView,
  options: AccumulateOptions & { readonly transpose: boolean },
): void {
  if (out.rows === 0 || out.cols === 0) return;
  tf.tidy(() => {
    const value = options.transpose
      ? tf.transpose(readMatrix({ ...x, rows: out.cols, cols: out.rows }))
      : readMatrix({ ...x, rows: out.rows, cols: out.cols });
    writeMatrix(
      out,
      accumulate(value, options.alpha, options.accumulate, () => readMatrix(out)),
    );
  });
}

/** `tfjs` kernel: `out_i ← alpha·Σ_j x_ij² (+ out_i)`. */
export function rowSquaredSums(out: VectorView, x: MatrixView, options: AccumulateOptions): void {
  if (x.rows === 0) return;
  tf.tidy(() => {
    const sums = x.cols === 0 ? tf.zeros([x.rows]) : tf.sum(tf.square(readMatrix(x)), 1);
    const target = { ...out, length: x.rows };
    writeVector(
      target,
      accumulate(sums, options.alpha, options.accumulate, () => readVector(target)),
    );
  });
}

/** `tfjs` kernel: `out_j ← alpha·Σ_i x_ij² (+ out_j)`. */
export function columnSquaredSums(out: VectorView, x: MatrixView, options: AccumulateOptions): void {
  if (x.cols === 0) return;
  tf.tidy(() => {
    const sums = x.rows === 0 ? tf.zeros([x.cols]) : tf.sum(tf.square(readMatrix(x)), 0);
    const target = { ...out, length: x.cols };
    writeVector(
      target,
      accumulate(sums, options.alpha, options.accumulate, () => readVector(target)),
    );
  });
}

const upperMasks = new Map<number, Uint8Array>();

/** Row-major d × d mask of the upper triangle (diagonal included), cached per d. */
function upperTriangleMask(d: number): Uint8Array {
  let mask = upperMasks.get(d);
  if (mask === undefined) {
    mask = new Uint8Array(d * d);
    for (let i = 0; i < d; i++) mask.fill(1, i * d + i, (i + 1) * d);
    if (upperMasks.size > 64) upperMasks.clear();
    upperMasks.set(d, mask);
  }
  return mask;
}

/**
 * Sums of the upper diagonals of a square `d × d` tensor, `k = 0 … d−1`: the upper triangle
 * (others set to 0 by `where`, so NaN below the diagonal is ignored), flattened and followed by
 * d zeros, reshaped to `d × (d+1)` puts the entries `x_{i,i+k}` in column k (every other entry
 * that lands there is a zeroed lower one). O(d²), no gather.
 */
export function upperDiagonalSums(x: tf.Tensor2D): tf.Tensor1D {
  const d = x.shape[0];
  const flat = x.reshape([d * d]);
  const upper = tf.where(tf.tensor1d(upperTriangleMask(d), 'bool'), flat, tf.zerosLike(flat));
  const skewed = tf.concat([upper, tf.zeros([d])]).reshape([d, d + 1]);
  return tf.slice(tf.sum(skewed, 0), [0], [d]) as tf.Tensor1D;
}

/** `values` (length ≤ `length`) followed by zeros up to `length`. */
export function zeroExtend(values: tf.Tensor1D, length: number): tf.Tensor1D {
  if (values.size === length) return values;
  if (values.size > length) return tf.slice(values, [0], [length]);
  return tf.concat([values, tf.zeros([length - values.size])]);
}

/** `tfjs` kernel: sums along the lower (`x_{i+k,i}`) or upper (`x_{i,i+k}`) diagonals of a square `x`. */
export function diagonalSums(
  out: VectorView,
  x: MatrixView,
  options: AccumulateOptions & { readonly lower: boolean },
): void {
  if (out.length === 0) return;
  const d = x.rows;
  tf.tidy(() => {
    let sums: tf.Tensor1D;
    if (d === 0) sums = tf.zeros([out.length]);
    else {
      const square = readMatrix({ ...x, cols: d });
      sums = zeroExtend(upperDiagonalSums(options.lower ? tf.transpose(square) : square), out.length);
    }
    writeVector(
      out,
      accumulate(sums, options.alpha, options.accumulate, () => readVector(out)),
    );
  });
}

/** One host read of a few scalars computed on the device. */
function readScalars(compute: () => tf.Tensor): Float32Array {
  const result = tf.tidy(compute);
  try {
    return result.dataSync() as Float32Array;
  } finally {
    result.dispose();
  }
}

/** `tfjs` kernel: `Σ_i x_i` (reduced on the device in its float32 arithmetic; one scalar read). */
export function sum(x: VectorView): number {
  if (x.length === 0) return 0;
  return readScalars(() => tf.sum(readVector(x)))[0]!;
}

/** `tfjs` kernel: `Σ_i x_i²` (squares and sum on the device; one scalar read). */
export function sumSquares(x: VectorView): number {
  if (x.length === 0) return 0;
  return readScalars(() => tf.sum(tf.square(readVector(x))))[0]!;
}

/** `tfjs` kernel: `max_i |x_i|`, NaN if any entry is NaN (tfjs's `max` skips NaN, so NaNs are counted apart). */
export function maxAbs(x: VectorView): number {
  if (x.length === 0) return 0;
  const [best, nans] = readScalars(() => {
    const v = readVector(x);
    return tf.stack([tf.max(tf.abs(v)), tf.sum(tf.cast(tf.isNaN(v), 'float32'))]);
  });
  return nans! > 0 ? Number.NaN : best!;
}
