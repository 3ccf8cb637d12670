import * as tf from '@tensorflow/tfjs';

function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, x.rank === 2 ? [1, 0] : [0, 2, 1]);
}

/**
 * `tf.matMul(a, b, transposeA, transposeB)` for 2-D or batched 3-D operands. On tfjs's `wasm`
 * backend a transposed operand is transposed explicitly first: its matMul with transpose
 * flags is several times slower than a transpose followed by the plain product (measured with
 * tfjs 4.22). Other backends get the flags. Cost O(m·k·n) (+ O(size) per explicit transpose).
 */
export function matMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if (tf.getBackend() !== 'wasm' || (!transposeA && !transposeB)) {
    return tf.matMul(a, b, transposeA, transposeB);
  }
  return tf.matMul(transposeA ? transposeLastTwo(a) : a, transposeB ? transposeLastTwo(b) : b);
}
