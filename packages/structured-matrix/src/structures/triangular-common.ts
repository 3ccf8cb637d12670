import type { DType } from '@singd/half';
import type { Backend } from '../backend/backend.js';
import type { DeviceBuffer, VectorView } from '../backend/buffer.js';
import { shapeText } from '../errors.js';
import { DenseMatrix } from './dense.js';
import { type DiagonalSegment, StructuredMatrix } from './structured-matrix.js';

/** The kinds of the two general triangular structures. */
export type TriangularKind = 'lower-triangular' | 'upper-triangular';

/** `d(d+1)/2`: the stored entries of a triangle of order d. */
export function packedSize(d: number): number {
  return (d * (d + 1)) / 2;
}

/**
 * Where row i of a triangle of order d starts in the packed-by-rows layout of the kernels
 * (`Kernels.packedTriangularMatmul`): lower row i holds `L_i0 … L_ii` from `i(i+1)/2` on, upper
 * row i holds `U_ii … U_i,d−1` from `i·d − i(i−1)/2` on.
 */
export function packedRowStart(lower: boolean, d: number, i: number): number {
  return lower ? (i * (i + 1)) / 2 : i * d - (i * (i - 1)) / 2;
}

/**
 * Row i, columns `[col0, col0 + length)`, of `op(A)` for a square dense `A` as a strided vector:
 * a contiguous run of row i of `A`, or (`transposed`) a run of column i with stride d.
 */
function rowOf(a: DenseMatrix, i: number, col0: number, length: number, transposed: boolean): VectorView {
  const d = a.cols;
  return transposed
    ? { buffer: a.storage, offset: col0 * d + i, length, stride: d }
    : { buffer: a.storage, offset: i * d + col0, length, stride: 1 };
}

/**
 * `out ← (accumulate ? out : 0) + triangle of op(A)` in packed storage, one `axpby` per row
 * (O(d) kernel calls of O(d) each, O(d²) in all). With `offDiagonalOnly` the diagonal entries
 * are left untouched.
 */
function packTriangle(
  out: DeviceBuffer,
  a: DenseMatrix,
  options: { lower: boolean; transposed: boolean; accumulate: boolean; offDiagonalOnly: boolean },
): void {
  const d = a.rows;
  const { lower, transposed, accumulate, offDiagonalOnly } = options;
  for (let i = 0; i < d; i++) {
    let start = packedRowStart(lower, d, i);
    let col0 = lower ? 0 : i;
    let length = lower ? i + 1 : d - i;
    if (offDiagonalOnly) {
      length -= 1;
      // Lower rows end with the diagonal entry, upper rows start with it.
      if (!lower) {
        start += 1;
        col0 += 1;
      }
    }
    if (length === 0) continue;
    a.backend.kernels.axpby(
      { buffer: out, offset: start, length, stride: 1 },
      rowOf(a, i, col0, length, transposed),
      1,
      accumulate ? 1 : 0,
    );
  }
}

/**
 * The packed triangle of `Π(M)` (spec §3.2) for a square `M`: `M_ii` on the diagonal and
 * `M_ij + M_ji` off it (the factor-2 rule: each free entry's mirror is structurally zero).
 * Two `axpby` per row: O(d²) time, O(d) kernel calls.
 */
export function projectPacked(symmetric: DenseMatrix, lower: boolean): DeviceBuffer {
  const out = symmetric.backend.allocate(symmetric.dtype, packedSize(symmetric.rows));
  packTriangle(out, symmetric, { lower, transposed: false, accumulate: false, offDiagonalOnly: false });
  packTriangle(out, symmetric, { lower, transposed: true, accumulate: true, offDiagonalOnly: true });
  return out;
}

/**
 * The packed triangle of `Π(X Xᵀ)` for a dense `X` (d × n): diagonal `Σ_n X_in²`, off-diagonal
 * `2·Σ_n X_in X_jn`. One `packedGram`, O(n·d²/2).
 */
export function packedGramOf(x: DenseMatrix, lower: boolean): DeviceBuffer {
  const out = x.backend.allocate(x.dtype, packedSize(x.rows));
  x.backend.kernels.packedGram({ buffer: out, offset: 0, length: out.length, stride: 1 }, x.view(), {
    lower,
    offDiagonalScale: 2,
  });
  return out;
}

function wholePacked(buffer: DeviceBuffer): VectorView {
  return { buffer, offset: 0, length: buffer.length, stride: 1 };
}

/**
 * The common part of `LowerTriangularMatrix` and `UpperTriangularMatrix`: a general triangular
 * matrix whose d(d+1)/2 free entries are stored packed row by row (the kernels' layout, see
 * {@link packedRowStart}).
 *
 * - `Π(M)`: `M_ii` on the diagonal, `M_ij + M_ji` on the free off-diagonal entries; O(d²).
 * - `S·X`, `Sᵀ·X`: one `packedTriangularMatmul`, O(n·d²/2).
 * - product: one `packedTriangularProduct`, O(d³/6) (triangles of one orientation are closed).
 * - `fromInner(X)`: `Σ = SᵀX` (d × n), then `packedGram(Σ)` with off-diagonal scale 2, O(n·d²);
 *   `fromInner()`: `packedTransposedGram` with off-diagonal scale 2, O(d³/6).
 * - `averageTrace`, `addIdentity`: the d diagonal entries are not equally strided in the packed
 *   layout, so they are visited one by one (d kernel calls of O(1)).
 * - `‖S‖_F`, `maxAbsEntry`: over the stored entries, O(d²).
 */
