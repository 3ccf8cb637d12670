import { DenseMatrix, type StructuredMatrix } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { registerTfjsBackend } from './tfjs-backend.js';
import { TfjsBuffer } from './tfjs-buffer.js';

/**
 * A dense matrix on the `tfjs` backend holding a copy of a 2-D tensor (cast to float32),
 * without a round trip through the host: the tensor is cloned on the device, and the caller
 * keeps ownership of `tensor`. Registers the `tfjs` backend if needed. Cost O(1) (tensors are
 * copy-on-write) plus a cast for non-float32 tensors.
 *
 * @example
 * ```ts
 * const x = matrixFromTensor(tf.tensor2d([[1, 2], [3, 4]]));
 * x.toRows(); // [[1, 2], [3, 4]]
 * ```
 * @throws RangeError unless `tensor` has rank 2.
 */
export function matrixFromTensor(tensor: tf.Tensor): DenseMatrix {
  if (tensor.rank !== 2) {
    throw new RangeError(`tensor must have rank 2 (rows × cols); got shape [${tensor.shape.join(', ')}]`);
  }
  registerTfjsBackend();
  const [rows, cols] = tensor.shape as [number, number];
  const flat = tf.tidy(
    () =>
      tf
        .cast(tensor, 'float32')
        .reshape([rows * cols])
        .clone() as tf.Tensor1D,
  );
  return new DenseMatrix(rows, cols, new TfjsBuffer(flat));
}

/**
 * The dense representative of a structured matrix as a new `rows × cols` float32 tensor, owned
 * by the caller (dispose it). For a float32 matrix of the `tfjs` backend the data never leave
 * the device; other matrices are read to the host and uploaded. Cost O(d²) for a structure
 * (its `toDense()`), O(1) for a dense tfjs matrix.
 */
export function tensorFromMatrix(matrix: StructuredMatrix): tf.Tensor2D {
  if (matrix.kind === 'dense' && matrix.storage instanceof TfjsBuffer) {
    const storage = matrix.storage;
    return tf.tidy(() => storage.tensor.reshape([matrix.rows, matrix.cols]).clone() as tf.Tensor2D);
  }
  const dense = matrix.toDense();
  try {
    const storage = dense.storage;
    if (storage instanceof TfjsBuffer) {
      return tf.tidy(() => storage.tensor.reshape([dense.rows, dense.cols]).clone() as tf.Tensor2D);
    }
    return tf.tensor2d(Float32Array.from(dense.toFloat64Array()), [dense.rows, dense.cols]);
  } finally {
    if (dense !== matrix) dense.backend.dispose(dense.storage);
  }
}
