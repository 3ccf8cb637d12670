import type { GemmOptions, MatrixView } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { matMul } from './matmul.js';
import { readMatrices, writeMatrices } from './views.js';

/**
 * `tfjs` kernel `gemm`: `out ← alpha·op(a)·op(b) + beta·out`, optionally batched, as one
 * (batched) `tf.matMul` (XNNPACK on wasm, a shader on WebGL; see {@link matMul}). Batch
 * items are gathered into one `count × rows × cols` tensor per operand (a reshape when the
 * items are stacked rows, an index gather otherwise). `beta = 0` never reads `out`, so NaN
 * there does not propagate. Cost O(m·k·n) per batch item.
 */
export function gemm(out: MatrixView, a: MatrixView, b: MatrixView, options: GemmOptions): void {
  const batch = options.batch ?? { count: 1, strideOut: 0, strideA: 0, strideB: 0 };
  const m = out.rows;
  const n = out.cols;
  if (m === 0 || n === 0 || batch.count === 0) return;
  const k = options.transposeA ? a.rows : a.cols;
  tf.tidy(() => {
    let result: tf.Tensor;
    if (k === 0 || options.alpha === 0) {
      result = tf.zeros([batch.count, m, n]);
    } else {
      const as = readMatrices(a, batch.count, batch.strideA);
      const bs = readMatrices(b, batch.count, batch.strideB);
      result = matMul(as, bs, options.transposeA, options.transposeB);
      if (options.alpha !== 1) result = tf.mul(result, options.alpha);
    }
    if (options.beta !== 0) {
      result = tf.add(result, tf.mul(readMatrices(out, batch.count, batch.strideOut), options.beta));
    }
    writeMatrices(out, batch.count, batch.strideOut, result);
  });
}
