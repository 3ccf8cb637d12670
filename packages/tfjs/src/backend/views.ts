import type { MatrixView, VectorView } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { asTfjsBuffer } from './tfjs-buffer.js';

/**
 * Reading and writing the strided views of the kernel interface on 1-D tensors, with tensor
 * ops only (element values never pass through the host; only integer index tables and masks
 * are built there). Call inside `tf.tidy`: intermediates are left to the enclosing scope. A
 * write builds the buffer's whole next tensor and replaces the old one, so every write costs
 * O(buffer length) memory traffic on top of O(view size).
 */

/** `count` matrices `rows × cols` at `offset + item·batchStride`, rows `rowStride` apart. */
interface BatchGeometry {
  readonly offset: number;
  readonly count: number;
  readonly batchStride: number;
  readonly rows: number;
  readonly cols: number;
  readonly rowStride: number;
}

/** Whether the geometry is one run of consecutive elements (then a slice reads it). */
function isContiguous(view: BatchGeometry): boolean {
  const rowsContiguous = view.rows <= 1 || view.cols === view.rowStride;
  return rowsContiguous && (view.count <= 1 || view.batchStride === view.rows * view.cols);
}

/** `t` with `[offset, offset + region.size)` replaced by `region`. */
function spliceRegion(t: tf.Tensor1D, offset: number, region: tf.Tensor1D): tf.Tensor1D {
  const end = offset + region.size;
  const parts: tf.Tensor1D[] = [];
  if (offset > 0) parts.push(tf.slice(t, [0], [offset]));
  parts.push(region);
  if (end < t.size) parts.push(tf.slice(t, [end], [t.size - end]));
  return parts.length === 1 ? region : tf.concat(parts);
}

/** Host-computed flat indices of every element of a geometry, in (item, row, col) order. */
function flatIndices(view: BatchGeometry): Int32Array {
  const indices = new Int32Array(view.count * view.rows * view.cols);
  let n = 0;
  for (let item = 0; item < view.count; item++) {
    for (let i = 0; i < view.rows; i++) {
      const row = view.offset + item * view.batchStride + i * view.rowStride;
      for (let j = 0; j < view.cols; j++) indices[n++] = row + j;
    }
  }
  return indices;
}

/**
 * The elements of a geometry as a flat tensor in (item, row, col) order: a slice when they are
 * consecutive, otherwise one `tf.gather` with host-computed indices (integer positions only;
 * a 2-D `tf.slice` of a strided window is an order of magnitude slower on tfjs's cpu backend).
 */
function gatherFlat(t: tf.Tensor1D, view: BatchGeometry): tf.Tensor1D {
  const size = view.count * view.rows * view.cols;
  if (isContiguous(view)) return tf.slice(t, [view.offset], [size]);
  return tf.gather(t, tf.tensor1d(flatIndices(view), 'int32'));
}

/**
 * `t` with the elements of a geometry replaced by `values` (in (item, row, col) order): a
 * splice when they are consecutive, otherwise `where(mask, scatterND(values), t)` (the mask is
 * built on the host from the indices, so entries outside the view are kept exactly, NaN too).
 */
function scatterFlat(t: tf.Tensor1D, view: BatchGeometry, values: tf.Tensor): tf.Tensor1D {
  const size = view.count * view.rows * view.cols;
  if (isContiguous(view)) return spliceRegion(t, view.offset, values.reshape([size]));
  const indices = flatIndices(view);
  const mask = new Uint8Array(t.size);
  for (const index of indices) mask[index] = 1;
  const scattered = tf.scatterND(tf.tensor2d(indices, [size, 1], 'int32'), values.reshape([size]), [
    t.size,
  ]) as tf.Tensor1D;
  return tf.where(tf.tensor1d(mask, 'bool'), scattered, t);
}

function matrixGeometry(view: MatrixView, count = 1, batchStride = 0): BatchGeometry {
  return {
    offset: view.offset,
    count,
    batchStride,
    rows: view.rows,
    cols: view.cols,
    rowStride: view.rowStride,
  };
}

function vectorGeometry(view: VectorView): BatchGeometry {
  return {
    offset: view.offset,
    count: 1,
    batchStride: 0,
    rows: view.length,
    cols: 1,
    rowStride: view.stride,
  };
}

/** The elements of a matrix view as a `rows × cols` tensor. */
export function readMatrix(view: MatrixView): tf.Tensor2D {
  return gatherFlat(asTfjsBuffer(view.buffer).tensor, matrixGeometry(view)).as2D(view.rows, view.cols);
}

/** The elements of `count` matrix views `stride` elements apart as a `count × rows × cols` tensor. */
export function readMatrices(view: MatrixView, count: number, stride: number): tf.Tensor3D {
  return gatherFlat(asTfjsBuffer(view.buffer).tensor, matrixGeometry(view, count, stride)).as3D(
    count,
    view.rows,
    view.cols,
  );
}

/** The elements of a vector view as a 1-D tensor. */
export function readVector(view: VectorView): tf.Tensor1D {
  return gatherFlat(asTfjsBuffer(view.buffer).tensor, vectorGeometry(view));
}

/** Writes `values` (`rows × cols` elements) into a matrix view of its buffer. */
export function writeMatrix(view: MatrixView, values: tf.Tensor): void {
  writeMatrices(view, 1, 0, values);
}

/** Writes `values` (`count × rows × cols` elements) into `count` matrix views `stride` elements apart. */
export function writeMatrices(view: MatrixView, count: number, stride: number, values: tf.Tensor): void {
  if (view.rows === 0 || view.cols === 0 || count === 0) return;
  const buffer = asTfjsBuffer(view.buffer);
  buffer.replace(scatterFlat(buffer.tensor, matrixGeometry(view, count, stride), values));
}

/** Writes `values` (`length` elements) into a vector view of its buffer. */
export function writeVector(view: VectorView, values: tf.Tensor): void {
  if (view.length === 0) return;
  const buffer = asTfjsBuffer(view.buffer);
  buffer.replace(scatterFlat(buffer.tensor, vectorGeometry(view), values));
}

/** `alpha·value (+ current)`: the result of an accumulating kernel, given the view's current contents lazily. */
export function accumulate(
  value: tf.Tensor,
  alpha: number,
  accumulateInto: boolean,
  current: () => tf.Tensor,
): tf.Tensor {
  const scaled = alpha === 1 ? value : tf.mul(value, alpha);
  return accumulateInto ? tf.add(current(), scaled) : scaled;
}