export abstract class PackedTriangularMatrix<K extends TriangularKind> extends StructuredMatrix<K> {
  /** Whether the free triangle is the lower one (`i ≥ j`) or the upper one (`i ≤ j`). */
  abstract readonly lower: boolean;

  protected constructor(d: number, storage: DeviceBuffer) {
    if (storage.length !== packedSize(d)) {
      throw new RangeError(
        `a ${shapeText(d, d)} triangular matrix stores d(d+1)/2 = ${packedSize(d)} entries; got ${storage.length}`,
      );
    }
    super(d, d, storage);
  }

  /** The dense d × d representative: each packed row copied into its row, one `axpby` per row. O(d²). */
  toDense(): DenseMatrix {
    const d = this.size;
    const dense = DenseMatrix.zeros(d, d, this.dtype, this.backend);
    for (let i = 0; i < d; i++) {
      const col0 = this.lower ? 0 : i;
      const length = this.lower ? i + 1 : d - i;
      this.kernels.axpby(
        { buffer: dense.storage, offset: i * d + col0, length, stride: 1 },
        { buffer: this.storage, offset: packedRowStart(this.lower, d, i), length, stride: 1 },
        1,
        0,
      );
    }
    return dense;
  }

  /**
   * `Π(Sᵀ X Xᵀ S)` for a dense `X` (d × n): `Σ = SᵀX`, then the packed triangle of `Σ Σᵀ` with
   * doubled off-diagonal entries; O(n·d²). Without `X`, `Π(SᵀS)` by `packedTransposedGram`, O(d³/6).
   * @throws TypeError for a non-dense `X` or a dtype/backend mismatch; RangeError unless X has d rows.
   */
  fromInner(x?: DenseMatrix): this {
    const out = this.backend.allocate(this.dtype, this.storage.length);
    if (x === undefined) {
      this.kernels.packedTransposedGram(wholePacked(out), wholePacked(this.storage), {
        lower: this.lower,
        offDiagonalScale: 2,
      });
      return this.withStorage(out);
    }
    if (x.kind !== 'dense')
      throw new TypeError(`fromInner: X must be a dense matrix; got a ${x.kind} matrix`);
    this.checkCompatible(x, 'fromInner');
    if (x.rows !== this.size) {
      throw new RangeError(
        `fromInner: X must have ${this.size} rows for a ${shapeText(this.rows, this.cols)} ${this.kind} matrix; got ${shapeText(x.rows, x.cols)}`,
      );
    }
    const s = this.multiplyDense(x, true);
    this.kernels.packedGram(wholePacked(out), s.view(), { lower: this.lower, offDiagonalScale: 2 });
    this.backend.dispose(s.storage);
    return this.withStorage(out);
  }

  /**
   * The packed storage of `Sᵀ` (the opposite orientation): row i of `Sᵀ` is column i of `S`,
   * read from a dense temporary (its columns are strided vectors; packed columns are not).
   * O(d²) time and memory, 2d kernel calls.
   */
  protected transposedStorage(): DeviceBuffer {
    const dense = this.toDense();
    const out = this.backend.allocate(this.dtype, this.storage.length);
    packTriangle(out, dense, {
      lower: !this.lower,
      transposed: true,
      accumulate: false,
      offDiagonalOnly: false,
    });
    this.backend.dispose(dense.storage);
    return out;
  }

  protected multiplyDense(x: DenseMatrix, transpose: boolean): DenseMatrix {
    const result = DenseMatrix.zeros(x.rows, x.cols, this.dtype, this.backend);
    this.kernels.packedTriangularMatmul(result.view(), wholePacked(this.storage), x.view(), {
      lower: this.lower,
      transpose,
    });
    return result;
  }

  protected multiplySame(other: this): this {
    const result = this.backend.allocate(this.dtype, this.storage.length);
    this.kernels.packedTriangularProduct(
      wholePacked(result),
      wholePacked(this.storage),
      wholePacked(other.storage),
      {
        lower: this.lower,
      },
    );
    return this.withStorage(result);
  }

  /** One length-1 segment per diagonal entry (at `i(i+3)/2` lower, at the row start upper). */
  protected diagonalSegments(): readonly DiagonalSegment[] {
    const d = this.size;
    const segments: DiagonalSegment[] = [];
    for (let i = 0; i < d; i++) {
      const offset = packedRowStart(this.lower, d, i) + (this.lower ? i : 0);
      segments.push({ view: { buffer: this.storage, offset, length: 1, stride: 1 }, multiplicity: 1 });
    }
    return segments;
  }
}

/**
 * The identity of order d in packed storage (1 at each diagonal position, uploaded once from
 * host constants). O(d²).
 */
export function packedIdentity(backend: Backend, dtype: DType, d: number, lower: boolean): DeviceBuffer {
  const values = new Float64Array(packedSize(d));
  for (let i = 0; i < d; i++) values[packedRowStart(lower, d, i) + (lower ? i : 0)] = 1;
  return backend.upload(dtype, values);
}
