/**
 * Differentiable rewrites of `tf.conv2d` for the cases TensorFlow.js 4.22 cannot differentiate
 * itself: dilated convolutions (no gradient at all) and convolutions on backends without a
 * `Conv2DBackpropFilter` kernel (`wasm`).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { samePadding } from './conv-padding.js';

/**
 * The Conv2D kernel `[kh, kw, cin, cout]` with `dilation − 1` zero rows/columns between its taps,
 * `[(kh−1)·q1 + 1, (kw−1)·q2 + 1, cin, cout]`: a convolution with it (dilation 1) equals the
 * dilated convolution, and unlike tfjs's dilated conv2d it has gradients. Built from reshape,
 * pad and slice (all differentiable). Cost O(size of the dilated kernel).
 */
export function dilatedKernel(kernel: tf.Tensor4D, dilation: readonly [number, number]): tf.Tensor4D {
  const [q1, q2] = dilation;
  if (q1 === 1 && q2 === 1) return kernel;
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = kernel.shape;
    const spread = tf.pad(tf.reshape(kernel, [kh, 1, kw, 1, cin, cout]), [
      [0, 0],
      [0, q1 - 1],
      [0, 0],
      [0, q2 - 1],
      [0, 0],
      [0, 0],
    ]);
    const flat = tf.reshape(spread, [kh * q1, kw * q2, cin, cout]);
    return tf.slice(flat, [0, 0, 0, 0], [(kh - 1) * q1 + 1, (kw - 1) * q2 + 1, cin, cout]) as tf.Tensor4D;
  });
}

/** Rows `0, s, 2s, …` of `x` along `axis` (1 or 2), `count` of them, by pad/reshape/slice (all differentiable). */
function subsample(x: tf.Tensor, axis: 1 | 2, stride: number, count: number): tf.Tensor {
  if (stride === 1) return x;
  const length = x.shape[axis]!;
  const want = count * stride;
  const padding: [number, number][] = x.shape.map(() => [0, 0]);
  padding[axis] = [0, Math.max(0, want - length)];
  let y = tf.pad(x, padding);
  if (length > want)
    y = tf.slice(
      y,
      x.shape.map(() => 0),
      x.shape.map((size, k) => (k === axis ? want : size!)),
    );
  const shape = [...y.shape];
  const split = [...shape.slice(0, axis), count, stride, ...shape.slice(axis + 1)];
  const begin = split.map(() => 0);
  const size = split.map((v, k) => (k === axis + 1 ? 1 : v));
  return tf.reshape(tf.slice(tf.reshape(y, split), begin, size), [
    ...shape.slice(0, axis),
    count,
    ...shape.slice(axis + 1),
  ]);
}

/**
 * `tf.conv2d(x, kernel, strides, padding)` (NHWC, dilation 1) computed as a stride-1 'valid'
 * `tf.conv3d` of depth 1 on the explicitly padded input, subsampled by the strides. For backends
 * without a conv2d filter gradient; tfjs-wasm 4.22's conv3d gradients are wrong for strides > 1,
 * hence stride 1 and the subsampling (`s1·s2` times the arithmetic of the strided convolution).
 */
export function conv2dViaConv3d(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: readonly [number, number],
  padding: 'valid' | 'same',
): tf.Tensor {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const [kh, kw] = kernel.shape;
    const [s1, s2] = strides;
    let input: tf.Tensor4D = x;
    if (padding === 'same') {
      input = tf.pad(x, [[0, 0], samePadding(h, kh, s1, 1), samePadding(w, kw, s2, 1), [0, 0]]);
    }
    const [, hp, wp] = input.shape;
    const o1 = Math.floor((hp - kh) / s1) + 1;
    const o2 = Math.floor((wp - kw) / s2) + 1;
    const full = tf.squeeze(
      tf.conv3d(
        tf.expandDims(input, 1) as tf.Tensor5D,
        tf.expandDims(kernel, 0) as tf.Tensor5D,
        1,
        'valid',
        'NDHWC',
      ),
      [1],
    );
    return subsample(subsample(full, 1, s1, o1), 2, s2, o2);
  });
}

/**
 * Whether the active backend can differentiate `tf.conv2d` with respect to its filter. The
 * `wasm` backend of tfjs 4.22 has no `Conv2DBackpropFilter` kernel (so tfjs cannot train a
 * Conv2D there by itself); the rewritten forward pass then computes the convolution with
 * {@link conv2dViaConv3d}, whose filter gradient (`Conv3DBackpropFilterV2`) it has. Cost O(1).
 */
export function backendDifferentiatesConv2dFilter(): boolean {
  return tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined;
}
