import type { MatrixView, VectorView } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { matMul } from './matmul.js';
import { readMatrix, readVector, writeMatrix, writeVector } from './views.js';

/**
 * The packed triangular kernels of the `tfjs` backend. A triangle of order d is stored packed
 * row by row (lower: row i holds `L_i0 … L_ii`; upper: row i holds `U_ii … U_i,d−1`). Each
 * kernel unpacks to a d × d tensor with one gather, multiplies with `tf.matMul`, and packs the
 * result with one gather; the gather indices are host-side integer tables cached per (d,
 * orientation), never element values.
 */

/** Position of entry (i, j) of a packed triangle of order d. */
function packedIndex(lower: boolean, d: number, i: number, j: number): number {
  return lower ? (i * (i + 1)) / 2 + j : i * d - (i * (i - 1)) / 2 + (j - i);
}

/** Order d of a packed triangle with `d(d+1)/2` entries. */
function packedOrder(length: number): number {
  return Math.round((Math.sqrt(8 * length + 1) - 1) / 2);
}

interface PackingTables {
  /** For each dense entry (row-major), its packed position, or `d(d+1)/2` (an appended zero) outside the triangle. */
  readonly unpack: Int32Array;
  /** For each packed position, its dense row-major index. */
  readonly pack: Int32Array;
}

const tables = new Map<string, PackingTables>();

function packingTables(lower: boolean, d: number): PackingTables {
  const key = `${lower ? 'L' : 'U'}${d}`;
  let cached = tables.get(key);
  if (cached === undefined) {
    const size = (d * (d + 1)) / 2;
    const unpack = new Int32Array(d * d).fill(size);
    const pack = new Int32Array(size);
    for (let i = 0; i < d; i++) {
      for (let j = lower ? 0 : i; j <= (lower ? i : d - 1); j++) {
        const p = packedIndex(lower, d, i, j);
        unpack[i * d + j] = p;
        pack[p] = i * d + j;
      }
    }
    cached = { unpack, pack };
    if (tables.size > 64) tables.clear();
    tables.set(key, cached);
  }
  return cached;
}

/** The d × d triangular matrix of a packed triangle. */
function unpack(packed: tf.Tensor1D, lower: boolean, d: number): tf.Tensor2D {
  const withZero = tf.concat([packed, tf.zeros([1])]);
  return tf.gather(withZero, tf.tensor1d(packingTables(lower, d).unpack, 'int32')).as2D(d, d);
}

/** The packed triangle of a d × d matrix. */
function pack(dense: tf.Tensor2D, lower: boolean): tf.Tensor1D {
  const d = dense.shape[0];
  return tf.gather(dense.reshape([d * d]), tf.tensor1d(packingTables(lower, d).pack, 'int32')).as1D();
}

/** `s ⊙ g` with `s_ii = 1`, `s_ij = offDiagonalScale`. */
function scaleOffDiagonal(g: tf.Tensor2D, offDiagonalScale: number): tf.Tensor2D {
  if (offDiagonalScale === 1) return g;
  const d = g.shape[0];
  const scale = tf.add(tf.mul(tf.eye(d), 1 - offDiagonalScale), offDiagonalScale);
  return tf.mul(g, scale);
}

/** `tfjs` kernel: `out ← op(L)·x` for a packed triangular L of order d. O(n·d²). */
export function packedTriangularMatmul(
  out: MatrixView,
  packed: VectorView,
  x: MatrixView,
  options: { readonly lower: boolean; readonly transpose: boolean },
): void {
  const d = x.rows;
  if (d === 0 || x.cols === 0) return;
  tf.tidy(() => {
    const l = unpack(readVector(packed), options.lower, d);
    writeMatrix({ ...out, rows: d, cols: x.cols }, matMul(l, readMatrix(x), options.transpose, false));
  });
}

/** `tfjs` kernel: `out ← a·b` for packed triangular a, b of order d (same orientation). O(d³). */
export function packedTriangularProduct(
  out: VectorView,
  a: VectorView,
  b: VectorView,
  options: { readonly lower: boolean },
): void {
  if (out.length === 0) return;
  const d = packedOrder(out.length);
  tf.tidy(() => {
    const product = tf
      .matMul(
        unpack(readVector({ ...a, length: out.length }), options.lower, d),
        unpack(readVector({ ...b, length: out.length }), options.lower, d),
      )
      .as2D(d, d);
    writeVector(out, pack(product, options.lower));
  });
}

/** `tfjs` kernel: packed triangle of `s ⊙ (x·xᵀ)` for x of d rows. O(n·d²). */
export function packedGram(
  out: VectorView,
  x: MatrixView,
  options: { readonly lower: boolean; readonly offDiagonalScale: number },
): void {
  const d = x.rows;
  if (d === 0) return;
  tf.tidy(() => {
    const xs = readMatrix(x);
    const gram = x.cols === 0 ? tf.zeros<tf.Rank.R2>([d, d]) : matMul(xs, xs, false, true).as2D(d, d);
    writeVector(
      { ...out, length: (d * (d + 1)) / 2 },
      pack(scaleOffDiagonal(gram, options.offDiagonalScale), options.lower),
    );
  });
}

/** `tfjs` kernel: packed triangle of `s ⊙ (LᵀL)` for a packed triangular L of order d. O(d³). */
export function packedTransposedGram(
  out: VectorView,
  packed: VectorView,
  options: { readonly lower: boolean; readonly offDiagonalScale: number },
): void {
  if (packed.length === 0) return;
  const d = packedOrder(packed.length);
  tf.tidy(() => {
    const l = unpack(readVector(packed), options.lower, d);
    const gram = matMul(l, l, true, false).as2D(d, d);
    writeVector(
      { ...out, length: packed.length },
      pack(scaleOffDiagonal(gram, options.offDiagonalScale), options.lower),
    );
  });
}
