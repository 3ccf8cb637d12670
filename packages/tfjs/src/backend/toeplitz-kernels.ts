import type { MatrixView, VectorView } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { upperDiagonalSums, zeroExtend } from './elementwise-kernels.js';
import { matMul } from './matmul.js';
import { readMatrix, readVector, writeMatrix, writeVector } from './views.js';

/**
 * The triangular Toeplitz kernels of the `tfjs` backend. Unlike the `cpu` backend (FFT,
 * O(n·d·log d)), they form the d × d Toeplitz matrix on the device (O(d²) memory, no host
 * index) and use one `tf.matMul`, O(n·d²): a dense product maps onto XNNPACK and GPU shaders,
 * its round-off is that of a direct sum, and d is a layer width (hundreds to a few thousands).
 */

/**
 * The lower triangular Toeplitz matrix `L_ij = t_{i−j}` (i ≥ j) of coefficients `t` (length d):
 * `v = [t_{d−1}, …, t_0, 0, …, 0]` (2d entries) tiled d times and read with row stride 2d − 1
 * puts `v[d−1−i+j] = t_{i−j}` (or 0 above the diagonal) at (i, j).
 */
export function lowerToeplitz(t: tf.Tensor1D): tf.Tensor2D {
  const d = t.size;
  const v = tf.concat([tf.reverse(t), tf.zeros([d])]);
  // d copies of v by a broadcasting add (tfjs-wasm's `tile` is several times slower).
  const tiled = tf.add(tf.zeros([d, 1]), v.reshape([1, 2 * d])).reshape([2 * d * d]);
  const window = tf.slice(tiled, [d - 1], [d * (2 * d - 1)]).as2D(d, 2 * d - 1);
  return tf.slice(window, [0, 0], [d, d]).as2D(d, d);
}

/** `tfjs` kernel: `out ← T·x` for a lower (`T_ij = t_{i−j}`) or upper (`T_ij = t_{j−i}`) triangular Toeplitz `T`. O(n·d²). */
export function toeplitzMatmul(
  out: MatrixView,
  t: VectorView,
  x: MatrixView,
  options: { readonly lower: boolean },
): void {
  const d = x.rows;
  const n = x.cols;
  if (d === 0 || n === 0) return;
  tf.tidy(() => {
    const lower = lowerToeplitz(readVector({ ...t, length: d }));
    // The upper Toeplitz matrix with the same coefficients is the transpose of the lower one.
    writeMatrix({ ...out, rows: d, cols: n }, matMul(lower, readMatrix(x), !options.lower, false));
  });
}

/** `tfjs` kernel: truncated convolution `out_i ← Σ_{j≤i} a_j·b_{i−j}`, i < d, as `L(b)·a`. O(d²). */
export function toeplitzProduct(out: VectorView, a: VectorView, b: VectorView): void {
  const d = out.length;
  if (d === 0) return;
  tf.tidy(() => {
    const lower = lowerToeplitz(readVector({ ...b, length: d }));
    const column = readVector({ ...a, length: d }).reshape([d, 1]);
    writeVector(out, matMul(lower, column));
  });
}

/**
 * `tfjs` kernel: `out_k ← alpha·Σ_j Σ_i x_{i,j}·x_{i+k,j}`, the diagonal sums of the Gram
 * matrix `X·Xᵀ` (one `tf.matMul`). O(n·d²).
 */
export function columnAutocorrelations(
  out: VectorView,
  x: MatrixView,
  options: { readonly alpha: number },
): void {
  const lags = out.length;
  if (lags === 0) return;
  const d = x.rows;
  tf.tidy(() => {
    let sums: tf.Tensor1D;
    if (d === 0 || x.cols === 0) sums = tf.zeros([lags]);
    else {
      const xs = readMatrix(x);
      sums = zeroExtend(upperDiagonalSums(matMul(xs, xs, false, true).as2D(d, d)), lags);
    }
    writeVector(out, options.alpha === 1 ? sums : tf.mul(sums, options.alpha));
  });
}
